"""The leadrules benchmark: ``python benchmarks/run.py`` (``--quick`` for a smoke test).

Everything runs in this one process: the contenders are timed in interleaved rounds (each round
runs every contender once, in a rotated order) and the table shows the median round. Before it
is timed, each contender's output (score and stage, and the fired rules where it gives them) is
checked equal to the hand-written baseline's, lead by lead.

Sections: throughput on the issue-7 workload; the fields workload with ints, floats and text
values, and every contribution read; compile time of a 1,000-rule file, broken down; an events
workload (0 to 50 events per lead, ISO text and ``datetime`` times, 6 event rules);
``leadrules score`` on a 500,000-row CRM export with an events file; resident memory over
``evaluate_many`` on a million generated leads. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import realdata  # noqa: E402
import workload  # noqa: E402
from peers import PEERS  # noqa: E402
from timing import PASS_SECONDS, Contender, timed  # noqa: E402

import leadrules  # noqa: E402
from leadrules.backends.python import compile_scorer  # noqa: E402
from leadrules.lang.checker import check  # noqa: E402
from leadrules.lang.parser import parse  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = " (load average {:.2f} {:.2f} {:.2f} at start)".format(*os.getloadavg())
    return [
        f"machine: {os.cpu_count()} cores, {model}{load}",
        f"python: {platform.python_implementation()} {platform.python_version()} "
        f"on {platform.system()} {platform.machine()}",
        f"leadrules {leadrules.__version__}; "
        + ", ".join(f"{dist} {version(dist)}" for dist, _ in PEERS.values()),
    ]


# ----------------------------------------------------------------------------- contenders

Output = tuple[Any, Any, Any]


def leadrules_contenders() -> list[Contender]:
    compiled = leadrules.compile(workload.RULES, backend="compiled")
    reference = leadrules.compile(workload.RULES, backend="reference")

    def scoring(rules: leadrules.RuleSet, read_contributions: bool) -> Contender:
        evaluate = rules.evaluate

        # Every contender's timed loop takes what it promises: the hand-written ones return
        # score and stage, so the leadrules loops read them too.
        def run(leads: list[Any]) -> None:
            if read_contributions:
                for lead in leads:
                    result = evaluate(lead, NOW)
                    result.score, result.stage, result.contributions  # noqa: B018
            else:
                for lead in leads:
                    result = evaluate(lead, NOW)
                    result.score, result.stage  # noqa: B018

        def outputs(leads: list[Any]) -> list[Output]:
            results = [evaluate(lead, NOW) for lead in leads]
            return [
                (r.score, r.stage, [c.label for c in r.contributions if c.kind == "rule"])
                for r in results
            ]

        name = f"leadrules {rules.backend}"
        if read_contributions:
            name += ", contributions read"
        return Contender(name, run, outputs, fired=True)

    def many(rules: leadrules.RuleSet) -> Contender:
        def run(leads: list[Any]) -> None:
            for result in rules.evaluate_many(leads, NOW):
                result.score, result.stage  # noqa: B018

        def outputs(leads: list[Any]) -> list[Output]:
            return [(r.score, r.stage, None) for r in rules.evaluate_many(leads, NOW)]

        return Contender("leadrules compiled, evaluate_many", run, outputs, fired=False)

    return [
        scoring(compiled, False),
        scoring(compiled, True),
        many(compiled),
        scoring(reference, False),
    ]


def plain(name: str, function: Callable[[Any], Any], fired: bool) -> Contender:
    def run(leads: list[Any]) -> None:
        for lead in leads:
            function(lead)

    def outputs(leads: list[Any]) -> list[Output]:
        out = [function(lead) for lead in leads]
        return [(o[0], o[1], o[2] if fired else None) for o in out]

    return Contender(name, run, outputs, fired)


def contenders(with_peers: bool) -> list[Contender]:
    found = [
        plain("hand-written (score + stage)", workload.handwritten, fired=False),
        plain("hand-written + fired list", workload.handwritten_fired, fired=True),
        *leadrules_contenders(),
    ]
    if with_peers:
        for name, (distribution, factory) in PEERS.items():
            try:
                found.append(plain(f"{name} {version(distribution)}", factory(), fired=True))
            except ImportError:
                print(f"  ({name} is not installed: pip install -e '.[benchmark]')")
    return found


def check_outputs(contender: Contender, leads: list[Any], expected: list[Output]) -> None:
    got = contender.outputs(leads)
    for i, (want, have) in enumerate(zip(expected[: len(leads)], got, strict=True)):
        if have[0] != want[0] or have[1] != want[1] or (have[2] is not None and have[2] != want[2]):
            raise SystemExit(
                f"{contender.name} disagrees with the hand-written baseline on lead {i}:\n"
                f"  lead {leads[i]!r}\n  expected {want!r}\n  got      {have!r}"
            )


def throughput(n: int, rounds: int, with_peers: bool) -> list[Contender]:
    print(f"\n## Throughput: the issue-7 workload, {n:,} leads, median of {rounds} rounds\n")
    leads = workload.make_leads(n)
    expected = [workload.handwritten_fired(lead) for lead in leads]
    everyone = contenders(with_peers)
    for contender in everyone:
        # How many leads this contender is timed on (all of them unless it is slow).
        probe = leads[:200]
        per_lead = timed(lambda c=contender, p=probe: c.run(p)) / len(probe)  # type: ignore[misc]
        contender.count = max(min(n, int(PASS_SECONDS / per_lead)), min(n, 1000))
        check_outputs(contender, leads[: contender.count], expected)
    for round_number in range(rounds):
        shift = round_number % len(everyone)
        for contender in everyone[shift:] + everyone[:shift]:
            subset = leads[: contender.count]
            contender.times.append(timed(lambda c=contender, s=subset: c.run(s)))  # type: ignore[misc]
    hand = everyone[0].per_lead
    fired = everyone[1].per_lead
    header = (
        f"| {'contender':<42} | {'leads/s':>10} | {'µs/lead':>8} | {'× hand':>7} "
        f"| {'× hand+fired':>12} | {'leads timed':>11} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    for c in everyone:
        print(
            f"| {c.name:<42} | {1 / c.per_lead:>10,.0f} | {c.per_lead * 1e6:>8.2f} "
            f"| {c.per_lead / hand:>7.2f} | {c.per_lead / fired:>12.2f} | {c.count:>11,} |"
        )
    return everyone


def targets(everyone: list[Contender]) -> None:
    by_name = {c.name: c for c in everyone}
    compiled = by_name["leadrules compiled"].per_lead
    explained = by_name["leadrules compiled, contributions read"].per_lead
    fired = by_name["hand-written + fired list"].per_lead
    print("\n## Targets\n")
    ratio = compiled / fired
    print(
        f"- compiled vs hand-written + fired list: {ratio:.2f}x the time "
        f"(target 1.25x: {'met' if ratio <= 1.25 else 'missed'}); with every contribution "
        f"built and read: {explained / fired:.2f}x"
    )
    peers = [c for c in everyone if c.name.split(" ")[0] in {p.split(" ")[0] for p in PEERS}]
    if peers:
        fastest = min(peers, key=lambda c: c.per_lead)
        speedup = fastest.per_lead / compiled
        print(
            f"- compiled vs the fastest peer ({fastest.name}): {speedup:.2f}x its throughput "
            f"(target 3x: {'met' if speedup >= 3 else 'missed'}); with contributions read: "
            f"{fastest.per_lead / explained:.2f}x"
        )


# ----------------------------------------------------------------------------- compile time


def compile_time(rules: int, repeats: int) -> None:
    source = workload.many_rules(rules)
    print(f"\n## Compile time: a {rules:,}-rule file, median of {repeats}\n")
    parse_s, check_s, code_s, total_s, explain_s = [], [], [], [], []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        tree = parse(source, "many.leadrules")
        parsed = time.perf_counter()
        checked = check(tree)
        checked_at = time.perf_counter()
        scorer = compile_scorer(checked)
        done = time.perf_counter()
        parse_s.append(parsed - start)
        check_s.append(checked_at - parsed)
        code_s.append(done - checked_at)
        total_s.append(done - start)
        result = scorer.score({"requested_demo": True}, NOW)
        begin = time.perf_counter()
        result.contributions  # noqa: B018 - builds the explanation code on first use
        explain_s.append(time.perf_counter() - begin)
    whole = []
    for _ in range(repeats):
        whole.append(timed(lambda: leadrules.compile(source)))
    median = statistics.median
    print("| step | ms |")
    print("|---|---:|")
    print(f"| parse (Lark) | {median(parse_s) * 1e3:.1f} |")
    print(f"| check | {median(check_s) * 1e3:.1f} |")
    print(f"| generate + compile Python | {median(code_s) * 1e3:.1f} |")
    print(f"| total (parse + check + compile) | {median(total_s) * 1e3:.1f} |")
    print(f"| `leadrules.compile()` as a user calls it | {median(whole) * 1e3:.1f} |")
    print(f"| later: the explanation code, built on first use | {median(explain_s) * 1e3:.1f} |")
    verdict = "met" if median(whole) < 0.2 else "missed"
    print(f"\n- target: compile a 1,000-rule file in under 200 ms: {verdict}")


# ----------------------------------------------------------------------------- memory


def rss_bytes() -> int:
    """Resident memory now, from /proc/self/statm (Linux)."""
    with open("/proc/self/statm", encoding="utf-8") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def memory(n: int) -> None:
    print(f"\n## Memory: evaluate_many over {n:,} generated leads\n")
    print(
        "Twice: reading score and stage only, then also reading every result's contributions\n"
        "(which fills the explanation memos; they are bounded, see docs/performance.md).\n"
    )
    step = max(1, n // 10)
    columns = []
    growths = []
    for explain in (False, True):
        rules = leadrules.compile(workload.RULES)
        stream: Iterable[Any] = workload.iter_leads(n, seed=99)
        gc.collect()
        before = rss_bytes()
        samples = [before]
        for i, result in enumerate(rules.evaluate_many(stream, NOW), 1):
            result.score, result.stage  # noqa: B018
            if explain:
                result.contributions  # noqa: B018
            if i % step == 0:
                samples.append(rss_bytes())
        columns.append(samples)
        growths.append(max(samples) - before)
        del rules
    print("| after leads | resident memory (MB) | with contributions read (MB) |")
    print("|---:|---:|---:|")
    for i, (plain_rss, explained_rss) in enumerate(zip(*columns, strict=True)):
        print(f"| {i * step:,} | {plain_rss / 2**20:.1f} | {explained_rss / 2**20:.1f} |")
    for label, growth in zip(("scoring", "with contributions read"), growths, strict=True):
        verdict = "met" if growth < 50 * 2**20 else "missed"
        print(f"\n- growth, {label}: {growth / 2**20:.1f} MB (target: under 50 MB: {verdict})")


SECTIONS = ("throughput", "fields", "compile", "events", "cli", "memory")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke test: fewer leads")
    parser.add_argument("--leads", type=int, help="leads in the throughput workload")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (the median is shown)")
    parser.add_argument("--no-peers", action="store_true", help="leave the peer engines out")
    parser.add_argument("--cli-rows", type=int, help="rows of the CRM export (500,000)")
    parser.add_argument("--cli-rounds", type=int, default=3, help="rounds of the CLI section")
    parser.add_argument(
        "--only",
        choices=list(SECTIONS),
        action="append",
        help="run only these sections (repeatable)",
    )
    args = parser.parse_args(argv)
    n = args.leads or (5_000 if args.quick else 100_000)
    rounds = args.rounds or (3 if args.quick else 5)
    sections = set(args.only or SECTIONS)
    print("# leadrules benchmark" + (" (--quick)" if args.quick else ""))
    print()
    for line in machine():
        print(f"- {line}")
    if "throughput" in sections:
        targets(throughput(n, rounds, not args.no_peers))
    if "compile" in sections:
        compile_time(1000, 3 if args.quick else 5)
    if "fields" in sections:
        realdata.fields(n, rounds)
    if "events" in sections:
        realdata.events(200 if args.quick else 2_000, rounds)
    if "cli" in sections:
        realdata.cli(args.cli_rows or (10_000 if args.quick else 500_000), args.cli_rounds)
    if "memory" in sections:
        memory(100_000 if args.quick else 1_000_000)


if __name__ == "__main__":
    main()
