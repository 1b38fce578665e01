"""The SQL backend on Apache Spark: Spark SQL's functions with the reference's meaning, the
session settings the answers depend on, and :func:`score_spark` (a Spark DataFrame in, a
scored DataFrame out). PySpark is imported only when a DataFrame is scored
(``pip install 'leadrules[spark]'``); writing Spark SQL text needs none.

What is pinned, and why (docs/sql.md):

- ``spark.sql.ansi.enabled=true``: a cast or an arithmetic overflow is an error, never a
  silent NULL or a wrapped number (the query casts with ``TRY_CAST`` where NULL is meant);
- ``spark.sql.decimalOperations.allowPrecisionLoss=false``: a product of decimals keeps its
  scale (Spark would otherwise round it to 6 places);
- ``spark.sql.session.timeZone=UTC``: dates and date-times without a zone are UTC, as in the
  reference; ``spark.sql.caseSensitive=true``: columns that differ only by case stay apart.

Spark fixes these when a query is analysed, so :func:`score_spark` sets them while it builds the
DataFrame and restores the session's own afterwards.

Two functions are CPython's own, as Python UDFs (``leadrules_pow``, ``leadrules_repr``):
Java's ``StrictMath.pow`` differs from C's ``pow`` by an ulp on some inputs (decay would round
differently) and Java 17's ``Double.toString`` is not always the shortest text (a float read as
a number could differ in its last places). :func:`register_functions` registers them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

from sqlglot import exp

from ...errors import InvalidArgument
from ...lang.checker import CheckedRules
from . import build as b
from .build import E
from .columns import Column, Kind, Table
from .dialect import Dialect, StandardText, Unsupported
from .patterns import PatternRefused, casefold_tables, translate

__all__ = [
    "SETTINGS",
    "Spark",
    "local_session",
    "register_functions",
    "score_spark",
    "table_of_schema",
]

#: The session settings the answers depend on (see the module's docstring).
SETTINGS = {
    "spark.sql.ansi.enabled": "true",
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.caseSensitive": "true",
}
_TWO_40 = 1 << 40
_COUNTER = itertools.count(1)


class Spark(StandardText, Dialect):
    name = "spark"
    title = "Spark"
    sorts = False  # a DataFrame has no order: join the scores to the leads by id

    def null(self, type_: str) -> E:
        # A bare NULL is of type void to Spark, which arithmetic then takes for a DOUBLE
        # (`-NULL DIV 86400000000` is refused): typed, as the step selects it.
        return b.cast(b.null(), type_)

    def prefix(self, value: E, count: int) -> E:
        # Spark counts characters as code points, as Python does.
        return b.call("left", value, b.number(count))

    def _pattern(self, pattern: str, ignore_case: bool = False, user: bool = False) -> str:
        return translate(pattern, "java", ignore_case, user).text

    def fold(self, stripped: E) -> E:
        several, source, target = casefold_tables()
        folded = stripped
        for char, replacement in several.items():
            folded = b.call("replace", folded, b.text(char), b.text(replacement))
        folded = b.call("translate", folded, b.text(source), b.text(target))
        return b.case((self.ascii(stripped), b.call("lower", stripped)), default=folded)

    def full_match(self, value: E, pattern: str) -> E:
        return b.call("regexp_like", value, b.text(f"^(?:{self._pattern(pattern)})\\z"))

    def search(self, value: E, pattern: str, ignore_case: bool) -> E:
        return b.call("regexp_like", value, b.text(self._pattern(pattern, ignore_case)))

    def matches(self, value: E, pattern: str, ignore_case: bool) -> E:
        try:
            java = self._pattern(pattern, ignore_case, user=True)
        except PatternRefused as exc:
            raise Unsupported(
                f"Spark's regular expressions (Java's) cannot match `/{pattern}/` as RE2 "
                f"does: {exc.construct}"
            ) from exc
        return b.call("regexp_like", value, b.text(java))

    def groups(self, value: E, pattern: str, names: Sequence[str]) -> E:
        translated = translate(pattern, "java", False, False)
        full = b.text(f"^(?:{translated.text})\\z")
        return self.record(
            [
                (name, b.call("regexp_extract", value, full, b.number(translated.groups[name])))
                for name in names
            ]
        )

    def group(self, groups: E, name: str) -> E:
        return exp.Dot(this=groups, expression=exp.to_identifier(name, quoted=True))

    def decimal(self, value: E) -> E:
        return self.try_cast(value, "DECIMAL(38, 12)")

    def double_text(self, value: E) -> E:
        return b.call("leadrules_repr", value)

    def epoch_us(self, value: E, kind: str) -> E:
        if kind == "date":
            return b.mul(b.cast(b.call("unix_date", value), "BIGINT"), b.number(86_400_000_000))
        if kind == "timestamp":  # TIMESTAMP_NTZ, read in the session's zone: UTC
            value = b.cast(value, "TIMESTAMP")
        return b.call("unix_micros", value)

    def length(self, value: E) -> E:
        return b.call("array_size", value)

    def field(self, record: E, name: str) -> E:
        return exp.Dot(this=record, expression=exp.to_identifier(name, quoted=True))

    def now_us(self) -> E:
        return b.call("unix_micros", b.call("current_timestamp"))

    def months_before_now_us(self, months: int) -> E:
        interval = exp.Interval(this=b.text(str(months)), unit=exp.var("MONTH"))
        return b.call("unix_micros", exp.Sub(this=b.call("current_timestamp"), expression=interval))

    def text_length(self, value: E) -> E:
        return b.call("char_length", value)

    def starts_with(self, value: E, prefix: E) -> E:
        return b.call("startswith", value, prefix)

    def ends_with(self, value: E, suffix: E) -> E:
        return b.call("endswith", value, suffix)

    def isinf(self, value: E) -> E:
        return b.or_(b.eq(value, self.double(math.inf)), b.eq(value, self.double(-math.inf)))

    def trunc(self, value: E) -> E:
        return b.sub(value, b.mod(value, self.double(1.0)))

    def is_whole(self, value: E) -> E:
        return b.eq(b.mod(value, b.number(1)), b.number(0))

    def whole_text(self, value: E, double: bool) -> E:
        if not double:
            return b.cast(b.cast(value, "DECIMAL(38, 0)"), "VARCHAR")
        # A DOUBLE's exact value: its high part (a multiple of 2**40) and the rest, each exact.
        high = b.call("floor", exp.Div(this=b.paren(value), expression=self.double(_TWO_40)))
        low = b.sub(value, b.mul(high, self.double(_TWO_40)))
        exact = b.add(
            b.mul(b.cast(high, "DECIMAL(38, 0)"), b.number(_TWO_40)),
            b.cast(b.cast(low, "BIGINT"), "DECIMAL(38, 0)"),
        )
        return b.cast(b.cast(exact, "DECIMAL(38, 0)"), "VARCHAR")

    def wide(self, value: E) -> E:
        return self.try_cast(value, "BIGINT")

    def round_even(self, value: E, places: int) -> E:
        if places == 0:  # only ever a DOUBLE: Java's rint, half to even on the exact value
            return b.call("rint", value)
        return b.call("bround", value, b.number(places))

    def date_text(self, value: E) -> E:
        return b.call("date_format", value, b.text("yyyy-MM-dd"))

    def timestamp_text(self, value: E) -> E:
        return b.call("date_format", value, b.text("yyyy-MM-dd't'HH:mm:ss"))

    def try_cast(self, value: E, type_: str) -> E:
        return exp.TryCast(this=value, to=exp.DataType.build(type_), safe=True)

    def pow(self, base: E, exponent: E) -> E:
        return b.call("leadrules_pow", base, exponent)

    def replace_all(self, value: E, pattern: str, replacement: str) -> E:
        return b.call("regexp_replace", value, b.text(self._pattern(pattern)), b.text(replacement))

    def compact_list(self, items: Sequence[E], type_: str) -> E:
        if not items:
            return b.cast(exp.Array(expressions=[]), f"{type_}[]")
        one = exp.to_identifier("x")
        kept = b.call(
            "filter",
            exp.Array(expressions=list(items)),
            exp.Lambda(this=b.not_null(exp.Column(this=one)), expressions=[one]),
        )
        return b.cast(kept, f"{type_}[]")

    def list_any(self, values: E, item: exp.Identifier, test: E) -> E:
        return b.call("exists", values, exp.Lambda(this=test, expressions=[item]))

    def row_number(self) -> E:
        return b.call("monotonically_increasing_id")


class Databricks(Spark):
    """Databricks SQL is Spark SQL (sqlglot writes it as Databricks' dialect)."""

    name = "databricks"
    title = "Databricks"


SPARK = Spark()
DIALECTS: dict[str, Dialect] = {"spark": SPARK, "databricks": Databricks()}


# ----------------------------------------------------------------------------- running


def register_functions(spark: Any) -> None:
    """Register CPython's ``pow`` and ``repr`` of floats in a session, as the scoring query
    calls them (``leadrules_pow``, ``leadrules_repr``). They are defined here, not imported, so
    that Spark's Python workers run them without leadrules installed."""
    from pyspark.sql.types import DoubleType, StringType

    def leadrules_repr(value: float | None) -> str | None:
        return None if value is None else repr(value)

    def leadrules_pow(base: float | None, exponent: float | None) -> float | None:
        if base is None or exponent is None:
            return None
        try:
            return float(base**exponent)
        except (OverflowError, ZeroDivisionError):
            return None

    spark.udf.register("leadrules_pow", leadrules_pow, DoubleType())
    spark.udf.register("leadrules_repr", leadrules_repr, StringType())


@contextlib.contextmanager
def pinned(spark: Any) -> Iterator[None]:
    """The settings of :data:`SETTINGS` while a query is analysed; the session's own after."""
    before = {key: spark.conf.get(key, None) for key in SETTINGS}
    for key, value in SETTINGS.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, value)


