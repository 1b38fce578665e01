"""The SQL backend's PostgreSQL dialect: the scoring query as PostgreSQL (15 or newer) runs it,
for :meth:`leadrules.RuleSet.to_sql` ``(dialect="postgres")``.

PostgreSQL has no ``TRY_CAST``: every cast that could fail is guarded by a test of the text
first. Its regular expressions (Tcl's AREs) are not RE2: patterns are rewritten from RE2's
meaning (:mod:`.patterns`) or refused. Lists and records (arrays, composite types) are refused.
The lists of the output (``contributions``, ``disqualifications``, ``undecided``,
``groups``) are ``jsonb`` arrays of objects. The session must have ``TimeZone = 'UTC'`` (dates
and times are written in UTC) — :data:`SESSION` sets what the answers depend on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlglot import exp

from . import build as b
from .build import E
from .dialect import Dialect, StandardText, Unsupported
from .patterns import PatternRefused, casefold_tables, translate

__all__ = ["DIALECTS", "SESSION", "Postgres"]

#: The session settings the query's answers depend on.
SESSION = ("SET TimeZone = 'UTC'", "SET extra_float_digits = 1")
_TWO_40 = 1 << 40


def _like(value: E, pattern: str) -> E:
    return b.call("regexp_like", value, b.text(pattern))


class Postgres(StandardText, Dialect):
    name = "postgres"
    title = "PostgreSQL"

    def prefix(self, value: E, count: int) -> E:
        # PostgreSQL counts characters (code points in UTF-8), as Python does.
        return b.call("left", value, b.number(count))

    def null(self, type_: str) -> E:
        # An untyped NULL that a step selects is a column of type text to PostgreSQL.
        return b.cast(b.null(), type_)

    def write(self, query: exp.Expression, pretty: bool = False) -> str:
        for literal in query.find_all(exp.Literal):
            if literal.is_string and "\x00" in literal.this:
                raise Unsupported(
                    "PostgreSQL's text cannot hold the character U+0000 (NUL), which text in "
                    f"the rules has ({literal.this!r}): remove it from the rules"
                )
        # PostgreSQL has no lateral column aliases: a step whose columns use each other is
        # split into steps, each column in the first step after the ones it uses.
        query = query.copy()
        with_ = query.args.get("with_")
        if with_ is not None:
            ctes: list[exp.CTE] = []
            for cte in with_.expressions:
                ctes.extend(_split(cte))
            for cte in ctes:  # planned one by one: inlined, the steps make one vast expression
                cte.set("materialized", True)
            with_.set("expressions", ctes)
        return super().write(query, pretty)

    def _pattern(self, pattern: str, ignore_case: bool = False, user: bool = False) -> str:
        return translate(pattern, "postgres", ignore_case, user).text

    def refuse_kind(self, kind: str, where: str) -> None:
        if kind in ("list", "record"):
            raise Unsupported(
                f"{where} is a {kind}: the PostgreSQL query reads no arrays or composite "
                "values; give their parts as columns of their own"
            )

    def lower(self, value: E) -> E:
        # The "C" collation lowers ASCII letters only, whatever the database's locale.
        collated = exp.Collate(this=b.paren(value), expression=exp.to_identifier("C", quoted=True))
        return b.call("lower", collated)

    def fold(self, stripped: E) -> E:
        several, source, target = casefold_tables()
        folded = stripped
        for char, replacement in several.items():
            folded = b.call("replace", folded, b.text(char), b.text(replacement))
        folded = b.call("translate", folded, b.text(source), b.text(target))
        return b.case((self.ascii(stripped), self.lower(stripped)), default=folded)

    def full_match(self, value: E, pattern: str) -> E:
        return _like(value, f"^(?:{self._pattern(pattern)})$")

    def search(self, value: E, pattern: str, ignore_case: bool) -> E:
        return _like(value, self._pattern(pattern, ignore_case))

    def matches(self, value: E, pattern: str, ignore_case: bool) -> E:
        try:
            text = self._pattern(pattern, ignore_case, user=True)
        except PatternRefused as exc:
            raise Unsupported(
                f"PostgreSQL's regular expressions cannot match `/{pattern}/` as RE2 does: "
                f"{exc.construct}"
            ) from exc
        return _like(value, text)

    def groups(self, value: E, pattern: str, names: Sequence[str]) -> E:
        # PostgreSQL's AREs match as a whole as RE2 does, but give a group a different part of
        # the text where several would do (they are not leftmost-first): numbers and dates
        # read from text came out differently in the conformance corpus. Refused until the
        # grammars are unambiguous for both.
        raise Unsupported(
            "reading numbers, yes/no or dates from text columns on PostgreSQL (its regular "
            "expressions split the text into parts differently from RE2): give such columns a "
            "numeric, boolean or date type, or score on DuckDB or Spark"
        )
        translated = translate(pattern, "postgres", False, False)
        found = b.call("regexp_match", value, b.text(f"^(?:{translated.text})$"))
        parts: list[E] = []
        for name in names:
            parts.append(b.text(name))
            parts.append(
                exp.Bracket(this=b.paren(found), expressions=[b.number(translated.groups[name])])
            )
        return b.call("jsonb_build_object", *parts)

    def group(self, groups: E, name: str) -> E:
        return b.coalesce(b.call("jsonb_extract_path_text", groups, b.text(name)), b.text(""))

    def _numeric(self, value: E) -> E:
        """A NUMERIC read to 12 places (half away from zero), NULL from 10**26 up."""
        fits = b.compare("<", b.call("abs", value), b.number(10**26))
        return b.case((fits, b.cast(b.call("round", value, b.number(12)), "DECIMAL(38, 12)")))

    def decimal(self, value: E) -> E:
        # Text of digits (the number grammar's, or a float's shortest text): an exponent of
        # four digits or more is refused by PostgreSQL's numeric input, so it is read here.
        big = _like(value, "e[+]?0*[0-9]{4,}$")
        tiny = _like(value, "e-0*[0-9]{4,}$")
        zero = _like(value, "^[^1-9]*e")
        numeric = b.cast(value, "NUMERIC")
        return b.case(
            (big, b.case((zero, b.cast(b.number(0), "DECIMAL(38, 12)")))),
            (tiny, b.cast(b.number(0), "DECIMAL(38, 12)")),
            default=self._numeric(numeric),
        )

    def decimal_number(self, value: E) -> E:
        return self._numeric(value)

    def double_text(self, value: E) -> E:
        return b.cast(value, "VARCHAR")  # the shortest text (extra_float_digits = 1)

    def epoch_us(self, value: E, kind: str) -> E:
        if kind == "date":
            days = exp.Sub(this=b.paren(value), expression=b.cast(b.text("1970-01-01"), "DATE"))
            return b.mul(b.cast(days, "BIGINT"), b.number(86_400_000_000))
        seconds = exp.Extract(this=exp.var("EPOCH"), expression=value)
        return b.cast(b.mul(seconds, b.number(1_000_000)), "BIGINT")

    def length(self, value: E) -> E:  # pragma: no cover - lists are refused
        raise Unsupported("lists cannot be read on PostgreSQL")

    def field(self, record: E, name: str) -> E:  # pragma: no cover - records are refused
        raise Unsupported("records cannot be read on PostgreSQL")

    def now_us(self) -> E:
        seconds = exp.Extract(this=exp.var("EPOCH"), expression=b.call("now"))
        return b.cast(b.mul(seconds, b.number(1_000_000)), "BIGINT")

    def months_before_now_us(self, months: int) -> E:
        utc = exp.AtTimeZone(this=b.call("now"), zone=b.text("UTC"))
        interval = exp.Interval(this=b.text(str(months)), unit=exp.var("MONTH"))
        seconds = exp.Extract(
            this=exp.var("EPOCH"), expression=exp.Sub(this=b.paren(utc), expression=interval)
        )
        return b.cast(b.mul(seconds, b.number(1_000_000)), "BIGINT")

    def text_length(self, value: E) -> E:
        return b.call("char_length", value)

    def ends_with(self, value: E, suffix: E) -> E:
        return b.eq(b.call("right", value, b.call("char_length", suffix)), suffix)

    def contains(self, value: E, needle: E) -> E:
        return b.compare(">", b.call("strpos", value, needle), b.number(0))

    def isnan(self, value: E) -> E:
        return b.eq(value, self.double(math.nan))

    def isinf(self, value: E) -> E:
        return b.or_(b.eq(value, self.double(math.inf)), b.eq(value, self.double(-math.inf)))

    def whole_text(self, value: E, double: bool) -> E:
        if not double:
            return b.cast(b.cast(value, "DECIMAL(38, 0)"), "VARCHAR")
        high = b.call("floor", exp.Div(this=b.paren(value), expression=self.double(_TWO_40)))
        low = b.sub(value, b.mul(high, self.double(_TWO_40)))
        exact = b.add(
            b.mul(b.cast(high, "NUMERIC"), b.number(_TWO_40)),
            b.cast(b.cast(low, "BIGINT"), "NUMERIC"),
        )
        return b.cast(exact, "VARCHAR")

    def wide(self, value: E) -> E:
        return b.cast(value, "NUMERIC")

    def round_even(self, value: E, places: int) -> E:
        if places == 0:  # only ever a DOUBLE: round(double precision) is rint, half to even
            return b.call("round", value)
        scale = b.number(10**places)
        scaled = b.mul(value, scale)
        whole = b.call("trunc", scaled)
        tie = b.and_(
            b.eq(b.call("abs", b.sub(scaled, whole)), b.number(0.5)),
            b.eq(b.mod(whole, b.number(2)), b.number(0)),
        )
        return b.case(
            (tie, exp.Div(this=b.paren(whole), expression=scale)),
            default=b.call("round", value, b.number(places)),
        )

    def date_text(self, value: E) -> E:
        return b.call("to_char", value, b.text("YYYY-MM-DD"))

    def timestamp_text(self, value: E) -> E:
        return b.call("to_char", value, b.text('YYYY-MM-DD"t"HH24:MI:SS'))

    def try_cast(self, value: E, type_: str) -> E:
        # Only ever given a value that can be cast (the guarded casts are the methods below).
        return b.cast(value, type_)

    def try_int(self, digits: E) -> E:
        return b.case((_like(digits, "^[0-9]{1,9}$"), b.cast(digits, "INTEGER")))

    def try_double(self, text: E) -> E:
        return b.case(
            (_like(text, "^[+-]?0*[0-9]{1,255}(\\.[0-9]+)?$"), b.cast(text, "DOUBLE")),
        )

    def count_if(self, condition: E) -> E:
        return b.call("count", b.case((condition, b.number(1))))

    def pow(self, base: E, exponent: E) -> E:
        return b.call("power", base, exponent)

    def replace_all(self, value: E, pattern: str, replacement: str) -> E:
        return b.call(
            "regexp_replace",
            value,
            b.text(self._pattern(pattern)),
            b.text(replacement),
            b.text("g"),
        )

    def record(self, fields: Sequence[tuple[str, E]]) -> E:
        parts: list[E] = []
        for name, value in fields:
            parts.extend([b.text(name), value])
        return b.call("jsonb_build_object", *parts)

    def compact_list(self, items: Sequence[E], type_: str) -> E:
        if not items:
            return b.cast(b.text("[]"), "JSONB")
        listed = b.cast(exp.Array(expressions=list(items)), "JSONB[]")
        return b.call("to_jsonb", b.call("array_remove", listed, b.null()))


def _split(cte: exp.CTE) -> list[exp.CTE]:
    """One step (``SELECT *, columns FROM previous``) as steps none of whose columns uses a
    column of its own step."""
    select = cte.this
    if not isinstance(select, exp.Select) or not any(
        isinstance(p, exp.Star) for p in select.expressions
    ):
        return [cte]
    level: dict[str, int] = {}
    for projection in select.expressions:
        if isinstance(projection, exp.Alias):
            used = [
                level[c.name]
                for c in projection.this.find_all(exp.Column)
                if not c.table and c.name in level
            ]
            level[projection.alias] = 1 + max(used, default=-1)
    top = max(level.values(), default=0)
    if top == 0:
        return [cte]
    name = cte.alias
    source = select.args["from_"].this
    steps: list[exp.CTE] = []
    for depth in range(top + 1):
        columns = [
            p for p in select.expressions if isinstance(p, exp.Alias) and level[p.alias] == depth
        ]
        step_name = name if depth == top else f"{name}__{depth}"
        step = exp.select(exp.Star(), *columns).from_(source, copy=False)
        steps.append(
            exp.CTE(this=step, alias=exp.TableAlias(this=exp.to_identifier(step_name, quoted=True)))
        )
        source = exp.to_table(step_name, quoted=True)
    return steps


DIALECTS: dict[str, Dialect] = {"postgres": Postgres()}
