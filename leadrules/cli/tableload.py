"""The tables that ``leadrules score --engine duckdb`` scores: a file of leads and its events
file, defined in DuckDB before anything is read (so that the scoring query can be built, and
refused, first) and then loaded, with what the Python engine reports while reading them.

A CSV file's records are read by :mod:`.records` — as the Python engine reads them: its
quoting, blank cells, short rows, bad records reported with their line — and written to a
plain CSV file that DuckDB loads strictly (every cell text, a blank cell NULL). A Parquet file
is read where it is, by DuckDB's reader (a view, no copy). The events are read the same way
(:func:`.events.read_events` for CSV; SQL that reads a Parquet file's columns as that function
reads records) and joined to the leads by id. Also here: :func:`table_problem`, the inputs this
engine does not take. Not here: the scoring (:mod:`.tablefile`).

Every statement is a sqlglot tree; a path enters it only as a literal or a parameter.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Sequence
from typing import Any

import duckdb
from sqlglot import exp

from ..runtime.names import normalize_name
from .base import open_input
from .events import AT_NAMES, NAME_NAMES, EventTable, Problems, read_events
from .ids import headers_text
from .inputs import InputFile, Reporter
from .records import LeadItem

__all__ = [
    "EVENTS",
    "GROUPS",
    "ID",
    "INTERNAL",
    "JOINED",
    "LEADS",
    "ORDER",
    "N",
    "Tables",
    "col",
    "q",
    "sql",
    "table",
    "table_problem",
]

N = "__leadrules_n"  # the lead's place in the file (1, 2, ...)
ID = "__leadrules_id"  # the lead's id as text, as the events join it
OWNER = "__leadrules_owner"  # an event's lead id
ORDER = "__leadrules_order"  # an event's place in its file
GROUPS = "__leadrules_groups"  # a lead's events counted by name
LEADS = "__leadrules_leads"
RAW_EVENTS = "__leadrules_raw_events"
EVENTS = "__leadrules_events"
JOINED = "__leadrules_joined"
#: The columns the tables add, which no rule name binds to.
INTERNAL = frozenset({N, ID, ORDER})


def q(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def col(name: str, table_name: str | None = None) -> exp.Column:
    return exp.Column(this=q(name), table=q(table_name) if table_name else None)


def sql(expression: exp.Expr) -> str:
    return expression.sql(dialect="duckdb")


def table(name: str) -> exp.Table:
    return exp.to_table(name, quoted=True)


def _create(kind: str, name: str, select: exp.Expr) -> exp.Create:
    return exp.Create(this=table(name), kind=kind, expression=select)


def _is_null(expression: exp.Expr) -> exp.Expr:
    return exp.Is(this=expression, expression=exp.null())


def _blank_null(text: exp.Expr, strip: bool = True) -> exp.Expr:
    """``text`` stripped (or not), NULL when it is blank."""
    trimmed = exp.func("trim", text)
    return exp.If(
        this=exp.EQ(this=trimmed, expression=exp.Literal.string("")),
        true=exp.null(),
        false=trimmed if strip else text,
    )


def _parquet(path: str) -> exp.Expr:
    """``read_parquet('path', file_row_number = true)``: the path a literal."""
    return exp.func(
        "read_parquet",
        exp.Literal.string(path),
        exp.PropertyEQ(this=exp.to_identifier("file_row_number"), expression=exp.true()),
    )


def _row_number() -> exp.Expr:
    return exp.Add(this=exp.column("file_row_number"), expression=exp.Literal.number(1))


# ---- what this engine does not take


def _csv_header(path: str, encoding: str, delimiter: str) -> list[str]:
    """The first record of a CSV file, its cells stripped (empty when it cannot be read: the
    reader then says why)."""
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
            return [cell.strip() for cell in next(csv.reader(f, delimiter=delimiter), [])]
    except (OSError, UnicodeError, LookupError, csv.Error):
        return []


def _format(path: str, input_format: str | None) -> str:
    if input_format:
        return input_format.lower()
    with open_input(path, None, "utf-8", table=False) as source:
        return source.fmt


def _case_clash(headers: Sequence[str]) -> tuple[str, str] | None:
    seen: dict[str, str] = {}
    for header in dict.fromkeys(h for h in headers if h):
        other = seen.setdefault(header.lower(), header)
        if other != header:
            return other, header
    return None


def table_problem(
    leads: str, input_format: str | None, encoding: str, events: str | None
) -> str | None:
    """Why the DuckDB engine cannot score these files as the Python engine would (None: it
    can)."""
    if leads == "-":
        return "the leads come from standard input; the DuckDB engine reads files"
    for path, fmt_given, what in ((leads, input_format, "leads"), (events, None, "events")):
        if path is None:
            continue
        fmt = _format(path, fmt_given)
        if fmt in ("json", "jsonl"):
            return (
                f"the {what} are JSON ({path}): a JSON field can hold a different kind of value "
                "in each record, which a table column cannot; the Python engine reads JSON"
            )
        if fmt in ("csv", "tsv"):
            header = _csv_header(path, encoding, "\t" if fmt == "tsv" else ",")
            clash = _case_clash(header)
            if clash is not None:
                return (
                    f"the {what} file {path} has columns {clash[0]!r} and {clash[1]!r}, which "
                    "differ only in case: a DuckDB table cannot hold both; rename one"
                )
            if what == "events" and any(normalize_name(h) == "properties" for h in header):
                return (
                    f"the events file {path} has a properties column of JSON text, whose values "
                    "keep their JSON kinds only in the Python engine"
                )
    return None


# ---- text records into DuckDB


class _Writer:
    """Records written to a plain CSV file for DuckDB: every cell text, None as an empty
    (NULL) cell."""

    def __init__(self, path: str) -> None:
        self.handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.handle, lineterminator="\n")

    def row(self, cells: Sequence[Any]) -> None:
        self.writer.writerow(cells)

    def close(self) -> None:
        self.handle.close()


def _insert_text(
    con: duckdb.DuckDBPyConnection,
    name: str,
    path: str,
    types: Sequence[str],
    pack_from: int | None = None,
    fields: Sequence[str] = (),
) -> None:
    """``INSERT INTO name`` the rows of a file written by :class:`_Writer` (its columns of
    ``types``); with ``pack_from``, the columns from there on packed as one STRUCT of
    ``fields``."""
    reader = exp.func(
        "read_csv",
        exp.Literal.string(path),
        *(
            exp.PropertyEQ(this=exp.to_identifier(key), expression=value)
            for key, value in (
                ("header", exp.false()),
                (
                    "columns",
                    exp.Struct(
                        expressions=[
                            exp.PropertyEQ(
                                this=exp.Literal.string(f"c{i}"), expression=exp.Literal.string(t)
                            )
                            for i, t in enumerate(types)
                        ]
                    ),
                ),
                ("delim", exp.Literal.string(",")),
                ("quote", exp.Literal.string('"')),
                ("escape", exp.Literal.string('"')),
                ("new_line", exp.Literal.string("\\n")),
                ("strict_mode", exp.true()),
                ("auto_detect", exp.false()),
                ("null_padding", exp.false()),
            )
        ),
    )
    width = len(types) if pack_from is None else pack_from
    columns: list[exp.Expr] = [exp.column(f"c{i}") for i in range(width)]
    if pack_from is not None:
        columns.append(
            exp.func(
                "struct_pack",
                *(
                    exp.PropertyEQ(this=q(f), expression=exp.column(f"c{pack_from + i}"))
                    for i, f in enumerate(fields)
                ),
            )
        )
    statement = exp.insert(exp.select(*columns).from_(reader), table(name))
    con.execute(sql(statement))


def _create_columns(
    con: duckdb.DuckDBPyConnection, name: str, columns: Sequence[tuple[str, str]]
) -> None:
    """``CREATE TABLE name (column type, ...)``, empty."""
    schema = exp.Schema(
        this=table(name),
        expressions=[
            exp.ColumnDef(this=q(c), kind=exp.DataType.build(t, dialect="duckdb"))
            for c, t in columns
        ],
    )
    con.execute(sql(exp.Create(this=schema, kind="TABLE")))


class Tables:
    """The leads and events tables of one ``score`` run (see the module's docstring):
    :meth:`define` makes them (empty, or views over Parquet), :meth:`load` fills them."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        directory: str,
        leads: InputFile,
        header: Sequence[str] | None,
        id_field: str | None,
        events: InputFile | None = None,
        events_id: str | None = None,
        events_headers: Sequence[str] = (),
    ) -> None:
        self.con = con
        self.directory = directory
        self.leads = leads
        self.columns = list(dict.fromkeys(h for h in (header or []) if h))
        self.id_field = id_field
        self.events = events
        self.events_id = events_id
        self.events_headers = list(events_headers)
        self.has_events = events is not None and events_id is not None
        #: The event properties the events table holds, as named in the file.
        self.properties: list[str] = []
        #: Where each lead of a CSV file was read (``file:line``).
        self.where: dict[int, str] = {}
        self._event_columns: tuple[str | None, str | None, list[str]] = (None, None, [])

    # ---- definition

    def define(self) -> None:
        """The tables, empty (CSV) or as views over the files (Parquet), and the join."""
        if self.leads.fmt == "parquet":
            select = exp.select(
                exp.alias_(_row_number(), q(N)),
                exp.alias_(self._id_text(), q(ID)),
                exp.Star(**{"except": [exp.column("file_row_number")]}),
            ).from_(_parquet(self.leads.name))
            self.con.execute(sql(_create("VIEW", LEADS, select)))
        else:
            _create_columns(
                self.con,
                LEADS,
                [(N, "BIGINT"), (ID, "VARCHAR"), *((c, "VARCHAR") for c in self.columns)],
            )
        if not self.has_events:
            return
        assert self.events is not None
        if self.events.fmt == "parquet":
            self._define_parquet_events()
        else:
            self._define_text_events()
        self._define_join()

    def _id_text(self) -> exp.Expr:
        """The lead's id as the Python engine reads it (text, stripped; NULL when blank)."""
        if self.id_field is None:
            return exp.cast(exp.null(), "VARCHAR")
        return _blank_null(exp.cast(col(self.id_field), "VARCHAR"))

    def _define_text_events(self) -> None:
        keys: dict[str, str] = {}
        for header in self.events_headers:
            keys.setdefault(normalize_name(header), header)
        used = {self.events_id}
        for names in (NAME_NAMES, AT_NAMES):
            picked = next((keys[n] for n in names if n in keys), None)
            if picked is not None:
                used.add(picked)
        self.properties = [h for h in dict.fromkeys(self.events_headers) if h not in used]
        columns = [(OWNER, "VARCHAR"), (ORDER, "BIGINT"), ("name", "VARCHAR"), ("at", "VARCHAR")]
        if self.properties:
            fields = ", ".join(f"{q(p).sql(dialect='duckdb')} VARCHAR" for p in self.properties)
            columns.append(("properties", f"STRUCT({fields})"))
        _create_columns(self.con, EVENTS, columns)

    def _define_parquet_events(self) -> None:
        """Views over a Parquet events file, read as :func:`.events.read_events` reads
        records: the lead id as text, the name (text, not blank), the time, and the properties
        (a ``properties`` record's fields, then every other column)."""
        assert self.events is not None and self.events_id is not None
        relation = self.con.sql(sql(exp.select(exp.Star()).from_(_parquet(self.events.name))))
        columns = [c for c in relation.columns if c != "file_row_number"]
        types = dict(zip(relation.columns, relation.types, strict=True))
        keys: dict[str, str] = {}
        for column in columns:
            keys.setdefault(normalize_name(column), column)
        name_col = next((keys[n] for n in NAME_NAMES if n in keys), None)
        at_col = next((keys[n] for n in AT_NAMES if n in keys), None)
        props_col = keys.get("properties")
        fields: list[tuple[str, exp.Expr]] = []
        if props_col is not None and str(types[props_col]).startswith("STRUCT"):
            for field, _ in types[props_col].children:
                fields.append((str(field), exp.Dot(this=col(props_col), expression=q(str(field)))))
        taken = {f for f, _ in fields}
        for column in columns:
            if column not in {self.events_id, name_col, at_col, props_col} and column not in taken:
                fields.append((column, col(column)))
        self.properties = [f for f, _ in fields]
        self._event_columns = (name_col, at_col, columns)
        name: exp.Expr = (
            exp.cast(exp.null(), "VARCHAR")
            if name_col is None or str(types[name_col]) != "VARCHAR"
            else _blank_null(col(name_col), strip=False)
        )
        selected: list[exp.Expr] = [
            exp.alias_(_blank_null(exp.cast(col(self.events_id), "VARCHAR")), q(OWNER)),
            exp.alias_(_row_number(), q(ORDER)),
            exp.alias_(name, q("name")),
            exp.alias_(exp.null() if at_col is None else col(at_col), q("at")),
        ]
        if fields:
            pack = exp.func(
                "struct_pack", *(exp.PropertyEQ(this=q(f), expression=e) for f, e in fields)
            )
            selected.append(exp.alias_(pack, q("properties")))
        raw = exp.select(*selected).from_(_parquet(self.events.name))
        self.con.execute(sql(_create("VIEW", RAW_EVENTS, raw)))
        kept = (
            exp.select(exp.Star())
            .from_(table(RAW_EVENTS))
            .where(exp.and_(exp.not_(_is_null(col(OWNER))), exp.not_(_is_null(col("name")))))
        )
        self.con.execute(sql(_create("VIEW", EVENTS, kept)))

    def _join(self) -> exp.Select:
        """The events joined to the leads: ``(lead's place, name, at[, properties], event's
        place)``."""
        return (
            exp.select(
                exp.alias_(col(N, "l"), q(N)),
                col("name", "e"),
                col("at", "e"),
                *([col("properties", "e")] if self.properties else []),
                col(ORDER, "e"),
            )
            .from_(table(EVENTS).as_("e"))
            .join(table(LEADS).as_("l"), on=exp.EQ(this=col(OWNER, "e"), expression=col(ID, "l")))
        )

    def _define_join(self) -> None:
        self.con.execute(sql(_create("VIEW", JOINED, self._join())))

    # ---- loading

    def load(
        self,
        items: Iterable[LeadItem],
        lead_id: Any,
        events_items: Iterable[LeadItem],
        events_table: EventTable | None,
        reporter: Reporter,
    ) -> None:
        """Fill the tables: the leads (``lead_id(item)`` their id), the events; then the join
        made once, and what it came to noted in ``events_table``."""
        if self.leads.fmt != "parquet":
            self._load_text_leads(items, lead_id)
        if not self.has_events:
            return
        assert self.events is not None
        if self.events.fmt == "parquet":
            self._report_parquet_events(reporter)
        else:
            self._load_text_events(events_items, reporter)
        # The join, made once: a table where the view (the query's schema) was.
        self.con.execute(sql(exp.Drop(tables=[table(JOINED)], kind="VIEW")))
        self.con.execute(sql(_create("TABLE", JOINED, self._join())))
        if events_table is not None:
            self._note_join(events_table)

    def _load_text_leads(self, items: Iterable[LeadItem], lead_id: Any) -> None:
        path = os.path.join(self.directory, "leads.csv")
        writer = _Writer(path)
        try:
            for item in items:
                self.where[item.number] = item.where
                data = item.data
                writer.row([item.number, lead_id(item) or "", *(data.get(c) for c in self.columns)])
        finally:
            writer.close()
        _insert_text(self.con, LEADS, path, ["BIGINT", *["VARCHAR"] * (len(self.columns) + 1)])
        os.remove(path)

    def _load_text_events(self, items: Iterable[LeadItem], reporter: Reporter) -> None:
        assert self.events is not None and self.events_id is not None
        path = os.path.join(self.directory, "events.csv")
        writer = _Writer(path)
        order = 0
        try:
            for owner, event in read_events(items, self.events.name, self.events_id, reporter):
                order += 1
                props = event["properties"]
                writer.row(
                    [owner, order, event["name"], event["at"]]
                    + [props.get(p) for p in self.properties]
                )
        finally:
            writer.close()
            self.events.close()
        types = ["VARCHAR", "BIGINT", *["VARCHAR"] * (2 + len(self.properties))]
        pack = 4 if self.properties else None
        _insert_text(self.con, EVENTS, path, types, pack, self.properties)
        os.remove(path)

    def _count(self, select: exp.Select) -> int:
        found = self.con.execute(sql(select)).fetchone()
        return int(found[0]) if found else 0

    def _report_parquet_events(self, reporter: Reporter) -> None:
        """The rows of a Parquet events file that are not events, reported as
        :func:`.events.read_events` reports them."""
        assert self.events is not None and self.events_id is not None
        path = self.events.name
        name_col, _, columns = self._event_columns
        problems = Problems()
        blank_name = (
            f"the event's name ({name_col!r}) is blank"
            if name_col is not None
            else "no column for the event's name (name, event, event name, type; fields: "
            f"{headers_text(columns)})"
        )
        for message, condition in (
            (f"the lead id ({self.events_id!r}) is blank", _is_null(col(OWNER))),
            (blank_name, exp.and_(exp.not_(_is_null(col(OWNER))), _is_null(col("name")))),
        ):
            count = self._count(
                exp.select(exp.func("count", exp.Star())).from_(table(RAW_EVENTS)).where(condition)
            )
            if not count:
                continue
            examples = self.con.execute(
                sql(
                    exp.select(col(ORDER))
                    .from_(table(RAW_EVENTS))
                    .where(condition)
                    .order_by(col(ORDER))
                    .limit(5)
                )
            ).fetchall()
            for (row,) in examples:
                problems.add(message, f"{path}:{row}")
            if count > len(examples):
                problems.add(message, f"{path}:", count - len(examples))
        problems.report(path, reporter, skipped=True)
        total = self._count(exp.select(exp.func("count", exp.Star())).from_(table(EVENTS)))
        if not total and problems.lines:
            reporter.warn_once(
                path,
                f"no event was read; if the lead id is not in {self.events_id!r}, name its "
                f"column with --events-id-field COLUMN (the columns: {headers_text(columns)})",
            )

    def _note_join(self, events_table: EventTable) -> None:
        """What the summary says of the join: events for no lead (how many, for how many
        ids, the first such id) and the first lead's id."""
        matched = exp.Exists(
            this=exp.select("1")
            .from_(table(LEADS).as_("l"))
            .where(exp.EQ(this=col(ID, "l"), expression=col(OWNER, "e")))
        )
        found = self.con.execute(
            sql(
                exp.select(
                    exp.func("count", exp.Star()),
                    exp.func("count", exp.Distinct(expressions=[col(OWNER, "e")])),
                    exp.func("arg_min", col(OWNER, "e"), col(ORDER, "e")),
                )
                .from_(table(EVENTS).as_("e"))
                .where(exp.not_(matched))
            )
        ).fetchone()
        assert found is not None
        unused, ids, first = found
        example = self.con.execute(
            sql(exp.select(exp.func("arg_min", col(ID), col(N))).from_(table(LEADS)))
        ).fetchone()
        events_table.count = self._count(
            exp.select(exp.func("count", exp.Star())).from_(table(EVENTS))
        )
        events_table.example_lead = example[0] if example else None
        events_table.counted = (int(unused), int(ids), first)
        events_table.joined = bool(
            self._count(exp.select(exp.func("count", exp.Star())).from_(table(JOINED)))
        )
