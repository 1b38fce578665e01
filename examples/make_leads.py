"""Generate realistic, deliberately messy B2B example leads for leadrules.

Run ``python examples/make_leads.py`` to (re)write ``examples/leads.jsonl``.

The data imitates a CRM export: a handful of clearly strong leads (decision makers at
mid-sized GB software companies who keep visiting the pricing page and ask for a demo),
many middling ones and some weak ones. About 15% of the leads carry the kind of mess real
CRM data has (numbers and booleans as text, blank strings, stray spaces, a null budget),
so that examples can show leadrules forgiving it.

The output is deterministic: the same ``n`` and ``seed`` always give byte-identical output.
"""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import NamedTuple

Lead = dict[str, object]
Event = dict[str, object]


class Company(NamedTuple):
    name: str
    domain: str
    industry: str
    country: str
    size: int


# Decision makers at 200-5000-person GB software companies: where the strong leads work.
STRONG_COMPANIES = [
    Company("Brightwave Analytics", "brightwave.co.uk", "software", "GB", 420),
    Company("Northgate Cloud", "northgatecloud.com", "software", "GB", 1850),
    Company("Ledgerline Systems", "ledgerline.io", "software", "GB", 260),
    Company("Quarry Labs", "quarrylabs.co.uk", "software", "GB", 3400),
    Company("Tessellate Software", "tessellate.io", "software", "GB", 780),
]

OTHER_COMPANIES = [
    Company("Kestrel Pay", "kestrelpay.com", "fintech", "GB", 310),
    Company("Harbour Lane Bank", "harbourlane.co.uk", "fintech", "GB", 5200),
    Company("Mersey Medical Supplies", "merseymedical.co.uk", "healthcare", "GB", 150),
    Company("Copperfield Retail Group", "copperfieldretail.co.uk", "retail", "GB", 2300),
    Company("Greenhouse & Co", "greenhouseandco.co.uk", "retail", "GB", 75),
    Company("Pennine Precision", "pennineprecision.co.uk", "manufacturing", "GB", 480),
    Company("Oakridge Academy Trust", "oakridgetrust.org.uk", "education", "GB", 900),
    Company("Swiftroute Logistics", "swiftroute.co.uk", "logistics", "GB", 1100),
    Company("Lantern Media", "lanternmedia.co.uk", "media", "GB", 35),
    Company("Tiny Acorn Design", "tinyacorn.co.uk", "media", "GB", 4),
    Company("Liffey Ledger", "liffeyledger.ie", "fintech", "IE", 95),
    Company("Corrib Health", "corribhealth.ie", "healthcare", "IE", 640),
    Company("Atlantic Bay Software", "atlanticbay.ie", "software", "IE", 230),
    Company("Shannon Data Works", "shannondata.ie", "software", "IE", 45),
    Company("Wexford Components", "wexfordcomponents.ie", "manufacturing", "IE", 120),
    Company("Clarion Learning", "clarionlearning.ie", "education", "IE", 60),
    Company("Dockside Freight", "docksidefreight.ie", "logistics", "IE", 340),
    Company("Fourth Wall Studios", "fourthwall.ie", "media", "IE", 18),
    Company("Pinecrest Software", "pinecrest.io", "software", "US", 1500),
    Company("Beacon Street Capital", "beaconstreetcap.com", "fintech", "US", 210),
    Company("Rheinwerk Automation", "rheinwerk-automation.de", "manufacturing", "DE", 2600),
    Company("Datenhafen", "datenhafen.de", "software", "DE", 130),
    Company("Maison Lumière", "maisonlumiere.fr", "retail", "FR", 410),
    Company("Polder Logistics", "polderlogistics.nl", "logistics", "NL", 700),
    Company("Kaveri Tech", "kaveritech.in", "software", "IN", 3200),
]

COMPETITOR = Company("Competitor Ltd", "competitor.com", "software", "GB", 150)

# Mostly GB and IE leads: companies in those countries are picked more often.
COUNTRY_WEIGHT = {"GB": 3, "IE": 2}

