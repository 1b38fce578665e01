"""Workloads on data as users have it (issue 16), deterministic, and the same rules written by
hand with the same meaning on this data (the baselines every contender is checked against):

- the fields workload (the issue-7 rules and one rule on a float field) in three variants:
  ``ints`` (JSON ints), ``floats`` (``budget`` and ``annual_revenue`` as JSON floats, some
  null) and ``text`` (every value as text, as a CSV gives it);
- an events workload: leads with 0 to 50 events each (25 on average), names in mixed case,
  timestamps half ISO text (as JSON gives them) and half ``datetime``, six event rules;
- a CRM export as a CSV file (13 columns of messy text) with an events file, for the CLI.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import workload

# ----------------------------------------------------------------------------- fields

_BUDGET_RULE = '    +10 when budget >= 10000 as "Budget of 10k or more"\n'
_REVENUE_RULE = '    +10 when annual revenue > 1000000 as "Revenue over 1M"\n'
assert _BUDGET_RULE in workload.RULES
#: The issue-7 rules with one more rule on a number field that is a float in JSON.
FIELDS_RULES = workload.RULES.replace(_BUDGET_RULE, _BUDGET_RULE + _REVENUE_RULE)
_FIT_END = workload.LABELS.index("Budget of 10k or more") + 1
LABELS = (*workload.LABELS[:_FIT_END], "Revenue over 1M", *workload.LABELS[_FIT_END:])

VARIANTS = ("ints", "floats", "text")


def _texts(lead: dict[str, Any]) -> dict[str, Any]:
    """The lead as a CSV gives it: every value text, a null an empty cell."""
    out: dict[str, Any] = {}
    for key, value in lead.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, float):
            out[key] = f"{value:.2f}"
        else:
            out[key] = str(value)
    return out


def make_field_leads(n: int, variant: str, seed: int = 7) -> list[dict[str, Any]]:
    """The issue-7 leads with an ``annual_revenue``; in ``floats`` and ``text`` the budget
    and the revenue have cents (and 10% of revenues are null)."""
    rng = random.Random(seed)
    leads = []
    for i in range(n):
        lead = workload.make_lead(rng, i)
        revenue = round(10 ** rng.uniform(4, 7.5), 2)
        if variant == "ints":
            lead["annual_revenue"] = int(revenue)
        else:
            if isinstance(lead.get("budget"), int):
                lead["budget"] = lead["budget"] + rng.choice((0.0, 0.5, 0.25, -0.01))
            lead["annual_revenue"] = None if rng.random() < 0.1 else revenue
            if variant == "text":
                lead = _texts(lead)
        leads.append(lead)
    return leads


def _fields_by_hand(
    title: str,
    size: Any,
    email: str,
    budget: Any,
    revenue: Any,
    country: str,
    industry: str,
    whitepaper: bool,
    demo: bool,
    views: int,
    webinars: int,
) -> tuple[int, str | None, list[str]]:
    fired: list[str] = []
    add = fired.append
    fit = 0
    if "director" in title or title.startswith("vp"):
        fit += 20
        add("Decision maker")
    if size is not None and 200 <= size <= 5000:
        fit += 15
        add("Mid-sized company")
    if industry in ("software", "fintech", "healthcare"):
        fit += 10
        add("Target industry")
    if email.endswith("@gmail.com"):
        fit -= 10
        add("Personal email")
    if budget is None:
        fit -= 5
        add("No budget given")
    elif budget >= 10000:
        fit += 10
        add("Budget of 10k or more")
    if revenue is not None and revenue > 1000000:
        fit += 10
        add("Revenue over 1M")
    fit = min(fit, 50)
    engagement = 0
    if whitepaper:
        engagement += 20
        add("Downloaded the whitepaper")
    if demo:
        engagement += 30
        add("Requested a demo")
    points = min(2 * views, 20)
    if points:
        engagement += points
        add("Page views")
    if webinars >= 2:
        engagement += 10
        add("Two or more webinars")
    if "student" in title or "intern" in title:
        engagement -= 15
        add("Student or intern")
    engagement = min(engagement, 60)
    score = fit + engagement
    if country == "gb" and size is not None and size >= 50:
        score += 5
        add("UK company")
    if country not in ("gb", "ie", "us", "de") or email.endswith("@competitor.com"):
        return score, None, fired
    if score >= 80 and demo:
        return score, "SQL", fired
    if score >= 50:
        return score, "MQL", fired
    return score, None, fired


def _text(value: Any) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


def typed_by_hand(lead: dict[str, Any]) -> tuple[int, str | None, list[str]]:
    """The fields rules by hand, for JSON values (ints or floats, null or absent)."""
    get = lead.get
    return _fields_by_hand(
        _text(get("job_title")),
        get("company_size"),
        _text(get("email")),
        get("budget"),
        get("annual_revenue"),
        _text(get("country")),
        _text(get("industry")),
        bool(get("downloaded_whitepaper")),
        bool(get("requested_demo")),
        get("page_views", 0),
        get("webinars_attended", 0),
    )


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    return float(text) if text else None


def _flag(text: str | None) -> bool:
    return text is not None and text.strip().casefold() == "true"


def text_by_hand(lead: dict[str, str]) -> tuple[int, str | None, list[str]]:
    """The fields rules by hand, for values that are all text (an empty cell is no value)."""
    get = lead.get
    return _fields_by_hand(
        _text(get("job_title")),
        _number(get("company_size")),
        _text(get("email")),
        _number(get("budget")),
        _number(get("annual_revenue")),
        _text(get("country")),
        _text(get("industry")),
        _flag(get("downloaded_whitepaper")),
        _flag(get("requested_demo")),
        int(get("page_views") or 0),
        int(get("webinars_attended") or 0),
    )


# ----------------------------------------------------------------------------- events

EVENT_RULES = workload.EVENT_RULES
EVENT_LABELS = (
    "Recent whitepaper",
    "Opened emails",
    "Pricing page, 3 times",
    "Enterprise pricing",
    "Webinar (fading)",
    "Hardly opens emails",
)
NOW = workload.EVENT_NOW
_CASES = (str.lower, str.title, str.upper, str.capitalize)


def make_event_leads(n: int, seed: int = 11) -> list[dict[str, Any]]:
    """Leads with 0 to 50 events each over the 200 days before NOW: names in mixed case
    (``Opened Email``, ``OPENED EMAIL``), times as ISO text (``...Z`` or ``+00:00``, with
    seconds or milliseconds) for half of them, as ``datetime`` for the others."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        items = []
        for _ in range(rng.randrange(0, 51)):
            name = rng.choice(_CASES)(rng.choice(workload._EVENT_NAMES))
            at = NOW - dt.timedelta(seconds=rng.randrange(0, 200 * 86400))
            shape = rng.randrange(4)
            when: Any
            if shape == 0:
                when = at
            elif shape == 1:
                when = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif shape == 2:
                when = at.isoformat()
            else:
                when = at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{rng.randrange(1000):03d}Z"
            event: dict[str, Any] = {"name": name, "at": when}
            if name.lower() == "visited pricing page":
                event["properties"] = {"path": rng.choice(workload._PATHS)}
            else:
                event["properties"] = {}
            items.append(event)
        out.append({"id": f"E{i:05d}", "email": f"user{i}@acme.com", "events": items})
    return out


