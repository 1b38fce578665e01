"""``leadrules.assess``: a rule file judged against the known outcomes of historical leads,
and the run behind it that the command line shares (:func:`run`).

This module imports no optional dependency: :func:`assess` checks for them first
(:func:`.deps.require`) and imports the statistics only then, so ``import leadrules`` stays
light.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from ..errors import InvalidArgument, LeadRulesError
from ..result import Result
from ..ruleset import RuleSet, resolve_now
from ..ruleset import compile as compile_rules
from ..runtime.leads import ABSENT, Record
from ..runtime.values import is_missing, show
from .deps import require
from .model import Assessment, Exclusion
from .population import AS_OF_DEFAULTS, Candidate, observe

__all__ = ["ID_FIELDS", "as_of_text", "assess", "run"]

#: The fields a lead's id is read from (for the examples a report names) when none is named.
ID_FIELDS = ("id", "record id", "lead id", "contact id")


def as_of_text(as_of: str | dt.datetime, default: bool = False) -> str:
    """How the report says when the leads were scored."""
    if isinstance(as_of, dt.datetime):
        return (
            f"every lead as of {as_of.isoformat()} (one moment for all: events after a lead's "
            "decision count)"
        )
    return f"each lead as of its {as_of!r}" + (
        " (the default: name the moment of each lead's decision with as-of)" if default else ""
    )


def run(
    rules: RuleSet,
    candidates: Iterable[Candidate],
    *,
    outcome: str,
    as_of: str,
    as_of_name: str,
    suggest: bool = False,
    folds: int = 5,
    seed: int = 0,
    on_result: Callable[[Any, Result], None] | None = None,
) -> Assessment:
    """Score the candidates as of their moments, measure, and (``suggest``) fit points.
    ``as_of`` is how the report words the moment; ``as_of_name`` how exclusions name it."""
    require()
    from .fit import suggest as make_suggestion
    from .measures import measure
    from .words import percent

    population = observe(
        rules, candidates, outcome_name=outcome, as_of_name=as_of_name, on_result=on_result
    )
    if not population.observations:
        raise LeadRulesError(
            "no lead could be assessed: "
            + "; ".join(_exclusion_text(e) for e in population.excluded)
            if population.excluded
            else "no lead could be assessed: there are no leads"
        )
    assessment = measure(rules, population, outcome=outcome, as_of=as_of)
    if not suggest:
        return assessment
    made = make_suggestion(rules, population.observations, folds=folds, seed=seed)
    if isinstance(made, str):
        return attrs.evolve(assessment, notes=(*assessment.notes, f"no suggestion: {made}"))
    headline: list[str] = []
    if made.auc is not None and made.auc_suggested is not None:
        headline.append(
            f"Suggested points rank the leads they were not fitted on with an AUC of "
            f"{made.auc_suggested:.2f}, against {made.auc:.2f} for today's points (the mean "
            f"of {made.folds} folds)."
        )
    if made.stages:
        first = made.stages[0]
        headline.append(
            f"With the suggested thresholds, {first.suggested_leads:,} leads are at "
            f"{first.stage} or above ({percent(first.suggested_leads / assessment.leads)}); "
            f"today {first.leads:,}."
        )
    return attrs.evolve(assessment, suggestion=made, findings=(*assessment.findings, *headline))


def _exclusion_text(exclusion: Exclusion) -> str:
    examples = ", ".join(exclusion.examples)
    return f"{exclusion.count:,} whose {exclusion.reason}" + (
        f" (e.g. {examples})" if examples else ""
    )


def _label(lead: Any, number: int, id_field: str | None) -> str:
    record = Record(lead)
    for name in (id_field,) if id_field is not None else ID_FIELDS:
        value = record.lookup(name)
        if value is not ABSENT and not is_missing(value):
            return value if isinstance(value, str) else show(value)
    return f"#{number}"


def _default_as_of(first: Any) -> str | None:
    record = Record(first)
    for name in AS_OF_DEFAULTS:
        if record.lookup(name) is not ABSENT:
            return name
    return None


def _candidates(
    leads: Sequence[Any], outcome: str, as_of: str | dt.datetime, id_field: str | None
) -> Iterator[Candidate]:
    for number, lead in enumerate(leads, 1):
        record = Record(lead)
        moment = as_of if isinstance(as_of, dt.datetime) else record.lookup(as_of)
        yield Candidate(_label(lead, number, id_field), lead, record.lookup(outcome), moment)


def assess(
    rules: RuleSet | str,
    leads: Iterable[Any],
    *,
    outcome: str,
    as_of: str | dt.datetime | None = None,
    id_field: str | None = None,
    suggest: bool = False,
    folds: int = 5,
    seed: int = 0,
) -> Assessment:
    """Judge rules against the known outcomes of historical leads.

    ``rules``: a RuleSet or rule text. ``leads``: dicts or objects, as ``evaluate`` takes
    them, with their events. ``outcome``: the field that says whether the lead converted (a
    yes/no, a number, or a date, which is yes: in a field of dates, such as a won date, a
    blank is no), matched as rules match names. ``as_of``: the
    field holding the moment each lead's decision was made (its MQL date, say); each lead is
    scored as of that moment, so events after it do not count. Without it, the lead's
    creation date (``created at``, ``create date``, ``created date``, ``created``, ...);
    a datetime scores every lead at that one moment. ``id_field``: the field the examples
    name leads by (default: ``id``, ``record id``, ``lead id``, ``contact id``, else the
    lead's position). ``suggest``: also fit points and thresholds (``folds``-fold
    cross-validated, shuffled with ``seed``).

    Needs the extra ``leadrules[assess]`` (numpy, scipy, scikit-learn): without it, raises
    :class:`~leadrules.assessment.MissingDependency` saying what to install. Leads whose
    outcome or moment is missing or unreadable are left out and counted in
    ``Assessment.excluded``; a LeadRulesError when no lead is left."""
    require()
    if not isinstance(outcome, str) or not outcome.strip():
        raise InvalidArgument(f"outcome must name a field of the leads, not {outcome!r}")
    if as_of is not None and not isinstance(as_of, (str, dt.datetime)):
        raise InvalidArgument(
            f"as_of must name a field of the leads or be a datetime, not {type(as_of).__name__}"
        )
    if id_field is not None and not isinstance(id_field, str):
        raise InvalidArgument(f"id_field must name a field, not {type(id_field).__name__}")
    if isinstance(folds, bool) or not isinstance(folds, int) or folds < 2:
        raise InvalidArgument(f"folds must be a whole number of at least 2, not {folds!r}")
    if isinstance(leads, (str, bytes)) or not isinstance(leads, Iterable):
        raise InvalidArgument(f"leads must be an iterable of leads, not {type(leads).__name__}")
    if isinstance(rules, str):
        ruleset = compile_rules(rules)
    elif isinstance(rules, RuleSet):
        ruleset = rules
    else:
        raise InvalidArgument(f"rules must be a RuleSet or rule text, not {type(rules).__name__}")
    listed = list(leads)
    default = as_of is None
    moment: str | dt.datetime
    if isinstance(as_of, dt.datetime):
        moment = resolve_now(as_of)
    elif as_of is not None:
        moment = as_of
    else:
        found = _default_as_of(listed[0]) if listed else None
        if found is None:
            raise LeadRulesError(
                "say as of when each lead's decision was made: as_of='MQL date' (a field of "
                "the leads), or a datetime for all of them; the leads have none of the fields "
                "read by default (" + ", ".join(AS_OF_DEFAULTS) + ")"
            )
        moment = found
    return run(
        ruleset,
        _candidates(listed, outcome, moment, id_field),
        outcome=outcome,
        as_of=as_of_text(moment, default),
        as_of_name=moment if isinstance(moment, str) else "as-of moment",
        suggest=suggest,
        folds=folds,
        seed=seed,
    )
