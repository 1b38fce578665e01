"""The docs site (``mkdocs.yml``) holds every page of ``docs/``, and every rule example on any
page of it compiles (the language reference's are also checked in ``tests/test_examples.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import leadrules

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "docs").glob("*.md"))


def _nav() -> list[str]:
    config = (ROOT / "mkdocs.yml").read_text("utf-8")
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    entries = []
    for line in nav.splitlines():
        if not line.startswith("  "):
            break
        found = re.fullmatch(r"  - [^:]+: (\S+\.md)", line)
        assert found is not None, line
        entries.append(found.group(1))
    return entries


def test_the_site_has_every_page_once() -> None:
    nav = _nav()
    assert nav[0] == "index.md"
    assert sorted(nav) == PAGES


@pytest.mark.parametrize("page", PAGES)
def test_every_rule_example_of_the_site_compiles(page: str) -> None:
    text = (ROOT / "docs" / page).read_text("utf-8")
    for block in re.findall(r"^```leadrules\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        leadrules.compile(block, filename=f"docs/{page}")
