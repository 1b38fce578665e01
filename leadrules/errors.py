"""Every exception leadrules raises derives from :class:`LeadRulesError`.

Errors about rule text carry the file name, the 1-based line and column, the offending line with
a caret under the spot, and a hint in plain words.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

__all__ = [
    "Diagnostic",
    "InvalidArgument",
    "LeadRulesError",
    "RuleCheckError",
    "RuleSyntaxError",
    "SchemaError",
    "source_lines",
]


class LeadRulesError(Exception):
    """The base class of every error leadrules raises."""


class InvalidArgument(LeadRulesError, TypeError):
    """A function was called with an argument of the wrong kind (for example ``now`` that is
    not a datetime). Also a :class:`TypeError`, so ordinary handlers still catch it."""


def source_lines(text: str) -> list[str]:
    """The lines of rule text as the parser counts them: split at ``\n`` only (not at the
    other characters ``str.splitlines`` breaks on, such as form feeds), without ``\r``."""
    return [line.removesuffix("\r") for line in text.split("\n")]


class _SpanLike(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...


#: The most characters of a source line a diagnostic shows (around the column).
_SHOWN = 160


@attrs.frozen(slots=True)
class Diagnostic:
    """One message about a place in a rule file."""

    message: str
    filename: str
    line: int
    column: int
    source_line: str = ""
    hint: str | None = None
    severity: str = "error"
    end_column: int | None = None

    @classmethod
    def at(
        cls,
        source: str,
        filename: str,
        span: _SpanLike,
        message: str,
        hint: str | None = None,
        severity: str = "error",
    ) -> Diagnostic:
        """A diagnostic about ``span`` of ``source``, showing its line with a caret under it
        (under the whole span when it is on one line)."""
        lines = source_lines(source)
        line = span.line or 1
        source_line = lines[line - 1] if 0 < line <= len(lines) else ""
        end = span.end_column if span.end_line == span.line else len(source_line) + 1
        return cls(
            message=message,
            filename=filename,
            line=line,
            column=span.column or 1,
            source_line=source_line,
            hint=hint,
            severity=severity,
            end_column=end,
        )

    def render(self) -> str:
        """``file:line:col: error: message``, the line, a caret, and the hint."""
        head = f"{self.filename}:{self.line}:{self.column}: {self.severity}: {self.message}"
        parts = [head]
        if self.source_line:
            text = self.source_line.rstrip("\r\n").expandtabs(1)
            column = self.column
            width = 1
            if self.end_column is not None and self.end_column > self.column:
                width = min(self.end_column - self.column, max(1, len(text) - self.column + 1))
            if len(text) > _SHOWN:  # a very long line: the part around the column
                start = max(0, column - 1 - _SHOWN // 4)
                shown = text[start : start + _SHOWN]
                before = "..." if start else ""
                after = "..." if start + _SHOWN < len(text) else ""
                text = before + shown + after
                column = column - start + len(before)
                width = max(1, min(width, len(shown) - (column - len(before)) + 1))
            parts.append(f"    {text}")
            parts.append("    " + " " * (column - 1) + "^" * width)
        if self.hint:
            parts.append(f"  hint: {self.hint}")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.render()


class RuleSyntaxError(LeadRulesError):
    """A mistake in rule text, at a position.

    ``filename``, ``line`` and ``column`` (1-based) describe the first mistake; ``diagnostics``
    lists every mistake found (several when a file has more than one). ``str()`` shows each with
    its line and a caret.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        if not diagnostics:
            raise ValueError("a RuleSyntaxError needs at least one diagnostic")
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        first = self.diagnostics[0]
        self.filename: str = first.filename
        self.line: int = first.line
        self.column: int = first.column
        self.message: str = first.message
        self.hint: str | None = first.hint
        super().__init__(self._render())

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return self.diagnostics

    def _render(self) -> str:
        if len(self.diagnostics) == 1:
            return self.diagnostics[0].render()
        head = f"{len(self.diagnostics)} problems in {self.filename}:"
        return head + "\n\n" + "\n\n".join(d.render() for d in self.diagnostics)

    def __str__(self) -> str:
        return self._render()


class RuleCheckError(RuleSyntaxError):
    """The rule text parses but does not make sense: a definition used before it is defined, a
    stage defined twice, an invalid regular expression, ..."""


class SchemaError(RuleCheckError):
    """The rules do not fit the schema they were compiled against: an unknown field, or an
    operation that does not suit the field's type."""
