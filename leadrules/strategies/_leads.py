"""Leads: schema-less dicts with the fields marketing data has; dicts of a mapping schema or a
TypedDict; instances of an attrs class or a dataclass. Each field is drawn from its type and,
for text and numbers, its name, with missing, None and blank values mixed in; an ``events``
field holds :class:`leadrules.Event` objects, dicts, or instances of an event class of the
user's own.

The schema arrives read (``_schema``) and the overrides checked and made strategies (by
:func:`leadrules.strategies.leads`); the values come from ``_values``, the events from
``_events``.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..errors import InvalidArgument
from ..lang import ast
from ..runtime.leads import Event
from ._events import YEAR_SECONDS, draw_time_before, event_lists, properties_for, spellings
from ._schema import (
    Field,
    accepts_extra,
    choice_value,
    event_parts,
    fields_of,
    is_dict_schema,
    is_open_mapping,
    is_record_class,
    make_field,
    strip_optional,
)
from ._values import (
    CAMPAIGNS,
    CITIES,
    DEFAULT_EVENT_NAMES,
    FIRST_NAMES,
    GENERIC_WORDS,
    LAST_NAMES,
    LEAD_SOURCES,
    PATHS,
    TOPICS,
    WHITEPAPERS,
    company_names,
    company_sizes,
    countries,
    dates_before,
    datetimes_before,
    emails,
    industries,
    job_titles,
    lead_ids,
    log_int,
    loose_values,
    messy_bool,
    messy_number,
    money,
    values_by_name,
)

#: A field left out of the lead (drawn as a value, dropped when the lead is put together).
_ABSENT: Any = object()

# =========================================================================== missing values


def _missing_values(field: Field) -> list[Any]:
    options: list[Any] = []
    if field.has_default:
        options.append(_ABSENT)
    if field.optional:
        options.append(None)
    if field.kind == "text":
        options.extend(["", "   "])
    return options


_ROLLS = st.integers(0, 11)


@st.composite
def _maybe_missing(draw: st.DrawFn, value: SearchStrategy[Any], missing: tuple[Any, ...]) -> Any:
    """About one time in four a missing value (left out, None or blank), else a value."""
    if missing:
        roll = draw(_ROLLS)
        if roll < 3:
            return missing[roll % len(missing)]
    return draw(value)


def _with_missing(field: Field, values: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """``values``, or now and then one of the ways ``field`` can be missing."""
    return _maybe_missing(values, tuple(_missing_values(field)))


def _draw_fields(
    draw: st.DrawFn, parts: Mapping[str, SearchStrategy[Any]], into: dict[str, Any]
) -> dict[str, Any]:
    """Each part drawn in turn into ``into``, but those drawn as :data:`_ABSENT`."""
    for key, strategy in parts.items():
        value = draw(strategy)
        if value is not _ABSENT:
            into[key] = value
    return into


def _construct(cls: Any, kwargs: dict[str, Any]) -> Any:
    try:
        return cls(**kwargs)
    except Exception:
        # The class's own validators refused a drawn value: try another.
        reject()


# =========================================================================== field values


def _value_strategy(field: Field, now: dt.datetime, depth: int) -> SearchStrategy[Any]:
    """Values of a field's type (never missing: missingness is added by the caller)."""
    tp, kind = field.tp, field.kind
    by_name = values_by_name(field.name, kind)
    if kind == "text":
        if by_name is not None:
            return by_name
        return st.one_of(st.sampled_from(GENERIC_WORDS), st.text(min_size=1, max_size=20))
    if kind == "number":
        ints = by_name if by_name is not None else st.one_of(log_int(0, 5), st.integers())
        if issubclass(tp, int):
            return ints.map(tp) if tp is not int else ints
        if issubclass(tp, Decimal):
            return st.builds(
                lambda n, cents: Decimal(n) + Decimal(cents) / 100, ints, st.integers(0, 99)
            )
        return st.builds(lambda n, frac: float(n) + frac / 4, ints, st.integers(0, 3))
    if kind == "bool":
        return st.booleans()
    if kind == "datetime":
        return datetimes_before(now)
    if kind == "date":
        return dates_before(now)
    if kind == "choice":
        return st.sampled_from(field.choices)
    if kind == "events":
        container = tuple if typing.get_origin(tp) is tuple else list
        return _events_of(field.item, now, container, depth)
    if kind == "nested":
        if is_dict_schema(tp):
            return _lead_dicts(
                {f.name: _with_missing(f, _value_strategy(f, now, depth + 1)) for f in field.nested}
            )
        return instances(tp, field.nested, {}, now, depth + 1)
    if kind == "list":
        item = make_field(field.name + " item", field.item, has_default=False, seen=())
        inner = _value_strategy(item, now, depth + 1)
        made = st.lists(inner, max_size=5)
        return made.map(tuple) if typing.get_origin(tp) is tuple else made
    if kind == "any":
        return loose_values()
    try:
        return st.from_type(tp)
    except Exception as exc:  # pragma: no cover - Hypothesis resolves lazily
        raise InvalidArgument(
            f"leads(): cannot build values of {tp!r} for field {field.name!r}; "
            f"override it: leads(..., {field.name}=<a strategy>)"
        ) from exc


