"""``leadrules score --engine duckdb``: a file of leads (and its events) scored as one table on
DuckDB, with what the Python engine gives for the same files — the same rows, summary and exit
code.

Opening the file reads its header and chooses the id columns as :class:`.leadfile.LeadFile`
does, and defines the tables (:mod:`.tableload`); :meth:`TableFile.prepare` builds the scoring
query (:mod:`leadrules.backends.sql`) against them before anything is read, so that a rule the
engine cannot score exactly is refused (:class:`~leadrules.backends.sql.dialect.Unsupported`)
before any output; :meth:`TableFile.scored` loads the files and runs it. Each scored row
becomes a :class:`~leadrules.result.Result` (:func:`~leadrules.backends.sql.result_of_row`);
a row whose lead may have data warnings, every row with ``--explain``, and a lead without an id
when there are events are scored again by the compiled Python engine, which writes the
warnings' and the evidence's words. Not here: choosing the engine (:mod:`.commands.score`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import duckdb
from sqlglot import exp

from ..backends.sql.columns import Table, table_of
from ..backends.sql.dialect import DuckDB
from ..backends.sql.engine import connect
from ..backends.sql.query import Query
from ..backends.sql.rows import result_of_row
from ..errors import LeadRulesError
from ..ruleset import RuleSet
from .base import Failure, echo_err, open_input
from .events import EventTable
from .ids import choose_events_id, choose_lead_id
from .inputs import InputFile, Reporter
from .leadfile import LeadSource, Scored, peek
from .names import EventGroup
from .records import LeadItem, read_records
from .tableload import GROUPS, ID, INTERNAL, JOINED, LEADS, ORDER, N, Tables, col, q, sql, table
from .terminal import Progress

__all__ = ["TableFile"]

#: Rows fetched at a time.
_BATCH = 4096
#: The DuckDB table of the scores Spark computed (``--engine spark``).
SCORES = "__leadrules_spark_scores"


class TableFile(LeadSource):
    """The leads of ``path`` and their events, scored on DuckDB (see the module's
    docstring)."""

    def __init__(
        self,
        path: str,
        input_format: str | None,
        encoding: str,
        events_path: str | None,
        id_field: str | None,
        events_id_field: str | None = None,
        engine: str = "duckdb",
    ) -> None:
        #: What runs the scoring query: ``duckdb``, or ``spark`` (local mode; the tables are
        #: loaded by DuckDB as for ``duckdb``, handed to Spark as Arrow, and the scores back).
        self.engine = engine
        self._spark: Any = None
        self._spark_sql: str | None = None
        self.reporter = Reporter()
        self.events: EventTable | None = None
        self.events_name: str | None = None
        self.explicit_id = id_field is not None
        self.kind = "column"
        self._events_source: InputFile | None = None
        self._events_items: Iterator[LeadItem] = iter(())
        self._dir = tempfile.TemporaryDirectory(prefix="leadrules-")
        self.con = connect()
        self._query: exp.Select | None = None
        try:
            events_headers: list[str] | None = None
            if events_path is not None:
                self._events_source = open_input(events_path, None, encoding)
                self.events_name = self._events_source.name
                events_records = read_records(self._events_source, self.reporter)
                _, self._events_items = peek(events_records)
                events_headers = [h for h in (events_records.header or []) if h]
            self.source = open_input(path, input_format, encoding)
            records = read_records(self.source, self.reporter)
            self.header = records.header
            self.headers = [h for h in (records.header or []) if h]
            self._items = iter(records)
            self.id_field = choose_lead_id(
                self.headers, id_field, self.source.name, events_headers=events_headers
            )
            events_id: str | None = None
            if self._events_source is not None and events_headers is not None:
                events_id = choose_events_id(
                    events_headers, events_id_field, self._events_source.name, self.id_field
                )
                self.events = EventTable(id_column=events_id)
            self.tables = Tables(
                self.con,
                self._dir.name,
                self.source,
                self.header,
                self.id_field,
                self._events_source,
                events_id,
                events_headers or (),
            )
            self.tables.define()
        except LeadRulesError as exc:
            self.discard()
            raise Failure(str(exc)) from exc
        except duckdb.Error as exc:
            self.discard()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise Failure(f"cannot read {path} as a table: {first}") from exc

    @property
    def name(self) -> str:
        return self.source.name

    def close(self) -> None:
        if hasattr(self, "source"):
            self.source.close()
        if self._events_source is not None:
            self._events_source.close()

    def discard(self) -> None:
        """Close everything without scoring (the Python engine scores the file instead)."""
        self.close()
        self.con.close()
        self._dir.cleanup()

    @contextlib.contextmanager
    def progress(self, enabled: bool, desc: str) -> Iterator[Progress]:
        """A progress bar over the file while the block runs; the files closed at the end."""
        bar = Progress(self.source, enabled, desc)
        self.reporter.set_writer(bar.write)
        try:
            yield bar
        finally:
            bar.close()
            self.close()
            self.reporter.set_writer(echo_err)
            self.reporter.finish()
            self.con.close()
            self._dir.cleanup()

    def _schema(self, name: str) -> Table:
        relation = self.con.table(name)
        return table_of(relation.columns, relation.types)

    def prepare(self, ruleset: RuleSet, now: dt.datetime) -> None:
        """Build the scoring query over the (still empty) tables: raises
        :class:`~leadrules.backends.sql.dialect.Unsupported` for a rule, or a column, that
        DuckDB cannot score exactly as the reference does."""
        has_events = self.tables.has_events
        leads_table = self._schema(LEADS)
        if self.engine == "spark":
            scores: exp.Expr = self._prepare_spark(ruleset, now).as_("s")
        else:
            query = Query(
                ruleset.checked,
                DuckDB(),
                leads_table,
                table(LEADS),
                N,
                now,
                self._schema(JOINED) if has_events else None,
                table(JOINED) if has_events else None,
                N,
                missing_names=True,
                internal=INTERNAL,
                properties_only=True,
                ordered=False,  # the rows are sorted below, with the leads' columns
            ).build()
            scores = exp.Subquery(this=query, alias=exp.TableAlias(this=q("s")))
        picked: list[exp.Expr] = [
            exp.Column(this=exp.Star(), table=q("s")),
            *(col(c.name, "l") for c in leads_table.columns if c.name != N),
        ]
        if has_events:
            picked.append(col(GROUPS, "g"))
        wrapper = (
            exp.select(*picked)
            .from_(scores)
            .join(table(LEADS).as_("l"), on=exp.EQ(this=col(N, "s"), expression=col(N, "l")))
            .order_by(col(N, "s"))
        )
        if has_events:
            wrapper = wrapper.join(
                exp.Subquery(this=self._groups_query(), alias=exp.TableAlias(this=q("g"))),
                on=exp.EQ(this=col(N, "s"), expression=col(N, "g")),
                join_type="left",
            )
        self._query = wrapper
        self._lead_names = [c.name for c in leads_table.columns if c.name not in (N, ID)]

    def _prepare_spark(self, ruleset: RuleSet, now: dt.datetime) -> exp.Table:
        """The Spark query over the tables as Spark sees them (their empty DataFrames); the
        table its scores are put in, in DuckDB, for the rest."""
        from ..backends.sql.spark import SPARK, local_session, table_of_schema

        self._spark = local_session()
        frames = {name: self._frame(name) for name in self._spark_tables()}
        query = Query(
            ruleset.checked,
            SPARK,
            table_of_schema(frames[LEADS].schema),
            table(LEADS),
            N,
            now,
            table_of_schema(frames[JOINED].schema) if JOINED in frames else None,
            table(JOINED) if JOINED in frames else None,
            N,
            missing_names=True,
            internal=INTERNAL,
            properties_only=True,
            ordered=False,
        ).build()
        self._spark_sql = SPARK.write(query)
        return table(SCORES)

    def _spark_tables(self) -> list[str]:
        return [LEADS, JOINED] if self.tables.has_events else [LEADS]

    def _frame(self, name: str) -> Any:
        """A DuckDB table as a Spark DataFrame, its temporary view named as the table."""
        from pyspark.sql.pandas.types import from_arrow_schema

        arrow = self.con.cursor().table(name).to_arrow_table()
        if arrow.num_rows:
            frame = self._spark.createDataFrame(arrow)
        else:  # Spark makes no DataFrame of an empty Arrow table
            frame = self._spark.createDataFrame([], from_arrow_schema(arrow.schema))
        frame.createOrReplaceTempView(name)
        return frame

    def _run_spark(self) -> None:
        """The loaded tables scored on Spark; the scores a DuckDB table (:data:`SCORES`)."""
        from ..backends.sql.spark import pinned, register_functions

        assert self._spark_sql is not None
        for name in self._spark_tables():
            self._frame(name)
        register_functions(self._spark)
        with pinned(self._spark):
            scores = self._spark.sql(self._spark_sql).toArrow()
        cursor = self.con.cursor()
        cursor.register("__leadrules_arrow", scores)
        cursor.execute(sql(exp.select("*").from_("__leadrules_arrow").ctas(table(SCORES))))
        cursor.unregister("__leadrules_arrow")

    def scored(
        self, ruleset: RuleSet, now: dt.datetime, debug: bool, explain: bool = False
    ) -> Iterator[Scored]:
        """Each lead of the file and its result, in the file's order."""
        if self._query is None:
            self.prepare(ruleset, now)
        assert self._query is not None
        self.tables.load(self._items, self.lead_id, self._events_items, self.events, self.reporter)
        if self.engine == "spark":
            self._run_spark()
        has_events = self.tables.has_events
        templates = self._templates() if has_events else {}
        result = self.con.cursor().execute(sql(self._query))
        names = [d[0] for d in result.description]
        while True:
            batch = result.fetchmany(_BATCH)
            if not batch:
                break
            rows = [dict(zip(names, row, strict=True)) for row in batch]
            # A lead without an id has no events list (it cannot be joined): the Python
            # engine scores it, as it scores a lead that may have warnings.
            again = {
                int(r[N])
                for r in rows
                if explain or r["may_warn"] or (has_events and r[ID] is None)
            }
            events = self._events_of(sorted(again)) if again and has_events else {}
            for row in rows:
                number = int(row[N])
                data = {name: row[name] for name in self._lead_names}
                where = self.tables.where.get(number) or f"{self.source.name}:{number}"
                item = LeadItem(number, where, data)
                groups: list[EventGroup] = [
                    (g["name"], int(g["n"]), templates.get(g["name"]))
                    for g in row.get(GROUPS) or ()
                ]
                if number not in again:
                    yield Scored(item, result_of_row(ruleset.checked, row, now), groups)
                    continue
                lead = dict(data)
                if has_events and row[ID] is not None:
                    lead["events"] = events.get(number, [])
                try:
                    scored = ruleset.evaluate(lead, now)
                except Exception as exc:
                    if debug:
                        raise
                    self.reporter.skip(
                        where, f"could not be scored (internal error {type(exc).__name__}: {exc})"
                    )
                    yield Scored(item, None, groups)
                    continue
                yield Scored(item, scored, groups)

    def _groups_query(self) -> exp.Select:
        """Per lead, its events counted by name as written, in the order each name first
        comes: what the summary's name checks look at."""
        inner = (
            exp.select(
                col(N),
                exp.alias_(exp.column("name"), "raw"),
                exp.alias_(exp.func("count", exp.Star()), "n"),
                exp.alias_(exp.func("min", col(ORDER)), "first"),
            )
            .from_(table(JOINED))
            .where(exp.Not(this=exp.Is(this=exp.column("name"), expression=exp.null())))
            .group_by(col(N), exp.column("name"))
        )
        pack = exp.func(
            "struct_pack",
            exp.PropertyEQ(this=exp.to_identifier("name"), expression=exp.column("raw")),
            exp.PropertyEQ(this=exp.to_identifier("n"), expression=exp.column("n")),
        )
        listed = exp.alias_(
            exp.func(
                "list", exp.Order(this=pack, expressions=[exp.Ordered(this=exp.column("first"))])
            ),
            q(GROUPS),
        )
        return (
            exp.select(col(N), listed)
            .from_(exp.Subquery(this=inner, alias=exp.TableAlias(this=q("x"))))
            .group_by(col(N))
        )

    def _templates(self) -> dict[str, Mapping[str, Any]]:
        """For each event name as written, a stand-in event holding the properties some event
        of that name has (what the summary's property checks ask)."""
        if not self.tables.properties:
            return {}
        select = (
            exp.select(
                col("name"),
                *(
                    exp.func("count", exp.Dot(this=col("properties"), expression=q(p)))
                    for p in self.tables.properties
                ),
            )
            .from_(table(JOINED))
            .group_by(col("name"))
        )
        out: dict[str, Mapping[str, Any]] = {}
        for name, *counts in self.con.execute(sql(select)).fetchall():
            out[name] = {
                "name": name,
                "properties": {
                    p: "" for p, n in zip(self.tables.properties, counts, strict=True) if n
                },
            }
        return out

    def _events_of(self, numbers: Sequence[Any]) -> dict[int, list[dict[str, Any]]]:
        """The events of these leads, as the Python engine gives them to a lead."""
        select = (
            exp.select(exp.Star())
            .from_(table(JOINED))
            .where(exp.In(this=col(N), expressions=[exp.Literal.number(int(n)) for n in numbers]))
            .order_by(col(N), col(ORDER))
        )
        cursor = self.con.cursor()
        result = cursor.execute(sql(select))
        names = [d[0] for d in result.description]
        out: dict[int, list[dict[str, Any]]] = {}
        for values in result.fetchall():
            row = dict(zip(names, values, strict=True))
            props = row.get("properties") or {}
            out.setdefault(int(row[N]), []).append(
                {
                    "name": row["name"],
                    "at": row["at"],
                    "properties": {k: v for k, v in props.items() if v is not None},
                }
            )
        return out
