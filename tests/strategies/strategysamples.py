"""Sample schemas and draws shared by the tests of leadrules.strategies."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any, Literal

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import leadrules
from leadrules.lang import ast
from leadrules.strategies import DEFAULT_EVENT_NAMES

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVENT_KEYS = {ast.normalize_name(n) for n in DEFAULT_EVENT_NAMES}


class Plan(enum.Enum):
    FREE = "free"
    TEAM = "team"
    ENTERPRISE = "enterprise"


@attrs.frozen
class Address:
    country: str | None = None
    city: str | None = None


@attrs.frozen
class Contact:
    email: str
    job_title: str | None
    company_size: int | None = None
    annual_revenue: Decimal | None = None
    engagement_ratio: float = 0.0
    country: str = "GB"
    opted_in: bool = False
    signed_up: dt.date | None = None
    created_at: dt.datetime | None = None  # "at" is a keyword: rules must write it another way
    plan: Plan = Plan.FREE
    tier: Literal["bronze", "silver", "gold"] = "bronze"
    address: Address | None = None
    events: list[leadrules.Event] = attrs.Factory(list)


# The schema of docs/checking.md: its events are a class of the user's own, with required
# fields of its own (`topic`), not leadrules.Event.


@attrs.frozen
class ProspectAddress:
    country: Literal["GB", "IE"]
    city: str | None = None


@attrs.frozen
class Webinar:
    name: str
    at: dt.datetime
    topic: str


class ProspectPlan(enum.Enum):
    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


@attrs.frozen
class Prospect:
    email: str
    job_title: str | None
    company_size: int
    industry: Literal["software", "fintech", "retail"]
    plan: ProspectPlan
    signed_up: dt.date
    tags: list[str]
    address: ProspectAddress
    events: list[Webinar]


def collect(strategy: st.SearchStrategy[Any], n: int = 200) -> list[Any]:
    """``n`` draws of ``strategy``, the same ones on every run."""
    found: list[Any] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None)
    @given(strategy)
    def draw(value: Any) -> None:
        found.append(value)

    draw()
    return found
