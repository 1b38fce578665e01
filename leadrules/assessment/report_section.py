"""The assessment as a section of the HTML report (``leadrules assess --report FILE``): the
conversion rate per stage and per score band with their 95% intervals, each score rule's lift
as a bar chart with its interval, the rules' findings, and, when points were suggested, today's
file against the suggested one.

Importing this module registers the section (:func:`leadrules.report.page.register_section`,
named ``assessment``, right after the scores); its maker returns None unless the page's
``extras`` hold an :class:`~.model.Assessment` under ``"assessment"`` (and, optionally, the
text of today's rule file under ``"assessment_rules"``, shown beside the suggested one). Only
words and layout: every number is the assessment's, as ``leadrules assess`` prints it; the
page escapes every text, and the chart is drawn by :mod:`leadrules.report.charts`.
"""

from __future__ import annotations

from ..lang.decimal_text import number_text, signed_number_text
from ..report import charts
from ..report.page import Block, Paragraph, ReportData, Section, SideBySide, Table, register_section
from .model import Assessment, Band, Proportion, RuleRow, Suggestion
from .words import number, percent

__all__ = ["NAME", "assessment_section"]

#: The section's name (and id) in the page; the key of ``ReportData.extras`` it reads.
NAME = "assessment"
#: The key of ``ReportData.extras`` holding the text of today's rule file (optional).
RULES_TEXT = "assessment_rules"

#: The bar colour of each verdict: earning rules green, those that point the wrong way red.
VERDICT_COLOURS = {
    "earns": charts.GAIN,
    "opposite": charts.LOSS,
    "wrong sign": charts.LOSS,
}


def interval_text(share: Proportion) -> str:
    """``12%-18%``, as ``leadrules assess`` prints an interval; ``-`` without one."""
    if share.low is None or share.high is None:
        return "-"
    return f"{percent(share.low)}-{percent(share.high)}"


def band_scores(band: Band) -> str:
    """The scores of a band, as ``leadrules assess`` prints them: ``40`` or ``20 to 35``."""
    if band.low_score == band.high_score:
        return number_text(band.low_score)
    return f"{number_text(band.low_score)} to {number_text(band.high_score)}"


def _conversion_row(name: str, share: Proportion) -> tuple[str, ...]:
    return (name, f"{share.total:,}", f"{share.count:,}", percent(share.rate), interval_text(share))


def _named(group: str | None, label: str) -> str:
    return f"[{group}] {label}" if group else label


def _rule_name(row: RuleRow) -> str:
    return _named(row.group, row.label)


def _earn(count: int) -> str:
    return "earns its" if count == 1 else "earn their"


def _lift_chart(rows: list[RuleRow]) -> charts.Chart:
    labels = [_rule_name(r) for r in rows]
    lifts = [r.lift for r in rows if r.lift is not None]
    earning = [r for r in rows if r.verdict == "earns"]
    reading = (
        f"Each bar is a score rule's lift (the conversion rate of the leads it fired for over "
        f"that of the rest), with its 95% interval; a lift of 1 means the rule tells nothing. "
        f"{len(earning):,} of {len(rows):,} rules {_earn(len(earning))} points"
    )
    if earning:
        best = max(earning, key=lambda r: r.lift.value if r.lift else 0.0)
        assert best.lift is not None
        reading += f"; the strongest is {_rule_name(best)} ({number(best.lift.value)})"
    return charts.bar_chart(
        "assessment-lift",
        labels,
        [lift.value for lift in lifts],
        reading + ".",
        axis_label="lift (conversion when fired / when not)",
        colours=[VERDICT_COLOURS.get(r.verdict, charts.PALE) for r in rows],
        title="Lift of each score rule",
        value_text=[
            f"{number(lift.value)} ({number(lift.low)}-{number(lift.high)})" for lift in lifts
        ],
        intervals=[(lift.low, lift.high) for lift in lifts],
    )


