"""What generated rules may name, and with what literals: the vocabulary of one kind of rule
file.

Without a schema it is the fields :func:`leadrules.strategies.leads` draws (and a few it never
does), the default event names and their properties; with one, the fields of the schema that
rules can test (nested classes followed), its events (names from the event class when it fixes
them) and the properties ``where`` may name, each with the kind of value it holds and a pool of
realistic literals. Names no generated rule could write, or that the checker would confuse with
one another, are left out. How the names and literals are written is ``_literals``' business.
"""

from __future__ import annotations

import difflib
from decimal import Decimal
from typing import Any

import attrs

from ..lang import ast
from ._keywords import render_forms
from ._schema import Field, choice_value, event_parts, fields_of, is_record_class, strip_optional
from ._values import (
    CAMPAIGNS,
    DEFAULT_EVENT_NAMES,
    GENERIC_WORDS,
    INDUSTRIES,
    LEAD_SOURCES,
    MAIN_MARKETS,
    PATHS,
    TOPICS,
)


@attrs.frozen
class RuleField:
    """A name rules may test, with the kind of values it holds and realistic literals."""

    segments: tuple[str, ...]
    kind: str  # text number bool date datetime choice
    pool: tuple[Any, ...]
    key: str


@attrs.frozen
class Vocab:
    """Everything one kind of rule file may name."""

    fields: tuple[RuleField, ...]
    events: tuple[str, ...]
    props: tuple[RuleField, ...]
    strict: bool  # against a schema: only type-appropriate operators
    taken: frozenset[str]  # normalised names of fields and events
    definition_names: tuple[str, ...] = ()  # names no field or event is close to


_DEFINITION_NAMES = (
    "decision maker",
    "enterprise account",
    "hot prospect",
    "ideal customer",
    "strong intent",
    "target market",
    "budget holder",
    "engaged recently",
    "senior buyer",
    "key account",
    "warm lead",
    "champion",
    "tyre kicker",
    "good fit",
    "high intent",
    "low quality",
)
_EMAIL_PARTS = ("@gmail.com", "@competitor.com", ".co.uk", "@yahoo.com", "sales", "info", ".io")


def _text_pool(key: str) -> tuple[Any, ...]:
    """Realistic text literals for the field ``key`` (by its words)."""
    words = set(key.split())
    if "email" in key:
        return _EMAIL_PARTS
    if "country" in words:
        return (*MAIN_MARKETS, "gb", " IE ")
    if words & {"title", "role", "position", "job"}:
        return ("VP Marketing", "CEO", "Head of Sales", "Director", "Intern", "student")
    if words & {"industry", "sector", "vertical"}:
        return INDUSTRIES[:10]
    if words & {"company", "organisation", "organization", "account"}:
        return ("Acme Software", "Globex Labs", "Acme", "Ltd")
    if words & {"source", "channel"}:
        return LEAD_SOURCES
    if "path" in words:
        return PATHS
    if "topic" in words:
        return (*TOPICS, "AI")
    if "campaign" in words:
        return CAMPAIGNS
    return GENERIC_WORDS


def number_pool(key: str) -> tuple[Any, ...]:
    """Realistic number literals for the field ``key`` (by its words)."""
    words = set(key.split())
    if words & {"size", "employees", "headcount"}:
        return tuple(Decimal(v) for v in ("10", "50", "200", "500", "1000", "5000", "10000"))
    if words & {"budget", "revenue", "arr", "mrr", "spend", "usd"}:
        return tuple(Decimal(v) for v in ("1000", "10000", "50000", "250000", "1000000"))
    if "minutes" in words:
        return (Decimal(5), Decimal(30), Decimal(45), Decimal(60))
    return tuple(Decimal(v) for v in ("0", "1", "3", "10", "12.5", "100"))


def _field_key(segments: tuple[str, ...]) -> str:
    """The normalised dotted name of ``segments`` (``address.country``)."""
    return ".".join(ast.normalize_name(s) for s in segments)


def _rule_field(segments: tuple[str, ...], kind: str) -> RuleField:
    """A field of a kind other than choice, with realistic literals for text and numbers."""
    key = _field_key(segments)
    pool = _text_pool(key) if kind == "text" else number_pool(key) if kind == "number" else ()
    return RuleField(segments, kind, pool, key)


