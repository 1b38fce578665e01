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
    "check_table",
    "decode_message",
    "detect_format",
    "parse_moment",
    "undecodable",
]

UTC = dt.timezone.utc

Format = Literal["csv", "tsv", "jsonl", "json", "parquet"]

#: Bytes read at a time from a JSON file.
_CHUNK = 1 << 16


class InputError(LeadRulesError):
    """An input file cannot be read at all (it does not exist, is not text, ...)."""


# --------------------------------------------------------------------------- reporting


class Reporter:
    """Collects problems met in input files and shows each on standard error as
    ``file:line: message``. ``skipped`` counts records that could not be used.

    The same message about many records is shown for the first :data:`REPEATS` of them; the
    rest are counted, and :meth:`finish` says how many more there were and where."""

    #: How many records with the same problem are shown one by one.
    REPEATS = 3

    def __init__(self) -> None:
        self._write: Callable[[str], None] = _stderr_line
        self.skipped = 0
        # (file, text) -> [how many, the lines of the first few not shown]
        self._repeats: dict[tuple[str, str], list[Any]] = {}

    def set_writer(self, write: Callable[[str], None]) -> None:
        self._write = write

    def _show(self, where: str, text: str) -> None:
        name, _, line = where.rpartition(":")
        seen = self._repeats.setdefault((name or where, text), [0, []])
        seen[0] += 1
        if seen[0] <= self.REPEATS:
            self._write(f"{where}: {text}")
        elif len(seen[1]) < 5:
            seen[1].append(line)

    def skip(self, where: str, message: str) -> None:
        """A record that was left out."""
        self.skipped += 1
        self._show(where, f"skipped: {message}")

    def note(self, where: str, message: str) -> None:
        """Something odd that did not stop the record from being used."""
        self._show(where, f"warning: {message}")

    def skip_many(self, name: str, count: int, message: str) -> None:
        """``count`` records of file ``name`` left out, said in one line."""
        self.skipped += count
        self._write(f"{name}: {message}")

    def warn_once(self, name: str, message: str) -> None:
        """Something odd about file ``name`` (or many of its records), said in one line."""
        self._write(f"{name}: warning: {message}")

    def finish(self) -> None:
        """How many more records had a problem already shown, and where; once, at the end."""
        for (name, text), (count, lines) in self._repeats.items():
            more = count - self.REPEATS
            if more > 0:
                shown = ", ".join(lines) + (
                    f" and {more - len(lines):,} more" if more > len(lines) else ""
                )
                what = "record" if text.startswith("skipped") else "line"
                self._write(
                    f"{name}: {counted_text(more, 'more ' + what)} like that ({text}): "
                    f"{'line' if more == 1 else 'lines'} {shown}"
                )
        self._repeats.clear()


def counted_text(count: int, thing: str) -> str:
    """``1 more record``, ``1,005 more records``."""
    return f"{count:,} {thing}{'s' if count != 1 else ''}"


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
    #: How the format was chosen when neither the option nor the file's extension said it
    #: (``the file's name ends in .txt``): worth a word to the user. None otherwise.
    guessed: str | None = None

    @classmethod
    def open(
        cls, path: str, fmt: Format | None = None, encoding: str = "utf-8", *, table: bool = True
    ) -> InputFile:
        """Open ``path`` (``-``: standard input). ``table``: the file must hold leads or events
        (:func:`check_table`: not a workbook, an archive, a web page or an empty file)."""
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
        problem = _encoding_problem(info, stream)
        if problem is not None:
            if owned:
                stream.close()
            raise InputError(problem.format(name=name, encoding=encoding))
        if table:
            try:
                check_table(name, stream, chosen, explicit=fmt is not None, encoding=info.name)
            except InputError:
                if owned:
                    stream.close()
                raise
        guessed = None
        if fmt is None and owned and os.path.splitext(path)[1].lower() not in _SUFFIXES:
            suffix = os.path.splitext(path)[1]
            guessed = (
                f"its name ends in {suffix}, not .csv, .tsv, .jsonl or .json"
                if suffix
                else "its name has no extension (.csv, .tsv, .jsonl or .json)"
            )
        return cls(name, stream, size, chosen, encoding, 0, owned, guessed)

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
        decode = self._decoder()
        # Bytes are split at b"\n"; in a wide encoding (UTF-16) that is not where lines end,
        # so the text is split again, and what follows the last line end waits for more.
        pending = ""
        number = 0
        for raw in self.stream:
            self.consumed += len(raw)
            pending += decode(raw)
            if "\n" not in pending:
                continue
            *complete, pending = pending.split("\n")
            for text in complete:
                number += 1
                yield number, text + "\n"
        pending += decode(b"", final=True)
        if pending:
            yield number + 1, pending

    def chunks(self) -> Iterator[str]:
        """The text in pieces, decoded as :meth:`lines` decodes it."""
        decode = self._decoder()
        while True:
            raw = self.stream.read(_CHUNK)
            self.consumed += len(raw)
            if not raw:
                tail = decode(b"", final=True)
                if tail:
                    yield tail
                return
            yield decode(raw)

    def _decoder(self) -> Callable[..., str]:
        """An incremental decoder's ``decode``. Bytes it cannot decode stand in the text as
        lone surrogates; in a wide encoding (UTF-16) some cannot (an odd byte at the end, a
        broken pair), and those stop the command with an :class:`InputError`."""
        decoder = codecs.getincrementaldecoder(_bom_aware(self.encoding))("surrogateescape")

        def decode(raw: bytes, final: bool = False) -> str:
            try:
                text: str = decoder.decode(raw, final)
            except UnicodeError as exc:
                raise InputError(
                    f"{self.name}: cannot read the text as {self.encoding} (near byte "
                    f"{self.consumed:,}: {getattr(exc, 'reason', exc)}): is the file saved in "
                    "that encoding? Try utf-8, cp1252 or latin-1"
                ) from exc
            return text

        return decode


