"""Hypothesis strategies for property-testing rule files (the ``hypothesis`` extra: from a
checkout, ``pip install -e ".[hypothesis]"``).

>>> from hypothesis import given
>>> from leadrules.strategies import leads
>>> @given(leads(country="FR"))
... def test_no_french_lead_is_ever_sql(lead): ...

- :func:`leads` -- realistic leads: dicts, or instances of your own attrs class;
- :func:`events` -- lists of :class:`leadrules.Event`, every one before ``now``;
- :func:`rule_sources` -- the text of valid rule files, using every construct of the language;
- :func:`rulesets` -- the same, compiled.

Every strategy is built once, draws quickly and shrinks towards small, plain examples (a lead
with few fields, a rule file of one rule), so a failing property is reported with a short
counterexample. See ``docs/testing.md``.
"""

# The public face: what users import, with their arguments checked here. The strategies are
# built in private modules, each of one idea:
#   _values    realistic values and the messy forms exports give them
#   _events    lists of leadrules.Event
#   _schema    reading a schema for building leads
#   _leads     leads: dicts, and instances of a schema's classes
#   _keywords  the reserved words (from the grammar) and how names are written around them
#   _vocab     what generated rules may name, with realistic literals
#   _literals  how one rule file writes its tokens
#   _rules     the conditions and statements of a rule file, and the file

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import InvalidArgument, LeadRulesError
from ..lang import ast
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules
from ..runtime.leads import Event


class HypothesisNotInstalled(LeadRulesError, ImportError):
    """``leadrules.strategies`` was imported but Hypothesis is not installed."""


try:
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise HypothesisNotInstalled(
        "leadrules.strategies needs Hypothesis, which is not installed; install it with: "
        'pip install "hypothesis>=6.100" (or, in a checkout of leadrules, '
        'pip install -e ".[hypothesis]")',
        name="hypothesis",
    ) from exc

# The private modules need Hypothesis: they are imported once it is known to be there.
from . import _events, _leads, _rules, _schema, _vocab  # noqa: E402
from ._keywords import is_reserved  # noqa: E402
from ._values import (  # noqa: E402
    COUNTRY_CODES,
    DEFAULT_EVENT_NAMES,
    INDUSTRIES,
    PERSONAL_EMAIL_DOMAINS,
)

# Public as well, though not in __all__: more pools, and the value strategies leads() uses.
from ._values import JOB_TITLES_BY_SENIORITY as JOB_TITLES_BY_SENIORITY  # noqa: E402
from ._values import MAIN_MARKETS as MAIN_MARKETS  # noqa: E402
from ._values import UTC as UTC  # noqa: E402
from ._values import company_sizes as company_sizes  # noqa: E402
from ._values import countries as countries  # noqa: E402
from ._values import emails as emails  # noqa: E402
from ._values import industries as industries  # noqa: E402
from ._values import job_titles as job_titles  # noqa: E402

__all__ = [
    "COUNTRY_CODES",
    "DEFAULT_EVENT_NAMES",
    "INDUSTRIES",
    "PERSONAL_EMAIL_DOMAINS",
    "HypothesisNotInstalled",
    "events",
    "is_reserved",
    "leads",
    "rule_sources",
    "rulesets",
]

# =========================================================================== argument checks


def _now() -> dt.datetime:
    """The current UTC time, to the second: the ``now`` of a strategy not given one."""
    return dt.datetime.now(UTC).replace(microsecond=0)


def _check_now(now: Any, what: str) -> dt.datetime:
    """``now`` as given (naive taken as UTC), or the current time when None."""
    if now is None:
        return _now()
    if not isinstance(now, dt.datetime):
        raise InvalidArgument(
            f"{what}: now must be a datetime, not {type(now).__name__} ({now!r}); "
            "write e.g. now=datetime(2026, 6, 1, tzinfo=timezone.utc)"
        )
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _as_strategy(value: Any) -> SearchStrategy[Any]:
    """A strategy as given, or a constant made into one."""
    return value if isinstance(value, SearchStrategy) else st.just(value)