def _column(name: str, type_: Any) -> Column:
    from pyspark.sql import types as T

    simple: list[tuple[type, Kind]] = [
        (T.StringType, Kind.TEXT),
        (T.VarcharType, Kind.TEXT),
        (T.CharType, Kind.TEXT),
        (T.ByteType, Kind.INTEGER),
        (T.ShortType, Kind.INTEGER),
        (T.IntegerType, Kind.INTEGER),
        (T.LongType, Kind.INTEGER),
        (T.FloatType, Kind.FLOAT),
        (T.DoubleType, Kind.FLOAT),
        (T.BooleanType, Kind.BOOLEAN),
        (T.DateType, Kind.DATE),
        (T.TimestampNTZType, Kind.TIMESTAMP),
        (T.TimestampType, Kind.TIMESTAMPTZ),
        (T.NullType, Kind.NULL),
    ]
    type_name = type_.simpleString()
    if isinstance(type_, T.DecimalType):
        return Column(name, Kind.DECIMAL, type_name, scale=type_.scale)
    if isinstance(type_, T.StructType):
        fields = tuple(_column(f.name, f.dataType) for f in type_.fields)
        return Column(name, Kind.RECORD, type_name, fields=fields)
    if isinstance(type_, T.ArrayType):
        return Column(name, Kind.LIST, type_name, item=_column("", type_.elementType))
    for spark_type, kind in simple:
        if isinstance(type_, spark_type):
            return Column(name, kind, type_name)
    return Column(name, Kind.OTHER, type_name)


