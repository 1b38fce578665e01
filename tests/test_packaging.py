"""Packaging, as a user installs leadrules (issue 12, item 9): the licence the metadata names is
shipped, no made-up URL, install lines that work from a checkout, and an installed leadrules
whose types a type checker sees, editable install included (the README's `pip install -e .`).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict[str, object]:
    tomllib = pytest.importorskip("tomllib")
    with open(ROOT / "pyproject.toml", "rb") as handle:
        data: dict[str, object] = tomllib.load(handle)
    return data


def _project() -> dict[str, object]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    return project


def _installed_from_this_checkout() -> importlib.metadata.Distribution:
    """The installed distribution of leadrules, when it was installed from this checkout."""
    # Looked for where installers put it: the checkout's own `leadrules.egg-info` (a by-product
    # of building) is on the path too when the tests run from the checkout.
    found = list(importlib.metadata.distributions(name="leadrules", path=site.getsitepackages()))
    if not found:
        pytest.skip("leadrules is not installed (only on the path)")
    dist = found[0]
    direct = dist.read_text("direct_url.json")
    url = json.loads(direct).get("url", "") if direct else ""
    if url.removeprefix("file://") != str(ROOT):
        pytest.skip(f"leadrules is installed from elsewhere ({url or 'an index'})")
    return dist


# ------------------------------------------------------------------------------ the licence


def test_the_licence_file_is_the_mit_licence_the_metadata_names() -> None:
    project = _project()
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text("utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 leadrules developers\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
    assert project["authors"] == [{"name": "leadrules developers"}]


def test_the_installed_metadata_carries_the_licence() -> None:
    dist = _installed_from_this_checkout()
    assert dist.metadata["License-Expression"] == "MIT"
    assert dist.metadata.get_all("License-File") == ["LICENSE"]
    shipped = [f for f in dist.files or () if f.name == "LICENSE"]
    assert shipped, "the LICENSE file is not in the installed distribution"
    assert shipped[0].read_text() == (ROOT / "LICENSE").read_text("utf-8")


# ------------------------------------------------------------------------------ no made-up URL


def test_no_placeholder_address_is_published() -> None:
    # leadrules has no public home yet: the metadata names none rather than a made-up one.
    assert "urls" not in _project()
    for path in [ROOT / "pyproject.toml", ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))]:
        assert "example.invalid" not in path.read_text("utf-8"), path


# ------------------------------------------------------------------------------ install lines


def _install_lines() -> list[tuple[Path, str]]:
    paths = [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md")), ROOT / ".ci" / "run"]
    return [
        (path, line.strip())
        for path in paths
        for line in path.read_text("utf-8").splitlines()
        if "pip install" in line
    ]


def test_every_extra_an_install_line_names_exists() -> None:
    extras = _project()["optional-dependencies"]
    assert isinstance(extras, dict)
    named = [
        (path.name, extra)
        for path, line in _install_lines()
        for group in re.findall(r"\[([\w,-]+)\]", line)
        for extra in group.split(",")
    ]
    assert ("testing.md", "hypothesis") in named
    assert [(name, extra) for name, extra in named if extra not in extras] == []


def test_the_hypothesis_extra_is_installed_from_a_checkout_as_a_checkout_installs() -> None:
    # `pip install "leadrules[hypothesis]"` needs leadrules on a package index, where it is not
    # yet: where the docs speak of a checkout, they say `-e ".[hypothesis]"`.
    testing = [line for path, line in _install_lines() if path.name == "testing.md"]
    assert testing[0] == 'pip install -e ".[hypothesis]" pytest'  # the command the page gives
    readme = (ROOT / "README.md").read_text("utf-8")
    assert '(from a checkout, `pip install -e ".[hypothesis]"`)' in readme
    example = (ROOT / "examples" / "test_my_rules.py").read_text("utf-8")
    assert 'pip install -e ".[hypothesis]" pytest' in example


def test_ci_installs_as_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert '.venv/bin/pip install -e ".[test]"' in readme
    assert 'python -m pip install --quiet -e ".[test]"' in ci


# ------------------------------------------------------------------------------ types


def test_an_editable_install_puts_the_checkout_on_the_path_with_a_plain_pth_file() -> None:
    # An import hook (setuptools' default for a layout it cannot tell is simple) is code that
    # type checkers do not run; a .pth file of plain paths they read.
    dist = _installed_from_this_checkout()
    direct = json.loads(dist.read_text("direct_url.json") or "{}")
    if not direct.get("dir_info", {}).get("editable"):
        pytest.skip("leadrules is installed from this checkout, but not editable")
    pth = [f for f in dist.files or () if f.name.endswith(".pth")]
    assert len(pth) == 1, dist.files
    lines = [line for line in pth[0].read_text().splitlines() if line.strip()]
    assert lines == [str(ROOT)]


def test_a_type_checker_sees_the_types_of_the_installed_leadrules(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    _installed_from_this_checkout()
    user_code = tmp_path / "scoring.py"
    user_code.write_text(
        "import leadrules\n\nreveal_type(leadrules.compile('+5 when requested demo'))\n",
        encoding="utf-8",
    )
    config = tmp_path / "mypy.ini"
    config.write_text("[mypy]\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("MYPYPATH", "PYTHONPATH")}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--cache-dir",
            str(tmp_path / "cache"),
            str(user_code),
        ],
        cwd=tmp_path,  # away from the checkout: leadrules is found as installed, or not at all
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert 'Revealed type is "leadrules.ruleset.RuleSet"' in run.stdout, run.stdout + run.stderr
    assert run.returncode == 0, run.stdout + run.stderr
