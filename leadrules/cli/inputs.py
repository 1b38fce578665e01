"""Reading the command line's input files: leads and events as CSV, JSON Lines or JSON.

Everything here streams: leads are read one record at a time, so a file of any length is scored
in constant memory. The one exception is an events file joined to the leads, which is loaded
into a dictionary keyed by lead id (memory grows with the number of events, not of leads).

Problems with the input (a line that is not JSON, a record that is not an object, bytes that
are not text in the file's encoding, ...) are reported through a :class:`Reporter` with the file
and line number, and reading goes on.

Text is decoded strictly: a byte the encoding (UTF-8 unless ``--encoding`` says otherwise) cannot
decode is never turned into ``\ufffd`` silently. It is decoded with ``surrogateescape`` (so the
line and column can still be found), and the record holding it is reported and skipped; a CSV
header that cannot be decoded stops the command (without it no record can be read).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any, Literal, cast

import attrs
from dateutil.parser import isoparse

from ..errors import LeadRulesError
from ..lang.ast import normalize_name

__all__ = [
    "EventTable",
    "Format",
    "InputError",
    "InputFile",
    "LeadItem",
    "Reporter",
    "attach_events",
    "decode_message",
    "detect_format",
    "find_field",
    "id_text",
    "lead_id",
    "lead_label",
    "load_events",
    "parse_moment",
    "read_records",
    "undecodable",
]

UTC = dt.timezone.utc

Format = Literal["csv", "tsv", "jsonl", "json"]

#: Bytes read at a time from a JSON file.
_CHUNK = 1 << 16

# CSV exports from CRMs can hold long notes fields.
csv.field_size_limit(min(sys.maxsize, 1 << 30))


class InputError(LeadRulesError):
    """An input file cannot be read at all (it does not exist, is not text, ...)."""


# --------------------------------------------------------------------------- reporting


class Reporter:
    """Collects problems met in input files and shows each on standard error as
    ``file:line: message``. ``skipped`` counts records that could not be used."""

    def __init__(self, write: Callable[[str], None] | None = None) -> None:
        self._write = write or _stderr_line
        self.skipped = 0
        self.notes = 0

    def set_writer(self, write: Callable[[str], None]) -> None:
        self._write = write

    def skip(self, where: str, message: str) -> None:
        """A record that was left out."""
        self.skipped += 1
        self._write(f"{where}: skipped: {message}")

    def note(self, where: str, message: str) -> None:
        """Something odd that did not stop the record from being used."""
        self.notes += 1
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


# --------------------------------------------------------------------------- records


@attrs.frozen(slots=True)
class LeadItem:
    """One record of an input file: its 1-based position among the records (``number``), where
    it is (``where``, ``file:line``) and its fields."""

    number: int
    where: str
    data: dict[str, Any]


def read_records(source: InputFile, reporter: Reporter) -> Iterator[LeadItem]:
    """Every record of ``source`` as a dictionary, lazily. Broken records are reported and
    skipped (they still count in ``number``, so that numbers match the file)."""
    if source.fmt in ("csv", "tsv"):  # the header is read at once
        return _read_csv(source, reporter, "\t" if source.fmt == "tsv" else ",")
    if source.fmt == "jsonl":
        return _read_jsonl(source, reporter)
    return _read_json(source, reporter)


def _describe_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__


def _json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON: {exc.msg} (column {exc.colno})"


def _read_jsonl(source: InputFile, reporter: Reporter) -> Iterator[LeadItem]:
    number = 0
    for line_no, text in source.lines():
        if not text.strip():
            continue
        number += 1
        where = f"{source.name}:{line_no}"
        bad = undecodable(text, source.encoding)
        if bad is not None:
            reporter.skip(where, bad[1])
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            reporter.skip(where, _json_error(exc))
            continue
        if not isinstance(value, dict):
            reporter.skip(where, f"a lead must be a JSON object, not {_describe_type(value)}")
            continue
        yield LeadItem(number, where, value)


def _read_json(source: InputFile, reporter: Reporter) -> Iterator[LeadItem]:
    """A JSON array of objects (read incrementally, one element at a time), or one object."""
    decoder = json.JSONDecoder()
    chunks = source.chunks()
    buf = ""
    pos = 0
    line_base = 1  # line number at buf[0]
    column_base = 0  # characters of buf[0]'s line before buf[0]
    eof = False

    def more() -> bool:
        nonlocal buf, pos, line_base, column_base, eof
        if eof:
            return False
        chunk = next(chunks, None)
        if chunk is None:
            eof = True
            return False
        dropped = buf.count("\n", 0, pos)
        line_base += dropped
        column_base = pos - (buf.rfind("\n", 0, pos) + 1) + (0 if dropped else column_base)
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_space() -> bool:
        """Move past white space; False at the end of the input."""
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return True
            if not more():
                return False

    def line_at(index: int) -> int:
        return line_base + buf.count("\n", 0, index)

    def bad_text(start: int, end: int) -> tuple[str, str] | None:
        """(where, message) for the first byte of buf[start:end] that could not be decoded."""
        found = undecodable(buf, source.encoding, start, end, column_base)
        return None if found is None else (f"{source.name}:{line_at(found[0])}", found[1])

    def decode_value() -> tuple[Any, int, tuple[str, str] | None] | json.JSONDecodeError:
        """(value, its first line, where and why it cannot be used) or the JSON error."""
        nonlocal pos
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if more():
                    continue
                return exc
            # A number or word at the end of the buffer may go on in the next chunk.
            incomplete = end >= len(buf) and not isinstance(value, (dict, list, str))
            if incomplete and more():
                continue
            start_line = line_at(pos)
            bad = bad_text(pos, end)
            pos = end
            return value, start_line, bad

    def json_problem(exc: json.JSONDecodeError) -> tuple[str, str]:
        """Where and why the JSON could not be read: undecodable bytes, if the reader met any
        before the error, else the JSON error."""
        bad = bad_text(pos, min(exc.pos + 1, len(buf)))
        return bad or (f"{source.name}:{line_at(exc.pos)}", _json_error(exc))

    if not skip_space():
        return
    if buf[pos] != "[":
        result = decode_value()
        if isinstance(result, json.JSONDecodeError):
            reporter.skip(*json_problem(result))
            return
        value, line, bad = result
        where = f"{source.name}:{line}"
        if bad is not None:
            reporter.skip(*bad)
        elif isinstance(value, dict):
            yield LeadItem(1, where, value)
        else:
            reporter.skip(
                where, f"a JSON file holds an array of leads, not {_describe_type(value)}"
            )
        return
    pos += 1
    number = 0
    expect_item = True
    while True:
        if not skip_space():
            reporter.skip(f"{source.name}:{line_at(pos)}", "the JSON array is not closed with ]")
            return
        char = buf[pos]
        if char == "]" and (expect_item is False or number == 0):
            return
        if not expect_item:
            if char != ",":
                found = bad_text(pos, pos + 1)
                where, message = found or (
                    f"{source.name}:{line_at(pos)}",
                    f"expected , or ] between leads, found {char!r}",
                )
                reporter.skip(where, message + "; the rest of the file cannot be read")
                return
            pos += 1
            expect_item = True
            continue
        result = decode_value()
        if isinstance(result, json.JSONDecodeError):
            number += 1
            where, message = json_problem(result)
            reporter.skip(where, message + "; the rest of the file cannot be read")
            return
        value, line, bad = result
        number += 1
        expect_item = False
        where = f"{source.name}:{line}"
        if bad is not None:
            reporter.skip(*bad)
        elif isinstance(value, dict):
            yield LeadItem(number, where, value)
        else:
            reporter.skip(where, f"a lead must be a JSON object, not {_describe_type(value)}")


def _read_csv(source: InputFile, reporter: Reporter, delimiter: str) -> Iterator[LeadItem]:
    """A CSV record may span lines (a quoted cell with line breaks): a line with bytes that
    cannot be decoded makes the whole record it belongs to unreadable; in the header, the
    whole file."""
    lines = source.lines()
    current = [0]
    # (line, message) of the first undecodable byte in the lines of the record being read
    undecoded: list[tuple[int, str]] = []

    def texts() -> Iterator[str]:
        for line_no, text in lines:
            current[0] = line_no
            if not undecoded:
                bad = undecodable(text, source.encoding)
                if bad is not None:
                    undecoded.append((line_no, bad[1]))
            yield text

    reader = csv.reader(texts(), delimiter=delimiter)
    # The header is read at once, so that a file whose header cannot be read stops the
    # command before anything is written.
    start = current[0] + 1
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{source.name}:{start}: cannot read the CSV header: {exc}") from exc
    if undecoded:
        line_no, message = undecoded[0]
        raise InputError(f"{source.name}:{line_no}: cannot read the CSV header: {message}")
    if first is None:
        return iter(())
    header = [cell.strip() for cell in first]
    _check_header(source.name, header, reporter)
    return _csv_rows(source, reporter, reader, header, current, undecoded)


def _csv_rows(
    source: InputFile,
    reporter: Reporter,
    reader: Iterator[list[str]],
    header: list[str],
    current: list[int],
    undecoded: list[tuple[int, str]],
) -> Iterator[LeadItem]:
    number = 0
    while True:
        start = current[0] + 1
        undecoded.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            reporter.skip(f"{source.name}:{start}", f"not valid CSV: {exc}")
            continue
        if undecoded:
            if any(cell.strip() for cell in row):
                line_no, message = undecoded[0]
                number += 1
                reporter.skip(f"{source.name}:{line_no}", message)
            continue
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        number += 1
        where = f"{source.name}:{start}"
        if len(row) > len(header):
            extra = row[len(header) :]
            if any(cell.strip() for cell in extra):
                reporter.note(
                    where,
                    f"{len(row)} cells but the header has {len(header)} columns; "
                    "the extra cells are ignored",
                )
        lead: dict[str, Any] = {}
        for key, cell in zip(header, row, strict=False):
            if not key or key in lead:
                continue
            # A blank cell is missing, as the language says.
            lead[key] = cell if cell.strip() else None
        for key in header[len(row) :]:
            if key and key not in lead:
                lead[key] = None
        yield LeadItem(number, where, lead)


def _check_header(name: str, header: list[str], reporter: Reporter) -> None:
    seen: dict[str, str] = {}
    for position, key in enumerate(header, start=1):
        if not key:
            reporter.note(f"{name}:1", f"column {position} has no name; it is ignored")
            continue
        normal = normalize_name(key)
        if normal in seen:
            reporter.note(
                f"{name}:1",
                f"columns {seen[normal]!r} and {key!r} are the same name for rules "
                f"(`{normal}`); rename one of them so that rules read the one you mean",
            )
        else:
            seen[normal] = key


# --------------------------------------------------------------------------- fields and ids


def find_field(data: Mapping[str, Any], name: str) -> tuple[str, Any] | None:
    """The (key, value) of ``data`` whose key is ``name`` as rules match names (ignoring case,
    spaces, ``_`` and ``-``); an exact key is preferred."""
    if name in data:
        return name, data[name]
    wanted = normalize_name(name)
    for key, value in data.items():
        if isinstance(key, str) and normalize_name(key) == wanted:
            return key, value
    return None


def id_text(value: Any) -> str | None:
    """A lead id as text for matching: ``42``, ``42.0`` and ``" 42 "`` are all ``"42"``."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    text = str(value).strip()
    return text or None


