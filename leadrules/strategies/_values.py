"""Realistic values, and the messy forms CRM exports give them: the pools (countries, e-mail
domains, industries, job titles, company and person names, event names, ...) and the small
strategies that draw from them (``emails()``, ``countries()``, ``company_sizes()``, ...,
numbers and yes/no values as text, loose values of any type, a realistic strategy chosen by a
field's name).

Nothing here knows about schemas, leads or rule files: ``_leads`` and ``_events`` build records
out of these values, ``_vocab`` and ``_rules`` write them as literals.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ..lang import ast

UTC = dt.timezone.utc

# =========================================================================== pools

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

FIRST_NAMES = (
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
LAST_NAMES = (
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

LEAD_SOURCES = (
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
CITIES = ("London", "Dublin", "Manchester", "Cork", "Berlin", "Paris", "New York", "Toronto")
CAMPAIGNS = ("June newsletter", "Webinar invite", "Pricing update", "Autumn product news")
TOPICS = ("AI in sales", "Lead scoring 101", "Pipeline basics", "Buying signals")
WHITEPAPERS = ("MQL vs SQL: A Practical Guide", "Buying Signals That Matter", "State of B2B")
PATHS = ("/pricing", "/pricing#enterprise", "/pricing?plan=team", "/features", "/")
_YES_NO_TEXT = ("yes", "no", "true", "false", "TRUE", "False", "1", "0", "Y", "N", "on", "off")
GENERIC_WORDS = (
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


# =========================================================================== strategies


def log_int(low_exp: int, high_exp: int) -> SearchStrategy[int]:
    """Whole numbers spread evenly over orders of magnitude (10**low_exp .. 10**high_exp),
    shrinking towards 10**low_exp."""
    steps = (high_exp - low_exp) * 100
    return st.integers(0, steps).map(lambda k: round(10 ** (low_exp + k / 100)))


def company_sizes() -> SearchStrategy[int]:
    """Employee counts from 1 to about 200,000, log-distributed as real companies are."""
    return st.integers(0, 530).map(lambda k: max(1, round(10 ** (k / 100))))


def company_names() -> SearchStrategy[str]:
    return st.builds(
        lambda stem, suffix: f"{stem} {suffix}",
        st.sampled_from(_COMPANY_STEMS),
        st.sampled_from(_COMPANY_SUFFIXES),
    )


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower()) or "x"


_FIRST = st.sampled_from(FIRST_NAMES)
_LAST = st.sampled_from(LAST_NAMES)
_PERSONAL_DOMAINS = st.sampled_from(PERSONAL_EMAIL_DOMAINS)
_STEMS = st.sampled_from(_COMPANY_STEMS)
_TLDS = st.sampled_from(_CORPORATE_TLDS)
_SENIORITIES = st.sampled_from(sorted(JOB_TITLES_BY_SENIORITY))
_TEMPLATES = {k: st.sampled_from(v) for k, v in JOB_TITLES_BY_SENIORITY.items()}
_BUSINESS_FUNCTIONS = st.sampled_from(_FUNCTIONS)
_TENTHS = st.integers(0, 9)


@st.composite
def emails(draw: st.DrawFn) -> str:
    """Corporate (``ann.lee@acme.io``) and personal (``ann.lee@gmail.com``) addresses."""
    first = slug(draw(_FIRST))
    last = slug(draw(_LAST))
    local = draw(
        st.sampled_from(
            (f"{first}.{last}", f"{first[0]}.{last}", first, f"{first}{last}", f"{first}_{last}")
        )
    )
    if draw(st.booleans()):
        domain = draw(_PERSONAL_DOMAINS)
    else:
        stem = slug(draw(_STEMS))
        domain = f"{stem}.{draw(_TLDS)}"
        if draw(st.integers(0, 19)) == 0:
            domain = "competitor.com"
    address = f"{local}@{domain}"
    style = draw(_TENTHS)
    if style == 0:
        address = address.upper()
    elif style == 1:
        address = f" {address} "
    return address


@st.composite
def job_titles(draw: st.DrawFn) -> str:
    """Job titles of every seniority, from Intern to CEO."""
    seniority = draw(_SENIORITIES)
    template = draw(_TEMPLATES[seniority])
    title = template.format(f=draw(_BUSINESS_FUNCTIONS))
    if draw(_TENTHS) == 0:
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


def money() -> SearchStrategy[int]:
    return log_int(2, 7)


def dates_before(now: dt.datetime, days: int = 3 * 365) -> SearchStrategy[dt.date]:
    return st.integers(0, days).map(lambda k: (now - dt.timedelta(days=k)).date())


def datetimes_before(now: dt.datetime, days: int = 365) -> SearchStrategy[dt.datetime]:
    return st.integers(0, days * 86400).map(lambda s: now - dt.timedelta(seconds=s))


def messy_number(number: SearchStrategy[int]) -> SearchStrategy[Any]:
    """A number, or the same number as text the way CSV exports carry it."""
    return st.builds(
        lambda n, style: (
            n if style > 2 else (str(n) if style == 0 else f"{n:,}" if style == 1 else f" {n} ")
        ),
        number,
        st.integers(0, 9),
    )


def messy_bool() -> SearchStrategy[Any]:
    return st.one_of(st.booleans(), st.sampled_from(_YES_NO_TEXT))


def loose_values() -> SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-1000, 100_000),
        st.sampled_from(GENERIC_WORDS),
        st.text(max_size=10),
    )


def lead_ids() -> SearchStrategy[str]:
    """Lead ids such as ``L00042``."""
    return st.integers(1, 99_999).map(lambda n: f"L{n:05d}")


def values_by_name(name: str, kind: str) -> SearchStrategy[Any] | None:
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
            return company_names()
        if "first" in words or "given" in words:
            return st.sampled_from(FIRST_NAMES)
        if "last" in words or "surname" in words or "family" in words:
            return st.sampled_from(LAST_NAMES)
        if words & {"source", "channel", "utm"}:
            return st.sampled_from(LEAD_SOURCES)
        if "city" in words:
            return st.sampled_from(CITIES)
        if key == "id" or words & {"id", "uuid"}:
            return lead_ids()
        if key == "name":
            return st.builds(
                lambda a, b: f"{a} {b}", st.sampled_from(FIRST_NAMES), st.sampled_from(LAST_NAMES)
            )
        return None
    if kind == "number":
        if words & {"size", "employees", "headcount", "staff"}:
            return company_sizes()
        if words & {"budget", "revenue", "arr", "mrr", "spend", "deal", "amount", "value"}:
            return money()
        return None
    return None