def _suggestion_blocks(s: Suggestion, rules_text: str | None) -> list[Block]:
    blocks: list[Block] = []
    if s.auc is not None and s.auc_suggested is not None:
        blocks.append(
            Paragraph(
                f"On leads held out of the fit (the mean of {s.folds} folds), the suggested "
                f"points rank leads with an AUC of {s.auc_suggested:.2f}, today's with "
                f"{s.auc:.2f}. The suggestion is a proposal: review it with leadrules diff."
            )
        )
    rows = []
    for r in s.rules:
        cap = ""
        if r.cap is not None and r.suggested_cap is not None and r.suggested_cap != r.cap:
            cap = f"up to {number_text(r.cap)} -> up to {number_text(r.suggested_cap)}"
        rows.append(
            (
                str(r.line),
                _named(r.group, r.label),
                signed_number_text(r.points),
                signed_number_text(r.suggested),
                "; ".join(part for part in (cap, r.note or "") if part),
            )
        )
    blocks.append(
        Table(
            ("line", "rule", "today", "suggested", "note"),
            tuple(rows),
            caption="Points today and suggested",
            numeric=(0, 2, 3),
            id="assessment-suggested-points",
        )
    )
    if s.stages:
        blocks.append(
            Table(
                ("stage", "threshold today", "suggested", "leads today", "leads suggested"),
                tuple(
                    (
                        st.stage,
                        number_text(st.threshold),
                        number_text(st.suggested),
                        f"{st.leads:,}",
                        f"{st.suggested_leads:,}",
                    )
                    for st in s.stages
                ),
                caption="Stage thresholds (the leads at the stage or above)",
                numeric=(1, 2, 3, 4),
                id="assessment-suggested-stages",
            )
        )
    if rules_text is not None:
        blocks.append(
            SideBySide(
                "The rule file, today and suggested",
                "today",
                rules_text,
                "suggested",
                s.text,
            )
        )
    return blocks


def assessment_section(data: ReportData) -> Section | None:
    """The assessment's section, or None when the page has no assessment in its extras."""
    found = data.extras.get(NAME)
    if found is None:
        return None
    if not isinstance(found, Assessment):
        raise TypeError(f"extras[{NAME!r}] must be an Assessment, not {type(found).__name__}")
    a = found
    intro = (
        f"{a.leads:,} leads{' of ' + a.source if a.source else ''} assessed against "
        f"{a.outcome}: {a.converted:,} converted ({percent(a.base.rate)}, 95% CI "
        f"{interval_text(a.base)}). Scored: {a.as_of}."
    )
    blocks: list[Block] = [Paragraph(line) for line in (*a.findings, *a.notes)]
    columns = ("leads", "converted", "rate", "95% CI")
    blocks.append(
        Table(
            ("stage", *columns),
            tuple(_conversion_row(row.stage, row.conversion) for row in a.stages),
            caption="Conversion by stage (the highest stage each lead reached)",
            numeric=(1, 2, 3),
            id="assessment-stages",
        )
    )
    if a.bands:
        blocks.append(
            Table(
                ("score", *columns),
                tuple(_conversion_row(band_scores(b), b.conversion) for b in a.bands),
                caption="Conversion by score band (leads not disqualified, highest scores first)",
                numeric=(1, 2, 3),
                id="assessment-bands",
            )
        )
    if a.auc is not None:
        blocks.append(
            Paragraph(
                f"AUC {a.auc.value:.2f} (95% CI {a.auc.low:.2f}-{a.auc.high:.2f}) over "
                f"{a.auc.converted:,} converted and {a.auc.others:,} other leads: the chance "
                "that a converted lead outscores one that did not."
            )
        )
    drawn = [r for r in a.rules if r.lift is not None]
    if drawn:
        blocks.append(_lift_chart(drawn))
    if a.rules:
        blocks.append(
            Table(
                ("line", "rule", "points", "fired", "lift", "95% CI", "verdict", "finding"),
                tuple(
                    (
                        str(r.line),
                        _rule_name(r),
                        signed_number_text(r.points) + (" per" if r.per else ""),
                        percent(r.fired / r.leads) if r.leads else "-",
                        "-" if r.lift is None else number(r.lift.value),
                        "-" if r.lift is None else f"{number(r.lift.low)}-{number(r.lift.high)}",
                        r.verdict,
                        r.finding,
                    )
                    for r in a.rules
                ),
                caption="Score rules (of the leads not disqualified)",
                numeric=(0, 2, 3, 4),
                id="assessment-rules",
            )
        )
    if a.suggestion is not None:
        rules_text = data.extras.get(RULES_TEXT)
        blocks += _suggestion_blocks(
            a.suggestion, rules_text if isinstance(rules_text, str) else None
        )
    return Section(NAME, "Assessment", tuple(blocks), intro=intro)


register_section(NAME, assessment_section, after="scores")
