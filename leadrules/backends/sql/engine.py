"""Scoring whole tables on DuckDB, embedded: the inputs a user has (relations, table names,
CSV / Parquet / JSON Lines files, pandas / Arrow / Polars frames) as relations, the query run,
and the rows read back — as the reference sees them (for the conformance suite) and as
:class:`~leadrules.result.Result` objects (so that ``explain`` works on any scored row).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ...errors import InvalidArgument, LeadRulesError
from ...lang.checker import CheckedRules
from .columns import Table, table_of
from .dialect import DuckDB
from .query import Query

__all__ = ["connect", "relation_of", "rows_as_leads", "score_dicts", "score_duckdb"]

_COUNTER = itertools.count(1)
UTC = dt.timezone.utc


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection set as the queries need: the session time zone UTC (so that
    date-times with a zone are read and shown in UTC)."""
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def relation_of(
    source: Any, connection: duckdb.DuckDBPyConnection, what: str
) -> duckdb.DuckDBPyRelation:
    """Any input a user has, as a relation of ``connection``."""
    if isinstance(source, duckdb.DuckDBPyRelation):
        return source
    if isinstance(source, (str, os.PathLike)):
        text = os.fspath(source)
        path = Path(text)
        suffix = path.suffix.lower()
        if suffix in (".csv", ".tsv", ".txt") or (suffix == ".gz" and ".csv" in path.suffixes):
            if not path.exists():
                raise LeadRulesError(f"no such {what} file: {text}")
            return connection.read_csv(text, all_varchar=True, header=True)
        if suffix == ".parquet":
            if not path.exists():
                raise LeadRulesError(f"no such {what} file: {text}")
            return connection.read_parquet(text)
        if suffix in (".jsonl", ".ndjson", ".json"):
            if not path.exists():
                raise LeadRulesError(f"no such {what} file: {text}")
            return connection.read_json(
                text, format="newline_delimited" if suffix != ".json" else "auto"
            )
        try:  # the name of a table or view in the connection
            return connection.table(text)
        except duckdb.Error as exc:
            raise LeadRulesError(
                f"{what}: {text!r} is neither a file (.csv, .parquet, .jsonl) nor a table or "
                f"view of the connection ({exc})"
            ) from exc
    module = type(source).__module__.split(".", 1)[0]
    if module in ("pandas", "pyarrow", "polars"):
        return (
            connection.from_arrow(source)
            if module == "pyarrow"
            else connection.from_df(source)
            if module == "pandas"
            else connection.from_arrow(source.to_arrow())
        )
    raise InvalidArgument(
        f"{what} must be a DuckDB relation, a table name, a path to a CSV, Parquet or JSON "
        f"Lines file, or a pandas / Arrow / Polars frame, not {type(source).__name__}"
    )


def _table(relation: duckdb.DuckDBPyRelation) -> Table:
    return table_of(relation.columns, relation.types)


def build_query(
    rules: CheckedRules,
    leads: duckdb.DuckDBPyRelation,
    leads_name: str,
    now: dt.datetime,
    id_name: str,
    events: duckdb.DuckDBPyRelation | None,
    events_name: str | None,
    events_id: str | None,
    missing_names: bool = False,
) -> str:
    from sqlglot import exp

    query = Query(
        rules,
        DuckDB(),
        _table(leads),
        exp.to_table(leads_name, quoted=True),
        id_name,
        now,
        _table(events) if events is not None else None,
        exp.to_table(events_name, quoted=True) if events_name else None,
        events_id,
        missing_names=missing_names,
    )
    return query.build().sql(dialect="duckdb")


def score_duckdb(
    rules: CheckedRules,
    leads: Any,
    *,
    events: Any = None,
    now: dt.datetime,
    id: str = "id",
    events_id: str | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
    missing_names: bool = False,
) -> duckdb.DuckDBPyRelation:
    """The scored leads, one row per lead (see docs/sql.md for the columns).
    ``missing_names``: a name no column has is missing in every lead (as the Python engines
    read a dict without the key) rather than an error."""
    con = connection if connection is not None else connect()
    leads_rel = relation_of(leads, con, "leads")
    leads_name = f"__leadrules_leads_{next(_COUNTER)}"
    leads_rel.create_view(leads_name, replace=True)
    events_rel = events_name = None
    if events is not None:
        events_rel = relation_of(events, con, "events")
        events_name = f"__leadrules_events_{next(_COUNTER)}"
        events_rel.create_view(events_name, replace=True)
    sql = build_query(
        rules, leads_rel, leads_name, now, id, events_rel, events_name, events_id, missing_names
    )
    return con.sql(sql)


