"""An assessment as the text ``leadrules assess`` prints: fixed columns, one section per
table, each rule's finding in words under its row, so that two runs compare with ``diff``.

Only words and layout: every number comes from the :class:`.model.Assessment`.
"""

from __future__ import annotations

from decimal import Decimal

from ..lang.decimal_text import number_text, signed_number_text
from .model import Assessment, Proportion, Suggestion
from .words import number, percent

__all__ = ["render"]


def _interval(share: Proportion) -> str:
    if share.low is None or share.high is None:
        return "-"
    return f"{percent(share.low)}-{percent(share.high)}"


def _rate(share: Proportion) -> str:
    return percent(share.rate)


def _signed(value: Decimal) -> str:
    return signed_number_text(value)


def render(assessment: Assessment) -> str:
    """The whole report, ending with a newline."""
    a = assessment
    out: list[str] = [
        f"Assessment of {a.rules_file} against {a.outcome}",
        f"Scored: {a.as_of}",
        f"Leads:  {a.source + ': ' if a.source else ''}{a.leads:,} assessed, "
        f"{a.converted:,} converted ({percent(a.base.rate)}, 95% CI {_interval(a.base)})",
    ]
    for exclusion in a.excluded:
        examples = ", ".join(exclusion.examples)
        out.append(
            f"        {exclusion.count:,} left out: {exclusion.reason}"
            + (f" (e.g. {examples})" if examples else "")
        )
    out += ["", "Findings"]
    out += [f"  - {line}" for line in a.findings]
    out += [f"  - {line}" for line in a.notes]

    out += ["", "Conversion by stage (the highest stage each lead reached)"]
    out.append(f"  {'stage':<16} {'leads':>7} {'converted':>9} {'rate':>6}  95% CI")
    for row in a.stages:
        c = row.conversion
        out.append(f"  {row.stage:<16} {c.total:>7,} {c.count:>9,} {_rate(c):>6}  {_interval(c)}")

    if a.bands:
        out += ["", "Conversion by score band (leads not disqualified, highest scores first)"]
        out.append(f"  {'score':<20} {'leads':>7} {'converted':>9} {'rate':>6}  95% CI")
        for band in a.bands:
            c = band.conversion
            scores = (
                number_text(band.low_score)
                if band.low_score == band.high_score
                else f"{number_text(band.low_score)} to {number_text(band.high_score)}"
            )
            out.append(f"  {scores:<20} {c.total:>7,} {c.count:>9,} {_rate(c):>6}  {_interval(c)}")

    out += ["", "How well the score ranks leads (leads not disqualified)"]
    if a.auc is None:
        out.append("  AUC: - (it needs converted leads and leads that did not convert)")
    else:
        out.append(
            f"  AUC {a.auc.value:.2f} (95% CI {a.auc.low:.2f}-{a.auc.high:.2f}) over "
            f"{a.auc.converted:,} converted and {a.auc.others:,} other leads: the chance that a "
            "converted lead outscores one that did not"
        )

    if a.thresholds:
        out += ["", "At each stage's threshold (the leads at that stage or above)"]
        out.append(
            f"  {'stage':<16} {'at':>6} {'leads':>7} {'converted':>9} {'precision':>9}  "
            f"{'95% CI':<9} {'recall':>6} {'lift':>5}"
        )
        for t in a.thresholds:
            lift = "-" if t.lift is None else number(t.lift)
            out.append(
                f"  {t.stage:<16} {number_text(t.threshold):>6} {t.leads:>7,} "
                f"{t.precision.count:>9,} {_rate(t.precision):>9}  "
                f"{_interval(t.precision):<9} {_rate(t.recall):>6} {lift:>5}"
            )
        out.append(
            "  precision: of these leads, how many converted; recall: how many of all converted "
            "leads they hold; lift: precision over the rate of all leads"
        )

    if a.rules:
        leads = a.rules[0].leads
        out += [
            "",
            f"Score rules (of {leads:,} leads not disqualified; fired: the share of converted "
            "and of other leads it fired for; lift: the conversion rate when it fired over "
            "when it did not)",
        ]
        out.append(
            f"  {'line':>4} {'points':>7} {'fired':>6} {'conv.':>6} {'others':>6} "
            f"{'lift':>5}  {'95% CI':<11} {'verdict':<12} rule"
        )
        for r in a.rules:
            lift = "-" if r.lift is None else number(r.lift.value)
            interval = "-" if r.lift is None else f"{number(r.lift.low)}-{number(r.lift.high)}"
            where = f"[{r.group}] " if r.group else ""
            per = " per" if r.per else ""
            out.append(
                f"  {r.line:>4} {_signed(r.points) + per:>7} {percent(r.fired / r.leads):>6} "
                f"{_rate(r.among_converted):>6} {_rate(r.among_others):>6} {lift:>5}  "
                f"{interval:<11} {r.verdict:<12} {where}{r.label}"
            )
            out.append(f"         {r.finding}")
            if r.undecided:
                share = percent(r.undecided / r.leads)
                out.append(f"         undecided for {r.undecided:,} leads ({share})")

    if a.fields:
        out += ["", "Rules undecided for missing or unreadable data, by field"]
        out.append(f"  {'field':<24} {'problem':<10} {'leads':>7} {'share':>6}  rules on lines")
        for f in a.fields:
            lines = ", ".join(str(n) for n in f.lines)
            out.append(
                f"  {f.field:<24} {f.problem:<10} {f.leads:>7,} "
                f"{percent(f.leads / a.leads):>6}  {lines}"
            )
            if f.problem == "unreadable":
                out.append(f"    e.g. {f.example}")

    if a.disqualify:
        out += ["", "Disqualify rules (the leads each removed, and how many of them converted)"]
        out.append(f"  {'line':>4} {'removed':>7} {'converted':>9} {'rate':>6}  rule")
        for d in a.disqualify:
            c = d.removed
            out.append(f"  {d.line:>4} {c.total:>7,} {c.count:>9,} {_rate(c):>6}  {d.reason}")
            out.append(f"         {d.finding}")
            if d.converted_examples:
                more = c.count - len(d.converted_examples)
                out.append(
                    "         converted: "
                    + ", ".join(d.converted_examples)
                    + (f" and {more:,} more" if more > 0 else "")
                )

    if a.suggestion is not None:
        out += ["", *_suggestion(a.suggestion)]
    return "\n".join(out) + "\n"


