"""`leadrules report`, `explain --history` and the histogram of `score`'s summary, run as a
user runs them (see clihelpers.py). The report's numbers are read back from the page (its
JSON block) and compared with what `score --summary-json` and `diff --output json` say about
the same files.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from clihelpers import B2B, DATA, LEADS, NOW, run, run_process, write

PREVIOUS = DATA / "b2b_previous.leadrules"


def page_data(page: str) -> dict[str, Any]:
    found = re.search(
        r'<script type="application/json" id="report-data">(.*?)</script>', page, re.DOTALL
    )
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def report(tmp_path: Path, *args: Any) -> tuple[str, dict[str, Any], str]:
    out = tmp_path / "report.html"
    result = run("report", *args, "--now", NOW, "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    return page, page_data(page), result.stderr


def test_the_report_has_the_numbers_score_reports(tmp_path: Path) -> None:
    summary_path = tmp_path / "summary.json"
    score = run("score", B2B, LEADS, "--now", NOW, "--quiet", "--summary-json", summary_path)
    assert score.exit_code == 0
    summary = json.loads(summary_path.read_text("utf-8"))
    page, data, stderr = report(tmp_path, B2B, LEADS)
    assert "60 leads of" in stderr and str(tmp_path / "report.html") in stderr
    population = data["population"]
    assert population["stages"] == summary["stages"]
    assert data["notes"]["data_warnings"] == summary["data_warnings"]
    assert data["notes"]["unknown_names"] == summary["unknown_names"]
    fired = {(r["line"], r["label"]): r["leads"] for r in summary["rules_fired"]}
    ours = {
        (r["line"], r["label"]): r["leads"] for r in population["rules"] if r["kind"] != "stage"
    }
    assert ours == fired
    # the stage table on the page shows the same counts, as text
    stages = re.search(r'<table id="stages">(.*?)</table>', page, re.DOTALL)
    assert stages is not None
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", stages.group(1))
    shown = {cells[i]: int(cells[i + 1].replace(",", "")) for i in range(0, len(cells), 3)}
    assert shown == summary["stages"]
    # every chart has its reading in words under it
    assert page.count("<figcaption>") == len(data["charts"]) >= 5
    # nothing to fetch: the only addresses are the SVG namespaces' names
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert addresses == {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<script src" not in page and "<link" not in page and "<img" not in page


def test_comparing_two_rule_files_shows_what_diff_shows(tmp_path: Path) -> None:
    diff = run("diff", PREVIOUS, B2B, LEADS, "--now", NOW, "--output", "json", "--top", "10")
    assert diff.exit_code == 0
    expected = json.loads(diff.stdout)
    page, data, _ = report(tmp_path, PREVIOUS, B2B, LEADS)
    comparison = data["comparison"]
    for key in (
        "leads",
        "changed",
        "transitions",
        "gained_qualification",
        "lost_qualification",
        "score_change",
    ):
        assert comparison[key] == expected[key], key
    assert [m["id"] for m in comparison["movers"]] == [m["id"] for m in expected["movers"]]
    # the leads that change stage, said in words and brought out in the matrix (diff: 2 MQL
    # leads become SQL, 1 falls out of MQL)
    moves = {
        (old, new): n
        for old, row in expected["transitions"].items()
        for new, n in row.items()
        if old != new and n
    }
    assert moves == {("MQL", "SQL"): 2, ("MQL", "(no stage)"): 1}
    assert "3 leads change stage: 2 MQL -&gt; SQL, 1 MQL -&gt; (no stage)." in page
    matrix = re.search(r'<table id="transitions"[^>]*>(.*?)</table>', page, re.DOTALL)
    assert matrix is not None
    assert re.findall(r'<td class="num moved">([^<]*)</td>', matrix.group(1)) == ["1", "2"]
    # the same page with --compare
    out = tmp_path / "compare.html"
    again = run("report", PREVIOUS, LEADS, "--compare", B2B, "--now", NOW, "-o", out)
    assert again.exit_code == 0, again.output
    assert page_data(out.read_text("utf-8"))["comparison"] == comparison
    # the demo request, worth 30 instead of 20 points, is what moves leads most (diff: the
    # 10-point gain on L005, L056 and the others with a demo)
    movement = comparison["rule_movement"]
    demo = next(m for m in movement if m["label"] == "requested demo")
    assert demo["points_gained"] == 10 * demo["leads"]
    assert movement[0]["label"] == "requested demo"
    # both explanations of a mover, side by side
    assert "L005: 77.5 -&gt; 87.5 (+10), MQL -&gt; SQL" in page
    assert page.count('<div class="pair">') == len(expected["movers"])


def test_a_leads_history_in_the_report(tmp_path: Path) -> None:
    page, data, _ = report(tmp_path, B2B, LEADS, "--history", "L005")
    history = data["histories"]["L005"]
    assert history["points"][-1]["at"] == "2026-11-21T00:00:00+00:00"
    assert history["points"][-1]["score"] == 87.5
    chart = data["charts"]["history-l005"]
    assert chart["kind"] == "points" and chart["count"] >= 3
    assert 'id="history-l005-table"' in page


def test_a_history_asked_for_a_lead_not_in_the_file_is_said(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = run("report", B2B, LEADS, "--now", NOW, "-o", out, "--history", "L999")
    assert result.exit_code == 1
    assert "--history L999: no lead with id 'L999'" in result.stderr
    assert out.exists()


INJECTED = """\
+20 when downloaded whitepaper as "<img src=x onerror=alert(1)> whitepaper"
disqualify when country != "GB" because "</script><script>alert(2)</script>"
MQL at 10
"""


def test_lead_data_and_rule_labels_cannot_inject_markup(tmp_path: Path) -> None:
    rules = write(tmp_path / "evil.leadrules", INJECTED)
    leads = write(
        tmp_path / "leads.jsonl",
        """
        {"id": "<script>alert(3)</script>", "downloaded whitepaper": true, "country": "GB"}
        {"id": "<b>bold</b>", "downloaded whitepaper": true, "country": "FR"}
        """,
    )
    page, data, _ = report(tmp_path, rules, leads, "--history", "<script>alert(3)</script>")
    for raw in ("<script>alert", "<img src=x", "<b>bold</b>", "</script><script>"):
        assert raw not in page
    assert html.escape("<script>alert(3)</script>", quote=False) in page
    assert "&lt;img src=x onerror=alert(1)&gt; whitepaper" in page
    # the only script element is the page's data, which is JSON, not code
    assert page.count("<script") == 1
    assert [t["id"] for t in data["population"]["top_leads"]] == [
        "<script>alert(3)</script>",
        "<b>bold</b>",
    ]


def test_without_the_report_extra_it_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    out = tmp_path / "r.html"
    result = run("report", B2B, LEADS, "--now", NOW, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "leadrules: error: the report draws its charts with matplotlib, which is not "
        'installed: pip install "leadrules[report]"'
    )
    assert not out.exists()


def test_the_other_commands_do_not_need_the_report_extra() -> None:
    code = (
        "import sys, leadrules, leadrules.cli\n"
        "from leadrules.cli import cli\n"
        "assert 'matplotlib' not in sys.modules and 'jinja2' not in sys.modules\n"
    )
    done = run_process("--version")
    assert done.returncode == 0
    import subprocess

    checked = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert checked.returncode == 0, checked.stderr


def test_report_takes_two_or_three_files(tmp_path: Path) -> None:
    one = run("report", B2B)
    assert one.exit_code == 2 and "expected RULES LEADS or OLD NEW LEADS, got 1 file" in one.output
    both = run("report", PREVIOUS, B2B, LEADS, "--compare", B2B)
    assert both.exit_code == 2 and "not both" in both.output
    missing = run("report", B2B, tmp_path / "nope.jsonl")
    assert missing.exit_code == 2 and "nope.jsonl" in missing.output


def test_explain_history_prints_the_changes_as_a_table() -> None:
    result = run("explain", B2B, LEADS, "--id", "L005", "--now", NOW, "--history")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Lead L005 ({LEADS}:5), its score up to 2026-11-21T00:00:00+00:00"
    assert lines[1].split()[:4] == ["when", "score", "change", "stage"]
    # the webinar on 15 September: +20, and the lead moves up to SQL (77.5 + 20)
    webinar = next(line for line in lines if line.startswith("2026-09-15"))
    assert "97.5" in webinar and "+20" in webinar and "MQL -> SQL" in webinar
    assert "+20 Attended a webinar (fading)" in webinar
    assert lines[-1].startswith("2026-11-21 00:00   87.5")


def test_the_score_summary_shows_the_shape_of_the_scores() -> None:
    result = run("score", B2B, LEADS, "--now", NOW)
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    start = lines.index("Scores (one # is 1 lead; stage thresholds marked <-):")
    rows = lines[start + 1 : lines.index("Rules fired (of 60 leads):")]
    assert sum(int(row.split()[4]) for row in rows) == 60
    marked = {row.split("<- ")[1]: row.split()[0] for row in rows if "<-" in row}
    assert marked == {"MQL at 50": "50", "SQL at 80": "80", "Sales ready at 100": "100"}
    # 35 leads scored 50 or more (as the report's reading says)
    at_least_50 = sum(int(r.split()[4]) for r in rows if float(r.split()[0]) >= 50)
    assert at_least_50 == 35
