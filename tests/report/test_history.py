"""A lead's history (RuleSet.history, leadrules.report.history): the lead scored at each
moment its score can change, each point the very result of scoring it then, and each change
labelled with the rules whose points changed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import leadrules
from leadrules.report.comparison import RuleChange

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 21, tzinfo=UTC)

RULES = leadrules.compile(
    """\
+30 when requested demo within 30 days as "Recent demo request"
+5 per opened email, up to 10 as "Emails"
+20 when attended webinar, decaying 50% every 10 days as "Webinar"
+10 when signed up within 14 days as "New sign-up"
MQL at 30
""",
    filename="history.leadrules",
)

LEAD = {
    "id": "h1",
    "signed up": "2026-09-01",
    "events": [
        {"name": "opened email", "at": "2026-09-05T10:00:00Z"},
        {"name": "requested demo", "at": "2026-09-10T12:00:00Z"},
        {"name": "opened email", "at": "2026-09-12T10:00:00Z"},
        {"name": "opened email", "at": "2026-09-20T10:00:00Z"},
        {"name": "attended webinar", "at": "2026-10-01T15:00:00Z"},
        {"name": "opened email", "at": "2026-12-01T10:00:00Z"},  # after now: not yet
    ],
}


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_every_point_is_the_lead_scored_at_that_moment() -> None:
    history = RULES.history(LEAD, NOW)
    assert history.points[-1].at == NOW
    assert [p.at for p in history.points] == sorted(p.at for p in history.points)
    for point in history.points:
        assert point.result == RULES.evaluate(LEAD, point.at)
    assert all(p.at <= NOW for p in history.points)


def test_each_change_is_labelled_with_the_rules_that_caused_it() -> None:
    points = {p.at: p for p in RULES.history(LEAD, NOW).points}
    signed_up = points[dt.datetime(2026, 9, 1, tzinfo=UTC)]
    assert signed_up.changes == (RuleChange("New sign-up", None, None, Decimal(10)),)
    demo = points[_at("2026-09-10T12:00:00Z")]
    assert demo.changes == (RuleChange("Recent demo request", None, None, Decimal(30)),)
    assert demo.stage == "MQL"  # 10 + 5 + 30 = 45
    # the second email: +5; the third: the cap of 10 is reached, nothing more
    assert points[_at("2026-09-12T10:00:00Z")].changes == (
        RuleChange("Emails", None, Decimal(5), Decimal(10)),
    )
    assert points[_at("2026-09-20T10:00:00Z")].changes == ()
    # a plain date leaves `within 14 days` the day after it is 14 days old
    gone = points[dt.datetime(2026, 9, 16, tzinfo=UTC)]
    assert gone.changes == (RuleChange("New sign-up", None, Decimal(10), None),)
    # the demo request leaves its 30-day window a second after it is 30 days old
    expired = points[_at("2026-10-10T12:00:01Z")]
    assert ("Recent demo request", Decimal(30), None) in {
        (c.label, c.old, c.new) for c in expired.changes
    }
    # the webinar: +20 on the day, then half every 10 days (the decay steps are shown)
    webinar = points[_at("2026-10-01T15:00:00Z")]
    assert webinar.changes == (RuleChange("Webinar", None, None, Decimal(20)),)
    step = points[_at("2026-10-11T15:00:00Z")]
    assert "decay step" in step.why
    assert {(c.label, c.new) for c in step.changes} == {("Webinar", Decimal(10))}


def test_the_table_lists_the_changes_with_stage_moves() -> None:
    history = RULES.history(LEAD, NOW)
    table = history.table()
    lines = table.splitlines()
    assert lines[0].split() == ["when", "score", "change", "stage", "what", "changed"]
    demo = next(line for line in lines if line.startswith("2026-09-10 12:00"))
    assert "+30" in demo and "(no stage) -> MQL" in demo and "+30 Recent demo request" in demo
    assert lines[-1].startswith("2026-11-21 00:00")
    # only moments where the score or stage changed, then now
    assert len(lines) - 1 == len(history.changes())
    assert len(history.changes()) < len(history.points)


def test_a_lead_without_events_or_dates_has_one_point_now() -> None:
    history = RULES.history({"id": "x"}, NOW)
    assert [(p.at, p.why) for p in history.points] == [(NOW, "now")]
    assert history.to_dict()["points"][0]["score"] == 0
