"""The tables of an assessment, made from the scored leads (:class:`.population.Population`):
conversion by stage and by score band, the AUC, precision, recall and lift at each stage,
each score rule against the outcomes, the fields that left rules undecided, and the disqualify
rules' removals; then the headlines (:mod:`.words`).

Which leads each table is about, on purpose: the stage table, the thresholds and the
disqualify rules are about every assessed lead; the score bands, the AUC and the score rules
are about the leads **not disqualified** -- the points decide only for them (a disqualified
lead reaches no stage whatever it scores), and leads a disqualify rule removed were often not
worked at all, so their outcomes would blur what the points say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ..ruleset import RuleSet
from .model import (
    Assessment,
    Band,
    DisqualifyRow,
    FieldGap,
    Proportion,
    RuleRow,
    StageRow,
    ThresholdRow,
)
from .population import Observation, Population, rule_infos
from .stats import auc, bands, proportion, ratio
from .words import disqualify_finding, headlines, rule_verdict

__all__ = ["DISQUALIFIED", "NO_STAGE", "measure"]

NO_STAGE = "(no stage)"
DISQUALIFIED = "(disqualified)"

#: How many converted leads a disqualify rule's row names.
CONVERTED_EXAMPLES = 5


def _converted(observations: Sequence[Observation]) -> int:
    return sum(1 for o in observations if o.converted)


def _share(observations: Sequence[Observation]) -> Proportion:
    return proportion(_converted(observations), len(observations))


def measure(rules: RuleSet, population: Population, *, outcome: str, as_of: str) -> Assessment:
    """Every table of the assessment (without the suggestion, see :mod:`.fit`)."""
    observations = population.observations
    decided = [o for o in observations if not o.disqualified]
    base = _share(observations)
    stage_rows = _stages(rules, observations)
    thresholds = _thresholds(rules, observations, base)
    band_rows = _bands(decided)
    estimate = (
        auc(
            np.array([float(o.score) for o in decided]),
            np.array([o.converted for o in decided], dtype=bool),
        )
        if decided
        else None
    )
    rule_rows = _rules(rules, decided)
    fields = _fields(observations)
    disqualify = _disqualify(rules, observations, _share(decided))
    below = _share([o for o in decided if o.stage is None]) if thresholds else None
    excluded = sum(e.count for e in population.excluded)
    return Assessment(
        rules_file=rules.filename,
        outcome=outcome,
        as_of=as_of,
        leads=len(observations),
        converted=base.count,
        base=base,
        excluded=population.excluded,
        stages=stage_rows,
        bands=band_rows,
        auc=estimate,
        thresholds=thresholds,
        rules=rule_rows,
        fields=fields,
        disqualify=disqualify,
        notes=population.notes,
        findings=tuple(
            headlines(
                leads=len(observations),
                base=base,
                excluded=excluded,
                first_stage=thresholds[0] if thresholds else None,
                below_first=below,
                auc=estimate,
                rules=rule_rows,
                disqualify=disqualify,
                fields=fields,
            )
        ),
    )


def _stages(rules: RuleSet, observations: Sequence[Observation]) -> tuple[StageRow, ...]:
    """Highest stage first, then the leads with no stage, then the disqualified."""
    by_stage: dict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        name = DISQUALIFIED if o.disqualified else (o.stage or NO_STAGE)
        by_stage[name].append(o)
    order = [*reversed(rules.stages), NO_STAGE, DISQUALIFIED]
    return tuple(StageRow(name, _share(by_stage[name])) for name in order)


def _thresholds(
    rules: RuleSet, observations: Sequence[Observation], base: Proportion
) -> tuple[ThresholdRow, ...]:
    """For each stage, lowest first: the leads at that stage or above."""
    rank = {name: index for index, name in enumerate(rules.stages)}
    out: list[ThresholdRow] = []
    for index, stage in enumerate(rules.checked.stages):
        above = [o for o in observations if o.stage is not None and rank[o.stage] >= index]
        precision = _share(above)
        recall = proportion(precision.count, base.count)
        lift = (
            precision.rate / base.rate
            if precision.rate is not None and base.rate not in (None, 0.0)
            else None
        )
        out.append(ThresholdRow(stage.name, stage.threshold, len(above), precision, recall, lift))
    return tuple(out)


def _bands(decided: Sequence[Observation]) -> tuple[Band, ...]:
    """Highest scores first."""
    out: list[Band] = []
    for low, high in reversed(bands([o.score for o in decided])):
        inside = [o for o in decided if low <= o.score <= high]
        out.append(Band(low, high, _share(inside)))
    return tuple(out)


def _rules(rules: RuleSet, decided: Sequence[Observation]) -> tuple[RuleRow, ...]:
    converted = [o for o in decided if o.converted]
    others = [o for o in decided if not o.converted]
    undecided: dict[tuple[int, int], int] = defaultdict(int)
    for o in decided:
        for u in {(u.line, u.column) for u in o.undecided if u.kind == "score rule"}:
            undecided[u] += 1
    out: list[RuleRow] = []
    for info in rule_infos(rules):
        fired = [o for o in decided if info.key in o.strengths]
        fired_converted = _converted(fired)
        not_fired = len(decided) - len(fired)
        not_converted = len(converted) - fired_converted
        lift = ratio(fired_converted, len(fired), not_converted, not_fired)
        verdict, finding = rule_verdict(info.points, len(decided), len(fired), lift)
        out.append(
            RuleRow(
                line=info.key[0],
                column=info.key[1],
                label=info.label,
                group=info.group,
                points=info.points,
                per=info.per,
                leads=len(decided),
                fired=len(fired),
                among_converted=proportion(fired_converted, len(converted)),
                among_others=proportion(len(fired) - fired_converted, len(others)),
                when_fired=proportion(fired_converted, len(fired)),
                when_not=proportion(not_converted, not_fired),
                lift=lift,
                undecided=undecided[info.key],
                verdict=verdict,
                finding=finding,
            )
        )
    return tuple(out)


def _fields(observations: Sequence[Observation]) -> tuple[FieldGap, ...]:
    """Each field that left some rule undecided, most leads first: missing, or unreadable
    (the reason names the field before a colon: ``company size: could not read ...``)."""
    leads: dict[tuple[str, str], set[int]] = defaultdict(set)
    lines: dict[tuple[str, str], set[int]] = defaultdict(set)
    example: dict[tuple[str, str], str] = {}
    for index, o in enumerate(observations):
        for u in o.undecided:
            keys: list[tuple[tuple[str, str], str]] = [
                ((name, "missing"), f"{name} is missing") for name in u.missing
            ]
            for reason in u.reasons:
                if reason.endswith(" is missing"):
                    continue
                field = reason.split(":", 1)[0] if ":" in reason else reason
                keys.append(((field, "unreadable"), reason))
            for key, reason in keys:
                leads[key].add(index)
                lines[key].add(u.line)
                example.setdefault(key, reason)
    rows = [
        FieldGap(field, problem, len(leads[key]), tuple(sorted(lines[key])), example[key])
        for key in leads
        for field, problem in (key,)
    ]
    rows.sort(key=lambda row: (-row.leads, row.field, row.problem))
    return tuple(rows)


def _disqualify(
    rules: RuleSet, observations: Sequence[Observation], kept: Proportion
) -> tuple[DisqualifyRow, ...]:
    out: list[DisqualifyRow] = []
    for rule in rules.checked.disqualifications:
        key = (rule.span.line, rule.span.column)
        removed = [o for o in observations if key in o.disqualified_by]
        share = _share(removed)
        examples = tuple(o.label for o in removed if o.converted)[:CONVERTED_EXAMPLES]
        out.append(
            DisqualifyRow(
                key[0],
                key[1],
                rule.reason or rule.text,
                share,
                examples,
                disqualify_finding(share, kept),
            )
        )
    return tuple(out)
