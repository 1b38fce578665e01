"""Hypothesis strategies for property-testing rule files (``pip install "leadrules[hypothesis]"``).

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

from __future__ import annotations

import collections.abc
import dataclasses
import datetime as dt
import difflib
import enum
import functools
import inspect
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from ..errors import InvalidArgument, LeadRulesError
from ..lang import ast
from ..ruleset import RuleSet
from ..ruleset import compile as compile_rules
from ..runtime.leads import Event


class HypothesisNotInstalled(LeadRulesError, ImportError):
    """``leadrules.strategies`` was imported but Hypothesis is not installed."""


try:
    from hypothesis import reject
    from hypothesis import strategies as st
    from hypothesis.strategies import SearchStrategy
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise HypothesisNotInstalled(
        "leadrules.strategies needs Hypothesis, which is not installed; "
        'install it with: pip install "leadrules[hypothesis]"',
        name="hypothesis",
    ) from exc


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

UTC = dt.timezone.utc
_T = typing.TypeVar("_T")

# =========================================================================== realistic values

_COUNTRY_TEXT = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
#: Every ISO 3166-1 alpha-2 country code.
COUNTRY_CODES: tuple[str, ...] = tuple(_COUNTRY_TEXT.split())
#: The markets most leads come from (drawn more often than the rest).
MAIN_MARKETS: tuple[str, ...] = ("GB", "IE", "US", "DE", "FR", "NL", "ES", "CA", "AU", "IN")

PERSONAL_EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "hotmail.com",
    "hotmail.co.uk",
    "outlook.com",
    "live.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "gmx.de",
    "web.de",
    "orange.fr",
    "btinternet.com",
)

INDUSTRIES: tuple[str, ...] = (
    "software",
    "fintech",
    "healthcare",
    "retail",
    "manufacturing",
    "logistics",
    "education",
    "government",
    "non-profit",
    "media",
    "telecommunications",
    "energy",
    "real estate",
    "construction",
    "hospitality",
    "insurance",
    "banking",
    "legal",
    "consulting",
    "agriculture",
    "automotive",
    "pharmaceuticals",
    "e-commerce",
    "gaming",
    "cybersecurity",
)

_COMPANY_STEMS = (
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Dockside",
    "Beacon Street",
    "Tessellate",
    "Bluefin",
    "Ironbridge",
    "Copperleaf",
    "Harbour",
    "Lumen",
    "Quantive",
    "Redwood",
    "Stellar",
    "Brightwave",
    "Oakridge",
    "Vantage",
    "Meridian",
    "Pinecrest",
)
_COMPANY_SUFFIXES = (
    "Software",
    "Logistics",
    "Capital",
    "Health",
    "Labs",
    "Systems",
    "Group",
    "Ltd",
    "GmbH",
    "Analytics",
    "Retail",
    "Foods",
    "Energy",
    "Partners",
)
_CORPORATE_TLDS = ("com", "io", "co.uk", "ie", "de", "fr", "ai", "net", "co", "eu")

_FIRST_NAMES = (
    "Ann",
    "Niamh",
    "Olivia",
    "Mohammed",
    "Wei",
    "Priya",
    "Lucas",
    "Sofia",
    "James",
    "Aoife",
    "Kwame",
    "Yuki",
    "Mateo",
    "Fatima",
    "Liam",
    "Chloé",
    "Björn",
    "Zara",
    "Dmitri",
    "Ana",
)
_LAST_NAMES = (
    "Lee",
    "Schmidt",
    "McCarthy",
    "Lynch",
    "Okafor",
    "Patel",
    "García",
    "Nguyen",
    "O'Brien",
    "Kowalski",
    "Murphy",
    "Tanaka",
    "Rossi",
    "Dubois",
    "Smith",
    "Jensen",
    "Haddad",
    "Silva",
    "Byrne",
    "Müller",
)

_FUNCTIONS = (
    "Marketing",
    "Sales",
    "Demand Generation",
    "Revenue Operations",
    "Engineering",
    "Product",
    "Finance",
    "IT",
    "Operations",
    "Customer Success",
    "Human Resources",
    "Growth",
    "Data",
    "Procurement",
)

#: Job title templates by seniority, most senior first. ``{f}`` is a business function.
JOB_TITLES_BY_SENIORITY: Mapping[str, tuple[str, ...]] = {
    "c-level": (
        "CEO",
        "Chief Executive Officer",
        "CTO",
        "CFO",
        "CMO",
        "Chief Marketing Officer",
        "Chief Revenue Officer",
        "COO",
        "CIO",
        "Founder",
        "Co-Founder",
        "Owner",
        "President",
        "Managing Director",
    ),
    "vp": ("VP {f}", "VP of {f}", "Vice President, {f}", "SVP {f}", "EVP {f}"),
    "head": ("Head of {f}", "Global Head of {f}"),
    "director": ("Director of {f}", "{f} Director", "Senior Director, {f}"),
    "manager": ("{f} Manager", "Senior {f} Manager", "{f} Team Lead"),
    "individual contributor": (
        "{f} Specialist",
        "{f} Analyst",
        "Senior {f} Analyst",
        "{f} Coordinator",
        "{f} Executive",
        "Consultant",
    ),
    "entry": ("{f} Associate", "{f} Assistant", "{f} Intern", "Graduate Trainee", "Student"),
}

_LEAD_SOURCES = (
    "webinar",
    "organic search",
    "paid search",
    "paid social",
    "referral",
    "trade show",
    "partner",
    "outbound",
    "content download",
    "direct",
)
_CITIES = ("London", "Dublin", "Manchester", "Cork", "Berlin", "Paris", "New York", "Toronto")
_CAMPAIGNS = ("June newsletter", "Webinar invite", "Pricing update", "Autumn product news")
_TOPICS = ("AI in sales", "Lead scoring 101", "Pipeline basics", "Buying signals")
_WHITEPAPERS = ("MQL vs SQL: A Practical Guide", "Buying Signals That Matter", "State of B2B")
_PATHS = ("/pricing", "/pricing#enterprise", "/pricing?plan=team", "/features", "/")
_YES_NO_TEXT = ("yes", "no", "true", "false", "TRUE", "False", "1", "0", "Y", "N", "on", "off")
_GENERIC_WORDS = (
    "alpha",
    "beta",
    "enterprise",
    "starter",
    "pro",
    "trial",
    "annual",
    "monthly",
    "partner",
    "inbound",
    "priority",
    "standard",
)

#: Event names drawn when :func:`events` is given none.
DEFAULT_EVENT_NAMES: tuple[str, ...] = (
    "visited pricing page",
    "opened email",
    "clicked email",
    "attended webinar",
    "downloaded whitepaper",
    "requested demo",
    "booked call",
    "visited website",
    "started trial",
    "submitted form",
)


_GRAMMAR_PATH = Path(__file__).parent.parent / "lang" / "grammar.lark"
_TERMINAL_LINE = re.compile(r"^(_?[A-Z][A-Z0-9_]*)(?:\.-?\d+)?\s*:(.*)$", re.MULTILINE)
_STRING_TERMINAL = re.compile(r'"((?:[^"\\]|\\.)+)"(i?)')
_REGEX_TERMINAL = re.compile(r"/((?:[^/\\\n]|\\.)+)/([imsux]*)")


@functools.cache
def _keyword_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns of the grammar's terminals (but WORD, which names are made of), read from
    grammar.lark: a word that one of them matches whole is a keyword, not a name."""
    patterns = []
    for match in _TERMINAL_LINE.finditer(_GRAMMAR_PATH.read_text("utf-8")):
        if match.group(1) == "WORD":
            continue
        body = match.group(2)
        for text, flag in _STRING_TERMINAL.findall(body):
            patterns.append(re.compile(re.escape(text), re.IGNORECASE if flag else 0))
        for text, flags in _REGEX_TERMINAL.findall(body):
            options = re.IGNORECASE if "i" in flags else 0
            try:
                patterns.append(re.compile(text, options))
            except re.error:  # pragma: no cover - Lark accepted it, so Python's re does too
                continue
    return tuple(patterns)