_DAY = 86400.0
_CENT = Decimal("0.01")


def events_by_hand(lead: dict[str, Any]) -> tuple[Decimal, str | None, list[str]]:
    """The event rules by hand: each event's name folded, its time parsed (ISO text with
    ``datetime.fromisoformat``), and the same windows counted."""
    now = NOW
    whitepaper = opened30 = opened90 = pricing14 = enterprise = 0
    webinar: dt.datetime | None = None
    for event in lead["events"]:
        at = event["at"]
        if at.__class__ is str:
            at = dt.datetime.fromisoformat(at)
        age = (now - at).total_seconds()
        if age < 0:
            continue
        name = event["name"].strip().casefold()
        if name == "opened email":
            if age <= 30 * _DAY:
                opened30 += 1
            if age <= 90 * _DAY:
                opened90 += 1
        elif name == "visited pricing page":
            if age <= 14 * _DAY:
                pricing14 += 1
            if event["properties"]["path"].strip().casefold() != "/pricing":
                enterprise += 1
        elif name == "downloaded whitepaper":
            if age <= 90 * _DAY:
                whitepaper += 1
        elif name == "attended webinar" and (webinar is None or at > webinar):
            webinar = at
    fired: list[str] = []
    score = Decimal(0)
    if whitepaper:
        score += 20
        fired.append("Recent whitepaper")
    if opened30:
        score += min(5 * opened30, 15)
        fired.append("Opened emails")
    if pricing14 >= 3:
        score += 25
        fired.append("Pricing page, 3 times")
    if enterprise:
        score += 10
        fired.append("Enterprise pricing")
    if webinar is not None:
        seconds = (now - webinar).total_seconds()
        points = Decimal(20)
        if seconds > 0:
            factor = math.pow(0.5, seconds / (30 * _DAY))
            points = (points * Decimal(repr(factor))).quantize(_CENT, ROUND_HALF_EVEN)
        score += points
        fired.append("Webinar (fading)")
    if opened90 <= 1:
        score -= 10
        fired.append("Hardly opens emails")
    return score, ("MQL" if score >= 50 else None), fired


