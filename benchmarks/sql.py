# ruff: noqa: E501  (the SQL text of the baselines and the generated data reads best unwrapped)
"""Whole tables on DuckDB: the SQL backend against the compiled Python backend and against a
hand-written DuckDB query of the same rules, on files as users have them.

    python benchmarks/sql.py                 # everything, full size (needs ~10 GB of disk
                                             # and several minutes)
    python benchmarks/sql.py --quick         # a smoke test: small sizes
    python benchmarks/sql.py --part fields   # one part: fields, events or memory

Three parts, each checked equal before anything is timed:

- **fields**: the issue-7 rules (benchmarks/workload.py) on 1,000,000 leads, from Parquet with
  int columns, Parquet with float columns and a CSV file (every value text). Contenders:
  ``RuleSet.score_duckdb`` (the query's result made a table), the hand-written DuckDB query of
  the same rules returning score, stage and the fired rules' labels (made a table), and the
  compiled Python backend (``evaluate`` on dicts, its leads/s from a sample). Interleaved
  rounds, the median shown; targets: DuckDB >= 20x the compiled backend's leads/s, and within
  1.5x of the hand-written query.
- **events**: 1,000,000 leads with 20,000,000 events (Parquet), the benchmark's six event
  rules: end to end from the Parquet files; target >= 5,000,000 events/s.
- **memory**: 10,000,000 leads scored from Parquet to Parquet, in a child process with DuckDB's
  memory limit set (``--memory-limit``): its peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload

import leadrules
from leadrules.backends.sql.engine import connect

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)

# ----------------------------------------------------------------------------- data

_COLUMNS = (
    ("id", "VARCHAR"),
    ("email", "VARCHAR"),
    ("job_title", "VARCHAR"),
    ("company_size", "BIGINT"),
    ("industry", "VARCHAR"),
    ("country", "VARCHAR"),
    ("page_views", "BIGINT"),
    ("downloaded_whitepaper", "BOOLEAN"),
    ("requested_demo", "BOOLEAN"),
    ("webinars_attended", "BIGINT"),
    ("budget", "BIGINT"),
)


def write_leads_csv(path: Path, n: int) -> None:
    """The workload's leads as a CRM export gives them: every value text, a missing budget
    blank."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([name for name, _ in _COLUMNS])
        for lead in workload.iter_leads(n):
            writer.writerow(
                [
                    ""
                    if lead.get(name) is None
                    else str(lead[name]).lower()
                    if isinstance(lead.get(name), bool)
                    else lead[name]
                    for name, _ in _COLUMNS
                ]
            )


def parquet_from_csv(
    con: duckdb.DuckDBPyConnection, source: Path, target: Path, floats: bool
) -> None:
    """The CSV's leads as a typed Parquet file (numbers as BIGINT, or DOUBLE with ``floats``)."""
    types = {
        name: (
            "DOUBLE" if floats and kind == "BIGINT" and name in ("company_size", "budget") else kind
        )
        for name, kind in _COLUMNS
    }
    columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
    con.execute(
        f"COPY (SELECT * FROM read_csv(?, header = true, columns = {{{columns}}})) "
        "TO ? (FORMAT parquet)",
        [str(source), str(target)],
    )


