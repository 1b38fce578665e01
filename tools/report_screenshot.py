"""Makes docs/images/report-*.png, the pictures of docs/report.md: a real report on the example
files (the change from tests/data/cli/b2b_previous.leadrules to examples/b2b.leadrules, with
lead L005's history), rendered by Debian's chromium through Playwright.

    python tools/report_screenshot.py          # needs pip install -e ".[test]" and chromium
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("needs Debian's chromium: apt-get install chromium")
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        page_path = Path(folder) / "report.html"
        subprocess.run(
            [
                sys.executable, "-m", "leadrules", "report",
                "tests/data/cli/b2b_previous.leadrules", "examples/b2b.leadrules",
                "examples/leads.jsonl", "--now", "2026-11-21", "--history", "L005",
                "-o", str(page_path), "--no-progress",
            ],
            cwd=ROOT,
            check=True,
        )  # fmt: skip
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1000})
            page.goto(page_path.as_uri())
            page.screenshot(path=str(IMAGES / "report-top.png"))
            for section in ("change", "history"):
                element = page.locator(f"#{section}")
                box = element.bounding_box()
                assert box is not None
                page.screenshot(
                    path=str(IMAGES / f"report-{section}.png"),
                    clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": 1150},
                    full_page=True,
                )
            browser.close()
    print(f"written: {', '.join(p.name for p in sorted(IMAGES.glob('report-*.png')))}")


if __name__ == "__main__":
    main()