# =========================================================================== events fields


def _events_of(item: Any, now: dt.datetime, container: Any, depth: int) -> SearchStrategy[Any]:
    """Event lists for an ``events`` field whose items are ``item``: :class:`leadrules.Event`
    when untyped, plain dicts for ``dict``, and instances of the field's own class (built from
    that class's fields) when it is an attrs class, a dataclass or a TypedDict."""
    base = event_lists(None, now)
    item = strip_optional(item)[0]
    if item is None or item is Any or item is Event:
        return base.map(container)
    if is_record_class(item):
        element = _event_elements(item, fields_of(item), now, depth)
        return st.lists(element, max_size=12).map(container)
    origin = typing.get_origin(item) or item
    if isinstance(origin, type) and issubclass(origin, Mapping):

        def as_dicts(found: list[Event]) -> Any:
            return container(
                {"name": e.name, "at": e.at, "properties": dict(e.properties)} for e in found
            )

        return base.map(as_dicts)
    return base.map(container)  # a class leads() cannot look into


#: Realistic values of the event properties rules most often filter on, by name.
_EVENT_PROPERTY_TEXT: Mapping[str, tuple[str, ...]] = {
    "topic": TOPICS,
    "path": PATHS,
    "page": PATHS,
    "url": PATHS,
    "campaign": CAMPAIGNS,
    "title": WHITEPAPERS,
    "source": LEAD_SOURCES,
    "channel": LEAD_SOURCES,
}


def _event_time(field: Field, moment: dt.datetime) -> Any:
    """``moment`` as the time field of an event class holds it."""
    tp = field.tp
    if field.kind == "date":  # the day in UTC, as leadrules reads a date: never after now
        return moment.astimezone(dt.timezone.utc).date()
    if field.kind == "text":
        return moment.isoformat()
    if field.kind == "number" and isinstance(tp, type):
        seconds = int(moment.timestamp())
        if issubclass(tp, int):
            return tp(seconds)
        return tp(str(seconds)) if issubclass(tp, Decimal) else float(seconds)
    return moment


def _event_property_values(field: Field, now: dt.datetime, depth: int) -> SearchStrategy[Any]:
    key = ast.normalize_name(field.name)
    if field.kind == "text" and key in _EVENT_PROPERTY_TEXT:
        return st.sampled_from(_EVENT_PROPERTY_TEXT[key])
    if field.kind == "number" and key == "minutes" and field.tp is int:
        return st.integers(1, 120)
    return _value_strategy(field, now, depth + 1)


def _event_elements(
    cls: type, fields: tuple[Field, ...], now: dt.datetime, depth: int
) -> SearchStrategy[Any]:
    """Events of a class of the user's own (``Webinar(name, at, topic)``): the name is a
    realistic event name (or one of the field's choices), the time one before ``now`` in the
    field's type, a ``properties`` mapping realistic for the name, and every other field drawn
    from its type (with missing values mixed in, as for leads)."""
    name_field, time_field, props_field = event_parts(fields)
    special = [f for f in (name_field, time_field, props_field) if f is not None]
    others = {
        f.name: _with_missing(f, _event_property_values(f, now, depth))
        for f in fields
        if all(f is not g for g in special)
    }
    props: SearchStrategy[Any] | None = None
    if props_field is not None and not is_open_mapping(props_field):
        props = _with_missing(props_field, _value_strategy(props_field, now, depth + 1))
    names: SearchStrategy[tuple[Any, str]]
    if name_field is None or name_field.kind in ("text", "any", "other"):
        names = st.sampled_from(DEFAULT_EVENT_NAMES).flatmap(
            lambda n: spellings(n).map(lambda written: (written, n))
        )
    elif name_field.kind == "choice":
        names = st.sampled_from(name_field.choices).map(lambda c: (c, str(choice_value(c))))
    else:
        names = _value_strategy(name_field, now, depth + 1).map(lambda v: (v, str(v)))
    as_dict = typing.is_typeddict(cls)

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs: dict[str, Any] = {}
        value, canonical = draw(names)
        if name_field is not None:
            kwargs[name_field.name] = value
        if time_field is not None:
            kwargs[time_field.name] = _event_time(
                time_field, draw_time_before(draw, now, YEAR_SECONDS)
            )
        if props_field is not None:
            found = draw(properties_for(canonical) if props is None else props)
            if found is not _ABSENT:
                kwargs[props_field.name] = found
        _draw_fields(draw, others, kwargs)
        if as_dict:
            return kwargs
        return _construct(cls, kwargs)

    return build()


