"""Spark in local mode against DuckDB embedded: the same rules on the same Parquet files, the
results checked equal first (every lead's score, stage and contributions), then each engine
timed end to end, Parquet in and Parquet out.

    python benchmarks/spark.py                           # 1,000,000 leads, 20,000,000 events
    python benchmarks/spark.py --leads 200000 --events 4000000
    python benchmarks/spark.py --quick                   # a smoke test: small sizes

Needs ``pip install -e '.[spark]'`` and a Java runtime (17 or newer). The data and the rules are
benchmarks/sql.py's events workload: leads with an id and an e-mail, events spread over the 200
days before NOW, the six event rules of benchmarks/workload.py (one of them decays, which
Spark computes with CPython's ``pow``, a Python UDF). Spark runs as ``local[N]`` (``--cores``,
default 2) with ``spark.sql.shuffle.partitions`` set to the cores; DuckDB gets as many threads.
Both numbers are from one machine: Spark's strength is more machines, which this does not show
(docs/sql.md reads its plan for a cluster).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sql as duckdb_bench  # benchmarks/sql.py: the data, the machine line
import workload

import leadrules
from leadrules.backends.sql.engine import connect


def spark_session(cores: int, memory: str) -> Any:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("leadrules-benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.sql.shuffle.partitions", str(cores))
        .config("spark.driver.memory", memory)
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: small sizes")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--driver-memory", default="3g")
    args = parser.parse_args(argv)
    if args.quick:
        args.leads, args.events, args.rounds = 20_000, 400_000, 1
    import pyspark

    print(f"# leadrules on Spark local[{args.cores}] and on DuckDB\n")
    print(f"{duckdb_bench.machine()}; PySpark {pyspark.__version__}")
    rules = leadrules.compile(workload.EVENT_RULES)
    now = duckdb_bench.NOW
    spark = spark_session(args.cores, args.driver_memory)
    con = connect()
    con.execute(f"SET threads = {args.cores}")
    with tempfile.TemporaryDirectory(prefix="leadrules-spark-bench-") as directory:
        folder = Path(directory)
        leads_path, events_path = duckdb_bench.make_event_files(
            con, args.leads, args.events, folder
        )
        duck_out = folder / "duckdb_scores.parquet"
        spark_out = folder / "spark_scores"

        def on_duckdb() -> None:
            scored = rules.score_duckdb(
                str(leads_path), events=str(events_path), now=now, connection=con
            )
            scored.write_parquet(str(duck_out))

        def on_spark() -> None:
            leads = spark.read.parquet(str(leads_path))
            events = spark.read.parquet(str(events_path))
            scored = rules.score_spark(leads, events=events, now=now)
            scored.write.mode("overwrite").parquet(str(spark_out))

        # Checked first: every lead, both engines' files compared by DuckDB.
        on_duckdb()
        on_spark()
        compared = (
            "SELECT d.id, d.score, s.score, d.stage, s.stage FROM read_parquet(?) d "
            "FULL JOIN read_parquet(?) s ON d.id = s.id "
            "WHERE d.id IS NULL OR s.id IS NULL OR d.score <> s.score "
            "OR d.stage IS DISTINCT FROM s.stage "
            "OR list_transform(d.contributions, lambda c: (c.label, c.points)) "
            "<> list_transform(s.contributions, lambda c: (c.label, c.points))"
        )
        differing = con.execute(compared, [str(duck_out), f"{spark_out}/*.parquet"]).fetchall()
        if differing:
            raise SystemExit(
                f"Spark and DuckDB disagree on {len(differing)} leads: {differing[:3]}"
            )
        ((count,),) = con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(duck_out)]
        ).fetchall()
        print(
            f"\nAll {count:,} leads: the same score, stage and contributions (label, points) "
            "on both engines.\n"
        )
        times: dict[str, list[float]] = {"duckdb": [], "spark": []}
        for _ in range(args.rounds):  # interleaved rounds
            for name, run in (("duckdb", on_duckdb), ("spark", on_spark)):
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
    spark.stop()
    print(
        f"{args.leads:,} leads, {args.events:,} events, Parquet to Parquet, median of "
        f"{args.rounds} interleaved rounds:\n"
    )
    print("| engine | seconds | events/s | leads/s |")
    print("|---|---:|---:|---:|")
    labels = {
        "duckdb": "DuckDB (score_duckdb)",
        "spark": f"Spark local[{args.cores}] (score_spark)",
    }
    for name, label in labels.items():
        median = statistics.median(times[name])
        print(
            f"| {label} | {median:.1f} | {args.events / median:,.0f} | {args.leads / median:,.0f} |"
        )
    ratio = statistics.median(times["spark"]) / statistics.median(times["duckdb"])
    print(f"\nSpark's time / DuckDB's: {ratio:.1f}x")


if __name__ == "__main__":
    main()