def lead_id(item: LeadItem, id_field: str) -> str | None:
    """The lead's id as text: the ``id_field`` field; for the default ``id``, a ``lead id``
    field (``Lead ID``, ``lead_id``) when there is no ``id``."""
    found = find_field(item.data, id_field)
    if found is None and normalize_name(id_field) == "id":
        found = find_field(item.data, "lead id")
    return None if found is None else id_text(found[1])


def lead_label(item: LeadItem, id_field: str) -> str:
    """The lead's id, or ``#N`` (its position in the file) when it has none."""
    return lead_id(item, id_field) or f"#{item.number}"


# --------------------------------------------------------------------------- events

_LEAD_ID_NAMES = ("lead id", "lead")
_NAME_NAMES = ("name", "event", "event name", "type", "activity")
_AT_NAMES = ("at", "timestamp", "time", "date", "occurred at", "created at")


@attrs.define
class EventTable:
    """Events loaded from a file, by lead id; ``used`` records the ids that met a lead."""

    by_lead: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)
    count: int = 0
    used: set[str] = attrs.field(factory=set)

    def unused(self) -> tuple[int, int]:
        """(events, lead ids) that matched no lead."""
        ids = [key for key in self.by_lead if key not in self.used]
        return sum(len(self.by_lead[key]) for key in ids), len(ids)


