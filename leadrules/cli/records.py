"""The records of a leads or events file, read lazily one at a time: JSON Lines, a JSON array
(parsed incrementally) or CSV/TSV (its header checked first); and a lead's id.

Everything here streams: a file of any length is read in constant memory. A record that cannot
be used is reported through the :class:`~.inputs.Reporter` with its ``file:line`` and skipped,
and reading goes on.

Not here: opening the file and decoding its text (:mod:`.inputs`), events (:mod:`.events`).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..lang.ast import normalize_name
from .inputs import InputError, InputFile, Reporter, undecodable

__all__ = [
    "LeadItem",
    "Records",
    "find_field",
    "id_text",
    "json_error",
    "read_records",
]

# CSV exports from CRMs can hold long notes fields.
csv.field_size_limit(min(sys.maxsize, 1 << 30))


@attrs.frozen(slots=True)
class LeadItem:
    """One record of an input file: its 1-based position among the records (``number``), where
    it is (``where``, ``file:line``) and its fields."""

    number: int
    where: str
    data: dict[str, Any]


@attrs.define
class Records:
    """The records of a file, read lazily; ``header`` is a CSV file's header (its cells as
    written, stripped), None for JSON."""

    items: Iterator[LeadItem]
    header: list[str] | None = None

    def __iter__(self) -> Iterator[LeadItem]:
        return self.items


def read_records(source: InputFile, reporter: Reporter) -> Records:
    """Every record of ``source`` as a dictionary, lazily. Broken records are reported and
    skipped (they still count in ``number``, so that numbers match the file). A file that
    holds something other than records (a JSON object wrapping a list, an array of arrays,
    ...) is an :class:`~.inputs.InputError` when its first record is read."""
    if source.fmt in ("csv", "tsv"):  # the header is read at once
        return _read_csv(source, reporter, "\t" if source.fmt == "tsv" else ",")
    if source.fmt == "jsonl":
        return Records(_read_jsonl(source, reporter))
    if source.fmt == "parquet":
        from .parquet import parquet_records

        return parquet_records(source)
    return Records(_read_json(source, reporter))


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


def json_error(exc: json.JSONDecodeError) -> str:
    return f"not valid JSON: {exc.msg} (column {exc.colno})"


#: Python writes ints of at most 4,300 digits as text; a longer one in a file is read as a
#: Decimal (a number no rule can read, said as a warning), not refused with the record.
_MAX_INT_DIGITS = 4000


def _parse_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _MAX_INT_DIGITS else Decimal(text)


_DECODER = json.JSONDecoder(parse_int=_parse_int)

#: Why a JSON value nested too deeply is not read (Python's JSON reader recurses).
_TOO_DEEP = "nested too deeply to read (more than about 900 levels of [ or {)"


def loads(text: str) -> Any:
    """``json.loads``, and an int too long for Python's int-to-text limit read as a Decimal.
    Raises JSONDecodeError, or RecursionError for a value nested too deeply."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an int with more digits than int() takes from text
        return _DECODER.decode(text)


def _raw_decode(text: str, pos: int) -> tuple[Any, int]:
    """``JSONDecoder.raw_decode`` as :func:`loads` reads values."""
    try:
        return json.JSONDecoder().raw_decode(text, pos)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return _DECODER.raw_decode(text, pos)


def _value_end(text: str, pos: int) -> int | None:
    """Where the JSON array or object starting at ``text[pos]`` ends (its brackets counted,
    strings skipped); None when ``text`` ends first. For a value too deep to decode."""
    depth = 0
    i = pos
    size = len(text)
    while i < size:
        char = text[i]
        if char == '"':
            i += 1
            while i < size and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            if i >= size:
                return None
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


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
            value = loads(text)
        except json.JSONDecodeError as exc:
            reporter.skip(where, json_error(exc))
            continue
        except RecursionError:
            reporter.skip(where, _TOO_DEEP)
            continue
        if not isinstance(value, dict):
            if number == 1 and isinstance(value, list):
                raise InputError(
                    f"{where}: the first line is a JSON array, not a lead: this is a JSON "
                    "file, not JSON Lines (one object per line); pass --input-format json"
                )
            reporter.skip(where, f"a lead must be a JSON object, not {_describe_type(value)}")
            continue
        yield LeadItem(number, where, value)


