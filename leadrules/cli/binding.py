"""``leadrules check --leads FILE [--events FILE]``: a rule file's names and tests bound to a
sample of real leads before anything is scored. The sample's columns and the kinds of their
values (:func:`leadrules.infer_schema`) make a schema for the schema check; a bare fact that is
not a column must be an event of the events seen.

Not here: the schema check itself (:mod:`leadrules.lang.schema`), reading the files
(:mod:`.leadfile`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from ..errors import Diagnostic, SchemaError
from ..lang import ast
from ..lang.checker import CheckedRules
from ..lang.messages import did_you_mean
from ..lang.schema import Schema, check_schema, infer_schema, make_diagnostic, schema_of, walk
from ..runtime.leads import Record
from ..runtime.names import normalize_name
from .base import counted
from .leadfile import LeadFile
from .names import quoted, writable

__all__ = ["Sample", "bind", "read_sample"]


@attrs.frozen
class Sample:
    """What the rules are bound to: the first leads of a file (their columns and the kinds of
    their values) and the events seen (their names and properties)."""

    name: str
    kind: str  # "column" (CSV) or "field" (JSON)
    leads: int
    schema: Schema
    columns: tuple[str, ...]
    events_file: str | None
    events: int
    event_names: Mapping[str, str]  # normalised -> as written

    def describe(self) -> str:
        """``checked against 10 leads of contacts.csv (11 columns) and 11 events of ...``"""
        text = (
            f"checked against {counted(self.leads, 'lead')} of {self.name} "
            f"({counted(len(self.columns), self.kind)})"
        )
        if self.events:
            where = f" of {self.events_file}" if self.events_file else " in the leads"
            text += (
                f" and {counted(self.events, 'event')}{where} "
                f"({counted(len(self.event_names), 'event name')})"
            )
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "leads_file": self.name,
            "leads": self.leads,
            "columns": list(self.columns),
            "events_file": self.events_file,
            "events": self.events,
            "event_names": sorted(self.event_names.values()),
        }


def _events_of(lead: Any) -> list[Any]:
    events = Record(lead).lookup("events")
    if isinstance(events, (list, tuple)):
        return list(events)
    return []


def _properties(event: Any) -> Mapping[str, Any]:
    if isinstance(event, Mapping):
        props = event.get("properties")
        if isinstance(props, Mapping):
            return props
        return {k: v for k, v in event.items() if normalize_name(str(k)) not in ("name", "at")}
    return {}


def read_sample(lead_file: LeadFile, size: int) -> Sample:
    """The first ``size`` leads of ``lead_file`` (its events joined) and every event of its
    events file, as a :class:`Sample`."""
    with lead_file:
        leads = [item.data for item in itertools.islice(iter(lead_file), size)]
    everything: list[Any] = []
    if lead_file.events is not None:
        for listed in lead_file.events.by_lead.values():
            everything.extend(listed)
    else:
        for lead in leads:
            everything.extend(_events_of(lead))
    names: dict[str, str] = {}
    for event in everything:
        raw = Record(event).lookup("name")
        if isinstance(raw, str) and raw.strip():
            names.setdefault(normalize_name(raw), raw.strip())
    entries: dict[str, Any] = {}
    for key, tp in infer_schema(leads, None).items():
        entries[key] = schema_of(tp) if isinstance(tp, Mapping) else tp
    columns = tuple(k for k in (lead_file.headers or entries) if normalize_name(k) != "events")
    event_key = next((k for k in entries if normalize_name(k) == "events"), "events")
    if everything:
        props = infer_schema((_properties(e) for e in everything), None)
        title = f"the events of {lead_file.events_name or lead_file.name}"
        element = Schema(
            title, {k: schema_of(v) if isinstance(v, Mapping) else v for k, v in props.items()}
        )
        entries[event_key] = list[element]  # type: ignore[valid-type]
    else:
        entries[event_key] = list[Any]
    schema = Schema(lead_file.name, entries)
    return Sample(
        lead_file.name,
        lead_file.kind,
        len(leads),
        schema,
        columns,
        lead_file.events_name,
        len(everything),
        names,
    )


def _facts(rules: CheckedRules) -> Iterable[ast.Fact]:
    for condition in rules.conditions(definitions=True, per=True):
        for test in ast.tests(condition):
            if isinstance(test, ast.Fact) and not test.name.is_private:
                yield test


def bind(rules: CheckedRules, sample: Sample) -> list[Diagnostic]:
    """Every name of ``rules`` the sample lacks and every test that does not suit the kind of
    the sample's values, as errors in source order (empty when all is well)."""
    problems: list[Diagnostic] = []
    try:
        check_schema(rules, sample.schema)
    except SchemaError as exc:
        problems.extend(exc.diagnostics)
    reported = {(d.line, d.column) for d in problems}
    columns = {normalize_name(c): c for c in sample.columns}
    for fact in _facts(rules):
        path = walk(sample.schema, fact.name)
        if path.field is not None or path.parent is not None:
            continue  # a column, or a problem the schema check reports
        if fact.name.key in sample.event_names:
            continue
        span = fact.name.span
        if (span.line, span.column) in reported:
            continue
        reported.add((span.line, span.column))
        problems.append(_not_an_event(rules, fact, sample, columns))
    problems.sort(key=lambda d: (d.line, d.column))
    return problems


def _not_an_event(
    rules: CheckedRules, fact: ast.Fact, sample: Sample, columns: Mapping[str, str]
) -> Diagnostic:
    name = quoted(str(fact.name))
    candidates = {**columns, **{k: v for k, v in sample.event_names.items() if k not in columns}}
    guess = did_you_mean(fact.name.key, candidates)
    hint: str | None = None
    if guess is not None:
        hint = f"did you mean {quoted(writable(candidates[guess]))}?"
    if sample.event_names:
        where = sample.events_file or "the leads' events"
        message = f"{name} is neither a field of {sample.name} nor an event in {where}"
        if hint is None and len(sample.event_names) <= 12:
            shown = ", ".join(quoted(writable(v)) for v in sample.event_names.values())
            hint = f"the events are: {shown}"
    else:
        message = f"{name} is not a field of {sample.name}, and no events were given"
        if hint is None:
            hint = "if it is an event, pass the events file with --events"
    return make_diagnostic(rules, fact.name.span, message, hint)