def table_of_schema(schema: Any) -> Table:
    """The Table of a Spark DataFrame's schema."""
    return Table(tuple(_column(f.name, f.dataType) for f in schema.fields))


def build_query(
    rules: CheckedRules,
    leads: Any,
    leads_name: str,
    now: dt.datetime,
    id_name: str,
    events: Any,
    events_name: str | None,
    events_id: str | None,
) -> str:
    """The Spark SQL text scoring two temporary views of these DataFrames."""
    from .query import Query

    query = Query(
        rules,
        SPARK,
        table_of_schema(leads.schema),
        exp.to_table(leads_name, quoted=True),
        id_name,
        now,
        table_of_schema(events.schema) if events is not None else None,
        exp.to_table(events_name, quoted=True) if events_name else None,
        events_id,
    )
    return SPARK.write(query.build())


def local_session() -> Any:
    """A Spark session on this machine (``local[2]``, no web UI), or the one already running:
    what ``leadrules score --engine spark`` scores a file with."""
    import sys

    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("leadrules")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def score_spark(
    rules: CheckedRules,
    leads: Any,
    *,
    events: Any = None,
    now: dt.datetime | None = None,
    id: str = "id",
    events_id: str | None = None,
) -> Any:
    """The scored leads as a Spark DataFrame, one row per lead (docs/sql.md), in no
    particular order. ``now=None``: the current time, once, when the query is built."""
    from pyspark.sql import DataFrame

    if not isinstance(leads, DataFrame) or (
        events is not None and not isinstance(events, DataFrame)
    ):
        raise InvalidArgument("score_spark() scores Spark DataFrames (leads and events)")
    if now is None:
        now = dt.datetime.now(dt.timezone.utc)
    elif now.tzinfo is None:
        raise InvalidArgument("now must be timezone-aware (a datetime with tzinfo)")
    spark = leads.sparkSession
    number = next(_COUNTER)
    leads_name = f"__leadrules_leads_{number}"
    leads.createOrReplaceTempView(leads_name)
    events_name = None
    if events is not None:
        events_name = f"__leadrules_events_{number}"
        events.createOrReplaceTempView(events_name)
    sql = build_query(rules, leads, leads_name, now, id, events, events_name, events_id)
    register_functions(spark)
    with pinned(spark):
        return spark.sql(sql)
