"""The examples folder and the code shown in the docs work as documented.

Expectations about individual leads are reasoned from ``examples/leads.jsonl`` and the rules in
``examples/b2b.leadrules`` (each test says which rule and which data), never copied from output.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import leadrules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RULES_FILE = EXAMPLES / "b2b.leadrules"
LEADS_FILE = EXAMPLES / "leads.jsonl"
SCRIPT = EXAMPLES / "score_leads.py"
DOCS = ROOT / "docs"

#: The moment the example script scores at (its docstring and the README promise it).
NOW = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)
STAGES = ("MQL", "SQL", "Sales ready")


def _leads() -> list[dict[str, Any]]:
    with LEADS_FILE.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


LEADS = _leads()
BY_ID = {lead["id"]: lead for lead in LEADS}


@pytest.fixture(scope="module")
def rules() -> leadrules.RuleSet:
    return leadrules.load(RULES_FILE)


@pytest.fixture(scope="module")
def results(rules: leadrules.RuleSet) -> dict[str, leadrules.Result]:
    return {lead["id"]: rules.evaluate(lead, now=NOW) for lead in LEADS}


@pytest.fixture(scope="module")
def script_output() -> str:
    return _run_script()


def _run_script() -> str:
    # Run from an unrelated folder: the script must find its files relative to itself.
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=str(ROOT.parent),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rule_line(text: str) -> int:
    """The line number of the (only) line of the rule file containing ``text``."""
    lines = RULES_FILE.read_text("utf-8").splitlines()
    found = [number for number, line in enumerate(lines, start=1) if text in line]
    assert len(found) == 1, (text, found)
    return found[0]


def _labels(result: leadrules.Result) -> dict[str, Decimal]:
    return {c.label: c.points for c in result.contributions if c.kind == "rule"}


def _yes(value: Any) -> bool:
    """How the CRM export spells yes: JSON true, or text such as "yes" / "TRUE"."""
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true")
    return value is True


def _events(lead: dict[str, Any], name: str) -> list[dt.datetime]:
    """When the lead did ``name`` (event names written any way: "Visited Pricing Page",
    "visited_pricing_page"), at or before NOW."""
    key = name.replace("_", " ").lower()
    times = []
    for event in lead["events"]:
        if event["name"].replace("_", " ").lower() == key:
            at = dt.datetime.fromisoformat(event["at"].replace("Z", "+00:00"))
            if at <= NOW:
                times.append(at)
    return times


# ------------------------------------------------------------------------------ the rule file


def test_rule_file_compiles_with_its_stages_and_groups(rules: leadrules.RuleSet) -> None:
    assert rules.stages == STAGES  # lowest threshold first
    assert rules.groups == ("fit", "engagement")
    assert rules.filename == str(RULES_FILE)


def test_rule_file_gives_every_kind_of_outcome(results: dict[str, leadrules.Result]) -> None:
    outcomes = Counter(
        "disqualified" if r.disqualified else (r.stage or "none") for r in results.values()
    )
    for outcome in ("MQL", "SQL", "Sales ready", "disqualified", "none"):
        assert outcomes[outcome] > 0, outcomes


# ------------------------------------------------------------------------------ the script


def test_script_prints_a_line_per_lead_explanations_and_a_stage_summary(
    script_output: str, results: dict[str, leadrules.Result]
) -> None:
    lines = script_output.splitlines()
    for lead_id, result in results.items():
        mine = [line for line in lines if line.startswith(lead_id + " ")]
        assert len(mine) == 1, lead_id
        printed_score = Decimal(mine[0].split()[1])
        assert printed_score == result.score
        expected = "disqualified" if result.disqualified else (result.stage or "not qualified")
        assert expected in mine[0]

    # The full explanation of three leads, each exactly as Result.explain() renders it.
    for lead_id in ("L001", "L034", "L037"):
        assert f"Why {lead_id} scored" in script_output
        assert results[lead_id].explain() in script_output

    summary = script_output[script_output.rindex("Stages:") :]
    counts = {
        m.group(1).strip(): int(m.group(2))
        for m in re.finditer(r"^  (\S.*?)\s+(-?\d+)$", summary, re.MULTILINE)
    }
    expected_counts = Counter(
        "disqualified" if r.disqualified else (r.stage or "not qualified") for r in results.values()
    )
    for name in (*STAGES, "not qualified", "disqualified"):
        assert counts[name] == expected_counts[name], name
    assert counts["total"] == len(LEADS) == 60


def test_script_output_is_reproducible(script_output: str) -> None:
    # `now` is fixed in the script, so a second run prints exactly the same thing.
    assert _run_script() == script_output


def test_script_is_importable_without_side_effects(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("score_leads_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)
    assert module.NOW == NOW
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# ------------------------------------------------------------------------------ every lead


@pytest.mark.parametrize("lead_id", sorted(BY_ID))
def test_contributions_add_up_to_the_score_and_the_groups(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    result = results[lead_id]
    assert sum((c.points for c in result.contributions), Decimal(0)) == result.score
    for group, subtotal in result.groups.items():
        in_group = [c.points for c in result.contributions if c.group == group]
        assert sum(in_group, Decimal(0)) == subtotal
    # `group fit max 50 min -5` and `group engagement max 60`.
    assert Decimal(-5) <= result.groups["fit"] <= Decimal(50)
    assert result.groups["engagement"] <= Decimal(60)


@pytest.mark.parametrize("lead_id", sorted(BY_ID))
def test_disqualified_exactly_outside_gb_ie_or_from_the_competitor(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    lead = BY_ID[lead_id]
    # Text comparisons ignore case and surrounding spaces: " GB" and "gb" are GB.
    abroad = lead["country"].strip().upper() not in ("GB", "IE")
    competitor = lead["email"].lower().endswith("@competitor.com")
    result = results[lead_id]
    assert result.disqualified == (abroad or competitor)
    reasons = {d.reason for d in result.disqualifications}
    assert ("We only sell in the UK and Ireland" in reasons) == abroad
    if result.disqualified:
        assert result.stage is None and not result.qualified
        assert result.next_stage is None and result.points_to_next_stage is None


@pytest.mark.parametrize("lead_id", sorted(BY_ID))
def test_stage_follows_thresholds_and_conditions(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    lead = BY_ID[lead_id]
    result = results[lead_id]
    if result.disqualified:
        return
    score = result.score
    demo, call = _yes(lead["requested_demo"]), _yes(lead["booked_call"])
    decision_maker = bool(
        re.search(
            r"\b(chief|ceo|founder|vp|vice president|head|director)\b", lead["job_title"], re.I
        )
    )
    budget_known = lead.get("budget") is not None
    if score >= 100 and call and decision_maker and budget_known:
        expected = "Sales ready"
    elif score >= 80 and (demo or call):
        expected = "SQL"
    elif score >= 50:
        expected = "MQL"
    else:
        expected = None
    assert result.stage == expected
    assert result.qualified == (expected is not None)


@pytest.mark.parametrize("lead_id", sorted(BY_ID))
def test_pricing_rule_fires_on_three_visits_within_fourteen_days(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    # `+25 when visited pricing page at least 3 times within 14 days`
    recent = [
        t
        for t in _events(BY_ID[lead_id], "visited pricing page")
        if t >= NOW - dt.timedelta(days=14)
    ]
    labels = _labels(results[lead_id])
    assert ("Keeps coming back to pricing" in labels) == (len(recent) >= 3)


@pytest.mark.parametrize("lead_id", sorted(BY_ID))
def test_opened_email_gives_five_per_email_in_thirty_days_up_to_fifteen(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    # `+5 per opened email within 30 days, up to 15`
    recent = [
        t for t in _events(BY_ID[lead_id], "opened email") if t >= NOW - dt.timedelta(days=30)
    ]
    points = _labels(results[lead_id]).get("Opened our emails (last 30 days)")
    if not recent:
        assert points is None
    else:
        assert points == min(Decimal(5 * len(recent)), Decimal(15))


# ------------------------------------------------------------------------------ single leads


def test_competitor_lead_is_disqualified_by_the_competitor_rule(
    results: dict[str, leadrules.Result],
) -> None:
    assert BY_ID["L027"]["email"].endswith("@competitor.com")
    result = results["L027"]
    assert result.disqualified and result.stage is None
    (dq,) = result.disqualifications
    # No `because`: the reason is the rule's own text.
    assert "@competitor.com" in dq.reason
    assert dq.line == _rule_line('disqualify when email ends with "@competitor.com"')


def test_high_scoring_lead_outside_gb_ie_is_still_disqualified(
    results: dict[str, leadrules.Result],
) -> None:
    lead = BY_ID["L034"]  # a VP in the US who asked for a demo and booked a call
    assert lead["country"] == "US" and lead["requested_demo"] and lead["booked_call"]
    result = results["L034"]
    assert result.score >= 100
    assert result.disqualified and result.stage is None
    assert [d.reason for d in result.disqualifications] == ["We only sell in the UK and Ireland"]
    assert result.disqualifications[0].evidence[0].value == "US"


@pytest.mark.parametrize("lead_id", ["L040", "L041", "L052"])
def test_country_case_and_spaces_do_not_disqualify(
    lead_id: str, results: dict[str, leadrules.Result]
) -> None:
    assert BY_ID[lead_id]["country"] in ("gb", " GB", " IE")
    assert not results[lead_id].disqualified


def test_text_booleans_and_numbers_from_the_crm_are_understood(
    results: dict[str, leadrules.Result],
) -> None:
    lead = BY_ID["L020"]
    assert lead["company_size"] == "640" and lead["requested_demo"] == "TRUE"
    labels = _labels(results["L020"])
    assert labels["requested demo"] == 30
    assert labels["Booked a call with sales"] == 10
    assert labels["downloaded whitepaper"] == 20  # "yes"
    assert labels["Company of 200 to 5,000 people"] == 15  # "640" read as a number
    assert results["L020"].warnings == ()


def test_text_no_is_false(results: dict[str, leadrules.Result]) -> None:
    lead = BY_ID["L040"]
    assert lead["requested_demo"] == "no" and lead["events"] == []
    labels = _labels(results["L040"])
    assert "requested demo" not in labels
    # `not (downloaded whitepaper or requested demo or attended webinar)`: all three false.
    assert labels["Nothing beyond emails and page views"] == -10


def test_sql_lead_without_a_budget_cannot_be_sales_ready(
    results: dict[str, leadrules.Result],
) -> None:
    lead = BY_ID["L020"]  # a Chief Marketing Officer who booked a call, but gave no budget
    assert "budget" not in lead
    result = results["L020"]
    assert result.score >= 100
    assert result.stage == "SQL"
    assert result.next_stage == "Sales ready"
    assert result.points_to_next_stage == 0


def test_unreadable_company_size_is_undecided_not_an_error(
    results: dict[str, leadrules.Result],
) -> None:
    assert BY_ID["L037"]["company_size"] == "unknown"
    result = results["L037"]
    undecided = {u.label for u in result.undecided}
    assert {"Company of 200 to 5,000 people", "Micro business (10 people or fewer)"} <= undecided
    assert any("'unknown'" in w and "company size" in w for w in result.warnings)
    labels = _labels(result)
    assert "Company of 200 to 5,000 people" not in labels
    assert "Micro business (10 people or fewer)" not in labels


def test_fit_group_minimum_lifts_a_poor_fit(results: dict[str, leadrules.Result]) -> None:
    lead = BY_ID["L043"]  # a student at a 4-person company with a 3,000 budget
    assert lead["company_size"] == 4 and lead["budget"] == 3000
    result = results["L043"]
    # -10 (micro business) + 3 (budget, 1 per 1,000) = -7, lifted to the group's min -5.
    assert result.groups["fit"] == -5
    (clamp,) = [c for c in result.clamps if c.kind == "group min"]
    assert (clamp.before, clamp.after, clamp.limit) == (-7, -5, -5)
    clamp_rows = [c for c in result.contributions if c.kind == "clamp" and c.group == "fit"]
    assert [c.points for c in clamp_rows] == [2]


def test_budget_rule_is_capped_at_fifteen(results: dict[str, leadrules.Result]) -> None:
    # `+0.001 per budget, up to 15`: 32,000 of budget would be 32 points.
    assert BY_ID["L001"]["budget"] == 32000
    (row,) = [c for c in results["L001"].contributions if c.label.startswith("Budget (1 point")]
    assert row.points == 15 and row.uncapped_points == 32 and row.count == 32000


def test_webinar_points_decay_with_the_age_of_the_latest_webinar(
    results: dict[str, leadrules.Result],
) -> None:
    # `+20 when attended webinar, decaying 50% every 30 days`: 20 * 0.5 ** (age / 30 days),
    # rounded to 0.01.
    latest = max(_events(BY_ID["L001"], "attended webinar"))
    age = NOW - latest
    expected = Decimal(20 * 0.5 ** (age / dt.timedelta(days=30))).quantize(Decimal("0.01"))
    (row,) = [c for c in results["L001"].contributions if c.label == "Attended a webinar (fading)"]
    assert row.points == expected
    assert row.decay is not None and row.decay.age == age and row.decay.full_points == 20


# ------------------------------------------------------------------------------ the docs


def _blocks(path: Path, language: str) -> list[str]:
    text = path.read_text("utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_every_rule_example_in_the_language_reference_compiles() -> None:
    blocks = _blocks(DOCS / "language.md", "leadrules")
    assert len(blocks) >= 20
    for block in blocks:
        try:
            leadrules.compile(block, filename="docs/language.md")
        except leadrules.LeadRulesError as exc:  # pragma: no cover - shows which block
            pytest.fail(f"this example does not compile:\n{block}\n{exc}")


@pytest.mark.parametrize("doc", ["api.md", "architecture.md", "sql.md", "../README.md"])
def test_python_examples_in_the_docs_run(doc: str) -> None:
    path = (DOCS / doc).resolve()
    blocks = _blocks(path, "python")
    assert blocks
    namespace: dict[str, Any] = {"__name__": "docs_example"}
    for block in blocks:  # each file's blocks run in order, in one namespace
        exec(compile(block, str(path), "exec"), namespace)


def test_readme_example_prints_the_score_and_stage_it_promises(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (block,) = _blocks(ROOT / "README.md", "python")
    exec(compile(block, "README.md", "exec"), {"__name__": "readme_example"})
    printed = capsys.readouterr().out
    # Head of Growth (+20) at a 420-person company (+15): fit 35. Three pricing visits in the
    # 14 days before 21 November (+25) and a demo request (+30): engagement 55. 90 >= 80 and a
    # demo was requested: SQL.
    assert printed.splitlines()[0] == "90 SQL"
    assert "Group engagement: 55" in printed


# ------------------------------------------------------------------------------ bugs found


def test_a_count_on_a_per_rule_is_reported_when_compiling() -> None:
    # language.md: `+N per EVENT [where COND] [within D] [, up to M]` - no count. Writing one
    # (`at least 2 times`) must be reported with its position, not dropped without a word.
    with pytest.raises(leadrules.LeadRulesError) as info:
        leadrules.compile("+5 per opened email at least 2 times")
    assert isinstance(info.value, leadrules.RuleSyntaxError)
    assert info.value.line == 1
