"""Property-based tests of a rule file: the three properties of docs/testing.md.

Run them, from a checkout of leadrules, with:

    pip install -e ".[hypothesis]" pytest
    pytest examples/test_my_rules.py

Hypothesis draws hundreds of realistic leads (with missing and messy values) for each property
and, when one fails, shrinks it to a small lead and prints it.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

import leadrules
from leadrules.strategies import COUNTRY_CODES, events, leads
from leadrules.testing import assert_stage

RULES = leadrules.compile(
    r"""
define decision maker as job title matches /\b(chief|vp|vice president|head|director)\b/i

group fit max 50:
    +20 when decision maker
    +15 when company size between 50 and 5000
    +10 when industry in ["software", "fintech"]
    -10 when email ends with "@gmail.com" as "Personal email address"

group engagement max 60:
    +20 when downloaded whitepaper
    +5 per opened email within 30 days, up to 15
    +30 when requested demo
    +20 when attended webinar, decaying 50% every 30 days

disqualify when country != "GB" because "We only sell in the UK"

MQL at 50
SQL at 80 when requested demo or booked call
""",
    filename="my_rules.leadrules",
)

# One fixed "now" for the events and for scoring: results are then reproducible.
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


# 1. No lead outside the UK is ever SQL.
@given(
    leads(
        country=st.sampled_from([c for c in COUNTRY_CODES if c != "GB"]),
        events=events(now=NOW),
    )
)
def test_no_lead_outside_the_uk_is_ever_sql(lead):
    assert RULES.evaluate(lead, now=NOW).stage != "SQL"


# 2. A VP at a 500-person company who requested a demo is always at least MQL.
@given(
    leads(
        job_title=st.sampled_from(["VP Sales", "vp of marketing", "Vice President, Growth"]),
        company_size=st.sampled_from([500, "500", " 500 "]),  # CRM exports send text too
        requested_demo=True,
        country=st.sampled_from(["GB", "gb", " GB "]),  # a UK lead, however it is spelt
        events=events(now=NOW),
    )
)
def test_a_vp_at_a_500_person_company_who_requested_a_demo_is_at_least_mql(lead):
    result = RULES.evaluate(lead, now=NOW)
    assert result.stage in ("MQL", "SQL"), result.explain()


# 3. Adding an activity never lowers a score.
@given(leads(events=events(now=NOW)), events(now=NOW, min_size=1))
def test_adding_an_activity_never_lowers_the_score(lead, more):
    before = RULES.evaluate(lead, now=NOW)
    after = RULES.evaluate({**lead, "events": [*lead["events"], *more]}, now=NOW)
    assert after.score >= before.score, after.explain()


# An example-based test: on failure, the message is the lead's full explanation.
def test_a_known_lead_is_sql():
    lead = {
        "job_title": "Head of Marketing",
        "company_size": 800,
        "industry": "software",
        "country": "GB",
        "requested_demo": True,
        "downloaded_whitepaper": True,
    }
    assert_stage(RULES, lead, "SQL", now=NOW)