def is_reserved(word: str) -> bool:
    """True when ``word`` cannot stand in a name (it is a keyword of the language, such as
    ``when`` or ``at``, or a unit such as ``days``) unless the name is written in backticks."""
    return any(pattern.fullmatch(word) for pattern in _keyword_patterns())


_WORD = re.compile(r"[^\W\d_]\w*(?:-[^\W\d_]\w*)*\Z")


# =========================================================================== argument checks


def _check_now(now: Any, what: str) -> dt.datetime:
    if now is None:
        return dt.datetime.now(UTC).replace(microsecond=0)
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
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name} must be a whole number, not {type(value).__name__}")
    if value < lowest:
        raise InvalidArgument(f"{name} must be at least {lowest}, not {value}")
    return value


# =========================================================================== small strategies


def _log_int(low_exp: int, high_exp: int) -> SearchStrategy[int]:
    """Whole numbers spread evenly over orders of magnitude (10**low_exp .. 10**high_exp),
    shrinking towards 10**low_exp."""
    steps = (high_exp - low_exp) * 100
    return st.integers(0, steps).map(lambda k: round(10 ** (low_exp + k / 100)))


def company_sizes() -> SearchStrategy[int]:
    """Employee counts from 1 to about 200,000, log-distributed as real companies are."""
    return st.integers(0, 530).map(lambda k: max(1, round(10 ** (k / 100))))


def _company_name() -> SearchStrategy[str]:
    return st.builds(
        lambda stem, suffix: f"{stem} {suffix}",
        st.sampled_from(_COMPANY_STEMS),
        st.sampled_from(_COMPANY_SUFFIXES),
    )


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower()) or "x"


@st.composite
def emails(draw: st.DrawFn) -> str:
    """Corporate (``ann.lee@acme.io``) and personal (``ann.lee@gmail.com``) addresses."""
    first = _slug(draw(st.sampled_from(_FIRST_NAMES)))
    last = _slug(draw(st.sampled_from(_LAST_NAMES)))
    local = draw(
        st.sampled_from(
            (f"{first}.{last}", f"{first[0]}.{last}", first, f"{first}{last}", f"{first}_{last}")
        )
    )
    if draw(st.booleans()):
        domain = draw(st.sampled_from(PERSONAL_EMAIL_DOMAINS))
    else:
        stem = _slug(draw(st.sampled_from(_COMPANY_STEMS)))
        domain = f"{stem}.{draw(st.sampled_from(_CORPORATE_TLDS))}"
        if draw(st.integers(0, 19)) == 0:
            domain = "competitor.com"
    address = f"{local}@{domain}"
    style = draw(st.integers(0, 9))
    if style == 0:
        address = address.upper()
    elif style == 1:
        address = f" {address} "
    return address


@st.composite
def job_titles(draw: st.DrawFn) -> str:
    """Job titles of every seniority, from Intern to CEO."""
    seniority = draw(st.sampled_from(sorted(JOB_TITLES_BY_SENIORITY)))
    template = draw(st.sampled_from(JOB_TITLES_BY_SENIORITY[seniority]))
    title = template.format(f=draw(st.sampled_from(_FUNCTIONS)))
    if draw(st.integers(0, 9)) == 0:
        title = title.lower()
    return title


def countries() -> SearchStrategy[str]:
    """ISO 3166-1 alpha-2 codes, the main markets more often; now and then in lower case or
    padded, as CRM exports have them."""
    code = st.one_of(st.sampled_from(MAIN_MARKETS), st.sampled_from(COUNTRY_CODES))
    return st.builds(
        lambda c, style: c if style > 1 else (c.lower() if style == 0 else f" {c} "),
        code,
        st.integers(0, 9),
    )


def industries() -> SearchStrategy[str]:
    return st.builds(
        lambda name, title: name.title() if title else name,
        st.sampled_from(INDUSTRIES),
        st.integers(0, 4).map(lambda k: k == 0),
    )


def _money() -> SearchStrategy[int]:
    return _log_int(2, 7)


def _dates_before(now: dt.datetime, days: int = 3 * 365) -> SearchStrategy[dt.date]:
    return st.integers(0, days).map(lambda k: (now - dt.timedelta(days=k)).date())


def _datetimes_before(now: dt.datetime, days: int = 365) -> SearchStrategy[dt.datetime]:
    return st.integers(0, days * 86400).map(lambda s: now - dt.timedelta(seconds=s))


def _messy_number(number: SearchStrategy[int]) -> SearchStrategy[Any]:
    """A number, or the same number as text the way CSV exports carry it."""
    return st.builds(
        lambda n, style: (
            n if style > 2 else (str(n) if style == 0 else f"{n:,}" if style == 1 else f" {n} ")
        ),
        number,
        st.integers(0, 9),
    )


def _messy_bool() -> SearchStrategy[Any]:
    return st.one_of(st.booleans(), st.sampled_from(_YES_NO_TEXT))


# =========================================================================== events

_PROPERTY_STRATEGIES: Mapping[str, Callable[[], SearchStrategy[dict[str, Any]]]] = {
    "visited pricing page": lambda: st.fixed_dictionaries({"path": st.sampled_from(_PATHS)}),
    "visited website": lambda: st.fixed_dictionaries({"path": st.sampled_from(_PATHS)}),
    "opened email": lambda: st.fixed_dictionaries({"campaign": st.sampled_from(_CAMPAIGNS)}),
    "clicked email": lambda: st.fixed_dictionaries({"campaign": st.sampled_from(_CAMPAIGNS)}),
    "attended webinar": lambda: st.fixed_dictionaries(
        {"topic": st.sampled_from(_TOPICS)},
        optional={"minutes": st.integers(1, 120)},
    ),
    "downloaded whitepaper": lambda: st.fixed_dictionaries(
        {"title": st.sampled_from(_WHITEPAPERS)}
    ),
    "requested demo": lambda: st.fixed_dictionaries(
        {}, optional={"source": st.sampled_from(_LEAD_SOURCES)}
    ),
}


def _properties_for(name: str) -> SearchStrategy[dict[str, Any]]:
    make = _PROPERTY_STRATEGIES.get(ast.normalize_name(name))
    if make is not None:
        return make()
    return st.fixed_dictionaries({}, optional={"source": st.sampled_from(_LEAD_SOURCES)})


def _spellings(name: str) -> SearchStrategy[str]:
    """The name as written, in Title Case, or in snake_case: rules match them all."""
    return st.sampled_from(
        (name, name.title(), re.sub(r"[\s-]+", "_", name.strip()).lower())
    ).filter(bool)


_TIMEZONES = (UTC, dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=-5)))


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
    name_strategy = _event_names(names)

    @st.composite
    def one(draw: st.DrawFn) -> Event:
        canonical = draw(name_strategy)
        name = draw(_spellings(canonical)) if names is None else canonical
        age = draw(st.integers(1, seconds))
        zone = draw(st.sampled_from(_TIMEZONES))
        at = (moment - dt.timedelta(seconds=age)).astimezone(zone)
        return Event(name, at, draw(_properties_for(canonical)))

    return st.lists(one(), min_size=low, max_size=high)


def _event_names(names: Iterable[str] | SearchStrategy[str] | None) -> SearchStrategy[str]:
    if names is None:
        return st.sampled_from(DEFAULT_EVENT_NAMES)
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


# =========================================================================== schemas


@attrs.frozen
class _Field:
    """One field of a schema, as leads() and rule_sources() need it."""

    name: str  # the attribute or key name
    kind: str  # text number bool date datetime choice events nested list any other
    tp: Any  # the type, Optional removed
    optional: bool  # None is allowed
    has_default: bool  # may be left out
    choices: tuple[Any, ...] = ()
    nested: tuple[_Field, ...] = ()
    item: Any = None  # for lists: the item type


_NONE_TYPE = type(None)


def _strip_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not _NONE_TYPE]
        optional = len(args) != len(typing.get_args(tp))
        if len(args) == 1:
            return args[0], optional
        return typing.Union[tuple(args)], optional  # noqa: UP007 - runtime construction
    return tp, False


