"""The built-in sections of the report, each with its charts and the reading of each chart in
words: the scores and the funnel, the rules, the groups, the disqualifications, the data
(warnings by field, unknown names), the top leads, the impact of a change, and lead histories.

Importing this module registers them (:func:`.page.register_section`), in page order. Every
number comes from :class:`.population.Population`, :class:`.comparison.Comparison`,
:class:`.history.History` or the file's notes; nothing here counts leads.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..lang.decimal_text import number_text
from . import charts
from .comparison import fmt_signed
from .histogram import Distribution, Mark
from .page import Paragraph, ReportData, Section, SideBySide, Table, register_section
from .population import DISQUALIFIED, NO_STAGE, Population, share_text

__all__ = ["outcome_colours"]


def _n(count: int, thing: str) -> str:
    return f"{count:,} {thing}{'' if count == 1 else 's'}"


def _range(d: Distribution) -> str:
    assert d.low is not None and d.high is not None
    if d.low == d.high:
        return f"all {number_text(d.low)}"
    mean = d.mean
    assert mean is not None
    return (
        f"from {number_text(d.low)} to {number_text(d.high)} (mean {number_text(round(mean, 2))})"
    )


def outcome_colours(population: Population) -> list[tuple[str, str]]:
    """(outcome, colour), worst first: disqualified, no stage, then each stage upwards."""
    out = [(DISQUALIFIED, charts.GREY), (NO_STAGE, charts.PALE)]
    for i, stage in enumerate(population.stages):
        out.append((stage.name, charts.STAGE_COLOURS[min(i + 1, len(charts.STAGE_COLOURS) - 1)]))
    return out


# ----------------------------------------------------------------------------- scores


def scores_section(data: ReportData) -> Section | None:
    pop = data.population
    if not pop.leads:
        return Section("scores", "Scores", (Paragraph("No lead was scored."),))
    everyone = pop.score_distribution()
    marks = pop.marks()
    bins = everyone.bins(24, [m.value for m in marks])
    series = []
    for name, colour in outcome_colours(pop):
        dist = pop.scores.get(name)
        if dist is None or not dist.count:
            continue
        counts = [0] * len(bins)
        for value, count in dist.items():
            for i, b in enumerate(bins):
                if b.low <= value < b.high:
                    counts[i] += count
                    break
        series.append((name, colour, counts))
    busiest = max(bins, key=lambda b: b.count)
    reading = (
        f"{_n(pop.leads, 'lead')} scored {_range(everyone)}; the most ({busiest.count:,}) "
        f"between {number_text(busiest.low)} and {number_text(busiest.high)}"
    )
    if marks:
        lowest = marks[0]
        reading += (
            f"; {everyone.at_least(lowest.value):,} scored {number_text(lowest.value)} or "
            f"more, the threshold of {lowest.label}"
        )
    histogram = charts.histogram_chart(
        "scores", bins, reading + ".", series=series, marks=marks, title="Score distribution"
    )
    funnel = pop.funnel()
    steps = ", ".join(f"{count:,} {name}" for name, count in funnel[2:])
    funnel_reading = (
        f"Of {_n(pop.leads, 'lead')}, {pop.leads - pop.disqualified:,} are not disqualified"
        + (f"; {steps}" if steps else "")
        + f"; {pop.qualified:,} ({share_text(pop.qualified, pop.leads)}) qualified in all."
    )
    colours = [charts.PALE, charts.PALE] + [c for _, c in outcome_colours(pop)[2:]]
    funnel_chart = charts.bar_chart(
        "funnel",
        [name for name, _ in funnel],
        [count for _, count in funnel],
        funnel_reading,
        colours=colours[: len(funnel)],
        axis_label="leads",
        title="Funnel",
        value_text=[f"{c:,} ({share_text(c, pop.leads)})" for _, c in funnel],
    )
    stages = Table(
        ("stage", "leads", "share"),
        tuple(
            (name, f"{count:,}", share_text(count, pop.leads)) for name, count in pop.stage_rows()
        ),
        caption="Leads in each stage (as the summary of leadrules score counts them)",
        numeric=(1, 2),
        id="stages",
    )
    return Section("scores", "Scores and stages", (histogram, funnel_chart, stages))


# ----------------------------------------------------------------------------- rules


def _fields_text(fields: Any) -> str:
    parts = []
    for (field, why), count in sorted(fields.items(), key=lambda i: (-i[1], i[0])):
        parts.append(f"{field} {why} ({count:,})")
    return "; ".join(parts)


def rules_section(data: ReportData) -> Section | None:
    pop = data.population
    score_rules = [(k, r) for k, r in pop.rules.items() if r.kind == "score rule"]
    if not score_rules:
        return None
    labels = [(f"[{r.group}] " if r.group else "") + r.label for _, r in score_rules]
    points = [pop.stats[k].points for k, _ in score_rules]
    moved = pop.points_moved()
    biggest_key, biggest = max(score_rules, key=lambda kr: abs(pop.stats[kr[0]].points))
    never = [r.label for k, r in score_rules if not pop.stats[k].fired]
    reading = f"Rules gave or took {number_text(moved)} points in all"
    if moved:
        biggest_share = pop.share_of_points(biggest_key) or Decimal(0)
        reading += (
            f"; {biggest.label!r} (line {biggest.line}) moved the most: "
            f"{fmt_signed(pop.stats[biggest_key].points)} "
            f"({round(biggest_share * 100)}% of all points)"
        )
    if never:
        reading += f"; {_n(len(never), 'rule')} never fired"
    chart = charts.bar_chart(
        "rules",
        labels,
        points,
        reading + ".",
        colours=[charts.GAIN if p >= 0 else charts.LOSS for p in points],
        axis_label="points given in all (before group limits)",
        title="Points by rule",
        value_text=[fmt_signed(p) for p in points],
    )
    rows = []
    for key, info in pop.rules.items():
        s = pop.stats[key]
        share = pop.share_of_points(key)
        rows.append(
            (
                str(info.line),
                (f"[{info.group}] " if info.group else "")
                + (info.label if info.kind != "stage" else f"stage: {info.label}"),
                "-" if info.kind == "stage" else f"{s.fired:,}",
                "-" if info.kind == "stage" else share_text(s.fired, pop.leads),
                fmt_signed(s.points) if info.kind == "score rule" else "-",
                "-" if share is None else f"{round(float(share) * 100, 1):g}%",
                f"{s.capped:,}" if info.capped else "-",
                f"{s.undecided:,}",
                _fields_text(s.fields),
            )
        )
    table = Table(
        (
            "line",
            "rule",
            "fired",
            "of leads",
            "points",
            "share of points",
            "capped",
            "undecided",
            "undecided for (leads)",
        ),
        tuple(rows),
        caption="Each rule: the leads it fired for, the points it gave in all and as a share "
        "of all the points rules gave or took, how often its `up to` cut it, and how often it "
        "could not be decided for missing or unreadable data, by field",
        numeric=(0, 2, 3, 4, 5, 6, 7),
        id="rules-table",
    )
    blocks: list[Any] = [chart, table]
    fields: dict[tuple[str, str], int] = {}
    for stats in pop.stats.values():
        for blamed, count in stats.fields.items():
            fields[blamed] = max(fields.get(blamed, 0), count)
    if fields:
        ranked = sorted(fields.items(), key=lambda i: (-i[1], i[0]))[:12]
        top_field, top_count = ranked[0]
        undecided_reading = (
            f"{_n(pop.undecided_leads, 'lead')} ({share_text(pop.undecided_leads, pop.leads)}) "
            f"had a rule that could not be decided; the field most often to blame: "
            f"{top_field[0]} ({top_field[1]}, {top_count:,} leads)."
        )
        blocks.append(
            charts.bar_chart(
                "undecided",
                [f"{f} ({why})" for (f, why), _ in ranked],
                [count for _, count in ranked],
                undecided_reading,
                colours=[charts.GREY] * len(ranked),
                axis_label="leads with a rule undecided for it (most in one rule)",
                title="Undecided for want of data",
            )
        )
    return Section("rules", "Rules", tuple(blocks))


# ----------------------------------------------------------------------------- groups


def groups_section(data: ReportData) -> Section | None:
    pop = data.population
    if not pop.groups:
        return None
    blocks: list[Any] = []
    taken: set[str] = set()
    for name, stats in pop.groups.items():
        dist = stats.subtotals
        if not dist.count:
            continue
        high, low = pop.group_limits[name]
        marks = [m for m in (_mark("max", high), _mark("min", low)) if m is not None]
        limits = []
        if high is not None:
            limits.append(
                f"its max of {number_text(high)} bit for {_n(stats.hit_max, 'lead')} "
                f"({share_text(stats.hit_max, pop.leads)}), taking "
                f"{number_text(stats.points_cut)} points in all"
            )
        if low is not None:
            limits.append(
                f"its min of {number_text(low)} bit for {_n(stats.hit_min, 'lead')} "
                f"({share_text(stats.hit_min, pop.leads)})"
            )
        reading = f"Group {name}: subtotals {_range(dist)}"
        reading += ("; " + "; ".join(limits)) if limits else "; it has no limit"
        blocks.append(
            charts.histogram_chart(
                _unique(f"group-{_slug(name)}", taken),
                dist.bins(16, [m.value for m in marks]),
                reading + ".",
                marks=marks,
                axis_label=f"subtotal of group {name}",
                title=f"Group {name}",
            )
        )
    rows = tuple(
        (
            name,
            _limit(pop.group_limits[name][0]),
            f"{g.hit_max:,}",
            _limit(pop.group_limits[name][1]),
            f"{g.hit_min:,}",
        )
        for name, g in pop.groups.items()
    )
    blocks.append(
        Table(
            ("group", "max", "leads it bit", "min", "leads it bit"),
            rows,
            caption="How often each group's limit changed its subtotal",
            numeric=(1, 2, 3, 4),
            id="limits",
        )
    )
    return Section("groups", "Groups", tuple(blocks))


def _limit(value: Decimal | None) -> str:
    return "-" if value is None else number_text(value)


def _mark(word: str, value: Decimal | None) -> Mark | None:
    return None if value is None else Mark(value, word)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "x"


def _unique(anchor: str, taken: set[str]) -> str:
    """``anchor``, or ``anchor-2``, ``anchor-3`` ... if two names have the same slug."""
    found, n = anchor, 1
    while found in taken:
        n += 1
        found = f"{anchor}-{n}"
    taken.add(found)
    return found


# ----------------------------------------------------------------------------- disqualified


def disqualified_section(data: ReportData) -> Section | None:
    pop = data.population
    if not pop.rules or not any(r.kind == "disqualify" for r in pop.rules.values()):
        return None
    if not pop.reasons:
        return Section("disqualified", "Disqualified", (Paragraph("No lead was disqualified."),))
    ranked = sorted(pop.reasons.items(), key=lambda i: (-i[1], i[0]))
    reason, count = ranked[0]
    reading = (
        f"{_n(pop.disqualified, 'lead')} ({share_text(pop.disqualified, pop.leads)}) are "
        f"disqualified; the most common reason: {reason!r} ({count:,})."
    )
    chart = charts.bar_chart(
        "disqualified",
        [r for r, _ in ranked],
        [c for _, c in ranked],
        reading,
        colours=[charts.GREY] * len(ranked),
        axis_label="leads (a lead can have several reasons)",
        title="Disqualification reasons",
    )
    return Section("disqualified", "Disqualified", (chart,))


# ----------------------------------------------------------------------------- data


def data_section(data: ReportData) -> Section | None:
    notes = data.notes
    warnings = notes.get("data_warnings") or {}
    blocks: list[Any] = []
    by_field = warnings.get("by_field") or []
    if by_field:
        blocks.append(
            Paragraph(
                f"{warnings.get('total', 0):,} data warnings on "
                f"{_n(warnings.get('leads', 0), 'lead')}: values the rules could not read."
            )
        )
        blocks.append(
            Table(
                ("field", "problem", "values", "examples", "rules' lines", "what to do"),
                tuple(
                    (
                        str(w.get("field") or "-"),
                        str(w.get("problem", "")),
                        f"{w.get('count', 0):,}",
                        ", ".join(repr(e) for e in w.get("examples", [])),
                        ", ".join(str(n) for n in w.get("lines", [])),
                        str(w.get("hint") or ""),
                    )
                    for w in by_field
                ),
                caption="Warnings by field, with examples of the values",
                numeric=(2,),
                id="warnings",
            )
        )
    else:
        blocks.append(Paragraph("No data warnings: every value the rules read could be read."))
    unknown = notes.get("unknown_names") or []
    if unknown:
        blocks.append(
            Table(
                ("name", "rules' lines", "did you mean"),
                tuple(
                    (
                        str(u.get("name")),
                        ", ".join(str(n) for n in u.get("lines", [])),
                        str(u.get("did_you_mean") or ""),
                    )
                    for u in unknown
                ),
                caption="Names the rules read that no lead has: tests of them are unknown",
                id="unknown-names",
            )
        )
    skipped = notes.get("skipped") or 0
    if skipped:
        blocks.append(Paragraph(f"{_n(skipped, 'record')} of the file could not be read."))
    return Section("data", "Data", tuple(blocks))


# ----------------------------------------------------------------------------- top leads


def top_section(data: ReportData) -> Section | None:
    top = data.population.top_leads()
    if not top:
        return None
    return Section(
        "top",
        "Top leads",
        (
            Table(
                ("lead", "score", "stage", "why"),
                tuple((t.label, number_text(t.score), t.outcome, t.reason) for t in top),
                caption=f"The {len(top)} highest scores, and why in one line",
                numeric=(1,),
                id="top-leads",
            ),
        ),
    )


# ----------------------------------------------------------------------------- the change


def comparison_section(data: ReportData) -> Section | None:
    comparison = data.comparison
    if comparison is None:
        return None
    blocks: list[Any] = []
    stats = comparison.stats()
    moved = comparison.changed
    blocks.append(
        Paragraph(
            f"Old rules: {data.old_rules_file}; new rules: {data.rules_file}. "
            f"{_n(comparison.gained, 'lead')} gain qualification, "
            f"{_n(comparison.lost, 'lead')} lose it (of {comparison.leads:,})."
        )
    )
    header = ("old \\ new", *comparison.columns, "total")
    rows = []
    highlight = []
    moves = []
    for r, row in enumerate(comparison.rows):
        counts = [comparison.matrix[(row, col)] for col in comparison.columns]
        rows.append((row, *(f"{n:,}" for n in counts), f"{sum(counts):,}"))
        for c, col in enumerate(comparison.columns):
            if col != row and comparison.matrix[(row, col)]:
                highlight.append((r, c + 1))
                moves.append((comparison.matrix[(row, col)], f"{row} -> {col}"))
    totals = [sum(comparison.matrix[(r, c)] for r in comparison.rows) for c in comparison.columns]
    rows.append(("total", *(f"{n:,}" for n in totals), f"{comparison.leads:,}"))
    blocks.append(
        Table(
            header,
            tuple(rows),
            caption="Stage transitions: rows are the stages under the old rules, columns under "
            "the new",
            numeric=tuple(range(1, len(header))),
            id="transitions",
            highlight=tuple(highlight),
        )
    )
    if moves:
        moves.sort(key=lambda m: (-m[0], m[1]))
        blocks.append(
            Paragraph(
                f"{_n(sum(n for n, _ in moves), 'lead')} change stage: "
                + ", ".join(f"{n:,} {move}" for n, move in moves)
                + "."
            )
        )
    if stats is not None and moved:
        shifts = comparison.shifts
        bins = shifts.bins(20, [Decimal(0)])
        reading = (
            f"{_n(moved, 'lead')} of {comparison.leads:,} change score or stage; the change "
            f"has mean {fmt_signed(stats['mean'])}, median {fmt_signed(stats['median'])}, and "
            f"runs from {fmt_signed(stats['min'])} to {fmt_signed(stats['max'])}."
        )
        blocks.append(
            charts.histogram_chart(
                "shift",
                bins,
                reading,
                marks=[Mark(Decimal(0), "no change")],
                axis_label="score change (new - old)",
                title="Score change",
            )
        )
    else:
        blocks.append(Paragraph("No lead changes score or stage."))
    movement = comparison.movement.ranked() if comparison.movement is not None else []
    if movement:
        shown = movement[:15]
        first = shown[0]
        reading = (
            f"{first.label!r} causes the most movement: {number_text(first.moved)} points over "
            f"{_n(first.leads, 'lead')}, {first.stage_changes:,} of which change stage."
        )
        labels = []
        values = []
        colours = []
        for m in shown:
            name = (f"[{m.group}] " if m.group else "") + m.label
            if m.gained:
                labels.append(f"{name} (more)")
                values.append(m.gained)
                colours.append(charts.GAIN)
            if m.lost:
                labels.append(f"{name} (less)")
                values.append(-m.lost)
                colours.append(charts.LOSS)
        blocks.append(
            charts.bar_chart(
                "movement",
                labels,
                values,
                reading,
                colours=colours,
                axis_label="points the change gives more (or less), over all leads",
                title="Rules that cause the movement",
                value_text=[fmt_signed(v) for v in values],
            )
        )
    for mover in comparison.movers():
        heading = (
            f"{mover.label}: {number_text(mover.old.score)} -> {number_text(mover.new.score)} "
            f"({fmt_signed(mover.change)}), {_outcome(mover.old)} -> {_outcome(mover.new)}"
        )
        blocks.append(
            SideBySide(
                heading,
                f"old rules ({data.old_rules_file})",
                mover.old.explain(),
                f"new rules ({data.rules_file})",
                mover.new.explain(),
                tuple(mover.lines()[1:]),
            )
        )
    return Section("change", "The impact of the change", tuple(blocks))


def _outcome(result: Any) -> str:
    from .population import outcome

    return outcome(result)


# ----------------------------------------------------------------------------- histories


def history_section(data: ReportData) -> Section | None:
    if not data.histories:
        return None
    blocks: list[Any] = []
    marks = data.population.marks()
    taken: set[str] = set()
    for lead, history in data.histories:
        anchor = _unique(f"history-{_slug(lead)}", taken)
        changes = history.changes()
        index = {id(p): i for i, p in enumerate(history.points)}
        changed = [index[id(p)] for p in changes]
        first, last = history.points[0], history.points[-1]
        deltas = [
            (abs(p.score - history.points[index[id(p)] - 1].score), p)
            for p in changes
            if index[id(p)] > 0
        ]
        reading = (
            f"Lead {lead}: from {first.at:%Y-%m-%d} to {last.at:%Y-%m-%d} the score went from "
            f"{number_text(first.score)} ({first.stage}) to {number_text(last.score)} "
            f"({last.stage})"
        )
        if deltas:
            size, biggest = max(deltas, key=lambda d: d[0])
            if size:
                reading += (
                    f"; the biggest change, on {biggest.at:%Y-%m-%d}: "
                    f"{biggest.label() or biggest.why}"
                )
        blocks.append(
            charts.timeline_chart(
                anchor,
                [p.at for p in history.points],
                [p.score for p in history.points],
                changed,
                reading + ".",
                marks=marks,
                title=f"History of lead {lead}",
            )
        )
        rows = []
        previous = None
        for number, point in enumerate(changes, 1):
            change = "" if previous is None else fmt_signed(point.score - previous.score)
            rows.append(
                (
                    str(number),
                    f"{point.at:%Y-%m-%d %H:%M}",
                    number_text(point.score),
                    change,
                    point.stage,
                    point.why,
                    point.label(),
                )
            )
            previous = point
        blocks.append(
            Table(
                ("#", "when", "score", "change", "stage", "what happened", "what changed"),
                tuple(rows),
                caption=f"Lead {lead}: each change of score or stage and the rules that caused it",
                numeric=(0, 2, 3),
                id=f"{anchor}-table",
            )
        )
    return Section("history", "Lead histories", tuple(blocks))


for _name, _maker in (
    ("scores", scores_section),
    ("rules", rules_section),
    ("groups", groups_section),
    ("disqualified", disqualified_section),
    ("data", data_section),
    ("top", top_section),
    ("change", comparison_section),
    ("history", history_section),
):
    register_section(_name, _maker)
