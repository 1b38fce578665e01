"""`leadrules sql --dialect spark|postgres`: the query it prints runs on the engine itself (Spark
in local mode, a PostgreSQL server) over the user's table and gives the scores `leadrules
score` gives for the same file; what an engine cannot score exactly is an error at the rule.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from clihelpers import B2B, EXAMPLES, NOW, run
from sqlengines import postgres_connection, spark_or_skip, unavailable

MESSY = EXAMPLES / "leads_messy.csv"


def _scores_from_cli(rules: Path, leads: Path, id_name: str) -> dict[str, tuple[Decimal, str]]:
    result = run("score", rules, leads, "--now", NOW, "-o", "csv", "--engine", "python")
    assert result.exit_code == 0, result.stderr
    return {
        row[id_name]: (Decimal(row["score"]), row["stage"])
        for row in csv.DictReader(io.StringIO(result.stdout))
    }


def _as_text_table(path: Path) -> pa.Table:
    # As a user loads an export: every column text, the header as written (stripped).
    con = duckdb.connect()
    relation = con.read_csv(str(path), all_varchar=True, header=True)
    table = relation.to_arrow_table()
    return table.append_column("referral.partner", pa.nulls(table.num_rows, pa.string()))


def test_the_spark_query_run_by_spark_scores_as_score_does() -> None:
    from leadrules.backends.sql.spark import pinned, register_functions

    spark = spark_or_skip()
    leads = _as_text_table(MESSY)
    columns = ",".join(leads.column_names)
    result = run(
        "sql", B2B, "--dialect", "spark", "--columns", columns, "--id", "Lead ID", "--now", NOW
    )
    assert result.exit_code == 0, result.stderr
    spark.createDataFrame(leads).createOrReplaceTempView("leads")
    register_functions(spark)
    with pinned(spark):
        rows = [r.asDict() for r in spark.sql(result.stdout.rstrip().rstrip(";")).collect()]
    got = {
        r["Lead ID"]: (Decimal(r["score"]), "" if r["stage"] is None else r["stage"]) for r in rows
    }
    assert got == _scores_from_cli(B2B, MESSY, "Lead ID")


def test_the_postgres_query_run_by_postgres_scores_as_score_does(tmp_path: Path) -> None:
    connection = postgres_connection()
    if connection is None:
        unavailable("postgres", "LEADRULES_POSTGRES names no server")
    rules = tmp_path / "rules.leadrules"
    rules.write_text(
        "group fit max 30:\n    +20 when job title matches /\\b(vp|head)\\b/i\n"
        "    +15 when company size >= 1000\n"
        'disqualify when country not in ["GB", "IE"] because "Outside our markets"\n'
        "MQL at 20\n",
        encoding="utf-8",
    )
    leads = tmp_path / "leads.csv"
    data = [
        ("L1", "VP Sales", 5200, "GB"),
        ("L2", "Intern", 40, "IE"),
        ("L3", "Head of Growth", 90, "FR"),
        ("L4", "Vice President", 1000, "ie"),
    ]
    with leads.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "job title", "company size", "country"])
        writer.writerows(data)
    connection.execute("DROP TABLE IF EXISTS cli_leads")
    connection.execute(
        'CREATE TEMPORARY TABLE cli_leads (id TEXT, "job title" TEXT, '
        '"company size" BIGINT, country TEXT)'
    )
    with connection.cursor() as cursor, cursor.copy("COPY cli_leads FROM STDIN") as copy:
        for row in data:
            copy.write_row(row)
    columns = "id,job title,company size:BIGINT,country"
    result = run(
        "sql", rules, "--dialect", "postgres", "--columns", columns,
        "--leads-table", "cli_leads", "--now", NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    for statement in ("SET TimeZone = 'UTC'", "SET extra_float_digits = 1"):
        connection.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(result.stdout)
        names = [c.name for c in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    got = {r["id"]: (Decimal(r["score"]), r["stage"] or "") for r in rows}
    assert got == _scores_from_cli(rules, leads, "id")


def test_postgres_refuses_text_read_as_numbers_at_the_rule() -> None:
    result = run("sql", B2B, "--dialect", "postgres", "--columns-from", MESSY, "--id", "Lead ID")
    assert result.exit_code == 2
    assert "PostgreSQL cannot score this exactly as the reference does" in result.stderr
    assert "b2b.leadrules:" in result.stderr and "^^^^" in result.stderr


@pytest.mark.parametrize("dialect", ["spark", "databricks", "postgres"])
def test_every_dialect_is_offered(dialect: str) -> None:
    result = run("sql", "--help")
    assert dialect in result.stdout


# ---- leadrules score --engine spark


def _score(engine: str, summary: Path, *args: Any) -> tuple[int, str, str, str]:
    result = run("score", *args, "--engine", engine, "--summary-json", summary)
    return result.exit_code, result.stdout, result.stderr, summary.read_text(encoding="utf-8")


@pytest.mark.parametrize("output", [(), ("-o", "csv"), ("-o", "jsonl", "--explain")])
def test_score_on_spark_writes_what_the_python_engine_writes(
    tmp_path: Path, output: tuple[str, ...]
) -> None:
    spark_or_skip()
    args = (B2B, MESSY, "--events", EXAMPLES / "events.csv", "--now", NOW, *output)
    python = _score("python", tmp_path / "python.json", *args)
    spark = _score("spark", tmp_path / "spark.json", *args)
    assert spark == python


def test_score_on_spark_refuses_what_it_cannot_take() -> None:
    result = run("score", B2B, EXAMPLES / "leads.jsonl", "--engine", "spark", "--now", NOW)
    assert result.exit_code == 2
    assert "--engine spark: the leads are JSON" in result.stderr