def _kind(tp: Any, name: str) -> tuple[str, tuple[Any, ...], Any]:
    """(kind, choices, item type) of a field type."""
    if tp is Any or tp is object:
        return "any", (), None
    if isinstance(tp, Mapping):
        return "nested", (), None  # a nested mapping schema: {"country": str}
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return "choice", tuple(typing.get_args(tp)), None
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            return "choice", tuple(tp), None
        if issubclass(tp, bool):
            return "bool", (), None
        if issubclass(tp, (int, float, Decimal)):
            return "number", (), None
        if issubclass(tp, dt.datetime):
            return "datetime", (), None
        if issubclass(tp, dt.date):
            return "date", (), None
        if issubclass(tp, str):
            return "text", (), None
        if attrs.has(tp) or dataclasses.is_dataclass(tp) or typing.is_typeddict(tp):
            return "nested", (), None
    if origin in (list, tuple, collections.abc.Sequence, collections.abc.Iterable, frozenset):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        item = args[0] if args else Any
        if ast.normalize_name(name) == "events":
            return "events", (), item
        return "list", (), item
    if tp in (list, tuple) and ast.normalize_name(name) == "events":
        return "events", (), Event
    return "other", (), None


def _schema_fields(schema: Any, seen: tuple[type, ...] = ()) -> tuple[_Field, ...]:
    """The fields of an attrs class or of a mapping of names to types."""
    if isinstance(schema, Mapping):
        out = []
        for key, tp in schema.items():
            if not isinstance(key, str) or not key.strip():
                raise InvalidArgument(f"schema: every field name must be text, not {key!r}")
            out.append(_make_field(key, tp, has_default=True, seen=seen))
        return tuple(out)
    if typing.is_typeddict(schema):
        return _typeddict_fields(schema, seen)
    is_class = isinstance(schema, type)
    if not (is_class and (attrs.has(schema) or dataclasses.is_dataclass(schema))):
        instance = attrs.has(type(schema)) or dataclasses.is_dataclass(schema)
        raise InvalidArgument(
            "schema must be an attrs class, a dataclass, a TypedDict or a mapping of field "
            "names to types, "
            f"not {type(schema).__name__} ({schema!r})"
            + ("; pass the class, not an instance" if instance else "")
        )
    klass = typing.cast(type, schema)
    hints = _field_hints(klass, seen)
    parameters = _init_parameters(klass)
    out = []
    for name, declared, default, init in _declared_fields(klass):
        if not init or (parameters is not None and name not in parameters):
            continue  # a field the class's __init__ does not take (Lead.extra)
        tp = hints.get(name, declared if declared is not None else Any)
        has_default = default
        if parameters is not None:
            has_default = default or parameters[name].default is not inspect.Parameter.empty
        out.append(_make_field(name, tp, has_default=has_default, seen=(*seen, klass)))
    return tuple(out)


def _field_hints(klass: Any, seen: tuple[type, ...]) -> dict[str, Any]:
    """The field types of a schema class, refusing one that contains itself."""
    if klass in seen:
        raise InvalidArgument(
            f"schema: {klass.__name__} contains itself; leads() cannot build it: "
            "override that field with a strategy"
        )
    try:
        return typing.get_type_hints(klass)
    except Exception as exc:
        raise InvalidArgument(
            f"schema: could not read the field types of {klass.__name__} ({exc})"
        ) from None


def _typeddict_fields(klass: Any, seen: tuple[type, ...]) -> tuple[_Field, ...]:
    """The keys of a TypedDict: those it does not require may be left out."""
    hints = _field_hints(klass, seen)
    required = getattr(klass, "__required_keys__", frozenset(hints))
    return tuple(
        _make_field(key, tp, has_default=key not in required, seen=(*seen, klass))
        for key, tp in hints.items()
    )


def _is_dict_schema(schema: Any) -> bool:
    """A schema whose leads are dicts: a mapping of names to types, or a TypedDict."""
    return isinstance(schema, Mapping) or typing.is_typeddict(schema)


def _declared_fields(cls: type) -> list[tuple[str, Any, bool, bool]]:
    """(init name, declared type, has a default, taken by __init__) for each field."""
    if attrs.has(cls):
        return [
            (f.alias or f.name, f.type, f.default is not attrs.NOTHING, f.init)
            for f in attrs.fields(cls)
        ]
    return [
        (
            f.name,
            f.type,
            f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING,
            f.init,
        )
        for f in dataclasses.fields(cls)
    ]


def _init_parameters(cls: type) -> dict[str, inspect.Parameter] | None:
    """The parameters of a class's ``__init__`` that take one named value each (not ``*args``
    or ``**kwargs``), or None when the signature cannot be read."""
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return None
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {n: p for n, p in signature.parameters.items() if p.kind in named}


def _accepts_extra(cls: Any) -> bool:
    if not isinstance(cls, type):
        return False
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover
        return False
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())


def _make_field(name: str, raw: Any, *, has_default: bool, seen: tuple[type, ...]) -> _Field:
    tp, optional = _strip_optional(raw)
    kind, choices, item = _kind(tp, name)
    nested: tuple[_Field, ...] = ()
    if kind == "nested":
        if isinstance(tp, type) and tp in seen:
            kind = "other"  # a class that contains itself: not followed
        else:
            nested = _schema_fields(tp, seen)
    return _Field(name, kind, tp, optional, has_default, choices, nested, item)


# =========================================================================== leads

_ABSENT: Any = object()


def _name_strategy(name: str, kind: str) -> SearchStrategy[Any] | None:
    """A realistic strategy for a field, chosen by its name, or None when the name says
    nothing."""
    key = ast.normalize_name(name)
    words = set(key.split())
    if kind == "text":
        if "email" in key or "e mail" in key:
            return emails()
        if "country" in words:
            return countries()
        if words & {"title", "role", "position", "job"}:
            return job_titles()
        if words & {"industry", "sector", "vertical"}:
            return industries()
        if words & {"company", "organisation", "organization", "account", "employer"}:
            return _company_name()
        if "first" in words or "given" in words:
            return st.sampled_from(_FIRST_NAMES)
        if "last" in words or "surname" in words or "family" in words:
            return st.sampled_from(_LAST_NAMES)
        if words & {"source", "channel", "utm"}:
            return st.sampled_from(_LEAD_SOURCES)
        if "city" in words:
            return st.sampled_from(_CITIES)
        if key == "id" or words & {"id", "uuid"}:
            return st.integers(1, 99_999).map(lambda n: f"L{n:05d}")
        if key == "name":
            return st.builds(
                lambda a, b: f"{a} {b}", st.sampled_from(_FIRST_NAMES), st.sampled_from(_LAST_NAMES)
            )
        return None
    if kind == "number":
        if words & {"size", "employees", "headcount", "staff"}:
            return company_sizes()
        if words & {"budget", "revenue", "arr", "mrr", "spend", "deal", "amount", "value"}:
            return _money()
        return None
    return None


def _value_strategy(field: _Field, now: dt.datetime, depth: int) -> SearchStrategy[Any]:
    """Values of a field's type (never missing: missingness is added by the caller)."""
    tp, kind = field.tp, field.kind
    by_name = _name_strategy(field.name, kind)
    if kind == "text":
        if by_name is not None:
            return by_name
        return st.one_of(st.sampled_from(_GENERIC_WORDS), st.text(min_size=1, max_size=20))
    if kind == "number":
        ints = by_name if by_name is not None else st.one_of(_log_int(0, 5), st.integers())
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
        return _datetimes_before(now)
    if kind == "date":
        return _dates_before(now)
    if kind == "choice":
        return st.sampled_from(field.choices)
    if kind == "events":
        container = tuple if typing.get_origin(tp) is tuple else list
        return _events_of(field.item, now, container, depth)
    if kind == "nested":
        if _is_dict_schema(tp):
            return _dicts(
                {
                    f.name: _maybe_missing(
                        _value_strategy(f, now, depth + 1), tuple(_missing_values(f))
                    )
                    for f in field.nested
                }
            )
        return _instances(tp, field.nested, {}, now, depth + 1)
    if kind == "list":
        item = _make_field(field.name + " item", field.item, has_default=False, seen=())
        inner = _value_strategy(item, now, depth + 1)
        made = st.lists(inner, max_size=5)
        return made.map(tuple) if typing.get_origin(tp) is tuple else made
    if kind == "any":
        return _loose_values()
    try:
        return st.from_type(tp)
    except Exception as exc:  # pragma: no cover - Hypothesis resolves lazily
        raise InvalidArgument(
            f"leads(): cannot build values of {tp!r} for field {field.name!r}; "
            f"override it: leads(..., {field.name}=<a strategy>)"
        ) from exc


