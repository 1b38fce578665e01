"""The assessment finds a planted truth (issue 19, item 4): on leads whose conversion follows
a known model (populations.py: strong, medium and weak signals, two noise signals, one that
predicts the opposite), each rule's lift interval excludes 1 for the planted signals and holds
it for the noise, the words say so, the suggested points rank the planted rules in the order
of their log-odds, and the suggestion ranks held-out leads better than the meeting's points.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from populations import MEETING_RULES, PLANTED, planted_leads

import leadrules
from leadrules.assessment import Assessment
from leadrules.lang.renumber import number_sites

LINES = {"strong": 3, "medium": 4, "weak": 5, "noise one": 6, "noise two": 7, "opposite": 8}


@pytest.fixture(scope="module")
def leads() -> list[dict[str, object]]:
    return planted_leads(4000, seed=1)


@pytest.fixture(scope="module")
def assessment(leads: list[dict[str, object]]) -> Assessment:
    return leadrules.assess(MEETING_RULES, leads, outcome="converted", suggest=True)


def test_the_planted_signals_have_lift_intervals_that_exclude_one(assessment: Assessment) -> None:
    for name in ("strong", "medium", "weak"):
        row = assessment.rule(LINES[name])
        assert row.lift is not None and row.lift.low > 1, (name, row.lift)
        assert row.verdict == "earns"
        assert "it earns its +10" in row.finding
    # Stronger signals, larger lifts.
    lifts = [assessment.rule(LINES[n]).lift.value for n in ("strong", "medium", "weak")]  # type: ignore[union-attr]
    assert lifts == sorted(lifts, reverse=True)


def test_the_noise_has_lift_intervals_that_hold_one(assessment: Assessment) -> None:
    for name in ("noise one", "noise two"):
        row = assessment.rule(LINES[name])
        assert row.lift is not None and row.lift.includes_one, (name, row.lift)
        assert row.verdict == "no evidence"
        assert row.finding.startswith("fires for 3")  # about 30% of leads
        assert "but converted leads are no more likely to have it" in row.finding


def test_the_opposite_signal_is_called_what_it_is(assessment: Assessment) -> None:
    row = assessment.rule(LINES["opposite"])
    assert row.lift is not None and row.lift.high < 1
    assert row.verdict == "opposite"
    assert row.finding.startswith("gives +15, but the leads it fires for")
    assert row.finding.endswith("it predicts the opposite")


def test_the_fired_shares_are_of_converted_and_of_other_leads(
    assessment: Assessment, leads: list[dict[str, object]]
) -> None:
    decided = [lead for lead in leads if not lead["blocked"]]
    converted = [lead for lead in decided if lead["converted"]]
    row = assessment.rule(LINES["strong"])
    assert row.leads == len(decided)
    assert row.fired == sum(1 for lead in decided if lead["strong"])
    assert row.among_converted.total == len(converted)
    assert row.among_converted.count == sum(1 for lead in converted if lead["strong"])
    assert row.among_others.total == len(decided) - len(converted)


def test_suggested_points_rank_the_planted_rules_in_the_order_of_their_log_odds(
    assessment: Assessment,
) -> None:
    suggestion = assessment.suggestion
    assert suggestion is not None
    points = {
        name: next(r for r in suggestion.rules if r.line == line).suggested
        for name, line in LINES.items()
    }
    assert points["strong"] > points["medium"] > points["weak"] > 0
    assert points["opposite"] < 0
    for noise in ("noise one", "noise two"):
        assert abs(points[noise]) < points["weak"]
    # The strongest rule keeps the size of today's largest points (20).
    assert points["strong"] == 20
    weights = {r.line: r.weight for r in suggestion.rules}
    assert weights[LINES["strong"]] == pytest.approx(PLANTED["strong"][1], abs=0.3)
    assert weights[LINES["opposite"]] == pytest.approx(PLANTED["opposite"][1], abs=0.3)


def test_the_suggestion_ranks_held_out_leads_better_than_the_meetings_points(
    assessment: Assessment,
) -> None:
    suggestion = assessment.suggestion
    assert suggestion is not None and suggestion.folds == 5
    assert len(suggestion.fold_auc) == len(suggestion.fold_auc_suggested) == 5
    for today, suggested in zip(suggestion.fold_auc, suggestion.fold_auc_suggested, strict=True):
        assert suggested > today
    assert suggestion.auc_suggested is not None and suggestion.auc is not None
    assert suggestion.auc_suggested > suggestion.auc + 0.1
    assert any(
        "Suggested points rank the leads they were not fitted on" in f for f in assessment.findings
    )


def test_the_suggested_file_changes_only_numbers(assessment: Assessment) -> None:
    suggestion = assessment.suggestion
    assert suggestion is not None
    text = suggestion.text
    old, new = number_sites(MEETING_RULES), number_sites(text)

    def between(source: str, sites: tuple) -> list[str]:  # type: ignore[type-arg]
        ends = [0, *(p for s in sites for p in (s.start, s.end)), len(source)]
        return [source[ends[i] : ends[i + 1]] for i in range(0, len(ends), 2)]

    assert between(text, new) == between(MEETING_RULES, old)
    assert "# the partner programme" in text and '"Looks keen"' in text
    before, after = leadrules.compile(MEETING_RULES), leadrules.compile(text)
    assert [r.display for r in after.checked.score_rules] == [
        r.display for r in before.checked.score_rules
    ]
    assert after.groups == before.groups and after.stages == before.stages


def test_the_suggested_thresholds_keep_todays_number_of_leads_at_each_stage(
    assessment: Assessment, leads: list[dict[str, object]]
) -> None:
    suggestion = assessment.suggestion
    assert suggestion is not None
    rules = leadrules.compile(suggestion.text)
    results = [rules.evaluate(lead) for lead in leads]
    for stage in suggestion.stages:
        at_or_above = rules.stages[rules.stages.index(stage.stage) :]
        counted = sum(1 for r in results if r.stage in at_or_above)
        assert counted == stage.suggested_leads  # what the file really does
        assert abs(stage.suggested_leads - stage.leads) <= 0.03 * stage.leads
    written = {s.name: s.threshold for s in rules.checked.stages}
    assert written == {s.stage: s.suggested for s in suggestion.stages}


def test_it_is_plain_data_a_report_can_render(assessment: Assessment) -> None:
    data = json.loads(json.dumps(assessment.to_dict()))
    assert data["leads"] == assessment.leads
    assert [r["verdict"] for r in data["rules"]] == [r.verdict for r in assessment.rules]
    assert data["suggestion"]["text"] == assessment.suggestion.text  # type: ignore[union-attr]
    assert data["bands"][0]["conversion"]["total"] == assessment.bands[0].conversion.total
    text = assessment.text()
    assert "it predicts the opposite" in text
    assert text.count("\n") > 40


def test_the_same_leads_and_seed_give_the_same_assessment(
    leads: list[dict[str, object]], assessment: Assessment
) -> None:
    again = leadrules.assess(
        leadrules.compile(MEETING_RULES), iter(leads), outcome="converted", suggest=True
    )
    assert again == assessment
    assert isinstance(again.suggestion.rules[0].suggested, Decimal)  # type: ignore[union-attr]
