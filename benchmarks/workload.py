"""The benchmark workload: one rule file, deterministic synthetic leads, and the same rules
written by hand in plain Python (the baselines every contender is checked against).

The rule file has 12 score rules (fit and engagement: text tests, membership, a range, a
per-unit rule with a cap, a rule on a value that is often missing, negatives), 2 disqualify
rules and 2 stages, as issue 7 asks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

RULES = """\
group fit max 50:
    +20 when job title contains "director" or job title starts with "vp" as "Decision maker"
    +15 when company size between 200 and 5000 as "Mid-sized company"
    +10 when industry in ["software", "fintech", "healthcare"] as "Target industry"
    -10 when email ends with "@gmail.com" as "Personal email"
    -5 when budget is missing as "No budget given"
    +10 when budget >= 10000 as "Budget of 10k or more"

group engagement max 60:
    +20 when downloaded whitepaper as "Downloaded the whitepaper"
    +30 when requested demo as "Requested a demo"
    +2 per page views, up to 20 as "Page views"
    +10 when webinars attended >= 2 as "Two or more webinars"
    -15 when job title contains "student" or job title contains "intern" as "Student or intern"

+5 when country = "GB" and company size >= 50 as "UK company"

disqualify when country not in ["GB", "IE", "US", "DE"] because "Outside our markets"
disqualify when email ends with "@competitor.com" because "Competitor"