def _check_size(name: str, value: Any, lowest: int = 0) -> int:
    """A whole number of at least ``lowest``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name} must be a whole number, not {type(value).__name__}")
    if value < lowest:
        raise InvalidArgument(f"{name} must be at least {lowest}, not {value}")
    return value


# =========================================================================== events


def events(
    names: Iterable[str] | SearchStrategy[str] | None = None,
    *,
    now: dt.datetime | None = None,
    max_age: dt.timedelta = dt.timedelta(days=365),
    min_size: int = 0,
    max_size: int = 12,
) -> SearchStrategy[list[Event]]:
    """Lists of :class:`leadrules.Event`, each strictly before ``now`` and at most ``max_age``
    before it.

    ``names`` is a list of event names (or a strategy of names); by default realistic ones
    (``DEFAULT_EVENT_NAMES``), spelt in the ways exports spell them (``visited pricing page``,
    ``Visited Pricing Page``, ``visited_pricing_page``). ``now`` defaults to the current UTC
    time, taken once when the strategy is made: pass the same ``now`` to ``evaluate``. Times are
    timezone-aware; properties are realistic for the known event names (``topic`` and
    ``minutes`` for webinars, ``path`` for page visits, ...).
    """
    moment = _check_now(now, "events()")
    if not isinstance(max_age, dt.timedelta):
        raise InvalidArgument(
            f"events(): max_age must be a timedelta, not {type(max_age).__name__}; "
            "write e.g. max_age=timedelta(days=90)"
        )
    seconds = int(max_age.total_seconds())
    if seconds < 1:
        raise InvalidArgument(f"events(): max_age must be at least one second, not {max_age}")
    low = _check_size("events(): min_size", min_size)
    high = _check_size("events(): max_size", max_size)
    if low > high:
        raise InvalidArgument(f"events(): min_size {low} is larger than max_size {high}")
    return _events.event_lists(
        _event_names(names), moment, seconds=seconds, min_size=low, max_size=high
    )


def _event_names(
    names: Iterable[str] | SearchStrategy[str] | None,
) -> SearchStrategy[str] | None:
    """The names events() was given, as a strategy (None: the default names)."""
    if names is None:
        return None  # the default names, in every spelling
    if isinstance(names, SearchStrategy):
        return names
    if isinstance(names, str):
        raise InvalidArgument(
            f"events(): names must be a list of event names, not one text ({names!r}); "
            f"write names=[{names!r}]"
        )
    if not isinstance(names, Iterable):
        raise InvalidArgument(
            f"events(): names must be a list of event names, not {type(names).__name__}"
        )
    listed = list(names)
    if not listed:
        raise InvalidArgument("events(): names is empty; give at least one event name")
    for item in listed:
        if not isinstance(item, str) or not item.strip():
            raise InvalidArgument(
                f"events(): every event name must be non-blank text, not {item!r}"
            )
    return st.sampled_from(listed)


# =========================================================================== leads


def leads(schema: Any = None, **overrides: Any) -> SearchStrategy[Any]:
    """Realistic leads, with missing and blank values mixed in.

    With no ``schema``: dicts with the keys ``id``, ``email``, ``first_name``, ``last_name``,
    ``job_title``, ``company``, ``company_size``, ``industry``, ``country``, ``lead_source``,
    ``budget``, ``Annual Revenue (USD)``, ``signed_up``, ``last_seen``,
    ``downloaded_whitepaper``, ``requested_demo``, ``booked_call``, ``subscribed``, ``address``
    (``{"country": ..., "city": ...}``) and ``events``. Any of them may be left out, ``None`` or
    blank, and numbers, dates and yes/no values sometimes come as text, as CSV exports carry
    them.

    With ``schema`` an attrs class: instances of it, each field drawn from its type (nested
    attrs classes, ``Optional``, ``list[Event]``, ``datetime``/``date``, ``int``/``float``/
    ``Decimal``, ``str``, ``bool``, ``Literal``/``Enum``) and, for text and numbers, from its
    name (``email``, ``country``, ``job_title``, ``company_size``, ``industry``, ...). Optional
    fields are sometimes None, fields with defaults sometimes left out, text fields sometimes
    blank. With ``schema`` a mapping of names to types, or a TypedDict: dicts with those keys.

    An ``events`` field holds :class:`leadrules.Event` objects, or, when its items are a class
    of your own (``list[Webinar]``), instances of that class built from its fields: a
    realistic event name, a time before now in the field's type, the other fields from their
    types.

    Each keyword replaces one field: a strategy (``country=st.sampled_from(["GB", "IE"])``) or
    a constant (``requested_demo=True``). Events are drawn before the current time; to fix
    ``now``, override them: ``events=events(now=NOW)``.
    """
    now = _now()
    if schema is None:
        return _leads.default_leads(now, _check_overrides(overrides, None, True, ""))
    fields = _schema.fields_of(schema)
    if _schema.is_dict_schema(schema):
        title = "the schema" if isinstance(schema, Mapping) else schema.__name__
        return _leads.schema_dicts(fields, _check_overrides(overrides, fields, False, title), now)
    strategies = _check_overrides(overrides, fields, _schema.accepts_extra(schema), schema.__name__)
    return _leads.instances(schema, fields, strategies, now, 0)


def _check_overrides(
    overrides: Mapping[str, Any],
    fields: tuple[_schema.Field, ...] | None,
    open_ended: bool,
    what: str,
) -> dict[str, SearchStrategy[Any]]:
    """Overrides as strategies, keyed by the field they replace."""
    out: dict[str, SearchStrategy[Any]] = {}
    if fields is None:
        return {key: _as_strategy(value) for key, value in overrides.items()}
    by_key = {ast.normalize_name(f.name): f.name for f in fields}
    for key, value in overrides.items():
        name = key if key in {f.name for f in fields} else by_key.get(ast.normalize_name(key))
        if name is None:
            if open_ended:
                out[key] = _as_strategy(value)
                continue
            close = difflib.get_close_matches(key, [f.name for f in fields], n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InvalidArgument(
                f"leads(): {what} has no field {key!r}{hint} "
                f"(its fields: {', '.join(f.name for f in fields)})"
            )
        out[name] = _as_strategy(value)
    return out


# =========================================================================== rule files


def rule_sources(schema: Any = None) -> SearchStrategy[str]:
    """The text of valid rule files.

    Across examples every construct of the language appears: definitions, groups with ``max``
    and ``min``, labels, every comparison, ``in``/``not in``, ``between``, text operators,
    ``matches`` with safe patterns, presence tests, bare facts, event counts, windows and
    ``where`` filters, date fields, ``per`` rules with caps, decay, disqualifications with
    reasons, stages with conditions and quoted names, comments, ``;``, keywords in any case.
    Every file compiles: names avoid reserved words, stage thresholds and names are unique and
    every definition comes before its use.

    With ``schema`` (an attrs class or a mapping of names to types), rules use only its fields,
    with operators that suit each field's type, and mention events only when it has an
    ``events`` field. ``where`` filters name only what the schema lets them: any property for
    :class:`leadrules.Event` (or untyped events), the fields of the event class but its name
    and time for a class of your own (none at all when it has no others).

    Without a schema, they use the fields :func:`leads` draws (and a few it never does, for
    missing data), now and then with the wrong operator for the data.
    """
    _rules.warm_up()
    vocab = _vocab.default_vocab() if schema is None else _vocab.schema_vocab(schema)
    if not vocab.fields and not vocab.events:
        raise InvalidArgument(
            "rule_sources(): the schema has no field rules can use "
            "(text, numbers, true/false, dates, choices or events)"
        )
    return _rules.rule_files(vocab)


def rulesets(schema: Any = None) -> SearchStrategy[RuleSet]:
    """Compiled rule sets: :func:`rule_sources` passed through :func:`leadrules.compile`
    (against ``schema`` when given)."""
    sources = rule_sources(schema)
    return sources.map(lambda text: compile_rules(text, schema=schema, filename="<generated>"))