def _suggestion(s: Suggestion) -> list[str]:
    out = ["Suggested points (a proposal: review it with leadrules diff before using it)"]
    if s.auc is not None and s.auc_suggested is not None:
        out.append(
            f"  AUC on leads held out of the fit (mean of {s.folds} folds): today "
            f"{s.auc:.2f}, suggested {s.auc_suggested:.2f}"
        )
        out.append("    per fold, today:     " + " ".join(f"{v:.2f}" for v in s.fold_auc))
        out.append("    per fold, suggested: " + " ".join(f"{v:.2f}" for v in s.fold_auc_suggested))
    out.append(f"  {'line':>4} {'today':>9} {'suggested':>9}  rule")
    for r in s.rules:
        today = _signed(r.points)
        new = _signed(r.suggested)
        where = f"[{r.group}] " if r.group else ""
        extra = ""
        if r.cap is not None and r.suggested_cap is not None and r.suggested_cap != r.cap:
            extra = f"  (up to {number_text(r.cap)} -> up to {number_text(r.suggested_cap)})"
        note = f"  ({r.note})" if r.note else ""
        out.append(f"  {r.line:>4} {today:>9} {new:>9}  {where}{r.label}{extra}{note}")
    if s.stages:
        out.append(
            f"  {'stage':<16} {'today':>6} {'suggested':>9} {'leads today':>11} "
            f"{'suggested':>9}  (leads at the stage or above)"
        )
        for st in s.stages:
            out.append(
                f"  {st.stage:<16} {number_text(st.threshold):>6} {number_text(st.suggested):>9} "
                f"{st.leads:>11,} {st.suggested_leads:>9,}"
            )
    return out