MQL at 50
SQL at 80 when requested demo
"""

#: Labels of the score rules in file order (what the "fired list" contenders return).
LABELS = (
    "Decision maker",
    "Mid-sized company",
    "Target industry",
    "Personal email",
    "No budget given",
    "Budget of 10k or more",
    "Downloaded the whitepaper",
    "Requested a demo",
    "Page views",
    "Two or more webinars",
    "Student or intern",
    "UK company",
)

_TITLES = (
    "VP Marketing",
    "vp of sales",
    "Marketing Director",
    "Director of Operations",
    "Head of Growth",
    "Chief Revenue Officer",
    "Marketing Manager",
    "Sales Manager",
    "Account Executive",
    "Software Engineer",
    "Student",
    "Marketing Intern",
    "Founder",
    "",
)
_INDUSTRIES = ("software", "Fintech", "healthcare", "retail", "logistics", "manufacturing")
_COUNTRIES = ("GB", "GB", "GB", "IE", "US", "DE", "FR", "gb")
_DOMAINS = ("acme.com", "example.co.uk", "gmail.com", "fintechly.io", "competitor.com")


def make_lead(rng: random.Random, i: int) -> dict[str, Any]:
    """One lead as a CRM export would give it (a JSON-like dict, snake_case keys)."""
    lead: dict[str, Any] = {
        "id": f"L{i:07d}",
        "email": f"user{i}@{rng.choice(_DOMAINS)}",
        "job_title": rng.choice(_TITLES),
        "company_size": int(10 ** rng.uniform(0.5, 4.3)),
        "industry": rng.choice(_INDUSTRIES),
        "country": rng.choice(_COUNTRIES),
        "page_views": rng.randrange(0, 16),
        "downloaded_whitepaper": rng.random() < 0.4,
        "requested_demo": rng.random() < 0.2,
        "webinars_attended": rng.randrange(0, 4),
    }
    roll = rng.random()
    if roll < 0.6:
        lead["budget"] = rng.randrange(0, 50) * 1000
    elif roll < 0.8:
        lead["budget"] = None
    # else: no budget key at all
    return lead


def make_leads(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [make_lead(rng, i) for i in range(n)]


def iter_leads(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """The same leads, generated one at a time (for the memory measurement)."""
    rng = random.Random(seed)
    for i in range(n):
        yield make_lead(rng, i)


# ----------------------------------------------------------------------------- by hand
#
# The rules above written the way a careful developer would write them in plain Python, with
# the same meaning on this data: text compared ignoring case and surrounding space, a missing
# value (absent, None or blank) making a rule not fire.


def _text(value: Any) -> str:
    return value.strip().casefold() if isinstance(value, str) else ""


def handwritten(lead: dict[str, Any]) -> tuple[int, str | None]:
    """Score and stage, nothing else."""
    title = _text(lead.get("job_title"))
    size = lead.get("company_size")
    email = _text(lead.get("email"))
    budget = lead.get("budget")
    country = _text(lead.get("country"))
    fit = 0
    if "director" in title or title.startswith("vp"):
        fit += 20
    if size is not None and 200 <= size <= 5000:
        fit += 15
    if _text(lead.get("industry")) in ("software", "fintech", "healthcare"):
        fit += 10
    if email.endswith("@gmail.com"):
        fit -= 10
    if budget is None:
        fit -= 5
    elif budget >= 10000:
        fit += 10
    fit = min(fit, 50)
    engagement = 0
    if lead.get("downloaded_whitepaper"):
        engagement += 20
    demo = bool(lead.get("requested_demo"))
    if demo:
        engagement += 30
    engagement += min(2 * lead.get("page_views", 0), 20)
    if lead.get("webinars_attended", 0) >= 2:
        engagement += 10
    if "student" in title or "intern" in title:
        engagement -= 15
    engagement = min(engagement, 60)
    score = fit + engagement
    if country == "gb" and size is not None and size >= 50:
        score += 5
    if country not in ("gb", "ie", "us", "de") or email.endswith("@competitor.com"):
        return score, None
    if score >= 80 and demo:
        return score, "SQL"
    if score >= 50:
        return score, "MQL"
    return score, None


def handwritten_fired(lead: dict[str, Any]) -> tuple[int, str | None, list[str]]:
    """Score, stage and the labels of the rules that fired (what an explaining engine must
    at least produce)."""
    fired: list[str] = []
    add = fired.append
    title = _text(lead.get("job_title"))
    size = lead.get("company_size")
    email = _text(lead.get("email"))
    budget = lead.get("budget")
    country = _text(lead.get("country"))
    fit = 0
    if "director" in title or title.startswith("vp"):
        fit += 20
        add("Decision maker")
    if size is not None and 200 <= size <= 5000:
        fit += 15
        add("Mid-sized company")
    if _text(lead.get("industry")) in ("software", "fintech", "healthcare"):
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
    fit = min(fit, 50)
    engagement = 0
    if lead.get("downloaded_whitepaper"):
        engagement += 20
        add("Downloaded the whitepaper")
    demo = bool(lead.get("requested_demo"))
    if demo:
        engagement += 30
        add("Requested a demo")
    views = min(2 * lead.get("page_views", 0), 20)
    if views:
        engagement += views
        add("Page views")
    if lead.get("webinars_attended", 0) >= 2:
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


# ----------------------------------------------------------------------------- events

EVENT_RULES = """\
+20 when downloaded whitepaper within 90 days as "Recent whitepaper"
+5 per opened email within 30 days, up to 15 as "Opened emails"
+25 when visited pricing page at least 3 times within 14 days as "Pricing page, 3 times"
+10 when visited pricing page where path != "/pricing" as "Enterprise pricing"
+20 when attended webinar, decaying 50% every 30 days as "Webinar (fading)"
-10 when opened email at most 1 time within 90 days as "Hardly opens emails"
MQL at 50
"""

EVENT_NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.timezone.utc)
_EVENT_NAMES = (
    "opened email",
    "opened email",
    "opened email",
    "visited pricing page",
    "visited page",
    "visited page",
    "downloaded whitepaper",
    "attended webinar",
)
_PATHS = ("/pricing", "/pricing", "/pricing#enterprise")


def make_event_leads(n: int, events: int = 100, seed: int = 11) -> list[dict[str, Any]]:
    """Leads with ``events`` events each, spread over the last 200 days before EVENT_NOW."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        items = []
        for _ in range(events):
            name = rng.choice(_EVENT_NAMES)
            at = EVENT_NOW - dt.timedelta(seconds=rng.randrange(0, 200 * 86400))
            props = {"path": rng.choice(_PATHS)} if name == "visited pricing page" else {}
            items.append({"name": name, "at": at, "properties": props})
        out.append({"id": f"E{i:05d}", "email": f"user{i}@acme.com", "events": items})
    return out


# ----------------------------------------------------------------------------- compile time


def many_rules(n: int = 1000) -> str:
    """A rule file of ``n`` score rules (of the kinds above, in groups of 50) and 2 stages."""
    lines = []
    forms = (
        '+{p} when job title contains "w{i}" as "Rule {i}"',
        "+{p} when company size between {i} and {j}",
        '+{p} when industry in ["i{i}", "j{i}", "k{i}"]',
        '-{p} when email ends with "@d{i}.com" and country = "GB"',
        "+{p} when field{i} is missing or field{i} >= {j}",
        "+{p} per count{i}, up to {j}",
        "+{p} when flag{i} and not other flag{i}",
    )
    for i in range(n):
        if i % 50 == 0:
            lines.append(f"group g{i // 50} max {1000 + i}:")
        lines.append("    " + forms[i % len(forms)].format(p=1 + i % 9, i=i, j=i + 100))
    lines.append("MQL at 50")
    lines.append("SQL at 80 when requested demo")
    return "\n".join(lines) + "\n"
