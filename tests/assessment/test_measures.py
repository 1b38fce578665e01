"""The tables of ``leadrules.assess`` on a small population built by hand, whose every count is
reasoned below from the rules and the leads: conversion by stage, precision, recall and lift at
each threshold, the rules' fired counts and lifts, the fields that left rules undecided, the
disqualify rule's converted leads, the leads left out and why; and the arguments and errors of
the function (docs/assess.md, docs/api.md).
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import leadrules
from leadrules.assessment import Assessment, MissingDependency

RULES = """\
define decision maker as job title matches /\\b(vp|head|director)\\b/i
+30 when decision maker
+10 when company size >= 50 as "Fifty people or more"
disqualify when country != "GB" because "UK only"
MQL at 30
SQL at 40 when requested demo
"""
DEMO = [{"name": "requested demo", "at": "2026-06-20T10:00:00Z"}]


def _group(count: int, converted: int, start: int, **fields: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": f"C{start + i}",
            "converted": "Yes" if i < converted else "No",
            "created at": "2026-07-01",
            "country": "GB",
            "events": [],
            **fields,
        }
        for i in range(count)
    ]


def _population() -> list[dict[str, Any]]:
    vp = {"job title": "VP Sales"}
    leads = (
        _group(10, 6, 100, **vp, company_size=100, events=DEMO)  # 40, SQL
        + _group(10, 4, 200, **vp, company_size=100)  # 40, MQL (no demo)
        + _group(10, 2, 300, **vp)  # 30, MQL; company size missing
        + _group(20, 1, 400, job_title="Analyst", company_size=10)  # 0, no stage
        + _group(5, 0, 500, company_size=100)  # 10, no stage; job title missing
        + _group(5, 3, 600, **vp, company_size=100, country="FR")  # disqualified
    )
    leads += [
        {"id": "X1", "converted": "", "created at": "2026-07-01", "country": "GB"},
        {"id": "X2", "created at": "2026-07-01", "country": "GB"},
        {"id": "X3", "converted": "maybe", "created at": "2026-07-01", "country": "GB"},
        {"id": "X4", "converted": "no", "created at": "soon", "country": "GB"},
    ]
    return leads


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return leadrules.assess(RULES, _population(), outcome="converted")


def test_the_leads_left_out_are_counted_with_examples(assessment: Assessment) -> None:
    assert (assessment.leads, assessment.converted) == (60, 16)
    excluded = {e.reason: (e.count, e.examples) for e in assessment.excluded}
    assert excluded == {
        "converted is missing": (2, ("X1", "X2")),
        "converted is not yes or no": (1, ("X3: 'maybe'",)),
        "created at is not a date": (1, ("X4: 'soon'",)),
    }
    assert "4 left out" in assessment.findings[0]


def test_conversion_by_stage_highest_first(assessment: Assessment) -> None:
    rows = [(r.stage, r.conversion.total, r.conversion.count) for r in assessment.stages]
    assert rows == [("SQL", 10, 6), ("MQL", 20, 6), ("(no stage)", 25, 1), ("(disqualified)", 5, 3)]
    assert assessment.stages[0].conversion.low is not None


def test_precision_recall_and_lift_at_each_threshold(assessment: Assessment) -> None:
    mql, sql = assessment.thresholds
    assert (mql.stage, mql.threshold, mql.leads, mql.precision.count) == ("MQL", 30, 30, 12)
    assert mql.precision.rate == pytest.approx(12 / 30)
    assert mql.recall.rate == pytest.approx(12 / 16)
    assert mql.lift == pytest.approx((12 / 30) / (16 / 60))
    assert (sql.leads, sql.precision.count) == (10, 6)
    assert sql.lift == pytest.approx(0.6 / (16 / 60))


def test_each_rule_against_the_leads_not_disqualified(assessment: Assessment) -> None:
    dm = assessment.rule(2)
    # 30 VPs in the UK, 12 of them converted; of the other 25, one.
    assert (dm.leads, dm.fired, dm.among_converted.count, dm.among_converted.total) == (
        55,
        30,
        12,
        13,
    )
    assert dm.lift is not None and dm.lift.value == pytest.approx((12 / 30) / (1 / 25))
    assert dm.undecided == 5  # no job title
    size = assessment.rule(3)
    assert (size.label, size.fired, size.when_fired.count) == ("Fifty people or more", 25, 10)
    assert size.lift is not None and size.lift.value == pytest.approx((10 / 25) / (3 / 30))
    assert size.undecided == 10


def test_the_fields_that_left_rules_undecided(assessment: Assessment) -> None:
    gaps = [(f.field, f.problem, f.leads, f.lines) for f in assessment.fields]
    assert gaps == [("company size", "missing", 10, (3,)), ("job title", "missing", 5, (2,))]
    assert any(
        "Most undecided: company size is missing for 10 leads" in f for f in assessment.findings
    )


def test_the_disqualify_rule_names_the_leads_it_removed_that_converted(
    assessment: Assessment,
) -> None:
    (row,) = assessment.disqualify
    assert (row.line, row.reason, row.removed.total, row.removed.count) == (4, "UK only", 5, 3)
    assert row.converted_examples == ("C600", "C601", "C602")
    assert row.finding.startswith("removed 5 leads, 3 of which converted all the same")
    assert "3 converted leads were disqualified" in " ".join(assessment.findings)


def test_unreadable_values_are_a_field_gap_of_their_own() -> None:
    leads = _group(4, 2, 1, job_title="VP", company_size="lots") + _group(4, 1, 9, job_title="VP")
    found = leadrules.assess(RULES, leads, outcome="converted")
    gaps = {(f.field, f.problem): (f.leads, f.example) for f in found.fields}
    assert gaps[("company size", "unreadable")] == (
        4,
        "company size: could not read 'lots' as a number",
    )
    assert gaps[("company size", "missing")][0] == 4


def test_the_report_prints_every_table(assessment: Assessment) -> None:
    text = assessment.text()
    for heading in (
        "Conversion by stage",
        "Conversion by score band",
        "How well the score ranks leads",
        "At each stage's threshold",
        "Score rules (of 55 leads not disqualified",
        "Rules undecided for missing or unreadable data, by field",
        "Disqualify rules",
    ):
        assert heading in text
    assert "converted: C600, C601, C602" in text
    assert "        1 left out: converted is not yes or no (e.g. X3: 'maybe')" in text


# ------------------------------------------------------------------------------ arguments


def test_without_a_creation_date_the_moment_must_be_named() -> None:
    leads = [{"id": "A", "converted": True}]
    with pytest.raises(
        leadrules.LeadRulesError, match="say as of when each lead's decision was made"
    ):
        leadrules.assess("+5 when a", leads, outcome="converted")


def test_as_of_a_datetime_scores_every_lead_at_that_moment() -> None:
    leads = [{"converted": True, "a": True}, {"converted": False, "a": False}]
    found = leadrules.assess("+5 when a", leads, outcome="converted", as_of=dt.datetime(2026, 1, 1))
    assert found.leads == 2 and found.rule(1).fired == 1
    assert found.rule(1).among_converted.count == 1


def test_nothing_to_assess_is_an_error_that_says_why() -> None:
    leads = [{"converted": "", "created": "2026-01-01"}] * 3
    with pytest.raises(
        leadrules.LeadRulesError, match="no lead could be assessed: 3 whose converted is missing"
    ):
        leadrules.assess("+5 when a", leads, outcome="converted")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outcome": 3}, "outcome must name a field"),
        ({"outcome": "converted", "as_of": 5}, "as_of must name a field"),
        ({"outcome": "converted", "folds": 1}, "folds must be a whole number"),
    ],
)
def test_wrong_arguments_are_invalid_argument(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(leadrules.InvalidArgument, match=message):
        leadrules.assess("+5 when a", [{"created": "2026-01-01"}], **kwargs)
    with pytest.raises(leadrules.InvalidArgument, match="leads must be an iterable"):
        leadrules.assess("+5 when a", "leads.csv", outcome="converted")


def test_without_the_extra_the_error_says_what_to_install() -> None:
    # numpy, scipy and scikit-learn hidden from the import system, as on a plain install.
    script = textwrap.dedent(
        """
        import sys
        class Hide:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("numpy", "scipy", "sklearn"):
                    raise ModuleNotFoundError(name)
        sys.meta_path.insert(0, Hide())
        import leadrules
        assert "numpy" not in sys.modules
        try:
            leadrules.assess("+5 when a", [], outcome="converted")
        except leadrules.LeadRulesError as exc:
            print(type(exc).__name__, isinstance(exc, ImportError))
            print(exc)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == [
        "MissingDependency True",
        "assessing rules against outcomes needs numpy, scipy and scikit-learn, which are not "
        'installed: pip install "leadrules[assess]" (from a checkout: pip install -e ".[assess]")',
    ]
    assert issubclass(MissingDependency, ImportError)