def _loose_values() -> SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-1000, 100_000),
        st.sampled_from(_GENERIC_WORDS),
        st.text(max_size=10),
    )


def _events_of(item: Any, now: dt.datetime, container: Any, depth: int) -> SearchStrategy[Any]:
    """Event lists for an ``events`` field whose items are ``item``: :class:`leadrules.Event`
    when untyped, plain dicts for ``dict``, and instances of the field's own class (built from
    that class's fields) when it is an attrs class, a dataclass or a TypedDict."""
    base = events(now=now)
    item = _strip_optional(item)[0]
    if item is None or item is Any or item is Event:
        return base.map(container)
    if _is_record_class(item):
        element = _event_elements(item, _schema_fields(item), now, depth)
        return st.lists(element, max_size=12).map(container)
    origin = typing.get_origin(item) or item
    if isinstance(origin, type) and issubclass(origin, Mapping):

        def as_dicts(found: list[Event]) -> Any:
            return container(
                {"name": e.name, "at": e.at, "properties": dict(e.properties)} for e in found
            )

        return base.map(as_dicts)
    return base.map(container)  # a class leads() cannot look into


def _is_record_class(tp: Any) -> bool:
    return isinstance(tp, type) and (
        attrs.has(tp) or dataclasses.is_dataclass(tp) or typing.is_typeddict(tp)
    )


#: Realistic values of the event properties rules most often filter on, by name.
_EVENT_PROPERTY_TEXT: Mapping[str, tuple[str, ...]] = {
    "topic": _TOPICS,
    "path": _PATHS,
    "page": _PATHS,
    "url": _PATHS,
    "campaign": _CAMPAIGNS,
    "title": _WHITEPAPERS,
    "source": _LEAD_SOURCES,
    "channel": _LEAD_SOURCES,
}


def _event_parts(fields: tuple[_Field, ...]) -> tuple[_Field | None, _Field | None, _Field | None]:
    """The fields of an event class that hold its name, its time and its properties mapping
    (found as the evaluator finds them: ``name``; ``at``, else ``timestamp``; ``properties``)."""
    by_key: dict[str, _Field] = {}
    for field in fields:
        by_key.setdefault(ast.normalize_name(field.name), field)
    return by_key.get("name"), by_key.get("at") or by_key.get("timestamp"), by_key.get("properties")


def _is_open_mapping(field: _Field) -> bool:
    """A field that holds a mapping of any keys (or anything at all)."""
    if field.kind == "any":
        return True
    origin = typing.get_origin(field.tp) or field.tp
    return isinstance(origin, type) and issubclass(origin, Mapping) and field.kind != "nested"


def _event_time(field: _Field, moment: dt.datetime) -> Any:
    """``moment`` as the time field of an event class holds it."""
    tp = field.tp
    if field.kind == "date":
        return moment.date()
    if field.kind == "text":
        return moment.isoformat()
    if field.kind == "number" and isinstance(tp, type):
        seconds = int(moment.timestamp())
        if issubclass(tp, int):
            return tp(seconds)
        return tp(str(seconds)) if issubclass(tp, Decimal) else float(seconds)
    return moment


def _event_property_values(field: _Field, now: dt.datetime, depth: int) -> SearchStrategy[Any]:
    key = ast.normalize_name(field.name)
    if field.kind == "text" and key in _EVENT_PROPERTY_TEXT:
        return st.sampled_from(_EVENT_PROPERTY_TEXT[key])
    if field.kind == "number" and key == "minutes" and field.tp is int:
        return st.integers(1, 120)
    return _value_strategy(field, now, depth + 1)


def _event_elements(
    cls: type, fields: tuple[_Field, ...], now: dt.datetime, depth: int
) -> SearchStrategy[Any]:
    """Events of a class of the user's own (``Webinar(name, at, topic)``): the name is a
    realistic event name (or one of the field's choices), the time one before ``now`` in the
    field's type, a ``properties`` mapping realistic for the name, and every other field drawn
    from its type (with missing values mixed in, as for leads)."""
    name_field, time_field, props_field = _event_parts(fields)
    special = [f for f in (name_field, time_field, props_field) if f is not None]
    others = {
        f.name: _maybe_missing(_event_property_values(f, now, depth), tuple(_missing_values(f)))
        for f in fields
        if all(f is not g for g in special)
    }
    props: SearchStrategy[Any] | None = None
    if props_field is not None and not _is_open_mapping(props_field):
        props = _maybe_missing(
            _value_strategy(props_field, now, depth + 1), tuple(_missing_values(props_field))
        )
    names: SearchStrategy[tuple[Any, str]]
    if name_field is None or name_field.kind in ("text", "any", "other"):
        names = st.sampled_from(DEFAULT_EVENT_NAMES).flatmap(
            lambda n: _spellings(n).map(lambda written: (written, n))
        )
    elif name_field.kind == "choice":
        names = st.sampled_from(name_field.choices).map(
            lambda c: (c, str(c.value if isinstance(c, enum.Enum) else c))
        )
    else:
        names = _value_strategy(name_field, now, depth + 1).map(lambda v: (v, str(v)))
    seconds = 365 * 86400
    as_dict = typing.is_typeddict(cls)

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs: dict[str, Any] = {}
        value, canonical = draw(names)
        if name_field is not None:
            kwargs[name_field.name] = value
        if time_field is not None:
            age = draw(st.integers(1, seconds))
            zone = draw(st.sampled_from(_TIMEZONES))
            moment = (now - dt.timedelta(seconds=age)).astimezone(zone)
            kwargs[time_field.name] = _event_time(time_field, moment)
        if props_field is not None:
            found = draw(_properties_for(canonical) if props is None else props)
            if found is not _ABSENT:
                kwargs[props_field.name] = found
        for key, strategy in others.items():
            found = draw(strategy)
            if found is not _ABSENT:
                kwargs[key] = found
        if as_dict:
            return kwargs
        try:
            return cls(**kwargs)
        except Exception:
            # The class's own validators refused a drawn value: try another.
            reject()

    return build()


def _missing_values(field: _Field) -> list[Any]:
    options: list[Any] = []
    if field.has_default:
        options.append(_ABSENT)
    if field.optional:
        options.append(None)
    if field.kind == "text":
        options.extend(["", "   "])
    return options


@st.composite
def _maybe_missing(draw: st.DrawFn, value: SearchStrategy[Any], missing: tuple[Any, ...]) -> Any:
    """About one time in four a missing value (left out, None or blank), else a value."""
    if missing:
        roll = draw(st.integers(0, 11))
        if roll < 3:
            return missing[roll % len(missing)]
    return draw(value)


def _instances(
    cls: type,
    fields: tuple[_Field, ...],
    overrides: Mapping[str, SearchStrategy[Any]],
    now: dt.datetime,
    depth: int,
) -> SearchStrategy[Any]:
    parts: dict[str, SearchStrategy[Any]] = {}
    for field in fields:
        if field.name in overrides:
            parts[field.name] = overrides[field.name]
        elif field.kind == "nested" and depth >= 3:
            parts[field.name] = st.just(None if field.optional else _ABSENT)
        else:
            parts[field.name] = _maybe_missing(
                _value_strategy(field, now, depth), tuple(_missing_values(field))
            )
    extras: dict[str, SearchStrategy[Any]] = {}
    if _accepts_extra(cls):
        known = {ast.normalize_name(f.name) for f in fields}
        for key, strategy in _dict_fields(now).items():
            if ast.normalize_name(key) not in known:
                extras[key] = strategy
        for key, strategy in overrides.items():
            if key not in parts:
                extras[key] = strategy

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        kwargs = {}
        for key, strategy in {**parts, **extras}.items():
            value = draw(strategy)
            if value is not _ABSENT:
                kwargs[key] = value
        try:
            return cls(**kwargs)
        except Exception:
            # The class's own validators refused a drawn value: try another.
            reject()

    return build()


