"""How one generated rule file writes its tokens: keywords in the file's case, names in one
of the ways they can be written, text in either quote with escapes, numbers (with ``_``
between thousands now and then), dates and date-times, durations, points and safe regular
expressions.

:class:`Writer` holds one file's draw and case; ``_rules`` builds the file's conditions and
statements on top of it. Every choice draws an index from a small integer strategy, so a
file shrinks towards the first option of each choice.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..lang import ast
from ..lang.decimal_text import number_text
from ._keywords import render_forms
from ._values import UTC, slug
from ._vocab import RuleField

_T = TypeVar("_T")

_BOOLEANS = st.booleans()


@functools.lru_cache(maxsize=1024)
def _integers(low: int, high: int) -> SearchStrategy[int]:
    """``st.integers(low, high)``, kept here: a file draws a few hundred of them, and looking
    them up in Hypothesis' own cache of strategies takes longer."""
    return st.integers(low, high)


#: Words of job titles, for patterns about titles.
_TITLE_WORDS = ("chief", "vp", "head", "director", "founder", "manager", "intern", "student")


class Writer:
    """The tokens of one rule file, in its own keyword case."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.case = self.pick(("lower", "lower", "upper", "title", "mixed"))

    # ---- choices (an index drawn from a cached strategy: quick to draw, shrinks to the first)

    def integer(self, low: int, high: int) -> int:
        return self.draw(_integers(low, high))

    def boolean(self) -> bool:
        return self.draw(_BOOLEANS)

    def pick(self, options: Sequence[_T]) -> _T:
        if len(options) == 1:
            return options[0]
        return options[self.integer(0, len(options) - 1)]

    def shuffle(self, items: Sequence[_T]) -> list[_T]:
        rest = list(items)
        out = []
        while rest:
            out.append(rest.pop(self.integer(0, len(rest) - 1) if len(rest) > 1 else 0))
        return out

    def some(self, options: Sequence[_T], low: int, high: int) -> list[_T]:
        """Between ``low`` and ``high`` different items of ``options``."""
        count = min(self.integer(low, high), len(options))
        return self.shuffle(options)[:count]

    # ---- words

    def kw(self, text: str) -> str:
        case = self.case
        if case == "mixed":
            case = self.pick(("lower", "upper", "title"))
        if case == "upper":
            return text.upper()
        if case == "title":
            return text.title()
        return text

    def kws(self, text: str) -> str:
        """Keywords of several words (``is not``, ``starts with``), each cased as :meth:`kw`
        cases it."""
        return " ".join(self.kw(w) for w in text.split())

    def name(self, segments: tuple[str, ...]) -> str:
        parts = []
        for segment in segments:
            forms = render_forms(segment)
            form = self.pick(forms)
            if not form.startswith("`") and self.integer(0, 5) == 0:
                titled = form.title()  # names ignore case; keep it only if that holds here
                if ast.normalize_name(titled) == ast.normalize_name(form):
                    form = titled
            parts.append(form)
        return ".".join(parts)

    # ---- literals

    def string(self, text: str) -> str:
        quote = self.pick(('"', '"', "'"))
        out = []
        for ch in text:
            if ch == "\\":
                out.append("\\\\")
            elif ch == quote:
                out.append("\\" + quote)
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ch == "\r":
                out.append("\\r")
            elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ord(ch) < 0x10000:
                out.append(f"\\u{ord(ch):04x}")  # would break a line, or is invisible
            else:
                out.append(ch)
        return quote + "".join(out) + quote

    def any_text(self, pool: Sequence[str]) -> str:
        if self.integer(0, 7) == 0:
            return self.draw(st.text(min_size=1, max_size=12))
        return self.pick(pool)

    def number(self, value: Decimal) -> str:
        text = number_text(value)
        if "." not in text and abs(value) >= 10_000 and self.boolean():
            sign = "-" if text.startswith("-") else ""
            digits = text.lstrip("-")
            groups: list[str] = []
            while digits:
                groups.insert(0, digits[-3:])
                digits = digits[:-3]
            text = sign + "_".join(groups)
        return text

    def points(self) -> str:
        value = self.draw(
            st.sampled_from(
                tuple(Decimal(v) for v in ("5", "10", "20", "1", "2.5", "15", "25", "30", "50"))
            )
        )
        sign = self.pick(("+", "+", "+", "-"))
        return sign + self.number(value)

    def date(self, timed: bool | None = None) -> tuple[str, dt.datetime]:
        """An ISO date or date-time literal, and the moment it stands for (UTC)."""
        day = dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(days=self.integer(0, 3 * 365))
        if timed is None:
            timed = self.integer(0, 3) == 0
        if not timed:
            return day.date().isoformat(), day
        hour = self.integer(0, 23)
        minute = self.pick((0, 30))
        offset, zone = self.draw(
            st.sampled_from(
                (
                    ("", UTC),
                    ("Z", UTC),
                    ("+01:00", dt.timezone(dt.timedelta(hours=1))),
                    ("-05:00", dt.timezone(dt.timedelta(hours=-5))),
                )
            )
        )
        seconds = self.pick(("", ":00", ":15.5"))
        moment = dt.datetime.combine(day.date(), dt.time(hour, minute), zone)
        if seconds == ":15.5":
            moment += dt.timedelta(seconds=15.5)
        text = f"{day.date().isoformat()}T{hour:02d}:{minute:02d}{seconds}{offset}"
        return text, moment

    def duration(self) -> str:
        amount = self.pick(("1", "2", "7", "14", "30", "90", "1.5", "12"))
        unit = self.pick(ast.UNITS)
        if amount == "1" and self.boolean():
            unit = unit[:-1]
        return f"{amount} {self.kw(unit)}"

    def literal(self, field: RuleField) -> str:
        if field.kind == "text":
            return self.string(self.any_text(field.pool))
        if field.kind == "number":
            return self.number(self.pick(field.pool))
        if field.kind == "bool":
            return self.kw(self.pick(("true", "false")))
        if field.kind in ("date", "datetime"):
            return self.date()[0]
        value = self.pick(field.pool)  # choice
        if isinstance(value, bool):
            return self.kw("true" if value else "false")
        if isinstance(value, str):
            return self.string(value)
        return self.number(value)

    def regex(self, field: RuleField) -> str:
        words = [w for w in (slug(str(p)) for p in field.pool) if w]
        if not words or field.key.endswith("title") or "title" in field.key.split():
            words = list(_TITLE_WORDS)
        picks = self.some(sorted(set(words)), 1, 3)
        alternatives = "|".join(picks)
        templates = (
            f"\\b({alternatives})\\b",
            f"^({alternatives})",
            f"({alternatives})$",
            f"^[a-z0-9._%+-]+@({alternatives})",
            f"(?:{alternatives}).*",
            "\\.(io|ai|dev)\\s*$",
            "^\\/pricing",
            "\\d{2,4}",
            "^\\s*[A-Z]{2}\\s*$",
        )
        pattern = self.pick(templates)
        flags = self.pick(("", "i"))
        return f"/{pattern}/{flags}"
