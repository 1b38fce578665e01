"""How long a report on a large population takes: ``python benchmarks/report.py`` (``--leads N``,
default 1,000,000; ``--cli N`` also times ``leadrules report`` on a generated JSON Lines file of
N leads).

Everything runs in this one process, on the benchmark workload's generated leads
(benchmarks/workload.py: 12 score rules, 2 disqualify rules, 2 stages):

* the hand-written baseline: the rules written by hand in Python with the fired list
  (``workload.handwritten_fired``), adding up what the report counts that it can give
  (stages, a score per lead, how often each rule fired);
* leadrules: every lead scored by the compiled backend (``evaluate_many``) and read into a
  :class:`leadrules.report.population.Population` (which reads every contribution), then the
  charts and the page (the time to draw does not grow with the leads).

Every line includes generating the leads (shown on its own first), as a file would have to be
read. Each line gives wall-clock and CPU seconds of this process (of the command, for
``--cli``) and the ratio of CPU seconds to the hand-written baseline's: on a machine shared
with other work the wall-clock time grows with the load (printed at the start), the CPU time
much less. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import workload  # noqa: E402

import leadrules  # noqa: E402
from leadrules.report.histogram import Distribution  # noqa: E402
from leadrules.report.html import render_report  # noqa: E402
from leadrules.report.page import ReportData  # noqa: E402
from leadrules.report.population import Population  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)


class Clock:
    """Wall-clock and CPU seconds of this process since it was made (``lap`` for both)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def generating(n: int) -> tuple[float, float]:
    clock = Clock()
    for _lead in workload.iter_leads(n):
        pass
    return clock.lap()


def baseline(n: int) -> tuple[float, float]:
    clock = Clock()
    stages: Counter[str | None] = Counter()
    scores: Counter[int] = Counter()
    fired: Counter[str] = Counter()
    for lead in workload.iter_leads(n):
        score, stage, labels = workload.handwritten_fired(lead)
        stages[stage] += 1
        scores[score] += 1
        fired.update(labels)
    return clock.lap()


def scoring_only(rules: leadrules.RuleSet, n: int) -> tuple[float, float]:
    clock = Clock()
    scores = Distribution()
    for result in rules.evaluate_many(workload.iter_leads(n), NOW):
        scores.add(result.score)
    return clock.lap()


def report(
    rules: leadrules.RuleSet, n: int
) -> tuple[tuple[float, float], tuple[float, float], int]:
    clock = Clock()
    population = Population(rules.checked)
    for number, result in enumerate(rules.evaluate_many(workload.iter_leads(n), NOW), 1):
        population.add(result, None, number)
    counted = clock.lap()
    drawing = Clock()
    data = ReportData(population, {}, NOW, "generated leads", "workload.leadrules")
    page = render_report(data)
    return counted, drawing.lap(), len(page)


def cli(n: int) -> tuple[float, float, float]:
    """The command on a JSON Lines file of ``n`` leads: wall-clock and CPU seconds, and the
    most memory it held (MB)."""
    with tempfile.TemporaryDirectory() as folder:
        leads = Path(folder) / "leads.jsonl"
        with leads.open("w", encoding="utf-8") as handle:
            for lead in workload.iter_leads(n):
                handle.write(json.dumps(lead) + "\n")
        rules = Path(folder) / "workload.leadrules"
        rules.write_text(workload.RULES, "utf-8")
        out = Path(folder) / "report.html"
        command = [sys.executable, "-m", "leadrules", "report", str(rules), str(leads)]
        command += ["--now", NOW.isoformat(), "-o", str(out), "--no-progress"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return wall, cpu, after.ru_maxrss / 1024


def line(what: str, seconds: tuple[float, float], hand: tuple[float, float] | None) -> None:
    wall, cpu = seconds
    ratio = f"{cpu / hand[1]:6.2f}x" if hand else ""
    print(f"  {what:<38} {wall:7.1f} s {cpu:7.1f} s {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--cli", type=int, default=0, metavar="N")
    args = parser.parse_args()
    n = args.leads
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores "
        f"(load average {load} at start), {n:,} generated leads"
    )
    print(f"  {'':<38} {'wall':>9} {'CPU':>9} {'x hand (CPU)':>12}")
    rules = leadrules.compile(workload.RULES, filename="workload.leadrules")
    line("generating the leads (in every line)", generating(n), None)
    hand = baseline(n)
    line("hand-written, with the fired list", hand, hand)
    line("leadrules, scores only", scoring_only(rules, n), hand)
    counted, drawn, size = report(rules, n)
    line("leadrules report: scored and counted", counted, hand)
    line(f"  charts and page ({size:,} bytes)", drawn, None)
    total = (counted[0] + drawn[0], counted[1] + drawn[1])
    line("the report in all", total, hand)
    print(
        f"  the report in all: {'under' if total[0] < 60 else 'over'} a minute of wall-clock "
        f"time, {'under' if total[1] < 60 else 'over'} a minute of CPU"
    )
    if args.cli:
        wall, cpu, memory = cli(args.cli)
        print(f"  leadrules report, the command on a JSON Lines file of {args.cli:,} leads:")
        print(
            f"    {wall:.1f} s wall ({args.cli / wall:,.0f} leads/s), {cpu:.1f} s of CPU, "
            f"at most {memory:,.0f} MB"
        )


if __name__ == "__main__":
    main()
