"""`leadrules diff`, run as a user runs it (see clihelpers.py). Expected values are worked out
by hand in the comments next to each expectation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from clihelpers import B2B, DATA, LEADS, NOW, SIMPLE, SIMPLE_V2, run, write

DIFF_LEADS = """
{"id": "d1", "job title": "Director", "company size": 500, "country": "GB", "downloaded whitepaper": true, "requested demo": true}
{"id": "d2", "job title": "Director", "country": "GB"}
{"id": "d3", "company size": 200, "country": "GB", "downloaded whitepaper": true, "requested demo": false}
{"id": "d4", "job title": "director", "company size": 150, "country": "IE"}
{"id": "d5", "job title": "Director", "country": "US", "requested demo": true}
{"id": "d6", "company size": 1000, "country": "GB", "requested demo": true}
"""  # noqa: E501

# Old rules (simple) -> new rules (simple_v2): whitepaper 10 -> 15, demo request +20 (new),
# MQL 30 -> 35.
#   d1: old 30 (fit clamp) + 10 = 40 MQL; new 30 + 15 + 20 = 65 SQL     (+25)
#   d2: 20, no stage both                                               (0)
#   d3: old 15 + 10 = 25; new 15 + 15 = 30: no stage both               (+5)
#   d4: 30 both; MQL under old, below 35 under new: loses MQL           (0)
#   d5: 20 -> 40, disqualified both                                     (+20)
#   d6: old 15 no stage; new 15 + 20 = 35 MQL: gains                    (+20)


def test_diff_matrix_counts_and_movers(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW, "--output", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["leads"] == 6
    t = data["transitions"]
    assert t["MQL"]["SQL"] == 1  # d1
    assert t["MQL"]["(no stage)"] == 1  # d4
    assert t["(no stage)"]["(no stage)"] == 2  # d2, d3
    assert t["(no stage)"]["MQL"] == 1  # d6
    assert t["(disqualified)"]["(disqualified)"] == 1  # d5
    assert sum(sum(row.values()) for row in t.values()) == 6
    assert data["gained_qualification"] == 1
    assert data["lost_qualification"] == 1
    # Changes 25, 0, 5, 0, 20, 20: mean 70/6, median (5 + 20) / 2.
    assert data["score_change"] == {"mean": 11.67, "median": 12.5, "min": 0, "max": 25}
    assert data["changed"] == 5  # all but d2
    # Stage changes first (d1 +25, d6 +20, d4 0), then the rest by size (d5 +20, d3 +5).
    assert [m["id"] for m in data["movers"]] == ["d1", "d6", "d4", "d5", "d3"]
    d1 = data["movers"][0]
    assert (d1["old"]["score"], d1["new"]["score"], d1["change"]) == (40, 65, 25)
    assert {(r["label"], r["old_points"], r["new_points"]) for r in d1["rules"]} == {
        ("downloaded whitepaper", 10, 15),
        ("requested demo", None, 20),
    }
    d4 = data["movers"][2]
    assert d4["rules"] == []
    assert d4["stage_notes"] == ["stage MQL moved from 30 to 35"]


def test_diff_text_report(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW, "--top", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    matrix = out[out.index("Stage transitions") :].splitlines()
    assert matrix[1].split() == [
        "old", "\\", "new", "(disqualified)", "(no", "stage)", "MQL", "SQL", "total",
    ]  # fmt: skip
    assert matrix[2].split() == ["(disqualified)", "1", "0", "0", "0", "1"]
    assert matrix[3].split() == ["(no", "stage)", "0", "2", "1", "0", "3"]
    assert matrix[4].split() == ["MQL", "0", "1", "0", "1", "2"]
    assert matrix[5].split() == ["SQL", "0", "0", "0", "0", "0"]
    assert matrix[6].split() == ["total", "1", "3", "1", "1", "6"]
    assert "Qualification: 1 gained, 1 lost" in out
    assert "mean +11.67, median +12.5, min 0, max +25" in out
    assert "d1: 40 -> 65 (+25), MQL -> SQL" in out
    assert re.search(r"\+5\s+downloaded whitepaper\s+\(old \+10, new \+15\)", out)
    assert re.search(r"\+20\s+requested demo\s+\(old -, new \+20\)", out)
    assert "d6: 15 -> 35 (+20), (no stage) -> MQL" in out
    assert "d4" not in out  # --top 2


def test_diff_exit_code_option(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS)
    assert run("diff", SIMPLE, SIMPLE_V2, leads, "--exit-code").exit_code == 1
    same = run("diff", SIMPLE, SIMPLE, leads, "--exit-code", "--now", NOW)
    assert same.exit_code == 0
    assert "No lead changed score or stage." in same.stdout
    assert "mean 0, median 0, min 0, max 0" in same.stdout


def test_diff_on_the_examples() -> None:
    result = run("diff", DATA / "b2b_previous.leadrules", B2B, LEADS, "--now", NOW, "-o", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    count = len(LEADS.read_text(encoding="utf-8").splitlines())
    assert data["leads"] == count
    assert sum(sum(r.values()) for r in data["transitions"].values()) == count
    for mover in data["movers"]:
        # The rules responsible add up to the score change, group limits included.
        assert sum(r["change"] for r in mover["rules"]) == pytest.approx(mover["change"])


def test_diff_with_an_empty_leads_file(tmp_path: Path) -> None:
    leads = tmp_path / "none.jsonl"
    leads.write_bytes(b"")
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "-o", "json")
    assert result.exit_code == 2  # an empty file is not a table
    assert "is empty: there are no leads in it" in result.stderr
    header_only = write(tmp_path / "none.csv", "id,country\n")
    result = run("diff", SIMPLE, SIMPLE_V2, header_only, "-o", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["leads"] == 0 and data["score_change"] is None and data["movers"] == []


def test_diff_with_a_broken_line(tmp_path: Path) -> None:
    leads = write(tmp_path / "leads.jsonl", DIFF_LEADS.strip() + "\n{oops\n")
    result = run("diff", SIMPLE, SIMPLE_V2, leads, "--now", NOW)
    assert result.exit_code == 1
    assert f"{leads}:7: skipped: not valid JSON" in result.stderr
    assert "6 scored" in result.stdout


def test_stage_notes_name_only_the_stage_that_explains_the_move() -> None:
    # b2b_previous -> b2b: MQL moved from 45 to 50, a demo request is worth 30 instead of 20.
    # L005 goes MQL -> SQL (77.5 -> 87.5) because of the demo's points: SQL (80) is the stage
    # it newly reaches, and SQL did not change; MQL's threshold is no reason (it was MQL under
    # both). L008 stays at 46.93 and loses MQL because MQL moved.
    old = DATA / "b2b_previous.leadrules"
    result = run("diff", old, B2B, LEADS, "--now", NOW, "--top", "40", "-o", "json")
    movers = {m["id"]: m for m in json.loads(result.stdout)["movers"]}
    assert movers["L005"]["stage_notes"] == []
    assert movers["L008"]["stage_notes"] == ["stage MQL moved from 45 to 50"]
    # The other way round, the notes are the other way round: L005 loses SQL by points only,
    # L008 gains MQL because MQL moved down.
    back = run("diff", B2B, old, LEADS, "--now", NOW, "--top", "40", "-o", "json")
    movers = {m["id"]: m for m in json.loads(back.stdout)["movers"]}
    assert movers["L005"]["stage_notes"] == []
    assert movers["L008"]["stage_notes"] == ["stage MQL moved from 50 to 45"]
    text = run("diff", old, B2B, LEADS, "--now", NOW, "--top", "4").stdout
    assert (
        "  L005: 77.5 -> 87.5 (+10), MQL -> SQL\n"
        "         +10  [engagement] requested demo  (old +20, new +30)\n"
        "  L056"
    ) in text