def rows_as_leads(
    leads: duckdb.DuckDBPyRelation,
    events: duckdb.DuckDBPyRelation | None,
    id: str,
    events_id: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Each row of ``leads`` as the lead the reference evaluator is held to: a dict of its
    columns (as DuckDB's Python client gives them), with, when there are events, an
    ``events`` list of the events that join to it (each a dict of the event's columns but the
    lead id), in the events table's order."""
    columns = leads.columns
    by_lead: dict[Any, list[dict[str, Any]]] = {}
    if events is not None:
        key = events_id or id
        event_columns = events.columns
        for row in events.fetchall():
            record = dict(zip(event_columns, row, strict=True))
            lead_id = record.pop(key)
            if lead_id is not None:
                by_lead.setdefault(_join(lead_id), []).append(record)
    for row in leads.fetchall():
        lead = dict(zip(columns, row, strict=True))
        if events is not None:
            lead["events"] = [] if lead[id] is None else by_lead.get(_join(lead[id]), [])
        yield lead


def _join(value: Any) -> Any:
    return str(value) if not isinstance(value, str) else value


_PY_TYPES: list[tuple[type, str]] = [
    (bool, "BOOLEAN"),
    (int, "HUGEINT"),
    (float, "DOUBLE"),
    (Decimal, "DECIMAL(38, 12)"),
    (str, "VARCHAR"),
    (dt.datetime, "TIMESTAMPTZ"),
    (dt.date, "DATE"),
]


#: The whole numbers a HUGEINT column holds.
_HUGEINT = 2**127


def table_value(value: Any) -> bool:
    """Whether a column of :data:`_PY_TYPES` holds ``value`` as it is: None, or one of those
    types exactly, a whole number within HUGEINT, text of Unicode scalar values, a decimal
    DECIMAL(38, 12) reads, a date or time DuckDB's range has."""
    if value is None:
        return True
    kind = type(value)
    if kind is int:
        return bool(-_HUGEINT <= value < _HUGEINT)
    if kind is str:
        return not any("\ud800" <= ch <= "\udfff" for ch in value)
    if kind is Decimal:
        return bool(value.is_finite() and (value.is_zero() or value.adjusted() < 26))
    if kind in (dt.datetime, dt.date):
        return bool(dt.date(1, 1, 2) <= (value.date() if kind is dt.datetime else value))
    return kind in (bool, float)


def _sql_type(key: str, values: list[Any]) -> str:
    """The DuckDB type of one key's values (all of one Python type, or None)."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return "VARCHAR"
    if len(kinds) > 1:
        raise InvalidArgument(
            f"the leads' {key!r} holds values of several types "
            f"({', '.join(sorted(k.__name__ for k in kinds))}): a table column has one type; "
            "score such leads with another backend"
        )
    (kind,) = kinds
    for python, sql in _PY_TYPES:
        if kind is python:
            if kind is dt.datetime and any(v.tzinfo is None for v in values if v is not None):
                return "TIMESTAMP"
            return sql
    raise InvalidArgument(f"the leads' {key!r} holds {kind.__name__} values, which a table cannot")


def score_dicts(rules: CheckedRules, leads: list[Any], now: dt.datetime) -> list[dict[str, Any]]:
    """Dict leads scored in one table (with their ``events`` lists as an events table)."""
    if not all(isinstance(lead, Mapping) for lead in leads):
        raise InvalidArgument("the duckdb backend scores mappings (dicts) only")
    keys: list[str] = []
    for lead in leads:
        for key in lead:
            if key != "events" and key not in keys:
                keys.append(str(key))
    con = connect()
    rows = [[f"__lead{i}", *(lead.get(k) for k in keys)] for i, lead in enumerate(leads)]
    columns = ", ".join(
        f'"{k.replace(chr(34), chr(34) * 2)}" {_sql_type(k, [r[j + 1] for r in rows])}'
        for j, k in enumerate(keys)
    )
    con.execute(
        f'CREATE TABLE __leads ("__leadrules_id" VARCHAR{", " + columns if columns else ""})'
    )
    if rows:
        marks = ", ".join("?" for _ in range(len(keys) + 1))
        con.executemany(f"INSERT INTO __leads VALUES ({marks})", rows)
    events_rel = None
    if any("events" in lead for lead in leads):
        event_rows = []
        detail_keys: list[str] = []
        for i, lead in enumerate(leads):
            for event in lead.get("events") or ():
                record = (
                    dict(event)
                    if isinstance(event, Mapping)
                    else {
                        "name": getattr(event, "name", None),
                        "at": getattr(event, "at", None),
                        **dict(getattr(event, "properties", {}) or {}),
                    }
                )
                props = record.pop("properties", None)
                if isinstance(props, Mapping):
                    record.update(props)
                for key in record:
                    if key not in ("name", "at") and key not in detail_keys:
                        detail_keys.append(key)
                event_rows.append((f"__lead{i}", record))
        names = ["name", "at", *detail_keys]
        table_rows = [[lead_id, *(r.get(n) for n in names)] for lead_id, r in event_rows]
        types = ", ".join(
            f'"{n.replace(chr(34), chr(34) * 2)}" {_sql_type(n, [r[j + 1] for r in table_rows])}'
            for j, n in enumerate(names)
        )
        con.execute(f'CREATE TABLE __events ("__leadrules_id" VARCHAR, {types})')
        if table_rows:
            marks = ", ".join("?" for _ in range(len(names) + 1))
            con.executemany(f"INSERT INTO __events VALUES ({marks})", table_rows)
        events_rel = con.table("__events")
    relation = score_duckdb(
        rules,
        con.table("__leads"),
        events=events_rel,
        now=now,
        id="__leadrules_id",
        events_id="__leadrules_id",
        connection=con,
        missing_names=True,  # a dict without a key: the name is missing, as in Python
    )
    names_out = relation.columns
    return [dict(zip(names_out, row, strict=True)) for row in relation.fetchall()]
