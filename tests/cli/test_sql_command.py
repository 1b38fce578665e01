"""`leadrules sql`: the query it prints runs on DuckDB over the user's own tables and gives the
scores `leadrules score` gives for the same files; columns come from `--columns` (names, or
NAME:TYPE) or from a file; a name no column has is an error naming the columns.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from clihelpers import B2B, EXAMPLES, NOW, run

from leadrules.cli.commands.sql import split_columns

MESSY = EXAMPLES / "leads_messy.csv"
EVENTS = EXAMPLES / "events.csv"


def _leads_table(con: duckdb.DuckDBPyConnection) -> None:
    # As a user loads an export: every column text, the header as written (stripped).
    con.execute(
        "CREATE TABLE leads AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
        [str(MESSY)],
    )
    con.execute('ALTER TABLE leads ADD COLUMN "referral.partner" VARCHAR')


def _scores_from_cli(*args: str) -> dict[str, tuple[Decimal, str]]:
    result = run("score", B2B, MESSY, "--now", NOW, "-o", "csv", "--engine", "python", *args)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    return {row["Lead ID"]: (Decimal(row["score"]), row["stage"]) for row in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = con.execute(f'DESCRIBE "{table}"').fetchall()
    return ",".join(f"{name}:{kind}" for name, kind, *_ in rows)


def _stage(value: object) -> str:
    return "" if value is None else str(value)


def test_printed_query_scores_as_score_does() -> None:
    con = duckdb.connect()
    _leads_table(con)
    columns = _columns(con, "leads")
    result = run("sql", B2B, "--columns", columns, "--id", "Lead ID", "--now", NOW)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.rstrip().endswith(";")
    rows = con.execute(result.stdout).fetchall()
    names = [d[0] for d in con.description]
    got = {
        r[names.index("Lead ID")]: (
            Decimal(r[names.index("score")]),
            _stage(r[names.index("stage")]),
        )
        for r in rows
    }
    assert got == _scores_from_cli()


def test_printed_query_with_events() -> None:
    con = duckdb.connect()
    _leads_table(con)
    con.execute(
        "CREATE TABLE events AS SELECT lead_id, event AS name, timestamp AS at, path, topic, "
        "minutes FROM read_csv(?, header = true)",
        [str(EVENTS)],
    )
    result = run(
        "sql",
        B2B,
        "--columns",
        _columns(con, "leads"),
        "--id",
        "Lead ID",
        "--events-table",
        "events",
        "--events-id",
        "lead_id",
        "--event-columns",
        _columns(con, "events"),
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.stderr
    rows = con.execute(result.stdout).fetchall()
    names = [d[0] for d in con.description]
    got = {
        r[names.index("Lead ID")]: (
            Decimal(r[names.index("score")]),
            _stage(r[names.index("stage")]),
        )
        for r in rows
    }
    assert got == _scores_from_cli("--events", str(EVENTS))


def test_columns_from_a_csv_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.leadrules"
    rules.write_text('+10 when job title contains "vp"\nMQL at 10\n', encoding="utf-8")
    result = run("sql", rules, "--columns-from", MESSY, "--id", "Lead ID")
    assert result.exit_code == 0, result.stderr
    assert '"Job Title"' in result.stdout


def test_unknown_name_names_the_columns(tmp_path: Path) -> None:
    result = run("sql", B2B, "--columns", "id,job title")
    assert result.exit_code == 2
    assert "`industry` is not a column of the leads; their columns are 'id', 'job title'" in (
        result.stderr
    )
    assert "^^^^^^^^" in result.stderr


def test_columns_are_required() -> None:
    result = run("sql", B2B)
    assert result.exit_code == 2
    assert "--columns or --columns-from" in result.stderr


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("id, Job Title", ["id", "Job Title"]),
        (
            "id,Budget:DECIMAL(12, 2),n:BIGINT",
            ["id", ("Budget", "DECIMAL(12, 2)"), ("n", "BIGINT")],
        ),
        (" a ,, b ", ["a", "b"]),
    ],
)
def test_split_columns(text: str, spec: list[object]) -> None:
    assert split_columns(text) == spec
