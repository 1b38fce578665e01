"""The report as a person sees it: rendered by a real headless Chromium (Debian's `chromium`,
driven by Playwright), every chart drawn with the bars or points its numbers call for, no
error in the console, nothing fetched from the network, no script run from lead data; a
screenshot of the page is kept in artifacts/ (git-ignored) for a person to look at.

`.ci/run` installs Chromium, so in CI (CI set) a missing browser is a failure; elsewhere the
tests are skipped, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leadrules.cli import cli

ROOT = Path(__file__).resolve().parents[2]
B2B = ROOT / "examples" / "b2b.leadrules"
LEADS = ROOT / "examples" / "leads.jsonl"
PREVIOUS = ROOT / "tests" / "data" / "cli" / "b2b_previous.leadrules"
NOW = "2026-11-21T00:00:00Z"
ARTIFACTS = Path(os.environ.get("LEADRULES_ARTIFACTS", ROOT / "artifacts"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: As for any headless Chromium on a machine without a network (and as root: no sandbox).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must render the report (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        _missing("no chromium on this machine (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing('playwright is not installed (pip install -e ".[test]")')
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _report(tmp_path: Path, *args: Any) -> Path:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", *map(str, args), "--now", NOW, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


class Visit:
    """A page opened in the browser, with what it said and asked for."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri(), wait_until="load")
        self.data: dict[str, Any] = json.loads(
            self.page.locator("#report-data").text_content() or "{}"
        )


def test_every_chart_is_drawn_with_its_bars_and_points(browser: Any, tmp_path: Path) -> None:
    path = _report(tmp_path, PREVIOUS, B2B, LEADS, "--history", "L005", "--history", "L001")
    visit = Visit(browser, path)
    page, data = visit.page, visit.data
    charts = data["charts"]
    sizes: dict[str, int] = {}
    assert {"scores", "funnel", "rules", "disqualified", "shift", "movement"} <= set(charts)
    assert {"group-fit", "group-engagement", "history-l005", "history-l001"} <= set(charts)
    for chart_id, chart in charts.items():
        figure = page.locator(f"#chart-{chart_id}")
        box = figure.locator("svg").bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 80, chart_id
        caption = figure.locator("figcaption").text_content() or ""
        assert len(caption) > 20, chart_id  # its reading in words
        if chart["kind"] == "bars":
            marks = figure.locator(f'[id^="{chart_id}-bar-"]')
        else:
            marks = figure.locator(f'[id="{chart_id}-points"] use')
        assert marks.count() == chart["count"] > 0, chart_id
        assert int(figure.get_attribute("data-count") or -1) == chart["count"]
        flat = 0
        for i in range(marks.count()):  # each bar or point is laid out on the page
            mark = marks.nth(i).bounding_box()
            assert mark is not None and (mark["width"] > 0 or mark["height"] > 0), chart_id
            flat += mark["width"] * mark["height"] == 0
        sizes[chart_id] = flat
    population = data["population"]
    # as many bars as the numbers call for
    assert charts["funnel"]["count"] == len(population["funnel"]) == 5
    score_rules = [r for r in population["rules"] if r["kind"] == "score rule"]
    assert charts["rules"]["count"] == len(score_rules)
    # a bar has no area only for a rule that gave no points in all
    assert sizes["rules"] == sum(r["points"] == 0 for r in score_rules)
    assert all(flat == 0 for chart_id, flat in sizes.items() if chart_id != "rules")
    assert charts["disqualified"]["count"] == len(population["disqualification_reasons"])
    movement = data["comparison"]["rule_movement"][:15]
    assert charts["movement"]["count"] == sum(
        (m["points_gained"] > 0) + (m["points_lost"] > 0) for m in movement
    )
    points = data["histories"]["L005"]["points"]
    changed = [
        p
        for i, p in enumerate(points)
        if i in (0, len(points) - 1)
        or (p["score"], p["stage"], p["disqualified"])
        != (points[i - 1]["score"], points[i - 1]["stage"], points[i - 1]["disqualified"])
    ]
    assert charts["history-l005"]["count"] == len(changed)
    assert visit.console == []
    assert visit.requests == [path.as_uri()]  # nothing fetched but the file itself
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "report-screenshot.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    print(f"screenshot of the report: {shot}")
    page.close()


def test_lead_data_runs_no_script_in_the_browser(browser: Any, tmp_path: Path) -> None:
    rules = tmp_path / "evil.leadrules"
    rules.write_text(
        '+20 when downloaded whitepaper as "<img src=x onerror=alert(1)> whitepaper"\n'
        'disqualify when country != "GB" because "</script><script>alert(2)</script>"\n'
        "MQL at 10\n",
        "utf-8",
    )
    leads = tmp_path / "leads.jsonl"
    leads.write_text(
        '{"id": "<script>alert(3)</script>", "downloaded whitepaper": true, "country": "GB"}\n'
        '{"id": "x", "downloaded whitepaper": true, "country": "FR"}\n',
        "utf-8",
    )
    visit = Visit(browser, _report(tmp_path, rules, leads))
    page = visit.page
    assert visit.dialogs == [] and visit.console == []
    assert page.locator("script").count() == 1  # the page's data, as JSON
    assert page.locator("img").count() == 0
    top = page.locator("#top-leads").text_content() or ""
    assert "<script>alert(3)</script>" in top  # shown as the text it is
    assert "</script><script>alert(2)</script>" in (
        page.locator("#chart-disqualified").text_content() or ""
    )
    page.close()
