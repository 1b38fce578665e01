"""One open rule file as the language server sees it after an edit: every diagnostic
``leadrules check`` gives for it (syntax errors, checker errors, schema errors, the static
analysis' warnings and notes) and the trees the other features read.

The text goes through the library's own passes and nothing else: :func:`leadrules.compile`
(the parser, the checker and, with a schema, the schema check), then
:meth:`~leadrules.RuleSet.diagnostics`. When the text has syntax errors, the lines they are on
are blanked and the rest parsed again (by the same parser), so that the outline, the names
and go-to-definition keep working on the rest of the file while one line is being typed.
Nothing here knows the protocol: positions are the language's (see :mod:`.positions`).
"""

from __future__ import annotations

from typing import Any

import attrs

from ..errors import Diagnostic, LeadRulesError, RuleCheckError, RuleSyntaxError
from ..lang import ast
from ..lang.analysis import Analysis, summarize
from ..lang.parser import parse
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules

__all__ = ["Snapshot", "analyze_text"]

#: How many times lines with syntax errors are blanked and the text parsed again.
_SALVAGE_ROUNDS = 4
#: The backend the server compiles with: it only checks, and the reference evaluator compiles
#: without generating code.
_BACKEND = "reference"


@attrs.frozen(slots=True)
class Snapshot:
    """What is known of one version of a document.

    ``tree`` is the parsed file (after blanking lines with syntax errors, when there were
    any; None when even that does not parse); ``rules`` the compiled rules when the text has
    no errors; ``analysis`` their static analysis; ``broken_lines`` the 1-based lines that
    were blanked.
    """

    text: str
    diagnostics: tuple[Diagnostic, ...]
    tree: ast.RuleFile | None
    rules: RuleSet | None = None
    analysis: Analysis | None = None
    schema: Any = None
    broken_lines: frozenset[int] = frozenset()

    @property
    def definitions(self) -> tuple[ast.Define, ...]:
        """Every ``define`` of the (salvaged) tree, in source order."""
        if self.tree is None:
            return ()
        return tuple(s for s in self.tree.statements if isinstance(s, ast.Define))


def analyze_text(text: str, filename: str = "<rules>", schema: Any = None) -> Snapshot:
    """Check ``text`` as ``leadrules check`` does, and keep what the editor features need."""
    try:
        rules = compile_rules(text, schema=schema, filename=filename, backend=_BACKEND)
    except RuleCheckError as exc:  # parses, but does not check (or fit the schema)
        return Snapshot(text, exc.diagnostics, _parsed(text, filename), schema=schema)
    except RuleSyntaxError as exc:
        tree, broken = _salvage(text, filename, exc.diagnostics)
        return Snapshot(text, exc.diagnostics, tree, schema=schema, broken_lines=broken)
    except LeadRulesError as exc:  # an unusable schema, say: said at the top of the file
        return Snapshot(text, (Diagnostic(str(exc), filename, 1, 1),), None, schema=schema)
    analysis = summarize(rules, schema)
    return Snapshot(text, analysis.diagnostics, rules.tree, rules, analysis, schema)


def _parsed(text: str, filename: str) -> ast.RuleFile | None:
    try:
        return parse(text, filename)
    except RuleSyntaxError:  # pragma: no cover - compile() parsed it a moment ago
        return None


def _salvage(
    text: str, filename: str, errors: tuple[Diagnostic, ...]
) -> tuple[ast.RuleFile | None, frozenset[int]]:
    """The tree of ``text`` with the lines of ``errors`` blanked (line numbers and offsets stay
    the same: each character of a blanked line becomes a space), and the lines blanked."""
    lines = text.split("\n")
    broken: set[int] = set()
    for _ in range(_SALVAGE_ROUNDS):
        fresh = {d.line for d in errors if 1 <= d.line <= len(lines)} - broken
        if not fresh:
            break
        for number in fresh:
            lines[number - 1] = " " * len(lines[number - 1])
        broken |= fresh
        try:
            return parse("\n".join(lines), filename), frozenset(broken)
        except RuleSyntaxError as exc:
            errors = exc.diagnostics
    return None, frozenset(broken)
