"""The benchmark's workload (benchmarks/workload.py) means what it says: its hand-written
baselines give the scores, stages and fired rules leadrules gives, so the ratios the benchmark
prints compare equal work. (The benchmark checks this again before timing; this keeps the
workload from drifting between runs. No timing here.)"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import leadrules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import workload

NOW = workload.EVENT_NOW


@pytest.fixture(scope="module")
def leads() -> list[dict[str, Any]]:
    return workload.make_leads(3000, seed=3)


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_the_hand_written_baselines_score_as_the_rules_do(
    backend: str, leads: list[dict[str, Any]]
) -> None:
    rules = leadrules.compile(workload.RULES, backend=backend)
    for lead in leads[: 3000 if backend == "compiled" else 300]:
        result = rules.evaluate(lead, NOW)
        score, stage = workload.handwritten(lead)
        assert (result.score, result.stage) == (score, stage), lead
        score, stage, fired = workload.handwritten_fired(lead)
        labels = [c.label for c in result.contributions if c.kind == "rule"]
        assert (result.score, result.stage, labels) == (score, stage, fired), lead


def test_the_workload_has_what_issue_7_asks_for() -> None:
    rules = leadrules.compile(workload.RULES)
    checked = rules.checked
    assert len(checked.score_rules) == len(workload.LABELS) == 12
    assert len(checked.disqualifications) == 2
    assert len(rules.stages) == 2
    assert any(rule.per is not None and rule.cap is not None for rule in checked.score_rules)
    assert any(rule.points < 0 for rule in checked.score_rules)


def test_the_large_and_the_event_workloads_compile_and_agree() -> None:
    big = leadrules.compile(workload.many_rules(1000))
    assert len(big.checked.score_rules) == 1000
    compiled = leadrules.compile(workload.EVENT_RULES)
    reference = leadrules.compile(workload.EVENT_RULES, backend="reference")
    for lead in workload.make_event_leads(20, events=100):
        assert compiled.evaluate(lead, NOW) == reference.evaluate(lead, NOW)


def test_the_benchmark_script_runs_on_the_library_as_it_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`python benchmarks/run.py` is how every figure in docs/performance.md is made: it must
    keep running against the library's current API (a smoke run, tiny sizes, no timing
    asserted)."""
    import run

    run.main(["--quick", "--no-peers", "--only", "throughput", "--only", "compile",
              "--leads", "300", "--rounds", "1"])  # fmt: skip
    printed = capsys.readouterr().out
    assert "| leadrules compiled " in printed
    assert "`leadrules.compile()` as a user calls it" in printed
