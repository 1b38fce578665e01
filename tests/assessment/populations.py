"""Leads whose conversion follows a planted model, for the assessment's tests (and the CSV
files shaped like a CRM export that the command line's tests write from them).

Each planted signal is a yes/no field a fixed share of leads has, independently of the others;
a lead converts with the logistic chance of the base log-odds plus the log-odds of the signals
it has. So the truth is known: a signal with log-odds above 0 makes leads convert more often,
0 is noise, below 0 predicts the opposite.

Imported as ``from populations import ...`` (this folder is on ``sys.path`` while its tests run).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

UTC = dt.timezone.utc

#: The planted model: signal -> (share of leads that have it, log-odds it adds).
PLANTED: Mapping[str, tuple[float, float]] = {
    "strong": (0.3, 2.0),
    "medium": (0.3, 1.0),
    "weak": (0.3, 0.5),
    "noise one": (0.3, 0.0),
    "noise two": (0.3, 0.0),
    "opposite": (0.3, -1.0),
}
BASE_LOG_ODDS = -2.0

#: A rule file for the planted signals whose points a meeting agreed on: the noise is worth the
#: most, the opposite signal earns points, the strong one as few as the weak one.
MEETING_RULES = """\
# Points agreed in the planning meeting.
group fit max 100:
    +10 when strong         # the partner programme
    +10 when medium
    +10 when weak
    +20 when noise one      # everyone likes this one
    +20 when noise two
+15 when opposite as "Looks keen"
disqualify when blocked because "On the block list"
MQL at 20
SQL at 40
"""


def chance(log_odds: float) -> float:
    return 1 / (1 + math.exp(-log_odds))


def planted_leads(
    n: int,
    seed: int = 1,
    planted: Mapping[str, tuple[float, float]] = PLANTED,
    base: float = BASE_LOG_ODDS,
    blocked_share: float = 0.05,
) -> list[dict[str, Any]]:
    """``n`` leads (dicts) with the planted signals as yes/no fields (``noise one`` is
    ``noise_one``), ``id``, ``converted``, ``blocked`` and ``created_at``."""
    rng = random.Random(seed)
    leads = []
    start = dt.datetime(2026, 7, 1, tzinfo=UTC)
    for index in range(n):
        signals = {name: rng.random() < share for name, (share, _) in planted.items()}
        log_odds = base + sum(planted[name][1] for name, on in signals.items() if on)
        lead: dict[str, Any] = {name.replace(" ", "_"): on for name, on in signals.items()}
        lead.update(
            id=f"L{index + 1:05d}",
            converted=rng.random() < chance(log_odds),
            blocked=rng.random() < blocked_share,
            created_at=(start + dt.timedelta(minutes=37 * index)).isoformat(),
        )
        leads.append(lead)
    return leads


def write_csv(path: Path, rows: Sequence[Mapping[str, Any]], header: Sequence[str]) -> Path:
    """Rows as a CRM writes them: a byte-order mark, CRLF line ends, every header given."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header), lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in header})
    return path
