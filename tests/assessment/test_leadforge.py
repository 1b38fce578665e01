"""``leadrules assess`` on a B2B funnel someone else simulated: leadforge (an installable
generator of synthetic CRM data) makes accounts, contacts, touches, sessions, sales activities
and a 90-day conversion label offline from a seed; ``examples/leadforge_funnel.py`` exports
them as a CRM would (leads.csv, events.csv) and this test assesses ``examples/leadforge.leadrules``
against the label, as docs/assess.md shows.

What is known of leadforge's world without reading its code: a lead converts by winning a
deal, so having an opportunity is on the way to converting; the rest is what the data says.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

import leadrules
from leadrules.cli import cli

pytest.importorskip("leadforge")
pytest.importorskip("pandas")

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "examples" / "leadforge.leadrules"
LEADS = 800


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "leadforge_funnel", ROOT / "examples" / "leadforge_funnel.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("leadforge_funnel", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def funnel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("funnel")
    example = _example()
    example.generate(folder / "bundle", LEADS, 7)
    leads, events = example.export(folder / "bundle", folder)
    return leads, events, folder / "suggested.leadrules"


@pytest.fixture(scope="module")
def assessed(funnel: tuple[Path, Path, Path]) -> dict[str, Any]:
    leads, events, suggested = funnel
    result = CliRunner().invoke(
        cli,
        [
            "assess", str(RULES), str(leads), "--events", str(events), "--outcome",
            "Converted", "--as-of", "Scored On", "--suggest", str(suggested), "-o", "json",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_every_exported_lead_is_assessed_against_its_label(
    funnel: tuple[Path, Path, Path], assessed: dict[str, Any]
) -> None:
    with funnel[0].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == LEADS
    assert assessed["leads"] == LEADS and assessed["excluded"] == []
    assert assessed["converted"] == sum(1 for row in rows if row["Converted"] == "Yes")
    assert assessed["events"]["unmatched_events"] == 0
    assert len(assessed["rules"]) == len(leadrules.compile(RULES.read_text()).checked.score_rules)


def test_having_an_opportunity_is_found_to_predict_conversion(assessed: dict[str, Any]) -> None:
    (row,) = [r for r in assessed["rules"] if r["label"] == "Has an opportunity"]
    assert row["verdict"] == "earns" and row["lift"]["low"] > 2
    points = {r["label"]: r["suggested"] for r in assessed["suggestion"]["rules"]}
    assert points["Has an opportunity"] == max(points.values())


def test_the_suggested_file_is_the_example_with_other_numbers(
    funnel: tuple[Path, Path, Path], assessed: dict[str, Any]
) -> None:
    text = funnel[2].read_text(encoding="utf-8")
    assert text == assessed["suggestion"]["text"]
    before, after = leadrules.compile(RULES.read_text()), leadrules.compile(text)
    assert [r.display for r in after.checked.score_rules] == [
        r.display for r in before.checked.score_rules
    ]
    assert after.stages == before.stages and after.groups == before.groups
    assert text.splitlines()[:3] == RULES.read_text().splitlines()[:3]  # the comments stay