# =========================================================================== leads


def instances(
    cls: type,
    fields: tuple[Field, ...],
    overrides: Mapping[str, SearchStrategy[Any]],
    now: dt.datetime,
    depth: int,
) -> SearchStrategy[Any]:
    """Instances of ``cls``, whose fields are ``fields``; an override replaces a field (or, for
    a class that takes any keyword, adds one)."""
    parts: dict[str, SearchStrategy[Any]] = {}
    for field in fields:
        if field.name in overrides:
            parts[field.name] = overrides[field.name]
        elif field.kind == "nested" and depth >= 3:
            parts[field.name] = st.just(None if field.optional else _ABSENT)
        else:
            parts[field.name] = _with_missing(field, _value_strategy(field, now, depth))
    extras: dict[str, SearchStrategy[Any]] = {}
    if accepts_extra(cls):
        known = {ast.normalize_name(f.name) for f in fields}
        for key, strategy in _dict_fields(now).items():
            if ast.normalize_name(key) not in known:
                extras[key] = strategy
        for key, strategy in overrides.items():
            if key not in parts:
                extras[key] = strategy

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs = _draw_fields(draw, {**parts, **extras}, {})
        return _construct(cls, kwargs)

    return build()


def _dict_fields(now: dt.datetime) -> dict[str, SearchStrategy[Any]]:
    """The fields of a schema-less lead, each with its missing values mixed in."""

    def maybe(strategy: SearchStrategy[Any], blank: bool = True) -> SearchStrategy[Any]:
        missing = (_ABSENT, None, "" if blank else None)
        return _maybe_missing(strategy, missing)

    return {
        "id": lead_ids(),
        "email": maybe(emails()),
        "first_name": maybe(st.sampled_from(FIRST_NAMES)),
        "last_name": maybe(st.sampled_from(LAST_NAMES)),
        "job_title": maybe(job_titles()),
        "company": maybe(company_names()),
        "company_size": maybe(messy_number(company_sizes())),
        "industry": maybe(industries()),
        "country": maybe(countries()),
        "lead_source": maybe(st.sampled_from(LEAD_SOURCES)),
        "budget": maybe(
            st.one_of(money(), money().map(lambda n: Decimal(n) / 100), messy_number(money()))
        ),
        "Annual Revenue (USD)": maybe(log_int(4, 9)),
        "signed_up": maybe(st.one_of(dates_before(now), dates_before(now).map(str))),
        "last_seen": maybe(
            st.one_of(
                datetimes_before(now),
                datetimes_before(now).map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )
        ),
        "downloaded_whitepaper": maybe(messy_bool()),
        "requested_demo": maybe(messy_bool()),
        "booked_call": maybe(messy_bool()),
        "subscribed": maybe(messy_bool()),
        "address": maybe(
            st.fixed_dictionaries(
                {"country": countries()}, optional={"city": st.sampled_from(CITIES)}
            ),
            blank=False,
        ),
        "events": maybe(event_lists(None, now), blank=False),
    }


def default_leads(
    now: dt.datetime, overrides: Mapping[str, SearchStrategy[Any]]
) -> SearchStrategy[dict[str, Any]]:
    """Schema-less leads; an override replaces the field of the same name (case and
    separators ignored) or adds a key."""
    base = _dict_fields(now)
    for key in list(base):
        for override in overrides:
            if ast.normalize_name(override) == ast.normalize_name(key):
                del base[key]
                break
    return _lead_dicts({**base, **overrides})


def schema_dicts(
    fields: tuple[Field, ...], overrides: Mapping[str, SearchStrategy[Any]], now: dt.datetime
) -> SearchStrategy[dict[str, Any]]:
    """Dicts of a mapping schema or a TypedDict, whose fields are ``fields``."""
    parts = {
        f.name: overrides[f.name]
        if f.name in overrides
        else _with_missing(f, _value_strategy(f, now, 0))
        for f in fields
    }
    return _lead_dicts(parts)


def _lead_dicts(parts: Mapping[str, SearchStrategy[Any]]) -> SearchStrategy[dict[str, Any]]:
    """Dicts of the parts drawn, but those drawn as :data:`_ABSENT`."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        return _draw_fields(draw, parts, {})

    return build()