# ----------------------------------------------------------------------------- a CRM export

#: The export's 13 columns, as a CRM names them.
CSV_HEADER = (
    "Record ID",
    "Email",
    "First Name",
    "Job Title",
    "Company Size",
    "Industry",
    "Country",
    "Page Views",
    "Downloaded Whitepaper",
    "Requested Demo",
    "Webinars Attended",
    "Budget",
    "Annual Revenue",
)
#: The rules for the export: the fields rules and two event rules (the events file).
_EVENT_LINES = (
    '+15 when visited pricing page within 30 days as "Pricing page"\n'
    '+5 per opened email within 90 days, up to 15 as "Opened emails"\n'
)
CLI_RULES = FIELDS_RULES.replace("\nMQL at 50", "\n" + _EVENT_LINES + "\nMQL at 50")
assert CLI_RULES != FIELDS_RULES


def _messy_number(rng: random.Random, value: float | int | None) -> str:
    """A number as CRMs export them: plain, with separators, with a currency, blank, n/a."""
    if value is None:
        return rng.choice(("", "", "n/a"))
    shape = rng.randrange(6)
    if shape == 0:
        return f"{value:,.0f}"
    if shape == 1:
        return f"${value:,.2f}"
    if shape == 2:
        return f" {value:.2f} "
    return f"{value:.0f}" if float(value).is_integer() else f"{value}"


def write_export(directory: Path, n: int, seed: int = 5) -> tuple[Path, Path, int]:
    """``leads.csv`` (``n`` rows, 13 columns) and ``events.csv`` (a fifth of the leads have 1
    to 6 events) in ``directory``; returns their paths and the number of events."""
    rng = random.Random(seed)
    leads_path = directory / "leads.csv"
    events_path = directory / "events.csv"
    events = 0
    yes = ("Yes", "No", "yes", "no", "", "TRUE", "false")
    with (
        leads_path.open("w", newline="", encoding="utf-8") as leads_file,
        events_path.open("w", newline="", encoding="utf-8") as events_file,
    ):
        leads_out = csv.writer(leads_file)
        events_out = csv.writer(events_file)
        leads_out.writerow(CSV_HEADER)
        events_out.writerow(("Lead ID", "Event", "Timestamp", "Path"))
        for i in range(n):
            lead = workload.make_lead(rng, i)
            budget = lead.get("budget")
            revenue = round(10 ** rng.uniform(4, 7.5), 2)
            leads_out.writerow(
                (
                    lead["id"],
                    lead["email"],
                    rng.choice(("Ann", "Bob", "Chloé", "Dev", "")),
                    lead["job_title"] if rng.random() < 0.9 else f"  {lead['job_title']} ",
                    _messy_number(rng, lead["company_size"]),
                    lead["industry"],
                    lead["country"],
                    str(lead["page_views"]),
                    rng.choice(yes),
                    "true" if lead["requested_demo"] else "false",
                    str(lead["webinars_attended"]),
                    _messy_number(rng, budget),
                    _messy_number(rng, revenue if rng.random() < 0.9 else None),
                )
            )
            if rng.random() < 0.2:
                for _ in range(rng.randrange(1, 7)):
                    name = rng.choice(("Opened Email", "Visited Pricing Page", "visited page"))
                    at = NOW - dt.timedelta(seconds=rng.randrange(0, 120 * 86400))
                    events_out.writerow(
                        (lead["id"], name, at.strftime("%Y-%m-%dT%H:%M:%SZ"), "/pricing")
                    )
                    events += 1
    return leads_path, events_path, events
