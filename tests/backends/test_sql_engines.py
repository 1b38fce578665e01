"""What each SQL engine refuses, and the SQL text written for engines the tests run and for
those they only generate: every dialect's text is one SELECT that sqlglot reads back in that
dialect; a construct an engine cannot match exactly is refused at its line and column.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest
import sqlglot

import leadrules
from leadrules.backends.sql import Unsupported

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)
RULES = """\
group fit max 30:
    +20 when job title matches /\\b(vp|head)\\b/i
    +15 when company size >= 1000
+5 per opened email within 30 days, up to 15, decaying 10% every 7 days
disqualify when country not in ["GB", "IE"]
MQL at 20
"""
EVENTS = [("id", "TEXT"), ("name", "TEXT"), ("at", "TIMESTAMPTZ")]
TYPED = [("id", "TEXT"), ("job title", "TEXT"), ("company size", "BIGINT"), ("country", "TEXT")]


@pytest.mark.parametrize("dialect", ["duckdb", "spark", "databricks", "postgres"])
def test_each_dialect_s_text_is_one_select_sqlglot_reads_back(dialect: str) -> None:
    rules = leadrules.compile(RULES)
    options = {"columns": TYPED, "events": "events", "event_columns": EVENTS, "now": NOW}
    text = rules.to_sql(dialect=dialect, **options)
    assert text == rules.to_sql(dialect=dialect, **options)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20000))  # case folding is a deep nest of replace()
    try:
        parsed = sqlglot.parse(text, read=dialect)
    finally:
        sys.setrecursionlimit(limit)
    assert len(parsed) == 1 and isinstance(parsed[0], sqlglot.exp.Select)


def test_spark_s_text_calls_cpython_s_pow_for_decay_and_has_no_duckdb_functions() -> None:
    text = leadrules.compile(RULES).to_sql(dialect="spark", columns=TYPED, events="e", now=NOW)
    assert "LEADRULES_POW(" in text.upper()
    for duckdb_only in ("LIST_FILTER", "ROUND_EVEN", "REGEXP_FULL_MATCH", "STRFTIME", "INT128"):
        assert duckdb_only not in text.upper()


def test_a_pattern_a_backtracking_engine_could_run_forever_is_refused_at_its_place(
    points_at: object,
) -> None:
    source = '+1 when country = "GB"\n+5 when title matches /(a+)+b/\n'
    rules = leadrules.compile(source)
    with pytest.raises(Unsupported) as caught:
        rules.to_sql(dialect="spark", columns=["id", "title", "country"], now=NOW)
    assert "repeated group" in str(caught.value)
    points_at(caught.value, source, 2, 9)  # type: ignore[operator]
    # DuckDB runs RE2 itself: the same rules are fine there.
    assert rules.to_sql(columns=["id", "title", "country"], now=NOW)


@pytest.mark.parametrize("dialect", ["spark", "postgres"])
def test_inline_flags_are_refused_where_the_engine_is_not_re2(dialect: str) -> None:
    with pytest.raises(Unsupported, match="inline flags"):
        leadrules.compile("+1 when title matches /(?i)vp/").to_sql(
            dialect=dialect, columns=["id", "title"], now=NOW
        )


def test_postgres_refuses_lists_and_text_read_as_numbers() -> None:
    rules = leadrules.compile('+1 when tags contains "vip"')
    with pytest.raises(Unsupported, match="list"):
        rules.to_sql(dialect="postgres", columns=[("id", "TEXT"), ("tags", "VARCHAR[]")])
    with pytest.raises(Unsupported, match="PostgreSQL"):
        leadrules.compile("+1 when budget > 5").to_sql(
            dialect="postgres", columns=["id", "budget"], now=NOW
        )


def test_an_unknown_dialect_names_the_ones_there_are() -> None:
    with pytest.raises(leadrules.LeadRulesError, match=r"'spark'.*'postgres'"):
        leadrules.compile("+1 when a").to_sql(dialect="oracle", columns=["id", "a"])