HANDWRITTEN = """
WITH t AS (
  SELECT *,
    lower(trim(job_title)) AS title, lower(trim(email)) AS mail, lower(trim(country)) AS ctry
  FROM {leads}
), r AS (
  SELECT id,
    CASE WHEN title LIKE '%director%' OR title LIKE 'vp%' THEN 20 ELSE 0 END AS r1,
    CASE WHEN company_size BETWEEN 200 AND 5000 THEN 15 ELSE 0 END AS r2,
    CASE WHEN lower(trim(industry)) IN ('software', 'fintech', 'healthcare') THEN 10 ELSE 0 END AS r3,
    CASE WHEN mail LIKE '%@gmail.com' THEN -10 ELSE 0 END AS r4,
    CASE WHEN budget IS NULL THEN -5 ELSE 0 END AS r5,
    CASE WHEN budget >= 10000 THEN 10 ELSE 0 END AS r6,
    CASE WHEN downloaded_whitepaper THEN 20 ELSE 0 END AS r7,
    CASE WHEN requested_demo THEN 30 ELSE 0 END AS r8,
    least(2 * coalesce(page_views, 0), 20) AS r9,
    CASE WHEN webinars_attended >= 2 THEN 10 ELSE 0 END AS r10,
    CASE WHEN title LIKE '%student%' OR title LIKE '%intern%' THEN -15 ELSE 0 END AS r11,
    CASE WHEN ctry = 'gb' AND company_size >= 50 THEN 5 ELSE 0 END AS r12,
    ctry NOT IN ('gb', 'ie', 'us', 'de') OR mail LIKE '%@competitor.com' AS dq,
    coalesce(requested_demo, false) AS demo
  FROM t
), s AS (
  SELECT *,
    least(r1 + r2 + r3 + r4 + r5 + r6, 50) + least(r7 + r8 + r9 + r10 + r11, 60) + r12 AS score
  FROM r
)
SELECT id, score,
  CASE WHEN dq THEN NULL WHEN score >= 80 AND demo THEN 'SQL'
       WHEN score >= 50 THEN 'MQL' END AS stage,
  list_filter([
    CASE WHEN r1 <> 0 THEN 'Decision maker' END,
    CASE WHEN r2 <> 0 THEN 'Mid-sized company' END,
    CASE WHEN r3 <> 0 THEN 'Target industry' END,
    CASE WHEN r4 <> 0 THEN 'Personal email' END,
    CASE WHEN r5 <> 0 THEN 'No budget given' END,
    CASE WHEN r6 <> 0 THEN 'Budget of 10k or more' END,
    CASE WHEN r7 <> 0 THEN 'Downloaded the whitepaper' END,
    CASE WHEN r8 <> 0 THEN 'Requested a demo' END,
    CASE WHEN r9 <> 0 THEN 'Page views' END,
    CASE WHEN r10 <> 0 THEN 'Two or more webinars' END,
    CASE WHEN r11 <> 0 THEN 'Student or intern' END,
    CASE WHEN r12 <> 0 THEN 'UK company' END
  ], lambda x: x IS NOT NULL) AS fired
FROM s
"""


def timed(function: Callable[[], Any]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, leadrules {leadrules.__version__}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
        + " at start"
    )


# ----------------------------------------------------------------------------- fields


def _leadrules_rows(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[Any, ...]]:
    rows = con.execute(
        "SELECT id, score, stage, list_transform(list_filter(contributions, lambda c: "
        "NOT c.label LIKE 'group % limited to %'), lambda c: c.label) "
        f'FROM "{table}"'
    ).fetchall()
    return {r[0]: (int(r[1]), r[2], list(r[3])) for r in rows}


def fields(n: int, rounds: int, folder: Path) -> None:
    print(f"\n## Fields workload: {n:,} leads, the issue-7 rules, median of {rounds}\n")
    rules = leadrules.compile(workload.RULES)
    text_csv = folder / "leads.csv"
    ints = folder / "leads_int.parquet"
    floats = folder / "leads_float.parquet"
    write_leads_csv(text_csv, n)
    con = connect()
    parquet_from_csv(con, text_csv, ints, floats=False)
    parquet_from_csv(con, text_csv, floats, floats=True)
    files = {"Parquet, ints": ints, "Parquet, floats": floats, "CSV, all text": text_csv}

    # Checked equal first: every contender on every lead of every file.
    expected = {lead["id"]: workload.handwritten_fired(lead) for lead in workload.iter_leads(n)}
    for label, path in files.items():
        rules.score_duckdb(str(path), now=NOW, connection=con).to_table("checked")
        got = _leadrules_rows(con, "checked")
        con.execute('DROP TABLE "checked"')
        if got != {k: (s, st, f) for k, (s, st, f) in expected.items()}:
            bad = next(k for k in expected if got.get(k) != expected[k])
            raise SystemExit(
                f"score_duckdb on {label} disagrees at {bad}: {got.get(bad)} vs {expected[bad]}"
            )
    for path in (ints, floats):
        hand = con.execute(HANDWRITTEN.format(leads=f"read_parquet('{path}')")).fetchall()
        if {r[0]: (int(r[1]), r[2], list(r[3])) for r in hand} != expected:
            raise SystemExit(f"the hand-written query disagrees with the rules on {path.name}")
    sample = list(workload.iter_leads(min(n, 200_000)))
    for lead in sample[:20_000]:
        result = rules.evaluate(lead, NOW)
        fired = [c.label for c in result.contributions if c.kind == "rule"]
        if (result.score, result.stage, fired) != expected[lead["id"]]:
            raise SystemExit(f"the compiled backend disagrees at {lead['id']}")
    print("Every contender gives the same score, stage and fired rules on every lead.\n")

    def run_leadrules(path: Path) -> Callable[[], None]:
        def run() -> None:
            rules.score_duckdb(str(path), now=NOW, connection=con).to_table("out")
            con.execute('DROP TABLE "out"')

        return run

    def run_hand(path: Path) -> Callable[[], None]:
        def run() -> None:
            con.execute(
                'CREATE TABLE "out" AS ' + HANDWRITTEN.format(leads=f"read_parquet('{path}')")
            )
            con.execute('DROP TABLE "out"')

        return run

    def run_compiled() -> None:
        evaluate = rules.evaluate
        for lead in sample:
            result = evaluate(lead, NOW)
            [c.label for c in result.contributions if c.kind == "rule"]

    contenders: dict[str, tuple[Callable[[], None], int]] = {}
    for label, path in files.items():
        contenders[f"leadrules DuckDB, {label}"] = (run_leadrules(path), n)
    contenders["hand-written DuckDB query, Parquet, ints"] = (run_hand(ints), n)
    contenders["hand-written DuckDB query, Parquet, floats"] = (run_hand(floats), n)
    contenders["leadrules compiled Python, dicts (fired rules read)"] = (run_compiled, len(sample))
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, (run, _count) in contenders.items():
            times[name].append(timed(run))
    rate = {name: contenders[name][1] / statistics.median(t) for name, t in times.items()}
    print("| contender | leads/s | s per 1M leads |")
    print("|---|---:|---:|")
    for name, value in rate.items():
        print(f"| {name} | {value:,.0f} | {1e6 / value:.2f} |")
    compiled = rate["leadrules compiled Python, dicts (fired rules read)"]
    print()
    for kind in ("ints", "floats"):
        ours = rate[f"leadrules DuckDB, Parquet, {kind}"]
        hand = rate[f"hand-written DuckDB query, Parquet, {kind}"]
        print(
            f"- Parquet, {kind}: DuckDB / compiled = {ours / compiled:.1f}x (target >= 20x); "
            f"time against the hand-written query = {hand / ours:.2f}x (target <= 1.5x)"
        )
    text = rate["leadrules DuckDB, CSV, all text"]
    print(f"- CSV, all text: DuckDB / compiled = {text / compiled:.1f}x")


