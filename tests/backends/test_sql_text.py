"""The SQL the backend writes: one SELECT per rule set, the same text every time, valid SQL that
sqlglot reads back, the same answers as `score_duckdb` when a user runs it on their own tables,
at a fixed `now` or at the engine's clock — and no rule file, column name or data value can
inject SQL into it.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest
import sqlglot
from sqlconformance import NOW, row_view

import leadrules
from leadrules.backends.sql import UnknownName, Unsupported
from leadrules.backends.sql.engine import connect

RULES = """
define big as company size >= 1000
group fit max 30:
    +20 when job title matches /\\b(vp|head)\\b/i
    +15 when big
+5 per opened email within 30 days, up to 15
+10 when requested demo
disqualify when country not in ["GB", "IE"] because "We only sell in the UK and Ireland"
MQL at 20
SQL at 40 when requested demo
"""

COLUMNS = ["id", "job title", "company size", "country"]


def leads_table() -> pa.Table:
    return pa.table(
        {
            "id": ["a", "b", "c"],
            "Job_Title": ["VP Sales", "intern", None],
            "Company Size": ["1,200", "50", "N/A"],
            "country": ["GB", "FR", "ie"],
        }
    )


def events_table() -> pa.Table:
    return pa.table(
        {
            "id": ["a", "a", "c", "b"],
            "name": ["opened email", "requested demo", "Opened_Email", "opened email"],
            "at": pa.array(
                [
                    dt.datetime(2026, 11, 10),
                    dt.datetime(2026, 11, 12),
                    dt.datetime(2026, 9, 1),
                    None,
                ],
                type=pa.timestamp("us", tz="UTC"),
            ),
        }
    )


def test_one_select_the_same_text_every_time_read_back_by_sqlglot() -> None:
    rules = leadrules.compile(RULES)
    first = rules.to_sql(columns=COLUMNS, events="events", now=NOW)
    assert first == rules.to_sql(columns=COLUMNS, events="events", now=NOW)
    parsed = sqlglot.parse(first, read="duckdb")
    assert len(parsed) == 1 and isinstance(parsed[0], sqlglot.exp.Select)


def test_the_written_sql_run_on_the_users_tables_gives_score_duckdb_s_rows() -> None:
    rules = leadrules.compile(RULES)
    con = connect()
    con.from_arrow(leads_table()).create_view("leads")
    con.from_arrow(events_table()).create_view("events")
    columns = [
        ("id", "VARCHAR"),
        ("Job_Title", "VARCHAR"),
        ("Company Size", "VARCHAR"),
        ("country", "VARCHAR"),
    ]
    sql = rules.to_sql(
        columns=columns,
        events="events",
        event_columns=[("id", "VARCHAR"), ("name", "VARCHAR"), ("at", "TIMESTAMPTZ")],
        now=NOW,
    )
    written = [dict(zip(con.sql(sql).columns, r, strict=True)) for r in con.sql(sql).fetchall()]
    scored = rules.score_duckdb(leads_table(), events=events_table(), now=NOW, connection=con)
    direct = [dict(zip(scored.columns, r, strict=True)) for r in scored.fetchall()]
    assert [row_view(r) for r in written] == [row_view(r) for r in direct]
    reference = leadrules.compile(RULES, backend="reference")
    lead = {
        "id": "a",
        "Job_Title": "VP Sales",
        "Company Size": "1,200",
        "country": "GB",
        "events": [
            {"name": "opened email", "at": dt.datetime(2026, 11, 10, tzinfo=dt.timezone.utc)},
            {"name": "requested demo", "at": dt.datetime(2026, 11, 12, tzinfo=dt.timezone.utc)},
        ],
    }
    want = reference.evaluate(lead, NOW)
    # fit: 20 (vp) + 15 (big) capped at 30; one email in 30 days: 5; the demo: 10.
    assert direct[0]["score"] == want.score == 45 and direct[0]["stage"] == want.stage == "SQL"


def test_at_the_engine_s_clock_windows_are_counted_back_from_its_now() -> None:
    rules = leadrules.compile(
        "+5 per opened email within 2 days\n+1 when opened email within 1 month"
    )
    con = connect()
    now = dt.datetime.now(dt.timezone.utc)
    con.from_arrow(
        pa.table(
            {
                "id": ["a", "a", "a"],
                "name": ["opened email"] * 3,
                "at": pa.array(
                    [
                        now - dt.timedelta(hours=1),
                        now - dt.timedelta(days=3),
                        now - dt.timedelta(days=60),
                    ],
                    type=pa.timestamp("us", tz="UTC"),
                ),
            }
        )
    ).create_view("events")
    con.from_arrow(pa.table({"id": ["a"]})).create_view("leads")
    sql = rules.to_sql(
        columns=["id"],
        events="events",
        event_columns=[("id", "VARCHAR"), ("name", "VARCHAR"), ("at", "TIMESTAMPTZ")],
    )
    (row,) = con.sql(sql).fetchall()
    assert row[1] == 6  # one email in the last 2 days, two in the last month
    assert "get_current_timestamp" in sql.lower()
    with pytest.raises(Unsupported, match="a fraction of a month"):
        leadrules.compile("+1 when opened email within 1.5 months").to_sql(
            columns=["id"], events="events"
        )


def test_a_name_no_column_has_is_an_error_naming_the_columns() -> None:
    rules = leadrules.compile('+1 when industry = "saas"')
    with pytest.raises(UnknownName) as caught:
        rules.to_sql(columns=["id", "Industy", "country"])
    assert "<rules>:1:9: error: `industry` is not a column of the leads" in str(caught.value)
    assert "'Industy', 'country'" in str(caught.value)
    with pytest.raises(leadrules.LeadRulesError, match="needs the leads table's columns"):
        rules.to_sql()


PAYLOAD = "'); DROP TABLE victims; --"


def test_no_rule_text_column_name_or_value_can_inject_sql() -> None:
    source = (
        f'+1 when `{PAYLOAD}` = "{PAYLOAD}" as "{PAYLOAD}"\n'
        f"+2 when note matches /{PAYLOAD.replace('(', '[(]').replace(')', '[)]')}/\n"
        f'disqualify when note contains "\\"\'; SELECT 1; --" because "{PAYLOAD}"\n'
        f'"{PAYLOAD}" at 1\n'
    )
    rules = leadrules.compile(source)
    con = connect()
    con.execute("CREATE TABLE victims (x INTEGER)")
    leads = pa.table(
        {"id": [PAYLOAD, "b"], PAYLOAD: [PAYLOAD, "x"], "note": [PAYLOAD, "\"'; SELECT 1; --"]}
    )
    scored = rules.score_duckdb(leads, now=NOW, connection=con)
    rows = [dict(zip(scored.columns, r, strict=True)) for r in scored.fetchall()]
    assert con.execute("SELECT count(*) FROM victims").fetchone() == (0,)  # still there
    assert rows[0]["id"] == PAYLOAD
    assert [(c["label"], c["points"]) for c in rows[0]["contributions"]] == [
        (PAYLOAD, 1),
        (f"note matches /{PAYLOAD.replace('(', '[(]').replace(')', '[)]')}/", 2),
    ]
    assert rows[0]["stage"] == PAYLOAD
    assert rows[1]["disqualifications"][0]["reason"] == PAYLOAD
    written = rules.to_sql(columns=["id", PAYLOAD, "note"], now=NOW)
    statements = sqlglot.parse(written, read="duckdb")
    assert len(statements) == 1  # the payloads are literals and quoted names, not statements
    assert not any(isinstance(n, sqlglot.exp.Drop) for n in statements[0].walk())


def test_a_column_of_a_type_leadrules_cannot_read_is_refused_naming_it() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 'a' AS id, INTERVAL 3 DAY AS wait")
    rules = leadrules.compile("+1 when wait > 2")
    with pytest.raises(Unsupported, match="'wait' of type INTERVAL"):
        rules.score_duckdb("t", now=NOW, connection=con)