def _dict_fields(now: dt.datetime) -> dict[str, SearchStrategy[Any]]:
    """The fields of a schema-less lead, each with its missing values mixed in."""

    def maybe(strategy: SearchStrategy[Any], blank: bool = True) -> SearchStrategy[Any]:
        missing = (_ABSENT, None, "" if blank else None)
        return _maybe_missing(strategy, missing)

    return {
        "id": st.integers(1, 99_999).map(lambda n: f"L{n:05d}"),
        "email": maybe(emails()),
        "first_name": maybe(st.sampled_from(_FIRST_NAMES)),
        "last_name": maybe(st.sampled_from(_LAST_NAMES)),
        "job_title": maybe(job_titles()),
        "company": maybe(_company_name()),
        "company_size": maybe(_messy_number(company_sizes())),
        "industry": maybe(industries()),
        "country": maybe(countries()),
        "lead_source": maybe(st.sampled_from(_LEAD_SOURCES)),
        "budget": maybe(
            st.one_of(_money(), _money().map(lambda n: Decimal(n) / 100), _messy_number(_money()))
        ),
        "Annual Revenue (USD)": maybe(_log_int(4, 9)),
        "signed_up": maybe(st.one_of(_dates_before(now), _dates_before(now).map(str))),
        "last_seen": maybe(
            st.one_of(
                _datetimes_before(now),
                _datetimes_before(now).map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")),
            )
        ),
        "downloaded_whitepaper": maybe(_messy_bool()),
        "requested_demo": maybe(_messy_bool()),
        "booked_call": maybe(_messy_bool()),
        "subscribed": maybe(_messy_bool()),
        "address": maybe(
            st.fixed_dictionaries(
                {"country": countries()}, optional={"city": st.sampled_from(_CITIES)}
            ),
            blank=False,
        ),
        "events": maybe(events(now=now), blank=False),
    }


def _check_overrides(
    overrides: Mapping[str, Any], fields: tuple[_Field, ...] | None, open_ended: bool, what: str
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
    now = dt.datetime.now(UTC).replace(microsecond=0)
    if schema is None:
        strategies = _check_overrides(overrides, None, True, "")
        base = _dict_fields(now)
        for key in list(base):
            for override in strategies:
                if ast.normalize_name(override) == ast.normalize_name(key):
                    del base[key]
                    break
        return _dicts({**base, **strategies})
    fields = _schema_fields(schema)
    if _is_dict_schema(schema):
        title = "the schema" if isinstance(schema, Mapping) else schema.__name__
        strategies = _check_overrides(overrides, fields, False, title)
        parts = {
            f.name: strategies.get(f.name)
            or _maybe_missing(_value_strategy(f, now, 0), tuple(_missing_values(f)))
            for f in fields
        }
        return _dicts(parts)
    strategies = _check_overrides(overrides, fields, _accepts_extra(schema), schema.__name__)
    return _instances(schema, fields, strategies, now, 0)


def _dicts(parts: Mapping[str, SearchStrategy[Any]]) -> SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        lead: dict[str, Any] = {}
        for key, strategy in parts.items():
            value = draw(strategy)
            if value is not _ABSENT:
                lead[key] = value
        return lead

    return build()


# =========================================================================== rule vocabulary


@attrs.frozen
class _RuleField:
    """A name rules may test, with the kind of values it holds and realistic literals."""

    segments: tuple[str, ...]
    kind: str  # text number bool date datetime choice
    pool: tuple[Any, ...]
    key: str


@attrs.frozen
class _Vocab:
    fields: tuple[_RuleField, ...]
    events: tuple[str, ...]
    props: tuple[_RuleField, ...]
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
_STAGE_WORDS = ("MQL", "SQL", "SAL", "PQL", "Lead", "Prospect", "Opportunity", "Hot", "Nurture")
_STAGE_QUOTED = (
    "Sales Ready",
    "Sales Accepted",
    "Marketing Qualified",
    "Product Qualified",
    "Meeting Booked",
    "Très chaud",
)
_GROUP_NAMES = (
    "fit",
    "engagement",
    "intent",
    "firmographics",
    "behaviour",
    "negative signals",
    "product usage",
    "email activity",
)
_GROUP_QUOTED = ("Fit & Firmographics", "Web activity (last 30 days)", "Événements")
_LABELS = (
    "Personal email address",
    "Decision maker",
    "Big company",
    "Pricing page interest",
    'Said "yes" to a demo',
    "Webinar attendee\tlive",
    "Opened 3+ emails",
    "Fit: industry ✓",
)
_REASONS = (
    "We only sell in the UK and Ireland",
    "Competitor",
    "Student or intern",
    "Personal address: \\ no company",
    "Company too small",
    "Bounced e-mail",
)
_COMMENTS = (
    "# Who they are",
    "# What they did",
    "# Disqualifications",
    "# TODO: revisit after Q3 ## review",
    '# "quoted" and /slashes/ and `ticks`',
    "# Stages",
)

_EMAIL_PARTS = ("@gmail.com", "@competitor.com", ".co.uk", "@yahoo.com", "sales", "info", ".io")
_TITLE_WORDS = ("chief", "vp", "head", "director", "founder", "manager", "intern", "student")


def _text_pool(key: str) -> tuple[Any, ...]:
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
        return _LEAD_SOURCES
    if "path" in words:
        return _PATHS
    if "topic" in words:
        return (*_TOPICS, "AI")
    if "campaign" in words:
        return _CAMPAIGNS
    return _GENERIC_WORDS


def _number_pool(key: str) -> tuple[Any, ...]:
    words = set(key.split())
    if words & {"size", "employees", "headcount"}:
        return tuple(Decimal(v) for v in ("10", "50", "200", "500", "1000", "5000", "10000"))
    if words & {"budget", "revenue", "arr", "mrr", "spend", "usd"}:
        return tuple(Decimal(v) for v in ("1000", "10000", "50000", "250000", "1000000"))
    if "minutes" in words:
        return (Decimal(5), Decimal(30), Decimal(45), Decimal(60))
    return tuple(Decimal(v) for v in ("0", "1", "3", "10", "12.5", "100"))


def _default_vocab() -> _Vocab:
    def text(*segments: str) -> _RuleField:
        key = ".".join(ast.normalize_name(s) for s in segments)
        return _RuleField(segments, "text", _text_pool(key), key)

    def number(*segments: str) -> _RuleField:
        key = ".".join(ast.normalize_name(s) for s in segments)
        return _RuleField(segments, "number", _number_pool(key), key)

    def kind(k: str, *segments: str) -> _RuleField:
        key = ".".join(ast.normalize_name(s) for s in segments)
        return _RuleField(segments, k, (), key)

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
    return _Vocab(fields, DEFAULT_EVENT_NAMES, props, False, taken, _definition_names(taken))


def _choice_literal(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, Decimal)):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return None


def _rule_fields(items: tuple[_Field, ...], prefix: tuple[str, ...] = ()) -> list[_RuleField]:
    """The names rules may test among ``items`` (nested classes followed), with their kinds.
    Lists, events and fields of types rules cannot test are left out."""
    out: list[_RuleField] = []
    for field in items:
        if field.name.startswith("_") or _render_forms(field.name) == ():
            continue
        segments = (*prefix, field.name)
        key = ".".join(ast.normalize_name(s) for s in segments)
        if field.kind == "nested":
            out.extend(_rule_fields(field.nested, segments))
        elif field.kind == "text":
            out.append(_RuleField(segments, "text", _text_pool(key), key))
        elif field.kind == "number":
            out.append(_RuleField(segments, "number", _number_pool(key), key))
        elif field.kind in ("bool", "date", "datetime"):
            out.append(_RuleField(segments, field.kind, (), key))
        elif field.kind == "choice":
            pool = tuple(v for v in (_choice_literal(c) for c in field.choices) if v is not None)
            if pool and len({type(v) for v in pool}) == 1:
                out.append(_RuleField(segments, "choice", pool, key))
    return out


