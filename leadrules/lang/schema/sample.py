"""A schema inferred from a sample of leads: ``infer_schema(leads, sample=1000)`` gives a
mapping of each field the leads have (spelt as the first lead that has it spells it) to the
type its values read as, which ``compile(..., schema=...)`` accepts, so that the names and
tests of a rule file are checked against real data before anything is scored.

Values are read by the language's vocabulary (:mod:`leadrules.runtime.values`): missing-words
and blank text say nothing; text that reads as a number is a number (``"1,200"``, ``"$2.5M"``)
unless it is digits with a leading zero (``"02139"``, ``"007"``: codes, not quantities);
yes/no words are yes/no *or* text (``Webinar Attended = "Yes"`` is a fine test); text that
reads as a date, in either day-month order, is a date. A field is of one kind only when every
value of the sample is: ``company size`` is a number when every non-missing value is one, and
a number *or* text (so that no test of it is refused) as soon as one value is not
(``"about 20"``). A field with no values at all is unchecked (``Any``); ``events`` is a list
of :class:`leadrules.Event`.

Nothing here reports problems: :mod:`.check` does, given the mapping.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ...errors import InvalidArgument
from ...runtime.leads import Event
from ...runtime.names import normalize_name
from ...runtime.values import NO_WORDS, YES_WORDS, Problem, is_missing, to_datetime, to_number

__all__ = ["infer_schema"]

_INTEGER, _DECIMAL, _TEXT, _BOOL, _DATE = "int", "decimal", "text", "bool", "date"
_LIST, _RECORD, _ANY = "list", "record", "any"
_LEADING_ZERO = re.compile(r"[+-]?0\d+")


def _kinds_of(value: Any) -> frozenset[str]:
    """The kinds one value reads as (empty for a missing value)."""
    if is_missing(value):
        return frozenset()
    if isinstance(value, bool):
        return frozenset({_BOOL})
    if isinstance(value, (int, float, Decimal)):
        number = to_number(value)
        if isinstance(number, Problem):
            return frozenset({_ANY})
        return frozenset({_INTEGER if number == number.to_integral_value() else _DECIMAL})
    if isinstance(value, (dt.date, dt.datetime)):
        return frozenset({_DATE})
    if isinstance(value, Mapping):
        return frozenset({_RECORD})
    if isinstance(value, (list, tuple, set, frozenset)):
        return frozenset({_LIST})
    if not isinstance(value, str):
        return frozenset({_ANY})
    text = value.strip()
    folded = text.casefold()
    if folded in YES_WORDS or folded in NO_WORDS:
        if folded in ("1", "0"):
            return frozenset({_INTEGER, _BOOL})
        return frozenset({_BOOL, _TEXT})
    if _LEADING_ZERO.fullmatch(text):
        return frozenset({_TEXT})
    number = to_number(text)
    if not isinstance(number, Problem):
        return frozenset({_INTEGER if number == number.to_integral_value() else _DECIMAL})
    for dayfirst in (False, True):
        if not isinstance(to_datetime(text, dayfirst), Problem):
            return frozenset({_DATE})
    return frozenset({_TEXT})


class _Field:
    """What the sample says about one field: the kinds of its values, and for mappings the
    fields inside."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.inner: _Fields | None = None

    def add(self, value: Any) -> None:
        kinds = _kinds_of(value)
        self.kinds.update(kinds)
        if _RECORD in kinds:
            if self.inner is None:
                self.inner = _Fields()
            self.inner.add(value)

    def annotation(self) -> Any:
        kinds = set(self.kinds)
        if not kinds or _ANY in kinds:
            return Any
        if kinds == {_RECORD} and self.inner is not None:
            return self.inner.schema()
        if kinds == {_LIST}:
            return list[Any]
        if kinds & {_RECORD, _LIST}:
            return Any
        if _DECIMAL in kinds:
            kinds.discard(_INTEGER)
        types = {_INTEGER: int, _DECIMAL: Decimal, _TEXT: str, _BOOL: bool, _DATE: dt.datetime}
        order = (_INTEGER, _DECIMAL, _BOOL, _DATE, _TEXT)
        members = [types[kind] for kind in order if kind in kinds]
        return functools.reduce(operator.or_, members)


class _Fields:
    """The fields of a sample of records, in the order first met, one per normal name."""

    def __init__(self) -> None:
        self.fields: dict[str, tuple[str, _Field]] = {}

    def add(self, record: Any) -> None:
        for key, value in _items(record):
            if not isinstance(key, str) or key.startswith("_"):
                continue
            normal = normalize_name(key)
            entry = self.fields.get(normal)
            if entry is None:
                entry = self.fields[normal] = (key, _Field())
            entry[1].add(value)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for normal, (key, field) in self.fields.items():
            if normal == "events" and field.kinds <= {_LIST}:
                out[key] = list[Event]
            else:
                out[key] = field.annotation()
        return out


def _items(record: Any) -> Iterable[tuple[Any, Any]]:
    """The (name, value) pairs of a lead: a mapping's items, an attrs instance's or a
    dataclass's fields (``extra`` of :class:`leadrules.Lead` opened up), an object's
    attributes."""
    if isinstance(record, Mapping):
        return record.items()
    if attrs.has(type(record)):
        pairs: list[tuple[Any, Any]] = []
        for field in attrs.fields(type(record)):
            value = getattr(record, field.name, None)
            if field.name == "extra" and isinstance(value, Mapping):
                pairs.extend(value.items())
            else:
                pairs.append((field.name, value))
        return pairs
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return [(f.name, getattr(record, f.name, None)) for f in dataclasses.fields(record)]
    try:
        return list(vars(record).items())
    except TypeError:
        return ()


def infer_schema(leads: Iterable[Any], sample: int | None = 1000) -> dict[str, Any]:
    """A schema (a mapping of field names to types, for ``compile(..., schema=...)``) inferred
    from the first ``sample`` leads (all of them when None). Leads are mappings (a CSV row, a
    JSON object), attrs instances, dataclasses or objects. See the module's docstring for
    how values are read."""
    if isinstance(leads, (str, bytes, Mapping)) or not isinstance(leads, Iterable):
        raise InvalidArgument(
            f"infer_schema() takes an iterable of leads, not {type(leads).__name__}"
        )
    if sample is not None and (isinstance(sample, bool) or not isinstance(sample, int)):
        raise InvalidArgument(f"sample must be a whole number of leads or None, not {sample!r}")
    if sample is not None and sample < 1:
        raise InvalidArgument(f"sample must be at least 1, not {sample}")
    fields = _Fields()
    for lead in itertools.islice(leads, sample):
        fields.add(lead)
    return fields.schema()