def _wrapped_list(value: dict[str, Any]) -> tuple[str, int] | None:
    """(key, length) of a list of records inside a JSON object (``{"results": [{...}, ...]}``,
    as APIs answer), other than a lead's ``events``."""
    for key, inner in value.items():
        if (
            isinstance(inner, list)
            and inner
            and isinstance(inner[0], dict)
            and normalize_name(str(key)) != "events"
        ):
            return str(key), len(inner)
    return None


def _not_records(where: str, value: Any) -> InputError:
    """A JSON file whose content is not leads: what it holds, and what to do."""
    wrapped = _wrapped_list(value) if isinstance(value, dict) else None
    if wrapped is not None:
        key, length = wrapped
        return InputError(
            f"{where}: the file holds one JSON object with a list of {length} records under "
            f"{key!r}, not a list of leads: extract the list (for example "
            f"jq '.{key}' FILE > leads.json) and score that"
        )
    if isinstance(value, list):
        return InputError(
            f"{where}: the JSON array holds rows as arrays, not leads as objects: export "
            "the leads as an array of objects (one per lead), as JSON Lines or as CSV"
        )
    return InputError(
        f"{where}: a JSON file holds an array of leads (objects), not {_describe_type(value)}"
    )


def _read_json(source: InputFile, reporter: Reporter) -> Iterator[LeadItem]:
    """A JSON array of objects (read incrementally, one element at a time), or one object."""
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
        """(value, its first line, where and why it cannot be used) or the JSON error. A
        value nested too deeply is skipped, and reported as one that cannot be used."""
        nonlocal pos
        while True:
            try:
                value, end = _raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if more():
                    continue
                return exc
            except RecursionError:
                end_of_value = _value_end(buf, pos)
                if end_of_value is None:
                    if more():
                        continue
                    return json.JSONDecodeError(_TOO_DEEP, buf, pos)
                start_line = line_at(pos)
                pos = end_of_value
                return None, start_line, (f"{source.name}:{start_line}", _TOO_DEEP)
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
        return bad or (f"{source.name}:{line_at(exc.pos)}", json_error(exc))

    if not skip_space():
        return
    if buf[pos] != "[":
        result = decode_value()
        if isinstance(result, json.JSONDecodeError):
            reporter.skip(*json_problem(result))
            return
        value, line, bad = result
        where = f"{source.name}:{line}"
        if skip_space():
            # More after the first value: JSON Lines (or values one after another), of which
            # reading one lead would silently lose the rest.
            raise InputError(
                f"{source.name}:{line_at(pos)}: more JSON after the first value: this is JSON "
                "Lines (one lead per line), not a JSON file: pass --input-format jsonl (or "
                "name the file .jsonl)"
            )
        if bad is not None:
            reporter.skip(*bad)
            return
        if isinstance(value, dict) and _wrapped_list(value) is None:
            yield LeadItem(1, where, value)  # one lead
            return
        raise _not_records(where, value)
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
        elif number == 1:
            raise _not_records(where, value)
        else:
            reporter.skip(where, f"a lead must be a JSON object, not {_describe_type(value)}")


def _read_csv(source: InputFile, reporter: Reporter, delimiter: str) -> Records:
    """A CSV record may span lines (a quoted cell with line breaks): a line with bytes that
    cannot be decoded makes the whole record it belongs to unreadable; in the header, the
    whole file."""
    lines = source.lines()
    # the line read last, and whether the last line has been read
    current = [0, 0]
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
        current[1] = 1

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
        return Records(iter(()))
    if current[1] and current[0] > start:
        raise InputError(
            f"{source.name}:{start}: cannot read the CSV header: {_UNCLOSED} ("
            f"{_lines(start, current[0])} were read as the header)"
        )
    header = [cell.strip() for cell in first]
    _check_header(source.name, header, reporter)
    return Records(_csv_rows(source, reporter, reader, header, current, undecoded), header)


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
        ended = current[1]
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            reporter.skip(f"{source.name}:{start}", f"not valid CSV: {exc}")
            continue
        if current[1] and not ended:
            # The reader asked for a line after the last one to finish this record: the
            # file ended inside a quoted cell, which has swallowed every line after it.
            number += 1
            reporter.skip(
                f"{source.name}:{start}",
                f"{_UNCLOSED}; {_lines(start, current[0])} were read as this one record and "
                "are skipped",
            )
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


_UNCLOSED = (
    "a quoted cell is not closed before the end of the file (the file is cut off, or a "
    '" is missing)'
)


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


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
