"""The command line on broken files: whatever the damage, no internal error; the exit code is
0, 1 (records skipped, said on standard error) or 2 (the file cannot be read, said); and no
complete record before the damage is lost without a word."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from fuzzing import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from leadrules.cli import cli

RULES = '+10 when requested demo\n+5 when title contains "vp"\nMQL at 10\n'
NOW = "2026-11-21T00:00:00Z"


def _csv(n: int) -> bytes:
    rows = ["id,requested_demo,title\n"] + [f'{i},yes,"vp, ""sales""\nteam"\n' for i in range(n)]
    return "".join(rows).encode()


def _jsonl(n: int) -> bytes:
    return "".join(
        json.dumps({"id": i, "requested_demo": "yes", "title": "vp"}) + "\n" for i in range(n)
    ).encode()


def _json(n: int) -> bytes:
    return json.dumps([{"id": i, "requested_demo": "yes"} for i in range(n)], indent=1).encode()


MAKERS = {".csv": _csv, ".jsonl": _jsonl, ".json": _json}

DAMAGE = st.sampled_from(
    [
        b'"', b"\xff\xfe", b"\x00", b"\\ud800", b'"\\ud800"', b"[" * 2000, b"]" * 3, b",",
        b"\n", b"9" * 5000, b"{", b"}", b"\r", b"\xef\xbb\xbf", b'{"id": 99}\n', b"\t",
    ]
)  # fmt: skip


def _score(tmp: Path, suffix: str, data: bytes, *args: str) -> tuple[int, str, str]:
    rules = tmp / "r.leadrules"
    rules.write_text(RULES, encoding="utf-8")
    leads = tmp / f"leads{suffix}"
    leads.write_bytes(data)
    got = CliRunner().invoke(cli, ["score", str(rules), str(leads), "--now", NOW, *args])
    return got.exit_code, got.stdout, got.stderr


@fuzz_settings(40)
@given(st.sampled_from(sorted(MAKERS)), st.integers(1, 6), st.data())
def test_a_damaged_file_is_read_or_refused_never_crashed(
    suffix: str, n: int, data: st.DataObject
) -> None:
    clean = MAKERS[suffix](n)
    damaged = bytearray(clean)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(damaged)))
        damaged[at:at] = data.draw(DAMAGE)
    tmp = Path(__import__("tempfile").mkdtemp())
    output = data.draw(st.sampled_from(["jsonl", "csv", "table"]))
    code, stdout, stderr = _score(tmp, suffix, bytes(damaged), "-o", output, "--explain")
    assert "internal error" not in stdout + stderr
    assert code in (0, 1, 2), stderr
    if code == 2:
        assert "leadrules: error:" in stderr
    if code == 1:
        assert "skipped" in stderr


@fuzz_settings(40)
@given(st.sampled_from(sorted(MAKERS)), st.integers(1, 6), st.data())
def test_a_file_cut_off_loses_no_complete_record_silently(
    suffix: str, n: int, data: st.DataObject
) -> None:
    clean = MAKERS[suffix](n)
    cut = data.draw(st.integers(1, len(clean)))
    tmp = Path(__import__("tempfile").mkdtemp())
    code, stdout, stderr = _score(tmp, suffix, clean[:cut], "-o", "jsonl")
    assert "internal error" not in stdout + stderr
    if code == 2:
        assert "leadrules: error:" in stderr
        return
    scored = [json.loads(line)["id"] for line in stdout.splitlines() if line.strip()]
    complete = {str(i) for i in range(n) if MAKERS[suffix](i + 1) in clean[:cut] + b"\n"}
    if suffix == ".json":  # a cut array is said at its end: nothing is silently complete
        assert code == 1 or cut >= len(clean.rstrip())
    assert complete <= set(scored), stderr
    if code == 0:
        assert len(scored) >= len(complete)
