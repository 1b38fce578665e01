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


_PG_TYPES = {
    "string": "TEXT",
    "large_string": "TEXT",
    "int64": "BIGINT",
    "double": "DOUBLE PRECISION",
    "bool": "BOOLEAN",
    "date32[day]": "DATE",
    "timestamp[us]": "TIMESTAMP",
    "timestamp[us, tz=UTC]": "TIMESTAMPTZ",
}


def _pg_type(type_: pa.DataType) -> str:
    if pa.types.is_decimal(type_):
        return f"NUMERIC({type_.precision}, {type_.scale})"
    return _PG_TYPES.get(str(type_), "")


@functools.cache
def postgres_connection() -> Any:
    """One connection for the whole run, to the server ``LEADRULES_POSTGRES`` names."""
    dsn = os.environ.get("LEADRULES_POSTGRES")
    if not dsn:
        return None
    import json
    from decimal import Decimal

    import psycopg
    from psycopg.types.json import set_json_loads

    connection = psycopg.connect(dsn, autocommit=True)
    set_json_loads(functools.partial(json.loads, parse_float=Decimal), connection)
    return connection


def _load(connection: Any, name: str, table: pa.Table) -> list[tuple[str, str]]:
    columns = [(f.name, _pg_type(f.type)) for f in table.schema]
    spec = ", ".join('"' + n.replace('"', '""') + '" ' + (t or "TEXT") for n, t in columns)
    connection.execute(f'DROP TABLE IF EXISTS "{name}"')
    connection.execute(f'CREATE TEMPORARY TABLE "{name}" ({spec})')
    rows = [tuple(r.values()) for r in table.to_pylist()]
    if rows:
        with connection.cursor() as cursor, cursor.copy(f'COPY "{name}" FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    return columns


def score_on_postgres(
    rules: CheckedRules, leads: pa.Table, events: pa.Table | None, now: dt.datetime
) -> list[dict[str, Any]]:
    """The leads scored by the text of ``to_sql(dialect="postgres")`` on a real server."""
    from leadrules.backends.sql import to_sql
    from leadrules.backends.sql.postgres import SESSION

    connection = postgres_connection()
    if connection is None:
        unavailable("postgres", 'LEADRULES_POSTGRES names no server (eval "$(bash .ci/postgres)")')
    for field in [*leads.schema, *(events.schema if events is not None else [])]:
        if not _pg_type(field.type):
            from leadrules.backends.sql import Unsupported

            raise Unsupported(f"the column {field.name!r} is a {field.type}: not on PostgreSQL")
    for statement in SESSION:
        connection.execute(statement)
    columns = _load(connection, "leads", leads)
    event_columns = _load(connection, "events", events) if events is not None else None
    sql = to_sql(
        rules,
        dialect="postgres",
        leads="leads",
        events="events" if events is not None else None,
        id="id",
        events_id="lead",
        columns=columns,
        event_columns=event_columns,
        now=now,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
