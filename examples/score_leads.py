"""Score the example leads with the example rules, and explain a few of them.

Run it from anywhere::

    python examples/score_leads.py

It reads ``b2b.leadrules`` and ``leads.jsonl`` from this folder, scores every lead at one fixed
moment (so the output is the same on every run), prints one line per lead, the full explanation
of a few interesting leads, and how many leads reached each stage.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import leadrules

HERE = Path(__file__).resolve().parent
RULES_FILE = HERE / "b2b.leadrules"
LEADS_FILE = HERE / "leads.jsonl"

#: Every lead is scored at this moment: time windows ("within 30 days") and decay depend on it.
NOW = datetime(2026, 11, 21, tzinfo=timezone.utc)

#: Leads worth reading in full: a strong lead (group limits, a decaying webinar, a capped
#: rule), a high score that is disqualified anyway, and a lead with messy CRM data.
EXPLAINED = ("L001", "L034", "L037")

NOT_QUALIFIED = "not qualified"
DISQUALIFIED = "disqualified"


def read_leads(path: Path) -> Iterator[dict[str, Any]]:
    """The leads of a JSON Lines file, one dict per non-blank line."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                lead: dict[str, Any] = json.loads(line)
                yield lead


def number(value: Decimal) -> str:
    """120 rather than 1.2E+2, 69.63 rather than 69.630."""
    return format(value.normalize(), "f")


def outcome(result: leadrules.Result) -> str:
    """The stage reached, "disqualified", or "not qualified"."""
    if result.disqualified:
        return DISQUALIFIED
    return result.stage or NOT_QUALIFIED


def summary_line(lead: Mapping[str, Any], result: leadrules.Result) -> str:
    who = f"{lead.get('first_name', '')} {lead.get('last_name', '')}".strip()
    title = str(lead.get("job_title") or "").strip() or "(no title)"
    detail = f"{who}, {title} at {lead.get('company', '?')}"
    if result.disqualified:
        detail += " - " + "; ".join(d.reason for d in result.disqualifications)
    return f"{lead['id']:<6}{number(result.score):>8}  {outcome(result):<15}{detail}"


def main() -> None:
    rules = leadrules.load(RULES_FILE)
    leads = list(read_leads(LEADS_FILE))
    print(f"Scoring {len(leads)} leads from {LEADS_FILE.name} with {RULES_FILE.name}")
    print(f"now = {NOW.isoformat()}")
    print()
    print(f"{'lead':<6}{'score':>8}  {'outcome':<15}who")

    counts: Counter[str] = Counter()
    explained: dict[str, leadrules.Result] = {}
    for lead, result in zip(leads, rules.evaluate_many(leads, now=NOW), strict=True):
        print(summary_line(lead, result))
        counts[outcome(result)] += 1
        if lead["id"] in EXPLAINED:
            explained[lead["id"]] = result

    for lead_id in EXPLAINED:
        print()
        print(f"---- Why {lead_id} scored {number(explained[lead_id].score)} ----")
        print(explained[lead_id].explain(), end="")

    print()
    print("Stages:")
    for name in (*reversed(rules.stages), NOT_QUALIFIED, DISQUALIFIED):
        print(f"  {name:<15}{counts[name]:>3}")
    print(f"  {'total':<15}{sum(counts.values()):>3}")


if __name__ == "__main__":
    main()