FIRST_NAMES = [
    "Aoife", "Siobhán", "Ciarán", "Niamh", "Oisín", "Sarah", "James", "Priya", "Tom",
    "Olivia", "Mohammed", "Emma", "Daniel", "Chloe", "Liam", "Grace", "Hannah", "Rory",
    "Zoë", "Marcus", "Fatima", "Ben", "Lucy", "Conor", "Aisling", "Jack", "Sophie", "Raj",
    "Elena", "Lukas", "Camille", "Sanne", "Arjun", "Megan", "Patrick",
]  # fmt: skip

LAST_NAMES = [
    "Murphy", "O'Brien", "Kelly", "Byrne", "Walsh", "Smith", "Jones", "Taylor", "Patel",
    "Khan", "Brown", "Wilson", "Evans", "Nolan", "McCarthy", "Ó Briain", "Fitzgerald",
    "Hughes", "Clarke", "Davies", "Ahmed", "Novak", "Schmidt", "Dubois", "de Vries",
    "Sharma", "Doyle", "Reid", "Campbell", "Lynch",
]  # fmt: skip

DECISION_MAKER_TITLES = [
    "Chief Revenue Officer", "Chief Marketing Officer", "CEO", "Co-Founder & CEO",
    "VP Marketing", "VP Sales", "Vice President, Revenue Operations", "Head of Growth",
]  # fmt: skip
MIDDLE_TITLES = [
    "Head of Growth", "Head of Demand Generation", "Director of Sales Ops", "Marketing Director",
    "Marketing Manager", "Sales Manager", "RevOps Manager", "CRM Manager",
    "Product Marketing Manager", "Account Executive", "Marketing Executive", "VP Marketing",
]  # fmt: skip
JUNIOR_TITLES = [
    "Sales Development Rep", "Business Development Representative", "Marketing Assistant",
    "Data Analyst", "Intern", "Student", "Marketing Executive",
]  # fmt: skip

PERSONAL_DOMAINS = ["gmail.com", "yahoo.co.uk", "hotmail.com", "outlook.com"]

WEBINAR_TOPICS = ["AI in sales", "Pipeline basics", "Lead scoring 101", "Forecasting for RevOps"]
WHITEPAPER_TITLES = [
    "The State of B2B Lead Scoring 2026",
    "MQL vs SQL: A Practical Guide",
    "Buying Signals That Matter",
]
EMAIL_CAMPAIGNS = ["June newsletter", "Webinar invite", "Pricing update", "Autumn product news"]
DEMO_SOURCES = ["pricing page", "contact form", "webinar follow-up"]

FIRST_EVENT_DAY = date(2026, 6, 1)
LAST_EVENT_DAY = date(2026, 11, 20)

FLAGS = ("downloaded_whitepaper", "requested_demo", "booked_call")

# Each messy lead gets one row of mess; for 60 leads that is 9 leads, i.e. 15%.
MESS_PLAN = [
    ["size_as_text", "bools_as_text"],
    ["size_as_text", "country_lower"],
    ["size_padded", "blank_title"],
    ["size_padded", "null_budget"],
    ["size_unknown", "blank_industry"],
    ["country_lower", "bools_as_text"],
    ["country_spaced", "null_budget"],
    ["country_spaced", "blank_industry", "bools_as_text"],
    ["blank_title", "size_as_text"],
]


def _slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Ó Briain" -> "obriain"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _random_moment(rng: random.Random, first_day: date, last_day: date) -> datetime:
    """A moment in (extended) office hours, on a day between the two days inclusive."""
    day = first_day + timedelta(days=rng.randint(0, (last_day - first_day).days))
    clock = time(rng.randint(7, 21), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, clock, tzinfo=timezone.utc)


def _pick_company(rng: random.Random) -> Company:
    companies = STRONG_COMPANIES + OTHER_COMPANIES
    weights = [COUNTRY_WEIGHT.get(c.country, 2) for c in companies]
    return rng.choices(companies, weights=weights)[0]


