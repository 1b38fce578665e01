"""What the command line's tests share: the paths of their data (tests/data/cli/, examples/), the
time they score at, and running ``leadrules`` through click's test runner (:func:`run`) or as a
real process (:func:`run_process`).

Imported as ``from clihelpers import ...`` (this folder is on ``sys.path`` while its tests run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from leadrules.cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
DATA = ROOT / "tests" / "data" / "cli"
SIMPLE = DATA / "simple.leadrules"
SIMPLE_V2 = DATA / "simple_v2.leadrules"
BAD = DATA / "bad.leadrules"
B2B = EXAMPLES / "b2b.leadrules"
LEADS = EXAMPLES / "leads.jsonl"
NOW = "2026-11-21T00:00:00Z"
NOW_DT = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def run(*args: Any, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], input=input, env=env)


def run_process(
    *args: Any, input: bytes | None = None, env: dict[str, str] | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[bytes]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "leadrules", *[str(a) for a in args]],
        input=input,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def table_rows(stdout: str) -> dict[str, tuple[str, str, str]]:
    """id -> (score, stage, note) from the table output (fixed columns: id 12, score 8 right,
    stage 15)."""
    lines = stdout.splitlines()
    assert lines[0].split() == ["ID", "SCORE", "STAGE", "NOTE"]
    return {
        line[:12].strip(): (line[13:21].strip(), line[23:38].strip(), line[39:].strip())
        for line in lines[1:]
    }


def jsonl(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding=encoding)
    return path