def _encoding_problem(info: codecs.CodecInfo, stream: IO[bytes]) -> str | None:
    """Why a file cannot be read in this encoding (``{name}`` and ``{encoding}`` to fill in),
    or None: not a text encoding, one that cannot report bytes it cannot decode (``idna``),
    UTF-16 or UTF-32 without the byte-order mark that says which byte comes first."""
    if not getattr(info, "_is_text_encoding", True):
        return "{encoding!r} is not a text encoding (try utf-8, cp1252 or latin-1)"
    try:
        codecs.getincrementaldecoder(info.name)("surrogateescape").decode(b"", final=True)
    except (UnicodeError, LookupError, TypeError):
        return (
            "the {encoding!r} encoding cannot read files (it is not made for text files): "
            "try utf-8, cp1252 or latin-1"
        )
    if info.name in ("utf-16", "utf-32"):
        peek = getattr(stream, "peek", None)
        head: bytes = peek(4) if peek is not None else b""
        boms = (
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
            if info.name == "utf-16"
            else (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
        )
        if head and not head.startswith(boms):
            return (
                "{name} does not start with the byte-order mark that --encoding {encoding} "
                f"needs: pass --encoding {info.name}-le (as Windows writes it) or "
                f"{info.name}-be"
            )
    return None


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
    ".parquet": "parquet",
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
        if head.startswith(b"PAR1"):
            return "parquet"
        head = head.lstrip()
        if head.startswith(b"["):
            return "json"
        if head.startswith(b"{"):
            return "jsonl"
    return "csv"


# --------------------------------------------------------------------------- not a table

_SAVE_AS_CSV = (
    "export it as CSV and score the .csv file (Excel: File > Save As > CSV UTF-8; Google "
    "Sheets: File > Download > Comma-separated values; LibreOffice: File > Save As > Text CSV)"
)


def _binary_kind(head: bytes) -> str | None:
    """What a file that is not text is, from its first bytes; None for text."""
    if head.startswith(b"PK\x03\x04"):
        if b"[Content_Types].xml" in head or b"xl/" in head:
            return "an Excel workbook (.xlsx)"
        if b"opendocument.spreadsheet" in head:
            return "an OpenDocument spreadsheet (.ods)"
        return "a ZIP archive"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "an Excel 97-2003 workbook (.xls)"
    for magic, kind in (
        (b"\x1f\x8b", "compressed with gzip"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"SQLite format 3\x00", "an SQLite database"),
    ):
        if head.startswith(magic):
            return kind
    return None


def check_table(
    name: str, stream: IO[bytes], fmt: Format, *, explicit: bool, encoding: str = "utf-8"
) -> None:
    """:class:`InputError` when the start of ``stream`` shows that it is not a table of leads
    (a spreadsheet workbook, an archive, an image, a web page, a binary file, nothing at all)
    or not in ``fmt`` (JSON in a file named ``.csv``), saying what to do. Reads nothing: it
    peeks at the first bytes (a stream without ``peek`` is not checked)."""
    peek = getattr(stream, "peek", None)
    if peek is None:  # pragma: no cover - files and standard input are buffered
        return
    head: bytes = peek(4096)[:4096]
    if head.startswith(b"PAR1") and fmt != "parquet":
        raise InputError(
            f"{name} is a Parquet file, not {fmt.upper()}: name it .parquet or pass "
            "--input-format parquet"
        )
    if fmt == "parquet":
        if not head.startswith(b"PAR1"):
            raise InputError(
                f"{name} is not a Parquet file (it does not start with PAR1)"
                if head
                else f"{name} is empty: there are no leads in it"
            )
        return
    kind = _binary_kind(head)
    if kind is not None:
        if "workbook" in kind or "spreadsheet" in kind:
            raise InputError(f"{name} is {kind}, not a CSV file: {_SAVE_AS_CSV}")
        if kind == "a ZIP archive":
            raise InputError(f"{name} is a ZIP archive: unzip it and score the CSV file inside")
        if kind == "compressed with gzip":
            raise InputError(
                f"{name} is compressed with gzip: decompress it first "
                f"(gunzip -c {name} | leadrules score RULES -)"
            )
        raise InputError(f"{name} is {kind}, not a table of leads (CSV, JSON Lines or JSON)")
    wide = encoding.startswith(("utf-16", "utf-32"))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and not wide:
        raise InputError(
            f'{name} is saved as UTF-16 text (Excel\'s "Unicode Text"): save it as CSV UTF-8, '
            "or pass --encoding utf-16"
        )
    if b"\x00" in head and not wide:
        raise InputError(
            f"{name} is a binary file, not text: score a CSV, JSON Lines or JSON export"
        )
    if wide:
        return  # the checks below read the text as bytes of ASCII
    text = head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head
    text = text.lstrip(b" \t\r\n")
    if not text:
        raise InputError(f"{name} is empty: there are no leads in it")
    start = text[:20].lower()
    if start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<table")):
        what = "an XML document" if start.startswith(b"<?xml") else "a web page (HTML)"
        raise InputError(
            f"{name} is {what}, not a table of leads: a download link that gave a page "
            "instead of the export? Download the export as CSV"
        )
    if fmt in ("csv", "tsv") and not explicit and text[:1] in (b"{", b"["):
        json_kind = "json" if text[:1] == b"[" else "jsonl"
        raise InputError(
            f"{name} holds JSON, not CSV: pass --input-format {json_kind} "
            f"(or name the file .{json_kind})"
        )