def _event_vocab(field: _Field) -> tuple[tuple[str, ...], tuple[_RuleField, ...] | None]:
    """The event names rules may use for an ``events`` field, and the properties ``where``
    may name: None when the schema does not check them (``leadrules.Event``, whose
    ``properties`` is a mapping; untyped events; an event class with a ``properties``
    mapping), else the fields of the event class itself, but its name and time (possibly
    none)."""
    item = _strip_optional(field.item)[0]
    if not _is_record_class(item):
        return DEFAULT_EVENT_NAMES, None
    fields = _schema_fields(item)
    name_field, time_field, props_field = _event_parts(fields)
    names = DEFAULT_EVENT_NAMES
    if name_field is not None and name_field.kind == "choice":
        chosen = [c.value if isinstance(c, enum.Enum) else c for c in name_field.choices]
        names = tuple(
            dict.fromkeys(
                c for c in chosen if isinstance(c, str) and c.strip() and _render_forms(c.strip())
            )
        )
    if props_field is not None and props_field.kind != "nested":
        return names, None  # the properties are a mapping: ``where`` names are open
    rest = tuple(f for f in fields if f is not name_field and f is not time_field)
    return names, tuple(_rule_fields(rest))


def _schema_vocab(schema: Any) -> _Vocab:
    top = _schema_fields(schema)
    unique: dict[str, _RuleField] = {}
    for item in _rule_fields(top):
        unique.setdefault(item.key, item)
    found = tuple(unique.values())
    keys = [f.key for f in found]
    event_fields = [
        f
        for f in top
        if f.kind == "events" and not f.name.startswith("_") and _render_forms(f.name)
    ]
    names: tuple[str, ...] = ()
    props: tuple[_RuleField, ...] = ()
    if event_fields:
        candidates, typed = _event_vocab(event_fields[0])
        names = tuple(
            n
            for n in candidates
            if not difflib.get_close_matches(ast.normalize_name(n), keys, n=1, cutoff=0.8)
        )
        props = _default_vocab().props if typed is None else typed
    if not names:
        props = ()
    taken = frozenset(keys) | {ast.normalize_name(n) for n in names} | {p.key for p in props}
    return _Vocab(found, names, props, True, taken, _definition_names(taken))


def _definition_names(taken: frozenset[str]) -> tuple[str, ...]:
    """Definition names no field or event name is close to (the checker would otherwise take
    a field for a misspelt definition and suggest it)."""
    return tuple(
        name
        for name in _DEFINITION_NAMES
        if not difflib.get_close_matches(name, sorted(taken), n=1, cutoff=0.8)
    )


@functools.lru_cache(maxsize=4096)
def _render_forms(segment: str) -> tuple[str, ...]:
    """The ways a name segment can be written in a rule: as words, as one word, in
    backticks."""
    forms: list[str] = []
    words = segment.replace("_", " ").split()
    if words and all(_WORD.match(w) and not is_reserved(w) for w in words):
        forms.append(" ".join(words))
    if _WORD.match(segment) and not is_reserved(segment):
        forms.append(segment)
    plain = segment == segment.strip() and not segment.startswith("_")
    if plain and segment and not any(c in segment for c in "`\n\r"):
        forms.append(f"`{segment}`")
    return tuple(dict.fromkeys(forms))


# =========================================================================== rule rendering


