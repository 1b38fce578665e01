"""Lists of :class:`leadrules.Event`: realistic names (spelt the ways exports spell them),
times before a given moment in a few time zones, and the properties each known event carries.

The arguments arrive checked (by :func:`leadrules.strategies.events`); ``_leads`` uses the same
names, times and properties for the events of a class of the user's own.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..lang import ast
from ..runtime.leads import Event
from ._values import (
    CAMPAIGNS,
    DEFAULT_EVENT_NAMES,
    LEAD_SOURCES,
    PATHS,
    TOPICS,
    UTC,
    WHITEPAPERS,
)

_PAGE = st.fixed_dictionaries({"path": st.sampled_from(PATHS)})
_EMAIL = st.fixed_dictionaries({"campaign": st.sampled_from(CAMPAIGNS)})
_MAYBE_SOURCE = st.fixed_dictionaries({}, optional={"source": st.sampled_from(LEAD_SOURCES)})

#: The properties of the known events, by normalised name (built once: drawing from one
#: strategy object is quicker than making a new one for each event).
_PROPERTIES: Mapping[str, SearchStrategy[dict[str, Any]]] = {
    "visited pricing page": _PAGE,
    "visited website": _PAGE,
    "opened email": _EMAIL,
    "clicked email": _EMAIL,
    "attended webinar": st.fixed_dictionaries(
        {"topic": st.sampled_from(TOPICS)},
        optional={"minutes": st.integers(1, 120)},
    ),
    "downloaded whitepaper": st.fixed_dictionaries({"title": st.sampled_from(WHITEPAPERS)}),
    "requested demo": _MAYBE_SOURCE,
}


def properties_for(name: str) -> SearchStrategy[dict[str, Any]]:
    """The properties an event of this name carries (``topic`` for a webinar, ``path`` for a
    page visit, ...); for a name it does not know, now and then a ``source``."""
    return _PROPERTIES.get(ast.normalize_name(name), _MAYBE_SOURCE)


@functools.lru_cache(maxsize=256)
def spellings(name: str) -> SearchStrategy[str]:
    """The name as written, in Title Case, or in snake_case: rules match them all."""
    return st.sampled_from(
        (name, name.title(), re.sub(r"[\s-]+", "_", name.strip()).lower())
    ).filter(bool)


_TIMEZONES = (UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5)))
_ZONES = st.sampled_from(_TIMEZONES)

#: How far back events go unless told otherwise: a year.
YEAR_SECONDS = 365 * 86400


def draw_time_before(draw: st.DrawFn, now: dt.datetime, seconds: int) -> dt.datetime:
    """A moment strictly before ``now`` and at most ``seconds`` before it, in one of
    :data:`_TIMEZONES`."""
    age = draw(st.integers(1, seconds))
    zone = draw(_ZONES)
    return (now - dt.timedelta(seconds=age)).astimezone(zone)


def event_lists(
    names: SearchStrategy[str] | None,
    now: dt.datetime,
    *,
    seconds: int = YEAR_SECONDS,
    min_size: int = 0,
    max_size: int = 12,
) -> SearchStrategy[list[Event]]:
    """Lists of events before ``now`` (timezone-aware), at most ``seconds`` before it, named
    from ``names`` as drawn, or (``names`` None) from :data:`DEFAULT_EVENT_NAMES` in any of
    their spellings."""
    name_strategy = st.sampled_from(DEFAULT_EVENT_NAMES) if names is None else names

    @st.composite
    def one(draw: st.DrawFn) -> Event:
        canonical = draw(name_strategy)
        name = draw(spellings(canonical)) if names is None else canonical
        at = draw_time_before(draw, now, seconds)
        return Event(name, at, draw(properties_for(canonical)))

    return st.lists(one(), min_size=min_size, max_size=max_size)
