"""The findings of an assessment in plain words: what a rule's numbers mean (does it earn its
points?), what a disqualify rule did, and the headlines of the whole file.

Every sentence is made from the numbers it states, so the words never say more than the data:
"no more likely" is said exactly when the interval of the lift holds 1. Nothing here computes
a statistic (:mod:`.stats` does); it only words them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from ..lang.decimal_text import signed_number_text
from .model import AucEstimate, DisqualifyRow, FieldGap, Proportion, Ratio, RuleRow, ThresholdRow

__all__ = [
    "FEW",
    "VERDICTS",
    "disqualify_finding",
    "headlines",
    "percent",
    "rate_text",
    "ratio_text",
    "rule_verdict",
]

#: Below this many leads a rule fired for, the words say it is too few to tell.
FEW = 10

#: Every verdict a rule can get, in the order the headlines count them.
VERDICTS = (
    "earns",
    "opposite",
    "wrong sign",
    "worth points",
    "no evidence",
    "never fired",
    "always fired",
)


def percent(rate: float | None) -> str:
    """``40%``, ``4.5%``, ``0.3%``, ``0%``: whole percents from 10% up, one decimal below."""
    if rate is None:
        return "-"
    value = 100 * rate
    if value == 0 or value >= 9.95:
        return f"{value:.0f}%"
    return f"{value:.1f}%"


def number(value: float) -> str:
    """A ratio as people read it: ``2.4``, ``0.55``, ``12``."""
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.2f}"


def ratio_text(lift: Ratio) -> str:
    """``2.40, 95% CI 1.90-3.10``."""
    return f"{number(lift.value)}, 95% CI {number(lift.low)}-{number(lift.high)}"


def rate_text(share: Proportion) -> str:
    """``18%, 95% CI 15%-21%``."""
    if share.rate is None:
        return "-"
    return f"{percent(share.rate)}, 95% CI {percent(share.low)}-{percent(share.high)}"


def rule_verdict(
    points: Decimal, leads: int, fired: int, lift: Ratio | None, points_text: str | None = None
) -> tuple[str, str]:
    """The verdict on one score rule and the sentence that says it."""
    given = points_text or signed_number_text(points)
    if fired == 0:
        return "never fired", f"never fired for these {leads:,} leads: nothing to judge it by"
    if fired == leads:
        return (
            "always fired",
            "fired for every lead: it moves every score alike, so it cannot tell leads apart",
        )
    share = percent(fired / leads)
    if lift is None:  # no lead converted, or every lead did
        return "no evidence", f"fires for {share} of leads; no conversion to compare it with"
    if lift.includes_one:
        if fired < FEW:
            return (
                "no evidence",
                f"fired for only {fired} leads: too few to tell whether it earns its {given} "
                f"(lift {ratio_text(lift)})",
            )
        return (
            "no evidence",
            f"fires for {share} of leads but converted leads are no more likely to have it "
            f"(lift {ratio_text(lift)})",
        )
    often = (
        f"{number(lift.value)} times as often as the others "
        f"(95% CI {number(lift.low)}-{number(lift.high)})"
    )
    better = lift.low > 1
    if points == 0:
        return (
            "worth points",
            f"gives no points, but the leads it fires for ({share}) convert {often}",
        )
    if better and points > 0:
        return (
            "earns",
            f"fires for {share} of leads, and they convert {often}: it earns its {given}",
        )
    if not better and points < 0:
        return (
            "earns",
            f"fires for {share} of leads, and they convert {often}: it earns its {given}",
        )
    if points > 0:
        return (
            "opposite",
            f"gives {given}, but the leads it fires for ({share}) convert less often, {often}: "
            "it predicts the opposite",
        )
    return (
        "wrong sign",
        f"takes {given}, but the leads it fires for ({share}) convert more often, {often}: "
        "the sign looks wrong",
    )


def disqualify_finding(removed: Proportion, kept: Proportion) -> str:
    """What a disqualify rule did to the leads it removed, against the leads not
    disqualified (``kept``)."""
    if removed.total == 0:
        return "was true for none of these leads"
    leads = f"{removed.total:,} lead" + ("s" if removed.total != 1 else "")
    if removed.count == 0:
        return f"removed {leads}, none of which converted"
    if kept.rate is None or removed.low is None or removed.high is None:
        return f"removed {leads}, {removed.count:,} of which converted all the same"
    against = f"against {percent(kept.rate)} of the leads not disqualified"
    said = (
        f"removed {leads}, {removed.count:,} of which converted all the same "
        f"({rate_text(removed)}) {against}"
    )
    if removed.high < kept.rate:
        return said + ": it removes weaker leads"
    if removed.low > kept.rate:
        return said + ": it removes leads that convert more often than those it keeps"
    return said + ": they convert about as often as the leads it keeps"


def headlines(
    *,
    leads: int,
    base: Proportion,
    excluded: int,
    first_stage: ThresholdRow | None,
    below_first: Proportion | None,
    auc: AucEstimate | None,
    rules: Sequence[RuleRow],
    disqualify: Sequence[DisqualifyRow],
    fields: Sequence[FieldGap],
) -> list[str]:
    """The few sentences that open the report."""
    out = [
        f"{leads:,} leads assessed, {base.count:,} converted ({percent(base.rate)})"
        + (f"; {excluded:,} left out (see below)" if excluded else "")
        + "."
    ]
    if base.count == 0 or base.count == leads:
        out.append(
            "No lead converted, so nothing can be judged."
            if base.count == 0
            else "Every lead converted, so nothing can be judged."
        )
        return out
    if first_stage is not None and below_first is not None and below_first.total:
        out.append(
            f"Leads at {first_stage.stage} or above converted at "
            f"{rate_text(first_stage.precision)}; the other leads not disqualified at "
            f"{rate_text(below_first)}."
        )
    if auc is not None:
        out.append(
            f"The score ranks leads with an AUC of {auc.value:.2f} (95% CI {auc.low:.2f}-"
            f"{auc.high:.2f}): a converted lead outscores one that did not "
            f"{percent(auc.value)} of the time (0.50 is a coin toss)."
        )
    counts = Counter(row.verdict for row in rules)
    words = {
        "earns": ("earns its points", "earn their points"),
        "opposite": ("predicts the opposite", "predict the opposite"),
        "wrong sign": ("has the wrong sign", "have the wrong sign"),
        "worth points": ("gives no points but is worth some", "give no points but are worth some"),
        "no evidence": ("shows no evidence either way", "show no evidence either way"),
        "never fired": ("never fired", "never fired"),
        "always fired": ("fired for every lead", "fired for every lead"),
    }
    parts = [
        f"{counts[v]} {words[v][0] if counts[v] == 1 else words[v][1]}"
        for v in VERDICTS
        if counts[v]
    ]
    if parts:
        out.append(f"Of {len(rules)} score rules: " + ", ".join(parts) + ".")
    removed = [row for row in disqualify if row.removed.count]
    if removed:
        total = sum(row.removed.count for row in removed)
        out.append(
            f"{total:,} converted lead{'s were' if total != 1 else ' was'} disqualified "
            f"(by {len(removed)} disqualify rule{'s' if len(removed) != 1 else ''})."
        )
    if fields:
        worst = max(fields, key=lambda gap: gap.leads)
        lines = ", ".join(str(n) for n in worst.lines)
        out.append(
            f"Most undecided: {worst.field} is {worst.problem} for {worst.leads:,} leads "
            f"({percent(worst.leads / leads)}), leaving the rules on line"
            f"{'s' if len(worst.lines) != 1 else ''} {lines} undecided for them."
        )
    return out