class _File:
    """What one generated rule file has so far."""

    def __init__(self, draw: st.DrawFn, vocab: _Vocab) -> None:
        self.draw = draw
        self.vocab = vocab
        self.defined: list[str] = []
        self.case = self.pick(("lower", "lower", "upper", "title", "mixed"))
        self.stage_keys: set[str] = set()
        self.thresholds: set[Decimal] = set()
        self.group_keys: set[str] = set()
        self.definition_pool = vocab.definition_names

    # ---- choices (an index drawn from a cached strategy: quick to draw, shrinks to the first)

    def pick(self, options: Sequence[_T]) -> _T:
        if len(options) == 1:
            return options[0]
        return options[self.draw(st.integers(0, len(options) - 1))]

    def shuffle(self, items: Sequence[_T]) -> list[_T]:
        rest = list(items)
        out = []
        while rest:
            out.append(rest.pop(self.draw(st.integers(0, len(rest) - 1)) if len(rest) > 1 else 0))
        return out

    def some(self, options: Sequence[_T], low: int, high: int) -> list[_T]:
        """Between ``low`` and ``high`` different items of ``options``."""
        count = min(self.draw(st.integers(low, high)), len(options))
        return self.shuffle(options)[:count]

    # ---- words

    def kw(self, text: str) -> str:
        case = self.case
        if case == "mixed":
            case = self.pick(("lower", "upper", "title"))
        if case == "upper":
            return text.upper()
        if case == "title":
            return text.title()
        return text

    def name(self, segments: tuple[str, ...]) -> str:
        parts = []
        for segment in segments:
            forms = _render_forms(segment)
            form = self.pick(forms)
            if not form.startswith("`") and self.draw(st.integers(0, 5)) == 0:
                titled = form.title()  # names ignore case; keep it only if that holds here
                if ast.normalize_name(titled) == ast.normalize_name(form):
                    form = titled
            parts.append(form)
        return ".".join(parts)

    # ---- literals

    def string(self, text: str) -> str:
        quote = self.pick(('"', '"', "'"))
        out = []
        for ch in text:
            if ch == "\\":
                out.append("\\\\")
            elif ch == quote:
                out.append("\\" + quote)
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\t":
                out.append("\\t")
            elif ch == "\r":
                out.append("\\r")
            elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ord(ch) < 0x10000:
                out.append(f"\\u{ord(ch):04x}")  # would break a line, or is invisible
            else:
                out.append(ch)
        return quote + "".join(out) + quote

    def any_text(self, pool: Sequence[str]) -> str:
        if self.draw(st.integers(0, 7)) == 0:
            return self.draw(st.text(min_size=1, max_size=12))
        return self.pick(pool)

    def number(self, value: Decimal) -> str:
        text = ast._format_decimal(value)
        if "." not in text and abs(value) >= 10_000 and self.draw(st.booleans()):
            sign = "-" if text.startswith("-") else ""
            digits = text.lstrip("-")
            groups: list[str] = []
            while digits:
                groups.insert(0, digits[-3:])
                digits = digits[:-3]
            text = sign + "_".join(groups)
        return text

    def points(self) -> str:
        value = self.draw(
            st.sampled_from(
                tuple(Decimal(v) for v in ("5", "10", "20", "1", "2.5", "15", "25", "30", "50"))
            )
        )
        sign = self.pick(("+", "+", "+", "-"))
        return sign + self.number(value)

    def date(self, timed: bool | None = None) -> tuple[str, dt.datetime]:
        """An ISO date or date-time literal, and the moment it stands for (UTC)."""
        day = dt.datetime(2024, 1, 1, tzinfo=UTC) + dt.timedelta(
            days=self.draw(st.integers(0, 3 * 365))
        )
        if timed is None:
            timed = self.draw(st.integers(0, 3)) == 0
        if not timed:
            return day.date().isoformat(), day
        hour = self.draw(st.integers(0, 23))
        minute = self.pick((0, 30))
        offset, zone = self.draw(
            st.sampled_from(
                (
                    ("", UTC),
                    ("Z", UTC),
                    ("+01:00", dt.timezone(dt.timedelta(hours=1))),
                    ("-05:00", dt.timezone(dt.timedelta(hours=-5))),
                )
            )
        )
        seconds = self.pick(("", ":00", ":15.5"))
        moment = dt.datetime.combine(day.date(), dt.time(hour, minute), zone)
        if seconds == ":15.5":
            moment += dt.timedelta(seconds=15.5)
        text = f"{day.date().isoformat()}T{hour:02d}:{minute:02d}{seconds}{offset}"
        return text, moment

    def duration(self) -> str:
        amount = self.pick(("1", "2", "7", "14", "30", "90", "1.5", "12"))
        unit = self.pick(ast.UNITS)
        if amount == "1" and self.draw(st.booleans()):
            unit = unit[:-1]
        return f"{amount} {self.kw(unit)}"

    def literal(self, field: _RuleField) -> str:
        if field.kind == "text":
            return self.string(self.any_text(field.pool))
        if field.kind == "number":
            return self.number(self.pick(field.pool))
        if field.kind == "bool":
            return self.kw(self.pick(("true", "false")))
        if field.kind in ("date", "datetime"):
            return self.date()[0]
        value = self.pick(field.pool)  # choice
        if isinstance(value, bool):
            return self.kw("true" if value else "false")
        if isinstance(value, str):
            return self.string(value)
        return self.number(value)

    def regex(self, field: _RuleField) -> str:
        words = [w for w in (_slug(str(p)) for p in field.pool) if w]
        if not words or field.key.endswith("title") or "title" in field.key.split():
            words = list(_TITLE_WORDS)
        picks = self.some(sorted(set(words)), 1, 3)
        alternatives = "|".join(picks)
        templates = (
            f"\\b({alternatives})\\b",
            f"^({alternatives})",
            f"({alternatives})$",
            f"^[a-z0-9._%+-]+@({alternatives})",
            f"(?:{alternatives}).*",
            "\\.(io|ai|dev)\\s*$",
            "^\\/pricing",
            "\\d{2,4}",
            "^\\s*[A-Z]{2}\\s*$",
        )
        pattern = self.pick(templates)
        flags = self.pick(("", "i"))
        return f"/{pattern}/{flags}"

    # ---- conditions

    def test(self, field: _RuleField, *, in_where: bool = False) -> str:
        """A test about one field (or, with ``in_where``, one event property)."""
        name = self.name(field.segments)
        kinds = ["compare", "presence", "in"]
        if field.kind == "text":
            kinds += ["text", "matches"]
        if field.kind in ("number", "date", "datetime"):
            kinds += ["order", "order", "order", "between", "between"]
        if field.kind in ("choice", "bool"):
            kinds = ["compare", "presence"] + (["in"] if field.kind == "choice" else [])
        if not self.vocab.strict and self.draw(st.integers(0, 9)) == 0:
            kinds += ["order", "text", "between"]  # the wrong operator for the data
        kind = self.pick(kinds)
        if kind == "presence":
            words = self.draw(
                st.sampled_from(("is missing", "is present", "is not missing", "is not present"))
            )
            return f"{name} " + " ".join(self.kw(w) for w in words.split())
        if kind == "compare":
            op = self.pick(("=", "==", "is", "!=", "<>", "is not"))
            op = " ".join(self.kw(w) for w in op.split())
            return f"{name} {op} {self.literal(field)}"
        if kind == "order":
            op = self.pick(("<", "<=", ">", ">="))
            value = (
                self.literal(field)
                if field.kind in ("number", "date", "datetime")
                else self.number(self.pick(_number_pool("")))
            )
            return f"{name} {op} {value}"
        if kind == "between":
            negated = self.draw(st.booleans())
            low, high = self.bounds(field)
            word = self.kw("not") + " " if negated else ""
            return f"{name} {word}{self.kw('between')} {low} {self.kw('and')} {high}"
        if kind == "in":
            items = [self.literal(field) for _ in range(self.draw(st.integers(0, 4)))]
            trailing = "," if items and self.draw(st.integers(0, 4)) == 0 else ""
            op = self.pick(("in", "not in"))
            op = " ".join(self.kw(w) for w in op.split())
            return f"{name} {op} [{', '.join(items)}{trailing}]"
        if kind == "text":
            op = self.pick(("contains", "starts with", "ends with"))
            op = " ".join(self.kw(w) for w in op.split())
            pool = field.pool if field.kind == "text" else _GENERIC_WORDS
            return f"{name} {op} {self.string(self.any_text(pool))}"
        return f"{name} {self.kw('matches')} {self.regex(field)}"

    def bounds(self, field: _RuleField) -> tuple[str, str]:
        if field.kind in ("date", "datetime"):
            timed = self.draw(st.booleans())
            a_text, a = self.date(timed)
            b_text, b = self.date(timed)
            return (a_text, b_text) if (a, a_text) <= (b, b_text) else (b_text, a_text)
        pool = field.pool if field.kind == "number" else _number_pool("")
        a, b = sorted((self.pick(pool), self.pick(pool)))
        return self.number(a), self.number(b)

    def event_fact(self, *, windows_only: bool = False) -> str:
        name = self.name((self.pick(self.vocab.events),))
        mods: list[str] = []
        if not windows_only and self.draw(st.booleans()):
            n = self.draw(st.integers(0, 5))
            op = self.pick(("at least", "at most"))
            times = self.pick(("times", "times", "time"))
            mods.append(" ".join(self.kw(w) for w in (*op.split(), str(n), times)))
        for _ in range(self.draw(st.integers(0, 2))):
            mods.append(self.window())
        if self.vocab.props and self.draw(st.integers(0, 2)) == 0:
            mods.append(f"{self.kw('where')} {self.where()}")
        mods = self.shuffle(mods)
        return " ".join([name, *mods])

    def window(self) -> str:
        kind = self.pick(("within", "since", "before", "after"))
        if kind == "within":
            return f"{self.kw('within')} {self.duration()}"
        return f"{self.kw(kind)} {self.date()[0]}"

    def where(self) -> str:
        props = self.vocab.props
        form = self.draw(st.integers(0, 4))
        facts = [p for p in props if p.kind == "bool" or not self.vocab.strict]
        if form == 0 and facts:
            return self.name(self.pick(facts).segments)
        if form == 1:
            return f"{self.kw('not')} {self.test(self.pick(props), in_where=True)}"
        if form == 2:
            a = self.test(self.pick(props), in_where=True)
            b = self.test(self.pick(props), in_where=True)
            joiner = self.kw(self.pick(("and", "or")))
            return f"({a} {joiner} {b})"
        return self.test(self.pick(props), in_where=True)

    def atom(self) -> tuple[str, int, bool]:
        """(text, precedence, mentions an event). Precedence: 0 or, 1 and, 2 not/atom."""
        vocab = self.vocab
        kinds = ["fact", "test", "test", "test"]
        if self.defined:
            kinds.append("definition")
        if vocab.events:
            kinds.append("event")
        if any(f.kind in ("date", "datetime") for f in vocab.fields):
            kinds.append("date window")
        kind = self.pick(kinds)
        if kind == "definition":
            return self.pick(self.defined), 2, False
        if kind == "event":
            return self.event_fact(), 2, True
        if kind == "date window":
            field = self.draw(
                st.sampled_from([f for f in vocab.fields if f.kind in ("date", "datetime")])
            )
            windows = [self.window() for _ in range(self.draw(st.integers(1, 2)))]
            return " ".join([self.name(field.segments), *windows]), 2, False
        if kind == "fact":
            facts = [f for f in vocab.fields if f.kind == "bool" or not vocab.strict]
            if vocab.events:
                return (
                    self.name((self.pick(vocab.events),)),
                    2,
                    True,
                )
            if not facts:
                kind = "test"
            else:
                return self.name(self.pick(facts).segments), 2, False
        if not vocab.fields:
            return self.event_fact(), 2, True
        return self.test(self.pick(vocab.fields)), 2, False

    def cond(self, depth: int = 2) -> tuple[str, int, bool]:
        shape = self.draw(st.integers(0, 5)) if depth > 0 else 0
        if shape <= 2:
            text, prec, event = self.atom()
            if shape == 2 and depth > 0 and self.draw(st.integers(0, 3)) == 0:
                return f"({text})", 2, event
            return text, prec, event
        if shape == 3:
            inner, prec, event = self.cond(depth - 1)
            if prec < 2:
                inner = f"({inner})"
            return f"{self.kw('not')} {inner}", 2, event
        operands = [self.cond(depth - 1) for _ in range(self.draw(st.integers(2, 3)))]
        if shape == 4:
            parts = [t if p >= 1 else f"({t})" for t, p, _ in operands]
            joiner, prec = "and", 1
        else:
            parts = [t for t, _, _ in operands]
            joiner, prec = "or", 0
        text = f" {self.kw(joiner)} ".join(parts)
        return text, prec, any(e for _, _, e in operands)

    # ---- statements

    def label(self) -> str:
        return f"{self.kw('as')} {self.string(self.any_text(_LABELS))}"

    def score_rule(self) -> str:
        points = self.points()
        vocab = self.vocab
        numbers = [f for f in vocab.fields if f.kind == "number"]
        per_kinds = (["event"] if vocab.events else []) + (["number"] if numbers else [])
        shape = self.draw(st.integers(0, 5))
        options: list[str] = []
        if shape == 5 and per_kinds:
            target = self.pick(per_kinds)
            if target == "event":
                body = f"{self.kw('per')} {self.per_event()}"
                if self.draw(st.booleans()):
                    options.append(self.decay())
            else:
                field = self.pick(numbers)
                body = f"{self.kw('per')} {self.name(field.segments)}"
            if self.draw(st.booleans()):
                cap = self.pick(("10", "15", "30", "0", "12.5"))
                options.append(f", {self.kw('up')} {self.kw('to')} {cap}")
        elif shape == 4 and vocab.events:
            fact = self.event_fact()
            extra = ""
            if self.draw(st.booleans()):
                text, prec, _ = self.cond(1)
                extra = f" {self.kw('and')} " + (text if prec >= 1 else f"({text})")
            body = f"{self.kw('when')} {fact}{extra}"
            options.append(self.decay())
        else:
            text, _, _ = self.cond()
            body = f"{self.kw('when')} {text}"
        if self.draw(st.integers(0, 2)) == 0:
            options.append(" " + self.label())
        if len(options) > 1:
            options = self.shuffle(options)
        return f"{points} {body}{''.join(options)}"

    def per_event(self) -> str:
        name = self.name((self.pick(self.vocab.events),))
        mods = []
        if self.vocab.props and self.draw(st.integers(0, 2)) == 0:
            mods.append(f"{self.kw('where')} {self.where()}")
        if self.draw(st.booleans()):
            mods.append(self.window())
        return " ".join([name, *mods])

    def decay(self) -> str:
        percent = self.pick(("50", "10", "100", "25", "12.5", "1"))
        return f", {self.kw('decaying')} {percent}% {self.kw('every')} {self.duration()}"

    def define(self) -> str | None:
        free = [d for d in self.definition_pool if d not in self.defined]
        if not free:
            return None
        name = self.pick(free)
        text, _, _ = self.cond()
        written = name if self.draw(st.integers(0, 3)) else name.title()
        self.defined.append(name)
        return f"{self.kw('define')} {written} {self.kw('as')} {text}"

    def disqualify(self) -> str:
        text, _, _ = self.cond()
        line = f"{self.kw('disqualify')} {self.kw('when')} {text}"
        if self.draw(st.booleans()):
            line += f" {self.kw('because')} {self.string(self.any_text(_REASONS))}"
        return line

    def stage(self) -> str | None:
        words = [w for w in _STAGE_WORDS if ast.normalize_name(w) not in self.stage_keys]
        quoted = [q for q in _STAGE_QUOTED if ast.normalize_name(q) not in self.stage_keys]
        if not words and not quoted:
            return None
        use_quoted = bool(quoted) and (not words or self.draw(st.integers(0, 3)) == 0)
        name = self.pick(quoted if use_quoted else words)
        self.stage_keys.add(ast.normalize_name(name))
        threshold = Decimal(self.draw(st.integers(0, 30)) * 5)
        if self.draw(st.integers(0, 5)) == 0:
            threshold += Decimal("0.5")
        while threshold in self.thresholds:
            threshold += 1
        self.thresholds.add(threshold)
        written = self.string(name) if use_quoted else name
        line = f"{written} {self.kw('at')} {self.number(threshold)}"
        if self.draw(st.integers(0, 2)) == 0:
            line += f" {self.kw('when')} {self.cond()[0]}"
        return line

    def group(self) -> list[str] | None:
        free = [g for g in _GROUP_NAMES if ast.normalize_name(g) not in self.group_keys]
        quoted = [g for g in _GROUP_QUOTED if ast.normalize_name(g) not in self.group_keys]
        if not free and not quoted:
            return None
        use_quoted = bool(quoted) and (not free or self.draw(st.integers(0, 3)) == 0)
        name = self.pick(quoted if use_quoted else free)
        self.group_keys.add(ast.normalize_name(name))
        header = f"{self.kw('group')} {self.string(name) if use_quoted else name}"
        limits = []
        high = low = None
        if self.draw(st.booleans()):
            high = self.draw(st.integers(0, 20)) * 5
            limits.append(f"{self.kw('max')} {high}")
        if self.draw(st.integers(0, 2)) == 0:
            low = self.draw(st.integers(-20, 4)) * 5
            if high is not None and low > high:
                low = high
            limits.append(f"{self.kw('min')} {low}")
        if len(limits) > 1:
            limits = self.shuffle(limits)
        head = " ".join([header, *limits]) + ":"
        if self.draw(st.integers(0, 4)) == 0:
            head += "  " + self.pick(_COMMENTS)
        indent = self.pick(("    ", "    ", "  ", "\t"))
        if indent == "\t":
            indent = "    "
        lines = [head]
        for _ in range(self.draw(st.integers(1, 3))):
            if self.draw(st.integers(0, 6)) == 0:
                lines.append(indent + self.pick(_COMMENTS))
            rules = [self.score_rule() for _ in range(self.draw(st.integers(1, 2)))]
            lines.append(indent + "; ".join(rules))
        return lines