def _pick(keys: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in keys:
            return keys[name]
    return None


def load_events(source: InputFile, id_field: str, reporter: Reporter) -> EventTable:
    """Read an events file into memory, keyed by lead id.

    Each record needs the lead's id (a column ``lead id``/``lead_id``/``lead``, else the
    ``id_field`` column), the event's name (``name``, ``event``, ``event name``, ``type``) and its
    time (``at``, ``timestamp``, ``time``, ``date``). Properties come from a ``properties`` value
    (an object; in CSV, JSON text) and from every other column.
    """
    table = EventTable()
    id_names = (*_LEAD_ID_NAMES, normalize_name(id_field))
    for item in read_records(source, reporter):
        keys: dict[str, str] = {}
        for key in item.data:
            keys.setdefault(normalize_name(key), key)
        id_key = _pick(keys, id_names)
        name_key = _pick(keys, _NAME_NAMES)
        at_key = _pick(keys, _AT_NAMES)
        props_key = keys.get("properties")
        owner = None if id_key is None else id_text(item.data[id_key])
        if owner is None:
            reporter.skip(item.where, f"the event has no lead id (a lead_id or {id_field} column)")
            continue
        name = None if name_key is None else item.data[name_key]
        if not isinstance(name, str) or not name.strip():
            reporter.skip(item.where, "the event has no name (a name or event column)")
            continue
        properties: dict[str, Any] = {}
        if props_key is not None:
            raw = item.data[props_key]
            if isinstance(raw, str):
                try:
                    raw = json.loads(raw)
                except json.JSONDecodeError as exc:
                    reporter.note(item.where, f"properties: {_json_error(exc)}; ignored")
                    raw = None
            if isinstance(raw, dict):
                properties.update(raw)
            elif raw is not None:
                reporter.note(item.where, "properties must be an object; ignored")
        used = {id_key, name_key, at_key, props_key}
        for key, value in item.data.items():
            if key not in used and value is not None:
                properties.setdefault(key, value)
        event = {
            "name": name,
            "at": None if at_key is None else item.data[at_key],
            "properties": properties,
        }
        table.by_lead.setdefault(owner, []).append(event)
        table.count += 1
    return table


def attach_events(item: LeadItem, table: EventTable, id_field: str) -> None:
    """Add the lead's events from ``table`` to its ``events`` (after any it already has)."""
    key = lead_id(item, id_field)
    if key is None:
        return
    joined = table.by_lead.get(key)
    if joined is None:
        return
    table.used.add(key)
    found = find_field(item.data, "events")
    if found is not None and isinstance(found[1], list):
        item.data[found[0]] = [*found[1], *joined]
    else:
        item.data["events" if found is None else found[0]] = list(joined)