# ----------------------------------------------------------------------------- events


def make_event_files(
    con: duckdb.DuckDBPyConnection, leads: int, events: int, folder: Path
) -> tuple[Path, Path]:
    """Leads (id, email) and ``events`` events spread over them and over the 200 days before
    NOW, in Parquet; deterministic (hash of the row number)."""
    leads_path = folder / "event_leads.parquet"
    events_path = folder / "events.parquet"
    con.execute(
        "COPY (SELECT 'E' || lpad(CAST(i AS VARCHAR), 7, '0') AS id, "
        "'user' || i || '@acme.com' AS email FROM range(?) t(i)) TO ? (FORMAT parquet)",
        [leads, str(leads_path)],
    )
    names = (
        "['opened email', 'opened email', 'opened email', 'visited pricing page', "
        "'visited page', 'visited page', 'downloaded whitepaper', 'attended webinar']"
    )
    con.execute(
        "COPY (SELECT 'E' || lpad(CAST(hash(i) % ? AS VARCHAR), 7, '0') AS id, "
        f"{names}[1 + CAST(hash(i + 1) % 8 AS INTEGER)] AS name, "
        "TIMESTAMPTZ '2026-11-20 12:00:00+00' - to_seconds(CAST(hash(i + 2) % 17280000 AS BIGINT)) AS at, "
        "['/pricing', '/pricing', '/pricing#enterprise'][1 + CAST(hash(i + 3) % 3 AS INTEGER)] AS path "
        "FROM range(?) t(i)) TO ? (FORMAT parquet)",
        [leads, events, str(events_path)],
    )
    return leads_path, events_path


def events(leads: int, count: int, rounds: int, folder: Path) -> None:
    print(
        f"\n## Events workload: {leads:,} leads with {count:,} events (Parquet), the six event "
        f"rules, median of {rounds}\n"
    )
    con = connect()
    leads_path, events_path = make_event_files(con, leads, count, folder)
    rules = leadrules.compile(workload.EVENT_RULES)
    # Checked first: a sample of leads, their events given to the compiled backend.
    rules.score_duckdb(str(leads_path), events=str(events_path), now=NOW, connection=con).to_table(
        "checked"
    )
    rng = random.Random(5)
    ids = [f"E{rng.randrange(leads):07d}" for _ in range(300)]
    rows = con.execute(
        "SELECT id, score, stage, list_transform(contributions, lambda c: (c.label, c.points)) "
        'FROM "checked" WHERE id IN (SELECT unnest(?))',
        [ids],
    ).fetchall()
    found = {r[0]: r for r in rows}
    for lead_id in ids:
        event_rows = con.execute(
            "SELECT name, \"at\", path FROM read_parquet(?) WHERE id = ?", [str(events_path), lead_id]
        ).fetchall()
        lead = {
            "id": lead_id,
            "events": [
                {"name": name, "at": at, "properties": {"path": path}}
                for name, at, path in event_rows
            ],
        }
        result = rules.evaluate(lead, NOW)
        got = found[lead_id]
        want = [(c.label, Decimal(str(c.points))) for c in result.contributions]
        have = [(label, points) for label, points in got[3]]
        if (result.score, result.stage, want) != (got[1], got[2], have):
            raise SystemExit(
                f"DuckDB disagrees with the compiled backend on {lead_id}: {got} vs {result}"
            )
    con.execute('DROP TABLE "checked"')
    print(
        "300 sampled leads: the same score, stage and contributions (points) as the compiled backend.\n"
    )

    def run() -> None:
        rules.score_duckdb(
            str(leads_path), events=str(events_path), now=NOW, connection=con
        ).to_table("out")
        con.execute('DROP TABLE "out"')

    times = [timed(run) for _ in range(rounds)]
    median = statistics.median(times)
    print("| contender | seconds | events/s | leads/s |")
    print("|---|---:|---:|---:|")
    print(
        f"| leadrules DuckDB, Parquet | {median:.2f} | {count / median:,.0f} | {leads / median:,.0f} |"
    )
    print(f"\n- events/s: {count / median:,.0f} (target >= 5,000,000)")


