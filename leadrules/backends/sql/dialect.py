"""What differs between SQL engines, in one class per engine: the functions the SQL backend
builds its queries from, each with the reference's exact meaning.

The query is one sqlglot tree, built with the functions of the dialect it is for and written
by sqlglot's generator for that dialect — never DuckDB text transpiled to another dialect
(transpiling silently changes NULL handling, epochs and time zones). A function a dialect
cannot give with the reference's meaning is refused when the query is built
(:class:`Unsupported`), never approximated.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence

from sqlglot import exp

from ...errors import Diagnostic, LeadRulesError, RuleCheckError
from . import build as b
from .build import E

__all__ = [
    "WHITESPACE",
    "Dialect",
    "DuckDB",
    "StandardText",
    "Unsupported",
    "dialect_named",
    "dialect_names",
]

#: The characters Python's ``str.strip()`` removes (``str.isspace``), which text comparisons
#: ignore around a value.
WHITESPACE = "".join(chr(i) for i in range(0x110000) if chr(i).isspace())


class Unsupported(RuleCheckError):
    """A construct, or a kind of column, that a SQL engine cannot evaluate exactly as the
    reference evaluator does. Raised with the reason alone where it is found; the query
    (:meth:`.query.Query.build`) gives it the rule's file, line, column and a caret: those of
    ``span`` (a node of the rules, such as the pattern refused) where it is given, else of the
    rule it is found in; with ``hint`` as what to do, where given."""

    def __init__(
        self, message: str | list[Diagnostic], *, span: object = None, hint: str | None = None
    ) -> None:
        #: The node of the rules it is about, if known where it is raised.
        self.span = span
        #: What to do, if known where it is raised.
        self.hint = hint
        #: Why, without the position.
        self.reason = message if isinstance(message, str) else message[0].message
        #: Whether it names a position in a rule file.
        self.located = not isinstance(message, str)
        if isinstance(message, str):
            message = [Diagnostic(message, "<query>", 1, 1)]
        super().__init__(message)

    def __str__(self) -> str:
        return super().__str__() if self.located else self.reason


class Dialect:
    """The SQL functions of one engine (sqlglot's name for it in ``name``)."""

    name = ""
    #: How this engine is named in messages.
    title = ""
    #: Whether a query of projections only (no join) gives its rows in the table's order
    #: without an ORDER BY.
    keeps_order = False

    def strip(self, value: E) -> E:
        """Text without the surrounding white space ``str.strip()`` removes."""
        raise NotImplementedError

    def fold(self, stripped: E) -> E:
        """Stripped text folded as ``str.casefold()`` folds it."""
        raise NotImplementedError

    def full_match(self, value: E, pattern: str) -> E:
        """Whether the whole of ``value`` matches an RE2 ``pattern``."""
        raise NotImplementedError

    def search(self, value: E, pattern: str, ignore_case: bool) -> E:
        """Whether ``value`` contains a match of an RE2 ``pattern``."""
        raise NotImplementedError

    def prefix(self, value: E, count: int) -> E:
        """The first ``count`` characters (code points) of text, as ``text[:count]``."""
        raise NotImplementedError

    def matches(self, value: E, pattern: str, ignore_case: bool) -> E:
        """Whether ``value`` contains a match of a rule's RE2 ``pattern`` (raises
        :class:`Unsupported` for a pattern the engine cannot match as RE2 does)."""
        return self.search(value, pattern, ignore_case)

    def groups(self, value: E, pattern: str, names: Sequence[str]) -> E:
        """The groups of a full match of ``pattern`` (as an opaque value for :meth:`group`)."""
        raise NotImplementedError

    def group(self, groups: E, name: str) -> E:
        """One group of :meth:`groups`: its text, ``''`` when it took no part."""
        raise NotImplementedError

    def decimal(self, value: E) -> E:
        """Text or a number as DECIMAL(38, 12), rounded half away from zero; NULL when it is
        not a number or does not fit."""
        raise NotImplementedError

    def decimal_number(self, value: E) -> E:
        """A DECIMAL column's value as DECIMAL(38, 12) (as :meth:`decimal`)."""
        return self.decimal(value)

    def double_text(self, value: E) -> E:
        """A DOUBLE as Python's ``repr`` writes it (the shortest text that reads back)."""
        raise NotImplementedError

    def epoch_us(self, value: E, kind: str) -> E:
        """Microseconds since 1970-01-01T00:00Z of a DATE, TIMESTAMP (taken as UTC) or
        TIMESTAMPTZ value."""
        raise NotImplementedError

    def length(self, value: E) -> E:
        """The number of items in a list."""
        raise NotImplementedError

    def field(self, record: E, name: str) -> E:
        """One field of a record (STRUCT)."""
        raise NotImplementedError

    def double(self, value: float) -> E:
        """A DOUBLE literal, exactly ``value``."""
        return b.cast(b.text(repr(value)), "DOUBLE")

    def ascii(self, value: E) -> E:
        """Whether text has only ASCII characters."""
        raise NotImplementedError

    def now_us(self) -> E:
        """The engine's current time, in microseconds since the epoch."""
        raise NotImplementedError

    def months_before_now_us(self, months: int) -> E:
        """The engine's current time (in UTC) minus some calendar months, in microseconds."""
        raise NotImplementedError

    # ---- functions most engines share (DuckDB's spelling; an engine overrides what differs)

    #: The sqlglot dialect the query is written with (by default, the one named ``name``).
    sqlglot: object = None
    #: Whether the query may end with ORDER BY the leads' order (an engine whose tables have no
    #: order, as Spark's, leaves it out: a global sort costs a shuffle).
    sorts = True

    def null(self, type_: str) -> E:
        """A NULL of a type (SQL type name, DuckDB's spelling), where the query's steps select
        it as a column (an engine that types a bare NULL by its use leaves it bare)."""
        return b.null()

    def write(self, query: exp.Expression, pretty: bool = False) -> str:
        """The query as SQL text for this engine."""
        return query.sql(dialect=self.sqlglot or self.name, pretty=pretty)  # type: ignore[arg-type]

    def refuse_kind(self, kind: str, where: str) -> None:
        """Refuse (raise :class:`Unsupported`) a kind of value this engine cannot read."""

    def lower(self, value: E) -> E:
        """ASCII text lower-cased (only ever given ASCII text, or text tested as such)."""
        return b.call("lower", value)

    def text_length(self, value: E) -> E:
        """The number of characters (code points) of text."""
        return b.call("length", value)

    def substr(self, value: E, start: E, length: E | None = None) -> E:
        """Characters of text from a 1-based position (to the end, or so many)."""
        return b.call("substr", value, start, *([length] if length is not None else []))

    def starts_with(self, value: E, prefix: E) -> E:
        return b.call("starts_with", value, prefix)

    def ends_with(self, value: E, suffix: E) -> E:
        return b.call("ends_with", value, suffix)

    def contains(self, value: E, needle: E) -> E:
        return b.call("contains", value, needle)

    def concat(self, *parts: E) -> E:
        """Text joined (no part is NULL where this is used)."""
        return b.call("concat", *parts)

    def isnan(self, value: E) -> E:
        return b.call("isnan", value)

    def isinf(self, value: E) -> E:
        return b.call("isinf", value)

    def trunc(self, value: E) -> E:
        """A DOUBLE rounded toward zero, as a DOUBLE."""
        return b.call("trunc", value)

    def is_whole(self, value: E) -> E:
        """Whether a number (DECIMAL or DOUBLE) is whole."""
        return b.eq(value, b.call("trunc", value))

    def whole_text(self, value: E, double: bool) -> E:
        """The digits of a whole number below 10**26 (a DOUBLE's exact value)."""
        return b.cast(b.cast(value, "HUGEINT"), "VARCHAR")

    def wide(self, value: E) -> E:
        """A whole number (a DOUBLE's exact value) as an integer type holding 10**26 * 10**6."""
        return b.cast(value, "HUGEINT")

    def round_even(self, value: E, places: int) -> E:
        """A number rounded half to even to some decimal places."""
        return b.call("round_even", value, b.number(places))

    def rtrim(self, value: E, chars: str) -> E:
        return b.call("rtrim", value, b.text(chars))

    def date_text(self, value: E) -> E:
        """A DATE as ``YYYY-MM-DD``."""
        return b.call("strftime", value, b.text("%Y-%m-%d"))

    def timestamp_text(self, value: E) -> E:
        """A TIMESTAMP (TIMESTAMPTZ in UTC) as ``YYYY-MM-DDtHH:MM:SS``."""
        return b.call("strftime", value, b.text("%Y-%m-%dt%H:%M:%S"))

    def try_cast(self, value: E, type_: str) -> E:
        """A cast giving NULL where the value cannot be cast."""
        return b.try_cast(value, type_)

    def try_int(self, digits: E) -> E:
        """ASCII digits (or ``''``) as an INTEGER; NULL for ``''``."""
        return self.try_cast(digits, "INTEGER")

    def try_double(self, text: E) -> E:
        """Text that may be a plain decimal number (epoch seconds) as a DOUBLE, else NULL."""
        return self.try_cast(text, "DOUBLE")

    def count_if(self, condition: E) -> E:
        return b.call("count_if", condition)

    def bool_or(self, condition: E) -> E:
        return b.call("bool_or", condition)

    def greatest(self, *values: E) -> E:
        """The greatest of values that are not NULL."""
        return b.call("greatest", *values)

    def pow(self, base: E, exponent: E) -> E:
        """``base ** exponent`` in binary floating point, as CPython computes it."""
        return b.call("pow", base, exponent)

    def trim_spaces(self, value: E) -> E:
        """Text without spaces (U+0020) around it."""
        return b.call("trim", value, b.text(" "))

    def replace_all(self, value: E, pattern: str, replacement: str) -> E:
        """Every match of an RE2 pattern replaced."""
        return b.call("regexp_replace", value, b.text(pattern), b.text(replacement), b.text("g"))

    def record(self, fields: Sequence[tuple[str, E]]) -> E:
        """A STRUCT of named fields."""
        return exp.Struct(
            expressions=[
                exp.PropertyEQ(this=exp.to_identifier(name), expression=value)
                for name, value in fields
            ]
        )

    def compact_list(self, items: Sequence[E], type_: str) -> E:
        """A list of the items that are not NULL, of a list type (``STRUCT(...)``)."""
        if not items:
            return b.cast(exp.Array(expressions=[]), f"{type_}[]")
        one = exp.to_identifier("x")
        listed = exp.Array(expressions=list(items))
        kept = b.call(
            "list_filter",
            listed,
            exp.Lambda(this=b.not_null(exp.Column(this=one)), expressions=[one]),
        )
        return b.cast(kept, f"{type_}[]")

    def list_any(self, values: E, item: exp.Identifier, test: E) -> E:
        """Whether some item of a list passes a test of ``item`` (never NULL for a list)."""
        matching = b.call("list_filter", values, exp.Lambda(this=test, expressions=[item]))
        return b.compare(">", self.length(matching), b.number(0))

    def row_number(self) -> E:
        """Each lead's place in the table."""
        return exp.Window(this=exp.RowNumber())


class StandardText:
    """Text functions as standard SQL spells them (``TRIM(BOTH ... FROM ...)``,
    ``octet_length``, ``char_length``), for the dialects that have them (Spark, PostgreSQL)."""

    def strip(self, value: E) -> E:
        return exp.Trim(this=value, expression=b.text(WHITESPACE), position="BOTH")

    def trim_spaces(self, value: E) -> E:
        return exp.Trim(this=value, expression=b.text(" "), position="BOTH")

    def rtrim(self, value: E, chars: str) -> E:
        return exp.Trim(this=value, expression=b.text(chars), position="TRAILING")

    def ascii(self, value: E) -> E:
        return b.eq(b.call("octet_length", value), b.call("char_length", value))


class DuckDB(Dialect):
    name = "duckdb"
    title = "DuckDB"
    # DuckDB keeps insertion order through projections (its preserve_insertion_order
    # setting, on by default).
    keeps_order = True

    def strip(self, value: E) -> E:
        # DuckDB's trim() with a set of characters is slow (it was most of a query's time),
        # so it runs only where the first or the last character may be a space: printable
        # ASCII at both ends (code points 33 to 126) is text as it is.
        first = b.call("ord", value)
        last = b.call("ord", b.call("right", value, b.number(1)))
        plain = b.and_(
            b.compare(">", first, b.number(32)),
            b.compare("<", first, b.number(127)),
            b.compare(">", last, b.number(32)),
            b.compare("<", last, b.number(127)),
        )
        return b.case((plain, value), default=b.call("trim", value, b.text(WHITESPACE)))

    def ascii(self, value: E) -> E:
        return b.eq(b.call("strlen", value), b.call("length", value))

    def fold(self, stripped: E) -> E:
        return b.case(
            (self.ascii(stripped), b.call("lower", stripped)),
            default=self._fold_unicode(stripped),
        )

    def _fold_unicode(self, value: E) -> E:
        pre, post = fold_tables()
        for char, folded in pre.items():
            value = b.call("replace", value, b.text(char), b.text(folded))
        chars = b.call("string_split", b.call("lower", value), b.text(""))
        mapping = exp.Map(
            keys=exp.Array(expressions=[b.text(k) for k in post]),
            values=exp.Array(expressions=[b.text(v) for v in post.values()]),
        )
        one = exp.to_identifier("c")
        looked = b.coalesce(
            b.call(
                "list_extract", b.call("map_extract", mapping, exp.Column(this=one)), b.number(1)
            ),
            exp.Column(this=one),
        )
        transformed = b.call("list_transform", chars, exp.Lambda(this=looked, expressions=[one]))
        return b.call("array_to_string", transformed, b.text(""))

    def full_match(self, value: E, pattern: str) -> E:
        return b.call("regexp_full_match", value, b.text(pattern))

    def search(self, value: E, pattern: str, ignore_case: bool) -> E:
        args = [value, b.text(pattern)]
        if ignore_case:
            args.append(b.text("i"))
        return b.call("regexp_matches", *args)

    def prefix(self, value: E, count: int) -> E:
        return b.call("left", value, b.number(count))  # counts code points, as Python does

    def groups(self, value: E, pattern: str, names: Sequence[str]) -> E:
        return b.call(
            "regexp_extract",
            value,
            b.text(pattern),
            exp.Array(expressions=[b.text(n) for n in names]),
        )

    def group(self, groups: E, name: str) -> E:
        return b.call("struct_extract", groups, b.text(name))

    def decimal(self, value: E) -> E:
        return b.try_cast(value, "DECIMAL(38, 12)")

    def double_text(self, value: E) -> E:
        return b.cast(value, "VARCHAR")

    def epoch_us(self, value: E, kind: str) -> E:
        if kind == "date":
            value = b.cast(value, "TIMESTAMP")
        return b.call("epoch_us", value)

    def length(self, value: E) -> E:
        return b.call("len", value)

    def field(self, record: E, name: str) -> E:
        return b.call("struct_extract", record, b.text(name))

    def now_us(self) -> E:
        return b.call("epoch_us", b.call("get_current_timestamp"))

    def months_before_now_us(self, months: int) -> E:
        utc = b.call("timezone", b.text("UTC"), b.call("get_current_timestamp"))
        interval = exp.Interval(this=b.text(str(months)), unit=exp.var("MONTH"))
        return b.call("epoch_us", exp.Sub(this=utc, expression=interval))


@functools.cache
def fold_tables() -> tuple[dict[str, str], dict[str, str]]:
    """How Python's ``casefold`` differs from DuckDB's ``lower``: characters to replace before
    lowering (where lowering would lose what case folding keeps: ``İ``) and, after, the lowered
    characters to replace by Python's folding (``ß`` by ``ss``, Cherokee small letters by
    capitals, ...). Read off the installed DuckDB, once per process: a newer engine's Unicode
    tables are then followed too."""
    import duckdb  # a core dependency; imported here so that the language alone needs none

    query = (
        "SELECT cp, lower(chr(cp::INTEGER)) FROM range(0, 1114112) t(cp) "
        "WHERE (cp < 55296 OR cp > 57343) AND lower(chr(cp::INTEGER)) <> chr(cp::INTEGER)"
    )
    connection = duckdb.connect()
    try:
        lowered = dict(connection.execute(query).fetchall())
    finally:
        connection.close()
    candidates = set(lowered)
    candidates.update(
        cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF and chr(cp).casefold() != chr(cp)
    )
    by_lowered: dict[str, set[str]] = {}
    for cp in candidates:
        char = chr(cp)
        by_lowered.setdefault(lowered.get(cp, char), set()).add(char)
    pre: dict[str, str] = {}
    post: dict[str, str] = {}
    for low, chars in by_lowered.items():
        target = low.casefold()  # what the lowered character itself folds to
        if target != low:
            post[low] = target
        for char in chars:
            if char.casefold() != target:  # lowering would merge it with the others
                pre[char] = char.casefold()
    _check(pre, post, lowered, candidates)
    return pre, post


def _check(
    pre: dict[str, str], post: dict[str, str], lowered: dict[int, str], candidates: set[int]
) -> None:
    """The tables give Python's folding for every character (or the engine is refused). The
    replacements before lowering are made one after another, so none may make another's
    character. Only the candidates need checking: every other character is left as it is by
    both (and is no key of the tables, whose keys are candidates)."""
    if any(key in value for value in pre.values() for key in pre):
        raise Unsupported("DuckDB's lower() cannot be made to fold text as Python does")
    for cp in candidates:
        char = chr(cp)
        step = pre.get(char, char)
        low = "".join(lowered.get(ord(c), c) for c in step)
        got = "".join(post.get(c, c) for c in low)
        if got != char.casefold():
            name = unicodedata.name(char, hex(cp))
            raise Unsupported(
                f"DuckDB's lower() and Python's casefold() differ on {name} in a way "
                "leadrules cannot make up for: text tests cannot run on DuckDB"
            )


_DIALECTS: dict[str, Dialect] = {"duckdb": DuckDB()}
#: The other engines' modules, imported when first named.
_MODULES = {"spark": "spark", "databricks": "spark", "postgres": "postgres"}


def dialect_names() -> tuple[str, ...]:
    """The names of the dialects the SQL backend writes (known without importing the other
    engines' modules)."""
    return tuple(dict.fromkeys(["duckdb", *_MODULES, *_DIALECTS]))


def dialect_named(name: str) -> Dialect:
    """The dialect of that name (``duckdb``, ``spark``, ``postgres``, ...)."""
    key = name.lower() if isinstance(name, str) else ""
    if key in _MODULES and key not in _DIALECTS:
        import importlib

        module = importlib.import_module(f"{__package__}.{_MODULES[key]}")
        _DIALECTS.update(module.DIALECTS)
    found = _DIALECTS.get(key)
    if found is None:
        raise LeadRulesError(
            f"dialect must be one of {', '.join(map(repr, dialect_names()))}, not {name!r}"
        )
    return found