_STATEMENT_KINDS = st.lists(
    st.sampled_from(("rule", "define", "stage", "disqualify", "group", "comment")),
    min_size=1,
    max_size=8,
)


@st.composite
def _rule_file(draw: st.DrawFn, vocab: _Vocab) -> str:
    f = _File(draw, vocab)
    kinds = draw(_STATEMENT_KINDS)
    lines: list[str] = []
    pending: list[str] = []  # simple statements waiting to be written on one line

    def flush() -> None:
        if pending:
            end = ";" if draw(st.integers(0, 9)) == 0 else ""
            lines.append("; ".join(pending) + end)
            pending.clear()

    for kind in kinds:
        if kind == "group":
            block = f.group()
            if block is not None:
                flush()
                lines.extend(block)
            continue
        if kind == "comment":
            flush()
            lines.append(f.pick(_COMMENTS))
            continue
        if kind == "rule":
            statement: str | None = f.score_rule()
        elif kind == "define":
            statement = f.define()
        elif kind == "stage":
            statement = f.stage()
        else:
            statement = f.disqualify()
        if statement is None:
            continue
        if pending and draw(st.integers(0, 3)) != 0:
            flush()
        pending.append(statement)
        if draw(st.integers(0, 9)) == 0:
            pending[-1] += "  " + f.pick(_COMMENTS)
            flush()
    flush()
    if draw(st.integers(0, 4)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), "")
    return "\n".join(lines) + ("\n" if draw(st.integers(0, 4)) else "")


@functools.cache
def _warm_up() -> None:
    """Compile once now, so that building the parser does not happen inside (and slow down)
    the first example of a test."""
    compile_rules("+1 when warm")


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
    _warm_up()
    vocab = _default_vocab() if schema is None else _schema_vocab(schema)
    if not vocab.fields and not vocab.events:
        raise InvalidArgument(
            "rule_sources(): the schema has no field rules can use "
            "(text, numbers, true/false, dates, choices or events)"
        )
    return _rule_file(vocab)


def rulesets(schema: Any = None) -> SearchStrategy[RuleSet]:
    """Compiled rule sets: :func:`rule_sources` passed through :func:`leadrules.compile`
    (against ``schema`` when given)."""
    sources = rule_sources(schema)
    return sources.map(lambda text: compile_rules(text, schema=schema, filename="<generated>"))