def _event_kinds(rng: random.Random, profile: str) -> list[str]:
    """The kinds of event a lead had, in chronological order."""
    if profile == "strong":
        kinds = ["pricing"] * rng.randint(5, 9)
        kinds += ["whitepaper"] * rng.randint(1, 2) + ["webinar"] * rng.randint(1, 3)
        kinds += ["email"] * max(0, rng.randint(15, 25) - 1 - len(kinds))
        rng.shuffle(kinds)
        # The demo request comes late, after most of the research.
        kinds.insert(rng.randint(len(kinds) * 3 // 4, len(kinds)), "demo")
        return kinds
    if profile == "middling":
        count, weights = rng.randint(3, 12), [40, 22, 15, 15, 8]
    else:
        count, weights = rng.randint(0, 4), [70, 10, 10, 10, 0]
    kinds = rng.choices(["email", "pricing", "webinar", "whitepaper", "demo"], weights, k=count)
    # Nobody asks for a demo twice: later requests become another look at pricing.
    return [k if k != "demo" or k not in kinds[:i] else "pricing" for i, k in enumerate(kinds)]


def _event(rng: random.Random, kind: str, moment: datetime) -> Event:
    name: str
    properties: dict[str, object]
    if kind == "pricing":
        name = rng.choice(["Visited Pricing Page", "visited_pricing_page"])
        properties = {"path": rng.choice(["/pricing", "/pricing", "/pricing#enterprise"])}
    elif kind == "webinar":
        name = "attended webinar"
        properties = {"topic": rng.choice(WEBINAR_TOPICS), "minutes": rng.randint(5, 60)}
    elif kind == "whitepaper":
        name = "downloaded whitepaper"
        properties = {"title": rng.choice(WHITEPAPER_TITLES)}
    elif kind == "demo":
        name = "requested demo"
        properties = {"source": rng.choice(DEMO_SOURCES)}
    else:
        name = "opened email"
        properties = {"campaign": rng.choice(EMAIL_CAMPAIGNS)}
    return {"name": name, "at": _timestamp(moment), "properties": properties}


def _email(rng: random.Random, first: str, last: str, domain: str, personal: bool) -> str:
    f, la = _slug(first), _slug(last)
    if personal:
        year = 1980 + rng.randint(0, 25)
        local = rng.choice([f"{f}.{la}", f"{f}{la}{rng.randint(1, 99)}", f"{f[0]}{la}{year}"])
        return f"{local}@{rng.choice(PERSONAL_DOMAINS)}"
    return f"{rng.choice([f'{f}.{la}', f'{f}.{la}', f'{f[0]}{la}', f])}@{domain}"


def _lead(
    rng: random.Random,
    number: int,
    profile: str,
    company: Company,
    personal: bool,
    taken: set[str],
) -> Lead:
    while True:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = _email(rng, first, last, company.domain, personal)
        if email not in taken:
            taken.add(email)
            break

    if profile == "strong":
        title = rng.choice(DECISION_MAKER_TITLES)
        budget: int | None = rng.randrange(20_000, 120_001, 5_000)
        signed_up = date(2026, 1, 10) + timedelta(days=rng.randint(0, 200))
    elif profile == "middling":
        title = rng.choice(MIDDLE_TITLES + DECISION_MAKER_TITLES[:2])
        budget = rng.randrange(2_000, 50_001, 1_000) if rng.random() < 0.7 else None
        signed_up = date(2026, 1, 5) + timedelta(days=rng.randint(0, 299))
    else:
        title = rng.choice([*JUNIOR_TITLES, "Marketing Manager"])
        budget = rng.randrange(500, 5_001, 500) if rng.random() < 0.4 else None
        signed_up = date(2026, 1, 5) + timedelta(days=rng.randint(0, 299))

    kinds = _event_kinds(rng, profile)
    first_day = max(signed_up + timedelta(days=1), FIRST_EVENT_DAY)
    moments = sorted(_random_moment(rng, first_day, LAST_EVENT_DAY) for _ in kinds)
    events = [_event(rng, kind, moment) for kind, moment in zip(kinds, moments, strict=True)]
    if moments:
        last_seen = moments[-1] + timedelta(minutes=rng.randint(0, 45))
    else:
        last_seen = _random_moment(rng, signed_up, LAST_EVENT_DAY)
    requested_demo = "demo" in kinds

    return {
        "id": f"L{number:03d}",
        "email": email,
        "first_name": first,
        "last_name": last,
        "job_title": title,
        "company": company.name,
        "company_size": company.size,
        "industry": company.industry,
        "country": company.country,
        "budget": budget,  # None means "absent"; removed in make_leads unless meant as null
        "signed_up": signed_up.isoformat(),
        "last_seen": _timestamp(last_seen),
        "downloaded_whitepaper": "whitepaper" in kinds,
        "requested_demo": requested_demo,
        "booked_call": requested_demo and rng.random() < (0.7 if profile == "strong" else 0.5),
        "events": events,
    }


def _make_messy(rng: random.Random, lead: Lead, mess: list[str]) -> None:
    """Spoil some fields of one lead the way a hand-maintained CRM would."""
    for kind in mess:
        if kind == "size_as_text":
            lead["company_size"] = str(lead["company_size"])
        elif kind == "size_padded":
            lead["company_size"] = f" {lead['company_size']} "
        elif kind == "size_unknown":
            lead["company_size"] = "unknown"
        elif kind == "blank_title":
            lead["job_title"] = ""
        elif kind == "blank_industry":
            lead["industry"] = ""
        elif kind == "null_budget":
            lead["budget"] = None
        elif kind == "country_lower":
            lead["country"] = str(lead["country"]).lower()
        elif kind == "country_spaced":
            lead["country"] = f" {lead['country']}"
        elif kind == "bools_as_text":
            for flag in FLAGS:
                lead[flag] = rng.choice(["yes", "TRUE"] if lead[flag] else ["no", "false"])


def make_leads(n: int, seed: int = 2026) -> list[dict[str, object]]:
    """Return ``n`` example leads; the same arguments always give the same leads."""
    rng = random.Random(seed)
    strong, weak = n // 12, n // 4
    profiles = ["strong"] * strong + ["weak"] * weak + ["middling"] * (n - strong - weak)
    rng.shuffle(profiles)

    not_strong = [i for i, p in enumerate(profiles) if p != "strong"]
    personal = set(rng.sample(not_strong, min(len(not_strong), round(n * 0.15))))
    middling = [i for i in not_strong if profiles[i] == "middling" and i not in personal]
    competitors = set(rng.sample(middling, min(len(middling), 2)))

    # Strong leads work at different companies (cycled only if there are more of them).
    strong_companies = rng.sample(STRONG_COMPANIES, len(STRONG_COMPANIES))
    taken: set[str] = set()
    leads: list[Lead] = []
    for i, profile in enumerate(profiles):
        if i in competitors:
            company = COMPETITOR
        elif profile == "strong":
            company = strong_companies[profiles[:i].count("strong") % len(strong_companies)]
        else:
            company = _pick_company(rng)
        leads.append(_lead(rng, i + 1, profile, company, i in personal, taken))

    # The strong leads stay clean so that they are clearly strong.
    messy = rng.sample(not_strong, min(len(not_strong), round(n * 0.15)))
    null_budget: set[int] = set()
    for k, i in enumerate(sorted(messy)):
        mess = MESS_PLAN[k % len(MESS_PLAN)]
        _make_messy(rng, leads[i], mess)
        if "null_budget" in mess:
            null_budget.add(i)

    for i, lead in enumerate(leads):
        if lead["budget"] is None and i not in null_budget:
            del lead["budget"]  # an unknown budget is simply left out
    return leads


def main() -> None:
    path = Path(__file__).with_name("leads.jsonl")
    lines = [json.dumps(lead, ensure_ascii=False) + "\n" for lead in make_leads(60)]
    path.write_text("".join(lines), encoding="utf-8", newline="\n")
    print(f"wrote {len(lines)} leads to {path}")


if __name__ == "__main__":
    main()
