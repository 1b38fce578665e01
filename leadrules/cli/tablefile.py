"""``leadrules score --engine duckdb``: a file of leads (and its events) scored as one table on
DuckDB, with what the Python engine gives for the same files — the same rows, summary and exit
code.

The records are read as the Python engine reads them, so that a file means one thing whichever
engine scores it: a CSV file by :mod:`.records` (its quoting, blank cells, short rows, bad
records reported with their line), a Parquet file by DuckDB's reader (:mod:`.parquet`). A CSV
file's records are written to a plain CSV file that DuckDB loads (every cell text, blank cells
NULL); the events are loaded the same way (or read from Parquet), joined to the leads by id in
SQL, and the scoring query (:mod:`leadrules.backends.sql`) runs on both tables. Each scored row
becomes a :class:`~leadrules.result.Result` (:func:`~leadrules.backends.sql.result_of_row`);
a row whose lead may have data warnings, and every row with ``--explain``, is scored again by
the compiled Python engine, which writes the warnings' and the evidence's words.

Inputs this engine does not take (JSON and JSON Lines, whose fields may hold a different kind of
value in each lead; an events file with a ``properties`` column of JSON text; columns whose
names differ only in case) are refused by :func:`table_problem` before anything is read. Not
here: choosing the engine (:mod:`.commands.score`).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp

from ..backends.sql.columns import table_of
from ..backends.sql.dialect import DuckDB
from ..backends.sql.engine import connect
from ..backends.sql.query import Query
from ..backends.sql.rows import result_of_row
from ..errors import LeadRulesError
from ..ruleset import RuleSet
from ..runtime.names import normalize_name
from .base import Failure, open_input
from .events import AT_NAMES, NAME_NAMES, EventTable, Problems, read_events
from .ids import choose_events_id, choose_lead_id, headers_text
from .inputs import InputFile, Reporter
from .leadfile import LeadSource, Scored, peek
from .names import EventGroup
from .records import LeadItem, read_records
from .terminal import Progress

__all__ = ["TableFile", "table_problem"]

_N = "__leadrules_n"  # the lead's place in the file (1, 2, ...)
_ID = "__leadrules_id"  # the lead's id as text, as the events join it
_OWNER = "__leadrules_owner"  # an event's lead id
_ORDER = "__leadrules_order"  # an event's place in its file
_LEADS = "__leadrules_leads"
_EVENTS = "__leadrules_events"
_JOINED = "__leadrules_joined"
_INTERNAL = frozenset({_N, _ID})
#: Rows fetched at a time.
_BATCH = 4096


def _q(name: str) -> exp.Identifier:
    return exp.to_identifier(name, quoted=True)


def _col(name: str, table: str | None = None) -> exp.Column:
    return exp.Column(this=_q(name), table=_q(table) if table else None)


def _sql(expression: exp.Expression) -> str:
    return expression.sql(dialect="duckdb")


def _table(name: str) -> exp.Table:
    return exp.to_table(name, quoted=True)


def _create_table(name: str, select: exp.Expression) -> exp.Create:
    return exp.Create(this=_table(name), kind="TABLE", expression=select)


def _blank_null(text: exp.Expression, strip: bool = True) -> exp.Expression:
    """``text`` stripped (or not), NULL when it is blank."""
    trimmed = exp.func("trim", text)
    return exp.If(
        this=exp.EQ(this=trimmed, expression=exp.Literal.string("")),
        true=exp.null(),
        false=trimmed if strip else text,
    )


def _csv_header(path: str, encoding: str, delimiter: str) -> list[str]:
    """The first record of a CSV file, its cells stripped (empty when it cannot be read: the
    reader then says why)."""
    try:
        with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
            return [cell.strip() for cell in next(csv.reader(f, delimiter=delimiter), [])]
    except (OSError, UnicodeError, csv.Error):
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


def _read_text_csv(types: Sequence[str]) -> str:
    """The SQL that reads a file written by :class:`_Writer`, its columns ``c0``, ``c1``, ...
    of ``types`` (no user text in it: the path is a parameter)."""
    columns = ", ".join(f"'c{i}': '{t}'" for i, t in enumerate(types))
    return (
        f"SELECT * FROM read_csv($1, header = false, columns = {{{columns}}}, delim = ',', "
        "quote = '\"', escape = '\"', new_line = '\\n', strict_mode = true, "
        "auto_detect = false, null_padding = false)"
    )


def _load_text(
    con: duckdb.DuckDBPyConnection, name: str, path: str, names: Sequence[str], types: Sequence[str]
) -> None:
    """``CREATE TABLE name AS`` a file written by :class:`_Writer`, its columns ``names``."""
    source = sqlglot.parse_one(_read_text_csv(types), dialect="duckdb")
    select = exp.select(
        *(exp.alias_(exp.column(f"c{i}"), _q(n)) for i, n in enumerate(names))
    ).from_(source.subquery("__leadrules_file"))
    con.execute(_sql(_create_table(name, select)), [path])


class TableFile(LeadSource):
    """The leads of ``path`` and their events, scored on DuckDB (see the module's
    docstring). Opening it reads a CSV file's header or a Parquet file's columns and chooses
    the id columns, as :class:`.leadfile.LeadFile` does; :meth:`scored` loads both files and
    scores them."""

    def __init__(
        self,
        path: str,
        input_format: str | None,
        encoding: str,
        events_path: str | None,
        id_field: str | None,
        events_id_field: str | None = None,
    ) -> None:
        self.reporter = Reporter()
        self.events: EventTable | None = None
        self.events_name: str | None = None
        self.explicit_id = id_field is not None
        self._events_source: InputFile | None = None
        self._events_items: Iterator[LeadItem] = iter(())
        self._events_id: str | None = None
        self.kind = "column"
        try:
            events_headers: list[str] | None = None
            if events_path is not None:
                self._events_source = open_input(events_path, None, encoding)
                self.events_name = self._events_source.name
                events_records = read_records(self._events_source, self.reporter)
                first, self._events_items = peek(events_records)
                events_headers = [h for h in (events_records.header or []) if h]
            self.source = open_input(path, input_format, encoding)
            records = read_records(self.source, self.reporter)
            self.header = records.header
            self.headers = [h for h in (records.header or []) if h]
            self._items = iter(records)
            self.id_field = choose_lead_id(
                self.headers, id_field, self.source.name, events_headers=events_headers
            )
            if self._events_source is not None and events_headers is not None:
                self._events_id = choose_events_id(
                    events_headers, events_id_field, self._events_source.name, self.id_field
                )
                self._events_headers = events_headers
        except LeadRulesError as exc:
            self.close()
            raise Failure(str(exc)) from exc
        self._dir = tempfile.TemporaryDirectory(prefix="leadrules-")
        self.con = connect()
        self._prop_names: list[str] = []

    @property
    def name(self) -> str:
        return self.source.name

    def close(self) -> None:
        if hasattr(self, "source"):
            self.source.close()
        if self._events_source is not None:
            self._events_source.close()

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
            self.reporter.set_writer(_stderr)
            self.reporter.finish()
            self.con.close()
            self._dir.cleanup()

    # ---- loading

    def _lead_columns(self) -> list[str]:
        """The leads' columns as the records have them (blank and repeated headers left
        out, as the CSV reader leaves them out)."""
        return list(dict.fromkeys(h for h in (self.header or []) if h))

    def _load_leads(self) -> None:
        if self.source.fmt == "parquet":
            self._load_parquet_leads()
            return
        columns = self._lead_columns()
        path = os.path.join(self._dir.name, "leads.csv")
        writer = _Writer(path)
        self._where: dict[int, str] = {}
        try:
            for item in self._items:
                self._where[item.number] = item.where
                data = item.data
                writer.row(
                    [item.number, self.lead_id(item) or "", *(data.get(c) for c in columns)]
                )
        finally:
            writer.close()
        names = [_N, _ID, *columns]
        types = ["BIGINT", *["VARCHAR"] * (len(names) - 1)]
        _load_text(self.con, _LEADS, path, names, types)

    def _load_parquet_leads(self) -> None:
        self._where = {}
        file = exp.func(
            "read_parquet",
            exp.Placeholder(this="1"),
            exp.PropertyEQ(this=exp.to_identifier("file_row_number"), expression=exp.true()),
        )
        order = exp.Add(this=exp.column("file_row_number"), expression=exp.Literal.number(1))
        select = exp.select(
            exp.alias_(order, _q(_N)),
            exp.alias_(self._id_text(), _q(_ID)),
            exp.Star(**{"except": [exp.column("file_row_number")]}),
        ).from_(file)
        self.con.execute(_sql(_create_table(_LEADS, select)), [self.source.name])

    def _id_text(self) -> exp.Expression:
        """The lead's id as the Python engine reads it (text, stripped; NULL when blank)."""
        if self.id_field is None:
            return exp.cast(exp.null(), "VARCHAR")
        return _blank_null(exp.cast(_col(self.id_field), "VARCHAR"))

    def _load_events(self) -> bool:
        """Load the events file as ``(owner, order, name, at[, properties])``, one row per
        event that has a lead id and a name (the others reported, as the Python engine
        reports them), and join it to the leads; False when there is no events file."""
        if self._events_source is None or self._events_id is None:
            return False
        source = self._events_source
        self.events = EventTable(id_column=self._events_id)
        if source.fmt == "parquet":
            self._load_parquet_events()
        else:
            self._load_text_events()
        self._join_events()
        return True

    def _load_text_events(self) -> None:
        assert self._events_source is not None and self._events_id is not None
        source = self._events_source
        keys: dict[str, str] = {}
        for header in self._events_headers:
            keys.setdefault(normalize_name(header), header)
        used = {self._events_id}
        for names in (NAME_NAMES, AT_NAMES):
            picked = next((keys[n] for n in names if n in keys), None)
            if picked is not None:
                used.add(picked)
        self._prop_names = [h for h in dict.fromkeys(self._events_headers) if h not in used]
        path = os.path.join(self._dir.name, "events.csv")
        writer = _Writer(path)
        order = 0
        try:
            for owner, event in read_events(
                self._events_items, source.name, self._events_id, self.reporter
            ):
                order += 1
                props = event["properties"]
                writer.row(
                    [owner, order, event["name"], event["at"]]
                    + [props.get(p) for p in self._prop_names]
                )
        finally:
            writer.close()
            source.close()
        names = [_OWNER, _ORDER, "name", "at", *(f"p{i}" for i in range(len(self._prop_names)))]
        types = ["VARCHAR", "BIGINT", *["VARCHAR"] * (len(names) - 2)]
        reader = sqlglot.parse_one(_read_text_csv(types), dialect="duckdb")

        columns: list[exp.Expression] = [
            exp.alias_(exp.column(f"c{i}"), _q(n)) for i, n in enumerate(names[:4])
        ]
        if self._prop_names:
            pack = exp.func(
                "struct_pack",
                *(
                    exp.PropertyEQ(this=_q(p), expression=exp.column(f"c{i + 4}"))
                    for i, p in enumerate(self._prop_names)
                ),
            )
            columns.append(exp.alias_(pack, _q("properties")))
        select = exp.select(*columns).from_(reader.subquery("__leadrules_file"))
        self.con.execute(_sql(_create_table(_EVENTS, select)), [path])

    def _load_parquet_events(self) -> None:
        """A Parquet events file, read as :func:`.events.read_events` reads records: the lead
        id as text, the name (text, not blank), the time, and the properties (a ``properties``
        record's fields, then every other column)."""
        assert self._events_source is not None and self._events_id is not None
        path = self._events_source.name
        file = exp.func(
            "read_parquet",
            exp.Placeholder(this="1"),
            exp.PropertyEQ(this=exp.to_identifier("file_row_number"), expression=exp.true()),
        )
        relation = self.con.sql("SELECT * FROM read_parquet($1)", params=[path])
        columns = list(relation.columns)
        types = dict(zip(columns, relation.types))
        keys: dict[str, str] = {}
        for column in columns:
            keys.setdefault(normalize_name(column), column)
        name_col = next((keys[n] for n in NAME_NAMES if n in keys), None)
        at_col = next((keys[n] for n in AT_NAMES if n in keys), None)
        props_col = keys.get("properties")
        fields: list[tuple[str, exp.Expression]] = []
        if props_col is not None:
            for field, _ in types[props_col].children:
                fields.append((str(field), exp.Dot(this=_col(props_col), expression=_q(str(field)))))
        taken = {f for f, _ in fields}
        for column in columns:
            if column not in {self._events_id, name_col, at_col, props_col} and column not in taken:
                fields.append((column, _col(column)))
        self._prop_names = [f for f, _ in fields]
        owner = _blank_null(exp.cast(_col(self._events_id), "VARCHAR"))
        name: exp.Expression = (
            exp.cast(exp.null(), "VARCHAR")
            if name_col is None or str(types[name_col]) != "VARCHAR"
            else _blank_null(_col(name_col), strip=False)
        )
        at = exp.null() if at_col is None else _col(at_col)
        order = exp.Add(this=exp.column("file_row_number"), expression=exp.Literal.number(1))
        selected: list[exp.Expression] = [
            exp.alias_(owner, _q(_OWNER)),
            exp.alias_(order, _q(_ORDER)),
            exp.alias_(name, _q("name")),
            exp.alias_(at, _q("at")),
        ]
        if fields:
            pack = exp.func(
                "struct_pack", *(exp.PropertyEQ(this=_q(f), expression=e) for f, e in fields)
            )
            selected.append(exp.alias_(pack, _q("properties")))
        raw = exp.select(*selected).from_(file)
        self.con.execute(_sql(_create_table("__leadrules_raw_events", raw)), [path])
        problems = Problems()
        blank_id = f"the lead id ({self._events_id!r}) is blank"
        blank_name = (
            f"the event's name ({name_col!r}) is blank"
            if name_col is not None
            else "no column for the event's name (name, event, event name, type; fields: "
            f"{headers_text(columns)})"
        )
        for message, condition in (
            (blank_id, exp.Is(this=_col(_OWNER), expression=exp.null())),
            (
                blank_name,
                exp.and_(
                    exp.Not(this=exp.Is(this=_col(_OWNER), expression=exp.null())),
                    exp.Is(this=_col("name"), expression=exp.null()),
                ),
            ),
        ):
            count_row = self.con.execute(
                _sql(exp.select(exp.func("count", exp.Star())).from_(_table("__leadrules_raw_events")).where(condition))
            ).fetchone()
            count = int(count_row[0]) if count_row else 0
            if not count:
                continue
            examples = self.con.execute(
                _sql(
                    exp.select(_col(_ORDER))
                    .from_(_table("__leadrules_raw_events"))
                    .where(condition)
                    .order_by(_col(_ORDER))
                    .limit(5)
                )
            ).fetchall()
            for (row,) in examples:
                problems.add(message, f"{path}:{row}")
            if count > len(examples):
                problems.add(message, f"{path}:", count - len(examples))
        kept = (
            exp.select(exp.Star())
            .from_(_table("__leadrules_raw_events"))
            .where(
                exp.and_(
                    exp.Not(this=exp.Is(this=_col(_OWNER), expression=exp.null())),
                    exp.Not(this=exp.Is(this=_col("name"), expression=exp.null())),
                )
            )
        )
        self.con.execute(_sql(_create_table(_EVENTS, kept)))
        problems.report(path, self.reporter, skipped=True)
        total = self.con.execute(
            _sql(exp.select(exp.func("count", exp.Star())).from_(_table(_EVENTS)))
        ).fetchone()
        if not (total and total[0]) and problems.lines:
            self.reporter.warn_once(
                path,
                f"no event was read; if the lead id is not in {self._events_id!r}, name its "
                f"column with --events-id-field COLUMN (the columns: {headers_text(columns)})",
            )

    def _join_events(self) -> None:
        """The events joined to the leads: ``(lead's place, name, at[, properties], event's
        place)``, a lead's events in the file's order."""
        has_props = bool(self._prop_names)
        select = (
            exp.select(
                exp.alias_(_col(_N, "l"), _q(_N)),
                _col("name", "e"),
                _col("at", "e"),
                *([_col("properties", "e")] if has_props else []),
                _col(_ORDER, "e"),
            )
            .from_(_table(_EVENTS).as_("e"))
            .join(
                _table(_LEADS).as_("l"),
                on=exp.EQ(this=_col(_OWNER, "e"), expression=_col(_ID, "l")),
            )
        )
        self.con.execute(_sql(_create_table(_JOINED, select)))
        self._note_unused()

    def _one(self, select: exp.Select) -> tuple[Any, ...]:
        found = self.con.execute(_sql(select)).fetchone()
        assert found is not None
        return tuple(found)

    def _note_unused(self) -> None:
        """What the summary says of the join: events for no lead (how many, for how many
        ids, the first such id) and the first lead's id."""
        assert self.events is not None
        matched = exp.Exists(
            this=exp.select("1")
            .from_(_table(_LEADS).as_("l"))
            .where(exp.EQ(this=_col(_ID, "l"), expression=_col(_OWNER, "e")))
        )
        unused, ids, first = self._one(
            exp.select(
                exp.func("count", exp.Star()),
                exp.func("count", exp.Distinct(expressions=[_col(_OWNER, "e")])),
                exp.func("arg_min", _col(_OWNER, "e"), _col(_ORDER, "e")),
            )
            .from_(_table(_EVENTS).as_("e"))
            .where(exp.not_(matched))
        )
        (total,) = self._one(exp.select(exp.func("count", exp.Star())).from_(_table(_EVENTS)))
        (example,) = self._one(
            exp.select(exp.func("arg_min", _col(_ID), _col(_N))).from_(_table(_LEADS))
        )
        (joined,) = self._one(exp.select(exp.func("count", exp.Star())).from_(_table(_JOINED)))
        self.events.count = int(total)
        self.events.example_lead = example
        self.events.counted = (int(unused), int(ids), first)
        self.events.joined = bool(joined)

    # ---- scoring

    def scored(
        self, ruleset: RuleSet, now: dt.datetime, debug: bool, explain: bool = False
    ) -> Iterator[Scored]:
        self._load_leads()
        has_events = self._load_events()
        leads_table = self._table(_LEADS)
        events_table = self._table(_JOINED) if has_events else None
        query = Query(
            ruleset.checked,
            DuckDB(),
            leads_table,
            exp.to_table(_LEADS, quoted=True),
            _N,
            now,
            events_table,
            exp.to_table(_JOINED, quoted=True) if has_events else None,
            _N,
            missing_names=True,
            internal=_INTERNAL | {_ORDER},
            properties_only=True,
        )
        scoring = query.build()
        picked: list[exp.Expression] = [
            exp.Column(this=exp.Star(), table=_q("s")),
            *(_col(c.name, "l") for c in leads_table.columns if c.name != _N),
        ]
        if has_events:
            picked.append(_col("__leadrules_groups", "g"))
        wrapper = (
            exp.select(*picked)
            .from_(scoring.subquery("s"))
            .join(
                _table(_LEADS).as_("l"),
                on=exp.EQ(this=_col(_N, "s"), expression=_col(_N, "l")),
            )
            .order_by(_col(_N, "s"))
        )
        if has_events:
            wrapper = wrapper.join(
                self._groups_query().subquery("g"),
                on=exp.EQ(this=_col(_N, "s"), expression=_col(_N, "g")),
                join_type="left",
            )
        templates = self._templates() if has_events else {}
        columns = self._lead_columns() if self.source.fmt != "parquet" else None
        cursor = self.con.cursor()
        result = cursor.execute(_sql(wrapper))
        names = [d[0] for d in result.description]
        lead_names = (
            columns
            if columns is not None
            else [n for n in names[names.index(_ID) + 1 :] if n not in ("__leadrules_groups",)]
        )
        while True:
            batch = result.fetchmany(_BATCH)
            if not batch:
                break
            rows = [dict(zip(names, row)) for row in batch]
            # A lead without an id has no events list (it cannot be joined): the Python
            # engine scores it, as it scores a lead that may have warnings.
            again = [r[_N] for r in rows if explain or r["may_warn"] or _unjoined(r, has_events)]
            events = self._events_of(again) if again and has_events else {}
            for row in rows:
                number = int(row[_N])
                data = {name: row[name] for name in lead_names}
                where = self._where.get(number) or f"{self.source.name}:{number}"
                item = LeadItem(number, where, data)
                groups: list[EventGroup] = [
                    (g["name"], int(g["n"]), templates.get(g["name"]))
                    for g in row.get("__leadrules_groups") or ()
                ]
                if explain or row["may_warn"] or _unjoined(row, has_events):
                    lead = dict(data)
                    if has_events and row[_ID] is not None:
                        lead["events"] = events.get(number, [])
                    try:
                        scored = ruleset.evaluate(lead, now)
                    except Exception as exc:
                        if debug:
                            raise
                        self.reporter.skip(
                            where,
                            f"could not be scored (internal error {type(exc).__name__}: {exc})",
                        )
                        yield Scored(item, None, groups)
                        continue
                    yield Scored(item, scored, groups)
                else:
                    yield Scored(item, result_of_row(ruleset.checked, row, now), groups)

    def _table(self, name: str) -> Any:
        described = self.con.execute(
            _sql(exp.select(exp.Star()).from_(exp.to_table(name, quoted=True)).limit(0))
        )
        relation = self.con.table(name)
        del described
        return table_of(relation.columns, relation.types)

    def _groups_query(self) -> exp.Select:
        """Per lead, its events counted by name as written, in the order each name first
        comes: what the summary's name checks look at."""
        inner = (
            exp.select(
                _col(_N),
                exp.alias_(exp.column("name"), "raw"),
                exp.alias_(exp.func("count", exp.Star()), "n"),
                exp.alias_(exp.func("min", _col(_ORDER)), "first"),
            )
            .from_(exp.to_table(_JOINED, quoted=True))
            .where(exp.Not(this=exp.Is(this=exp.column("name"), expression=exp.null())))
            .group_by(_col(_N), exp.column("name"))
        )
        pack = exp.func(
            "struct_pack",
            exp.PropertyEQ(this=exp.to_identifier("name"), expression=exp.column("raw")),
            exp.PropertyEQ(this=exp.to_identifier("n"), expression=exp.column("n")),
        )
        listed = exp.alias_(
            exp.func("list", exp.Order(this=pack, expressions=[exp.Ordered(this=exp.column("first"))])),
            _q("__leadrules_groups"),
        )
        return exp.select(_col(_N), listed).from_(inner.subquery("x")).group_by(_col(_N))

    def _templates(self) -> dict[str, Mapping[str, Any]]:
        """For each event name as written, a stand-in event holding the properties some event
        of that name has (what the summary's property checks ask)."""
        if not self._prop_names:
            return {}
        select = (
            exp.select(
                _col("name"),
                *(
                    exp.func("count", exp.Dot(this=_col("properties"), expression=_q(p)))
                    for p in self._prop_names
                ),
            )
            .from_(_table(_JOINED))
            .group_by(_col("name"))
        )
        out: dict[str, Mapping[str, Any]] = {}
        for name, *counts in self.con.execute(_sql(select)).fetchall():
            out[name] = {
                "name": name,
                "properties": {p: "" for p, n in zip(self._prop_names, counts) if n},
            }
        return out

    def _events_of(self, numbers: Sequence[Any]) -> dict[int, list[dict[str, Any]]]:
        """The events of these leads, as the Python engine gives them to a lead."""
        select = (
            exp.select(exp.Star())
            .from_(exp.to_table(_JOINED, quoted=True))
            .where(
                exp.In(this=_col(_N), expressions=[exp.Literal.number(int(n)) for n in numbers])
            )
            .order_by(_col(_N), _col(_ORDER))
        )
        cursor = self.con.cursor()
        result = cursor.execute(_sql(select))
        names = [d[0] for d in result.description]
        out: dict[int, list[dict[str, Any]]] = {}
        for values in result.fetchall():
            row = dict(zip(names, values))
            props = row.get("properties") or {}
            out.setdefault(int(row[_N]), []).append(
                {
                    "name": row["name"],
                    "at": row["at"],
                    "properties": {k: v for k, v in props.items() if v is not None},
                }
            )
        return out


def _unjoined(row: Mapping[str, Any], has_events: bool) -> bool:
    return has_events and row[_ID] is None


def _stderr(text: str) -> None:
    from .base import echo_err

    echo_err(text)
