"""What the fuzzing suite shares: how long it runs, running risky work in a child process under
CPU-time and memory bounds, and holding every registered backend to the reference.

Brief by default (CI); ``LEADRULES_FUZZ=N`` multiplies every test's examples by N (the longer
run: ``LEADRULES_FUZZ=50 python -m pytest tests/fuzz``, see docs/hostile.md).

Imported as ``from fuzzing import ...`` (this folder is on ``sys.path`` while its tests run).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from typing import Any

from conformance import assert_conforms
from hypothesis import HealthCheck, settings

import leadrules
from leadrules import backends
from leadrules.backends import Fidelity

#: How many times the brief run's examples the suite runs (``LEADRULES_FUZZ``).
SCALE = max(1, int(os.environ.get("LEADRULES_FUZZ", "1") or "1"))


def fuzz_settings(brief: int) -> settings:
    """``brief`` examples in CI, SCALE times as many in the longer run."""
    return settings(
        max_examples=brief * SCALE,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def run_bounded(code: str, *, seconds: int, megabytes: int) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``python -c`` in a child process limited to ``seconds`` of CPU time
    and ``megabytes`` of address space (RLIMIT_CPU, RLIMIT_AS): a runaway is killed by the
    bound (a signal, or MemoryError), which the caller sees as a failed process. The wall
    clock only guards against a child that sleeps (three times the CPU bound)."""
    limit = megabytes << 20

    def bounds() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        preexec_fn=bounds,
        timeout=3 * seconds + 30,
        check=False,
    )


def others() -> list[str]:
    """Every registered backend but the reference: each is held to it."""
    return [name for name in backends.names() if name != "reference"]


def _json_like(value: Any, depth: int = 0) -> bool:
    if depth > 10:
        return False
    if value is None or isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_json_like(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_like(v, depth + 1) for k, v in value.items())
    return False


def takes(backend: str, lead: Any) -> bool:
    """Whether ``backend`` takes a lead of this shape. A backend may say so itself
    (``accepts(lead)``); a backend of table fidelity takes JSON-like dict leads (what a table
    row can hold); one of result fidelity takes any lead."""
    found = backends.get(backend)
    accepts = getattr(found, "accepts", None)
    if callable(accepts):
        return bool(accepts(lead))
    if found.fidelity is Fidelity.TABLE:
        return isinstance(lead, dict) and _json_like(lead)
    return True


def table_row(result: leadrules.Result) -> tuple[Any, ...]:
    """The columns of a scored table (Fidelity.TABLE)."""
    return (
        result.score,
        result.stage,
        result.qualified,
        result.disqualified,
        result.next_stage,
        result.points_to_next_stage,
        tuple((c.line, c.label, c.group, c.points) for c in result.contributions),
        tuple(d.line for d in result.disqualifications),
        tuple(u.line for u in result.undecided),
    )


def assert_agrees(want: leadrules.Result, got: leadrules.Result, backend: str, lead: Any) -> None:
    """``got`` is the reference's ``want`` at the backend's fidelity."""
    if backends.get(backend).fidelity is Fidelity.TABLE:
        assert table_row(want) == table_row(got), (backend, lead)
    else:
        assert_conforms(want, got, backend, lead)