def test_importing_leadrules_does_not_import_the_statistics() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, leadrules; "
            "print(sorted(m for m in ('numpy', 'scipy', 'sklearn') if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "[]"


def test_an_outcome_of_dates_reads_a_blank_as_not_converted() -> None:
    # A "won date" column: a date is a lead that converted, a blank one that did not (yet);
    # in a yes/no column a blank is an unknown outcome and the lead is left out.
    leads = [
        {"id": "A", "a": True, "created": "2026-07-01", "won date": "2026-08-15"},
        {"id": "B", "a": True, "created": "2026-07-01", "won date": "08/20/2026"},
        {"id": "C", "a": False, "created": "2026-07-01", "won date": ""},
        {"id": "D", "a": False, "created": "2026-07-01"},
    ]
    found = leadrules.assess("+5 when a", leads, outcome="won date")
    assert (found.leads, found.converted, found.excluded) == (4, 2, ())
    assert found.notes == (
        "won date holds dates: a lead with a date there converted, and the 2 with none did not.",
    )
    assert "  - won date holds dates" in found.text()
    # One yes/no word makes it a yes/no column again: blanks are unknown.
    leads[3]["won date"] = "no"
    mixed = leadrules.assess("+5 when a", leads, outcome="won date")
    assert (mixed.leads, mixed.converted, mixed.notes) == (3, 2, ())
    assert [(e.reason, e.count) for e in mixed.excluded] == [("won date is missing", 1)]
