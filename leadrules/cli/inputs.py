"""Opening the command line's input files (leads, events, test cases): a path or ``-`` for
standard input, its format and its text encoding; reporting problems met in them; reading a
time given as text.

Text is decoded strictly: a byte the encoding (UTF-8 unless ``--encoding`` says otherwise) cannot
decode is never turned into ``\ufffd`` silently. It is decoded with ``surrogateescape`` (so the
line and column can still be found), and the record holding it is reported and skipped; a CSV
header that cannot be decoded stops the command (without it no record can be read).

Problems with the input (a line that is not JSON, a record that is not an object, bytes that
are not text in the file's encoding, ...) are reported through a :class:`Reporter` with the file
and line number, and reading goes on.

Not here: turning a file's text into lead records (:mod:`.records`) and the events file joined to
the leads (:mod:`.events`).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import IO, Any, Literal, cast

import attrs
from dateutil.parser import isoparse

from ..errors import LeadRulesError

__all__ = [
    "Format",
    "InputError",
    "InputFile",
    "Reporter",
    "decode_message",
    "detect_format",
    "parse_moment",
    "undecodable",
]

UTC = dt.timezone.utc

Format = Literal["csv", "tsv", "jsonl", "json"]

#: Bytes read at a time from a JSON file.
_CHUNK = 1 << 16


class InputError(LeadRulesError):
    """An input file cannot be read at all (it does not exist, is not text, ...)."""


# --------------------------------------------------------------------------- reporting


class Reporter:
    """Collects problems met in input files and shows each on standard error as
    ``file:line: message``. ``skipped`` counts records that could not be used."""

    def __init__(self) -> None:
        self._write: Callable[[str], None] = _stderr_line
        self.skipped = 0

    def set_writer(self, write: Callable[[str], None]) -> None:
        self._write = write

    def skip(self, where: str, message: str) -> None:
        """A record that was left out."""
        self.skipped += 1
        self._write(f"{where}: skipped: {message}")

    def note(self, where: str, message: str) -> None:
        """Something odd that did not stop the record from being used."""
        self._write(f"{where}: warning: {message}")


def _stderr_line(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------- times


def parse_moment(text: str) -> dt.datetime:
    """ISO-8601 text as an aware datetime: ``2026-11-21`` (midnight UTC),
    ``2026-11-21T09:30:00Z``, ``2026-11-21 09:30+01:00``. Naive times are UTC."""
    cleaned = text.strip()
    if not cleaned:
        raise ValueError("an empty time")
    try:
        moment = isoparse(cleaned)
    except (ValueError, OverflowError) as exc:
        raise ValueError(
            f"{text!r} is not an ISO-8601 date or time (write 2026-11-21 or 2026-11-21T09:30:00Z)"
        ) from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- input files


@attrs.define
class InputFile:
    """An input file (or ``-`` for standard input) opened for reading as bytes."""

    name: str  # as the user wrote it; "<stdin>" for "-"
    stream: IO[bytes]
    size: int | None  # in bytes, when known (for the progress bar)
    fmt: Format
    encoding: str = "utf-8"
    consumed: int = 0  # bytes read so far
    _owned: bool = True

    @classmethod
    def open(cls, path: str, fmt: Format | None = None, encoding: str = "utf-8") -> InputFile:
        owned = path != "-"
        if not owned:
            stream: IO[bytes] = sys.stdin.buffer
            if not hasattr(stream, "peek"):  # a replaced stdin: buffer it to sniff the format
                stream = cast("IO[bytes]", io.BufferedReader(cast("Any", stream)))
            name = "<stdin>"
            size = None
        else:
            name = path
            try:
                stream = open(path, "rb")  # noqa: SIM115 - closed by close()
            except OSError as exc:
                raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
            try:
                size = os.fstat(stream.fileno()).st_size
            except OSError:  # pragma: no cover - fstat on a file just opened
                size = None
        chosen = fmt or detect_format(path, stream)
        try:
            info = codecs.lookup(encoding)
        except LookupError as exc:
            if owned:
                stream.close()
            raise InputError(
                f"unknown text encoding {encoding!r} (try utf-8, cp1252 or latin-1)"
            ) from exc
        if not getattr(info, "_is_text_encoding", True):
            if owned:
                stream.close()
            raise InputError(f"{encoding!r} is not a text encoding (try utf-8, cp1252 or latin-1)")
        return cls(name, stream, size, chosen, encoding, 0, owned)

    def close(self) -> None:
        if self._owned:
            self.stream.close()

    def __enter__(self) -> InputFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lines(self) -> Iterator[tuple[int, str]]:
        """(line number, text) for each line, counting the bytes read. The text keeps its line
        ending; a leading byte-order mark is dropped. A byte that cannot be decoded stands in
        the text as a lone surrogate (see :func:`undecodable`)."""
        decode = codecs.getincrementaldecoder(_bom_aware(self.encoding))("surrogateescape").decode
        for number, raw in enumerate(self.stream, start=1):
            self.consumed += len(raw)
            yield number, decode(raw)

    def chunks(self) -> Iterator[str]:
        """The text in pieces, decoded as :meth:`lines` decodes it."""
        decoder = codecs.getincrementaldecoder(_bom_aware(self.encoding))("surrogateescape")
        while True:
            raw = self.stream.read(_CHUNK)
            self.consumed += len(raw)
            if not raw:
                tail = decoder.decode(b"", final=True)
                if tail:
                    yield tail
                return
            yield decoder.decode(raw)


def _bom_aware(encoding: str) -> str:
    return "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding


# Bytes that could not be decoded, as ``surrogateescape`` leaves them in the text.
_ESCAPED = re.compile("[\udc80-\udcff]")


def undecodable(
    text: str,
    encoding: str,
    start: int = 0,
    end: int | None = None,
    column_base: int = 0,
    *,
    option: bool = True,
) -> tuple[int, str] | None:
    """The first byte of ``text[start:end]`` that ``encoding`` could not decode: (its index in
    ``text``, a message naming the byte and its column and saying what to do), or None.

    The column counts characters from the start of the line (``column_base`` characters of the
    line come before ``text``, when ``text`` does not begin at a line start)."""
    match = _ESCAPED.search(text, start, len(text) if end is None else end)
    if match is None:
        return None
    index = match.start()
    line_start = text.rfind("\n", 0, index) + 1
    column = index - line_start + 1 + (column_base if line_start == 0 else 0)
    line_end = text.find("\n", index)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    byte = ord(match.group()) - 0xDC00
    return index, decode_message(encoding, byte, column, line, option=option)


def decode_message(
    encoding: str, byte: int, column: int, line: str = "", *, option: bool = True
) -> str:
    """``could not read the text as UTF-8 (byte 0xe9 at column 12); save the file as UTF-8 or
    pass --encoding cp1252``: the advice names cp1252 when the line reads as cp1252, and
    ``--encoding`` only when the command has that ``option``."""
    utf8 = codecs.lookup(encoding).name == "utf-8"
    shown = "UTF-8" if utf8 else encoding
    problem = f"could not read the text as {shown} (byte 0x{byte:02x} at column {column})"
    if not option:
        return f"{problem}; save the file as UTF-8"
    advice = "pass its encoding with --encoding (cp1252, latin-1, ...)"
    if utf8 and line:
        try:
            line.encode(encoding, "surrogateescape").decode("cp1252")
        except UnicodeError:
            pass
        else:
            advice = "pass --encoding cp1252"
    return f"{problem}; save the file as UTF-8 or {advice}"


_SUFFIXES: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}


def detect_format(path: str, stream: IO[bytes] | None = None) -> Format:
    """The format of an input file, from its extension, else from its first character:
    ``[`` is a JSON array, ``{`` JSON Lines, anything else CSV."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    peek = getattr(stream, "peek", None)
    if peek is not None:
        head = peek(4096)
        if head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8) :]
        head = head.lstrip()
        if head.startswith(b"["):
            return "json"
        if head.startswith(b"{"):
            return "jsonl"
    return "csv"
