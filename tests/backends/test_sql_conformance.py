"""The DuckDB backend gives the reference evaluator's answers, on random rule files and random
tables (typed columns and text columns as a CSV gives them, NULLs, events), and on the shipped
examples: every lead's score, stage, qualified, disqualified, next stage, points to go,
contributions, disqualifications and undecided rules (see tests/sqlconformance.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import pyarrow as pa
import pytest
from conformance import EXAMPLES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlconformance import NOW, assert_row_conforms, tables
from sqlengines import ENGINES, score_on_postgres, score_on_spark

import leadrules
from leadrules.backends.sql import Unsupported
from leadrules.backends.sql.engine import connect, rows_as_leads, score_duckdb
from leadrules.strategies import rule_sources


def check(
    source: str,
    leads: pa.Table,
    events: pa.Table | None,
    now: dt.datetime = NOW,
    dayfirst: bool = False,
    engine: str = "duckdb",
) -> None:
    reference = leadrules.compile(source, backend="reference", dayfirst=dayfirst)
    con = connect()
    leads_rel = con.from_arrow(leads)
    events_rel = con.from_arrow(events) if events is not None else None
    if engine == "duckdb":
        scored = score_duckdb(
            reference.checked,
            leads_rel,
            events=events_rel,
            now=now,
            id="id",
            events_id="lead",
            connection=con,
        )
        columns = scored.columns
        rows = [dict(zip(columns, row, strict=True)) for row in scored.fetchall()]
    elif engine == "spark":
        rows = score_on_spark(reference.checked, leads, events, now)
    else:
        rows = score_on_postgres(reference.checked, leads, events, now)
    leads_seen = list(rows_as_leads(leads_rel, events_rel, "id", "lead"))
    assert len(rows) == len(leads_seen)
    for lead, row in zip(leads_seen, rows, strict=True):
        assert row["id"] == lead["id"]
        assert_row_conforms(reference.evaluate(lead, now), row, lead)


@settings(
    max_examples=int(__import__("os").environ.get("SQL_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(source=rule_sources(), data=st.data())
def test_duckdb_equals_the_reference_on_random_rules_and_tables(
    source: str, data: st.DataObject
) -> None:
    rules = leadrules.compile(source, backend="reference")
    leads, events = data.draw(tables(rules))
    check(source, leads, events)


def _has_nul(table: pa.Table | None) -> bool:
    rows = table.to_pylist() if table is not None else []
    return any(isinstance(v, str) and "\x00" in v for row in rows for v in row.values())


def _on(engine: str, examples: str, default: int) -> Any:
    """The random conformance test for one more engine, with its own number of examples
    (each query is planned and run by a server: far slower than DuckDB embedded)."""

    @settings(
        max_examples=int(__import__("os").environ.get(examples, str(default))),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(source=rule_sources(), data=st.data())
    def test(source: str, data: st.DataObject) -> None:
        rules = leadrules.compile(source, backend="reference")
        leads, events = data.draw(tables(rules))
        if engine == "postgres":  # its text cannot hold U+0000: such tables cannot be loaded
            assume(not any(map(_has_nul, (leads, events))))
        with contextlib.suppress(Unsupported):  # a construct this engine refuses (tested apart)
            check(source, leads, events, engine=engine)

    return test


test_spark_equals_the_reference_on_random_rules_and_tables = _on("spark", "SPARK_EXAMPLES", 12)
test_postgres_equals_the_reference_on_random_rules_and_tables = _on(
    "postgres", "POSTGRES_EXAMPLES", 40
)


def _example_tables() -> tuple[pa.Table, pa.Table]:
    leads: list[dict[str, Any]] = [
        json.loads(line) for line in (EXAMPLES / "leads.jsonl").read_text("utf-8").splitlines()
    ]
    events = []
    for lead in leads:
        for event in lead.pop("events", []):
            props = {k: str(v) for k, v in (event.get("properties") or {}).items()}
            events.append({"lead": lead["id"], "name": event["name"], "at": event["at"], **props})
    keys = sorted({k for lead in leads for k in lead})
    text = {k: [None if x.get(k) is None else str(x.get(k)) for x in leads] for k in keys}
    # The rules read `referral.partner`, which the example leads lack (a table must have a
    # column for every name the rules read): a flat column, given to two leads.
    text["referral.partner"] = [
        "Northwind Partners" if i in (2, 7) else None for i in range(len(leads))
    ]
    details = sorted({k for e in events for k in e} - {"lead", "name", "at"})
    rows = [
        {"lead": e["lead"], "name": e["name"], "at": e["at"]} | {k: e.get(k) for k in details}
        for e in events
    ]
    return pa.table(text), pa.Table.from_pylist(rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_the_example_rules_on_the_example_leads_as_text_columns_and_events(engine: str) -> None:
    leads, events = _example_tables()
    source = (EXAMPLES / "b2b.leadrules").read_text("utf-8")
    now = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)
    if engine == "postgres":  # text columns read as numbers: refused there (docs/sql.md)
        with pytest.raises(Unsupported, match="PostgreSQL"):
            check(source, leads, events, now, engine=engine)
        return
    check(source, leads, events, now, engine=engine)


def test_the_duckdb_backend_reads_a_name_a_dict_lead_lacks_as_missing() -> None:
    """As the Python engines do: `budget` absent is missing (undecided), not an error."""
    source = "+5 when budget > 10\n+3 when budget is missing\n+1 when title matches /vp/i"
    for lead in ({"title": "VP Sales"}, {"budget": 20}, {}):
        want = leadrules.compile(source, backend="reference").evaluate(lead, NOW)
        got = leadrules.compile(source, backend="duckdb").evaluate(lead, NOW)
        assert (got.score, [u.line for u in got.undecided]) == (
            want.score,
            [u.line for u in want.undecided],
        )
    assert leadrules.compile(source, backend="duckdb").evaluate({}, NOW).score == 3


def test_the_duckdb_backend_says_which_leads_a_table_can_hold() -> None:
    from leadrules import backends

    duck = backends.get("duckdb")
    assert duck.accepts({"a": 1, "b": "x", "events": [{"name": "n", "at": "2026-01-01"}]})
    for lead in (
        {"a": 10**40},  # beyond HUGEINT
        {"a": "\ud800"},  # not Unicode text
        {"a": [1, 2]},
        {"a": 1, "A": 2},  # one column to a database
        {"events": [{"name": "n", "at": 1}, {"name": "n", "at": "x"}]},  # two types in a column
        ["not", "a", "dict"],
    ):
        assert not duck.accepts(lead), lead