def default_vocab() -> Vocab:
    """What rules may name without a schema: the fields leads() draws (and a few it never does),
    the default event names and the properties events() gives them."""

    def text(*segments: str) -> RuleField:
        return _rule_field(segments, "text")

    def number(*segments: str) -> RuleField:
        return _rule_field(segments, "number")

    def kind(k: str, *segments: str) -> RuleField:
        return _rule_field(segments, k)

    fields = (
        text("email"),
        text("job title"),
        text("company"),
        text("industry"),
        text("country"),
        text("lead source"),
        text("first name"),
        text("address", "country"),
        text("address", "city"),
        number("company size"),
        number("budget"),
        number("Annual Revenue (USD)"),
        kind("date", "signed up"),
        kind("datetime", "last seen"),
        kind("bool", "downloaded whitepaper"),
        kind("bool", "requested demo"),
        kind("bool", "booked call"),
        kind("bool", "subscribed"),
        # Never in leads(): they exercise missing values.
        number("seats"),
        text("plan"),
        kind("date", "renewal date"),
    )
    props = (text("topic"), text("path"), text("campaign"), text("source"), number("minutes"))
    taken = frozenset(f.key for f in fields) | {ast.normalize_name(e) for e in DEFAULT_EVENT_NAMES}
    return Vocab(fields, DEFAULT_EVENT_NAMES, props, False, taken, _definition_names(taken))


def _choice_literal(value: Any) -> Any:
    """A choice (of a Literal, or an Enum's value) as a rule literal, or None when rules have
    no literal for it."""
    value = choice_value(value)
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def _rule_fields(items: tuple[Field, ...], prefix: tuple[str, ...] = ()) -> list[RuleField]:
    """The names rules may test among ``items`` (nested classes followed), with their kinds.
    Lists, events and fields of types rules cannot test are left out."""
    out: list[RuleField] = []
    for field in items:
        if field.name.startswith("_") or render_forms(field.name) == ():
            continue
        segments = (*prefix, field.name)
        if field.kind == "nested":
            out.extend(_rule_fields(field.nested, segments))
        elif field.kind in ("text", "number", "bool", "date", "datetime"):
            out.append(_rule_field(segments, field.kind))
        elif field.kind == "choice":
            pool = tuple(v for v in (_choice_literal(c) for c in field.choices) if v is not None)
            if pool and len({type(v) for v in pool}) == 1:
                out.append(RuleField(segments, "choice", pool, _field_key(segments)))
    return out


def _event_vocab(field: Field) -> tuple[tuple[str, ...], tuple[RuleField, ...] | None]:
    """The event names rules may use for an ``events`` field, and the properties ``where``
    may name: None when the schema does not check them (``leadrules.Event``, whose
    ``properties`` is a mapping; untyped events; an event class with a ``properties``
    mapping), else the fields of the event class itself, but its name and time (possibly
    none)."""
    item = strip_optional(field.item)[0]
    if not is_record_class(item):
        return DEFAULT_EVENT_NAMES, None
    fields = fields_of(item)
    name_field, time_field, props_field = event_parts(fields)
    names = DEFAULT_EVENT_NAMES
    if name_field is not None and name_field.kind == "choice":
        chosen = [choice_value(c) for c in name_field.choices]
        names = tuple(
            dict.fromkeys(
                c for c in chosen if isinstance(c, str) and c.strip() and render_forms(c.strip())
            )
        )
    if props_field is not None and props_field.kind != "nested":
        return names, None  # the properties are a mapping: ``where`` names are open
    rest = tuple(f for f in fields if f is not name_field and f is not time_field)
    return names, tuple(_rule_fields(rest))


def schema_vocab(schema: Any) -> Vocab:
    """What rules may name for a schema: its fields (typed strictly), its events and their
    properties."""
    top = fields_of(schema)
    unique: dict[str, RuleField] = {}
    for item in _rule_fields(top):
        unique.setdefault(item.key, item)
    found = tuple(unique.values())
    keys = [f.key for f in found]
    event_fields = [
        f for f in top if f.kind == "events" and not f.name.startswith("_") and render_forms(f.name)
    ]
    names: tuple[str, ...] = ()
    props: tuple[RuleField, ...] = ()
    if event_fields:
        candidates, typed = _event_vocab(event_fields[0])
        names = tuple(
            n
            for n in candidates
            if not difflib.get_close_matches(ast.normalize_name(n), keys, n=1, cutoff=0.8)
        )
        props = default_vocab().props if typed is None else typed
    if not names:
        props = ()
    taken = frozenset(keys) | {ast.normalize_name(n) for n in names} | {p.key for p in props}
    return Vocab(found, names, props, True, taken, _definition_names(taken))


def _definition_names(taken: frozenset[str]) -> tuple[str, ...]:
    """Definition names no field or event name is close to (the checker would otherwise take
    a field for a misspelt definition and suggest it)."""
    return tuple(
        name
        for name in _DEFINITION_NAMES
        if not difflib.get_close_matches(name, sorted(taken), n=1, cutoff=0.8)
    )