# ----------------------------------------------------------------------------- memory


def make_big_leads(con: duckdb.DuckDBPyConnection, n: int, path: Path) -> None:
    """``n`` leads of the fields workload's shape, generated in SQL (deterministic)."""
    con.execute(
        "COPY (SELECT 'L' || lpad(CAST(i AS VARCHAR), 8, '0') AS id, "
        "'user' || i || '@' || ['acme.com', 'example.co.uk', 'gmail.com', 'fintechly.io', "
        "'competitor.com'][1 + CAST(hash(i) % 5 AS INTEGER)] AS email, "
        "['VP Marketing', 'Marketing Director', 'Head of Growth', 'Sales Manager', 'Student', "
        "''][1 + CAST(hash(i + 1) % 6 AS INTEGER)] AS job_title, "
        "CAST(hash(i + 2) % 20000 AS BIGINT) AS company_size, "
        "['software', 'Fintech', 'healthcare', 'retail'][1 + CAST(hash(i + 3) % 4 AS INTEGER)] AS industry, "
        "['GB', 'IE', 'US', 'DE', 'FR', 'gb'][1 + CAST(hash(i + 4) % 6 AS INTEGER)] AS country, "
        "CAST(hash(i + 5) % 16 AS BIGINT) AS page_views, "
        "hash(i + 6) % 10 < 4 AS downloaded_whitepaper, hash(i + 7) % 10 < 2 AS requested_demo, "
        "CAST(hash(i + 8) % 4 AS BIGINT) AS webinars_attended, "
        "CASE WHEN hash(i + 9) % 10 < 6 THEN CAST(hash(i + 10) % 50 AS BIGINT) * 1000 END AS budget "
        "FROM range(?) t(i)) TO ? (FORMAT parquet)",
        [n, str(path)],
    )


def memory_child(source: str, target: str, limit: str) -> None:
    con = connect()
    con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET preserve_insertion_order = false")
    rules = leadrules.compile(workload.RULES)
    start = time.perf_counter()
    rules.score_duckdb(source, now=NOW, connection=con).write_parquet(target)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows = con.execute("SELECT count(*) FROM read_parquet(?)", [target]).fetchone()
    print(f"{seconds:.1f} {peak} {rows[0] if rows else 0}")


def memory(n: int, limit: str, folder: Path) -> None:
    print(f"\n## Memory: {n:,} leads from Parquet to Parquet, DuckDB's memory limit {limit}\n")
    source = folder / "big_leads.parquet"
    target = folder / "big_scored.parquet"
    make_big_leads(connect(), n, source)
    done = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(source), str(target), limit],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"- failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
        return
    seconds, peak, rows = done.stdout.split()
    print("| leads | seconds | peak resident memory | rows written |")
    print("|---:|---:|---:|---:|")
    print(f"| {n:,} | {float(seconds):.1f} | {int(peak) / 2**20:,.0f} MB | {int(rows):,} |")


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: small sizes")
    parser.add_argument("--part", choices=["fields", "events", "memory", "all"], default="all")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--memory-leads", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return
    if args.quick:
        args.leads, args.events, args.memory_leads, args.rounds = 20_000, 400_000, 200_000, 1
    print(f"# leadrules on DuckDB\n\n{machine()}")
    with tempfile.TemporaryDirectory(prefix="leadrules-bench-") as directory:
        folder = Path(directory)
        if args.part in ("fields", "all"):
            fields(args.leads, args.rounds, folder)
        if args.part in ("events", "all"):
            events(args.leads, args.events, args.rounds, folder)
        if args.part in ("memory", "all"):
            memory(args.memory_leads, args.memory_limit, folder)


if __name__ == "__main__":
    main()
