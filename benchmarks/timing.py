"""How the benchmark times contenders: each one checked equal to the baseline first, then
timed in interleaved rounds (every round runs every contender once, in a rotated order), all in
this one process; the median round is what the tables show."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

#: A contender slower than this per pass is timed on the first items only (its rate per item
#: is what the table compares), so that the whole run stays within minutes.
PASS_SECONDS = 2.0


class Contender:
    def __init__(
        self,
        name: str,
        run: Callable[[list[Any]], None],
        outputs: Callable[[list[Any]], list[Any]],
        fired: bool,
    ) -> None:
        self.name = name
        self.run = run  # handles every item of a list (what is timed)
        self.outputs = outputs  # what it gives per item, for the check against the baseline
        self.fired = fired  # whether it reports which rules fired
        self.count = 0
        self.times: list[float] = []

    @property
    def per_item(self) -> float:
        return statistics.median(self.times) / self.count

    # The throughput section's name for it.
    per_lead = per_item


def timed(function: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def disagree(name: str, i: int, item: Any, want: Any, have: Any) -> SystemExit:
    shown = repr(item)
    if len(shown) > 600:
        shown = shown[:600] + "..."
    return SystemExit(
        f"{name} disagrees with the hand-written baseline on item {i}:\n"
        f"  item {shown}\n  expected {want!r}\n  got      {have!r}"
    )


def check(
    contender: Contender,
    items: list[Any],
    expected: Sequence[Any],
    same: Callable[[Any, Any], bool],
) -> None:
    got = contender.outputs(items)
    for i, (want, have) in enumerate(zip(expected[: len(items)], got, strict=True)):
        if not same(want, have):
            raise disagree(contender.name, i, items[i], want, have)


def measure(
    everyone: list[Contender],
    items: list[Any],
    rounds: int,
    expected: Sequence[Any],
    same: Callable[[Any, Any], bool],
    probe: int = 200,
) -> None:
    """Checks every contender against ``expected`` on the items it will be timed on, then
    times them all in ``rounds`` interleaved rounds."""
    n = len(items)
    for contender in everyone:
        sample = items[:probe]
        per_item = timed(lambda c=contender, p=sample: c.run(p)) / max(len(sample), 1)  # type: ignore[misc]
        contender.count = max(min(n, int(PASS_SECONDS / max(per_item, 1e-9))), min(n, 1000))
        check(contender, items[: contender.count], expected, same)
    for round_number in range(rounds):
        shift = round_number % len(everyone)
        for contender in everyone[shift:] + everyone[:shift]:
            subset = items[: contender.count]
            contender.times.append(timed(lambda c=contender, s=subset: c.run(s)))  # type: ignore[misc]


def table(everyone: list[Contender], baselines: list[tuple[str, Contender]], unit: str) -> None:
    """A markdown table: rate, µs per item, and the ratio of time to each baseline."""
    head = [f"{'contender':<48}", f"{unit + '/s':>10}", f"{'µs/' + unit:>8}"]
    head += [f"{'× ' + label:>12}" for label, _ in baselines]
    head.append(f"{unit + 's timed':>11}")
    header = "| " + " | ".join(head) + " |"
    print(header)
    print("|" + "|".join("-" * len(part) for part in header.split("|")[1:-1]) + "|")
    for c in everyone:
        cells = [f"{c.name:<48}", f"{1 / c.per_item:>10,.0f}", f"{c.per_item * 1e6:>8.2f}"]
        cells += [f"{c.per_item / base.per_item:>12.2f}" for _, base in baselines]
        cells.append(f"{c.count:>11,}")
        print("| " + " | ".join(cells) + " |")
