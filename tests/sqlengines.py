"""The SQL engines the conformance suite runs on: each scores Arrow tables of leads and events
with the checked rules and gives the rows as dicts, in the leads' order.

DuckDB always runs. Spark (local mode, one session for the whole run) runs where PySpark and a
Java runtime are installed, PostgreSQL where a server answers at ``LEADRULES_POSTGRES`` (a
libpq connection string; .ci/run starts one). An engine that cannot run is skipped, unless
``LEADRULES_REQUIRE_ENGINES`` names it (as .ci/run does): then its absence is a failure.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from typing import Any

import pyarrow as pa
import pytest

from leadrules.lang.checker import CheckedRules

ENGINES = ["duckdb", "spark", "postgres"]


def required(engine: str) -> bool:
    return engine in os.environ.get("LEADRULES_REQUIRE_ENGINES", "").split(",")


def unavailable(engine: str, why: str) -> None:
    if required(engine):
        pytest.fail(f"{engine} is required (LEADRULES_REQUIRE_ENGINES) but {why}")
    pytest.skip(f"{engine}: {why}")


@functools.cache
def spark_session() -> Any:
    """One local Spark session for the whole test run (two cores, no UI, few partitions)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return None
    session = (
        SparkSession.builder.master("local[2]")
        .appName("leadrules-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_or_skip() -> Any:
    session = spark_session()
    if session is None:
        unavailable("spark", "PySpark is not installed (pip install 'leadrules[spark]')")
    return session


def score_on_spark(
    rules: CheckedRules, leads: pa.Table, events: pa.Table | None, now: dt.datetime
) -> list[dict[str, Any]]:
    from leadrules.backends.sql.spark import score_spark

    spark = spark_or_skip()
    leads_df = spark.createDataFrame(leads)
    events_df = spark.createDataFrame(events) if events is not None else None
    scored = score_spark(rules, leads_df, events=events_df, now=now, id="id", events_id="lead")
    rows = [r.asDict(recursive=True) for r in scored.collect()]
    by_id = {r["id"]: r for r in rows}
    assert len(by_id) == len(rows) == leads.num_rows
    return [by_id[i] for i in leads.column("id").to_pylist()]


def score_on_postgres(
    rules: CheckedRules, leads: pa.Table, events: pa.Table | None, now: dt.datetime
) -> list[dict[str, Any]]:
    unavailable("postgres", "not built yet")
    return []
