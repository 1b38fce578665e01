"""What only a terminal shows: the progress bar of `leadrules score` and the colours of
`leadrules explain`, on a real pseudo-terminal where it matters (see clihelpers.py).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clihelpers import ANSI, B2B, LEADS, NOW, ROOT, SIMPLE, run, run_process

from leadrules.cli import terminal

# ------------------------------------------------------------------------------- progress


def _run_with_terminal_stderr(
    args: list[str], env: dict[str, str], out: Path, size: tuple[int, int] | None
) -> tuple[int, bytes, bytes]:
    """Run `python -m leadrules ARGS` with standard error on a pseudo-terminal of ``size``
    (rows, columns; None leaves it 0 x 0) and standard output in a file, so that neither side
    can fill a pipe and wait for the other."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    if size is not None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    try:
        with out.open("wb") as stdout:
            proc = subprocess.Popen(
                [sys.executable, "-m", "leadrules", *args],
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=slave,
                cwd=ROOT,
                env={**os.environ, **env},
            )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the other side is closed
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
    finally:
        os.close(master)
    return proc.returncode, out.read_bytes(), b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("size", [(24, 100), None], ids=["sized", "unsized"])
def test_progress_bar_on_a_terminal(tmp_path: Path, size: tuple[int, int] | None) -> None:
    lines = LEADS.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "many.jsonl"
    big.write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    code, stdout, stderr = _run_with_terminal_stderr(
        ["score", str(B2B), str(big), "--now", NOW, "-o", "jsonl"],
        {},
        tmp_path / "out.jsonl",
        size,
    )
    assert code == 0
    text = stderr.decode("utf-8", "replace")
    assert "scoring" in text and "%|" in text  # the bar
    assert "leads/s" in text  # the rate
    assert re.search(r"\[\d\d:\d\d<", text)  # elapsed<remaining: the ETA
    assert f"{len(lines) * 3} leads scored" in text
    assert len(stdout.splitlines()) == len(lines) * 3  # standard output has only results


def test_no_progress_bar_when_not_a_terminal() -> None:
    proc = run_process("score", SIMPLE, LEADS, "--now", NOW)
    assert b"%|" not in proc.stderr and b"leads/s" not in proc.stderr


# ------------------------------------------------------------------------------- colours


def test_explain_colours_when_asked_and_on_terminals_only(monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = run("explain", B2B, LEADS, "--id", "L001", "--now", NOW, "--color")
    assert "\x1b[" in coloured.stdout
    plain = run("explain", B2B, LEADS, "--id", "L001", "--now", NOW)
    assert ANSI.sub("", coloured.stdout) == plain.stdout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert terminal.color_wanted(None, Terminal()) is True
    assert terminal.color_wanted(None, io.StringIO()) is False
    assert terminal.color_wanted(False, Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert terminal.color_wanted(None, Terminal()) is False
    monkeypatch.setenv("NO_COLOR", "")  # empty: not set, says no-color.org
    assert terminal.color_wanted(None, Terminal()) is True
    monkeypatch.setenv("TERM", "dumb")
    assert terminal.color_wanted(None, Terminal()) is False


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_explain_colours_on_a_real_terminal_unless_no_color() -> None:
    pty = pytest.importorskip("pty")

    def run_on_tty(env: dict[str, str]) -> bytes:
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "leadrules", "explain", str(SIMPLE), str(LEADS), "--id", "L001"],
            stdin=subprocess.DEVNULL,
            stdout=slave,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env={**os.environ, "TERM": "xterm", **env},
        )
        os.close(slave)
        out = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out.append(data)
        proc.wait(timeout=60)
        os.close(master)
        return b"".join(out)

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert b"\x1b[" in run_on_tty({**env, "NO_COLOR": ""})
    assert b"\x1b[" not in run_on_tty({"NO_COLOR": "1"})
