"""Dates and times written as text, read by one documented grammar (docs/language.md §8).

Every engine must read a date the same way, so leadrules does not hand text to a heuristic
parser: it accepts these forms, and nothing else (case and surrounding space ignored):

- ISO 8601: ``2026-01-20``, ``2026/01/20``, ``2026.01.20``, ``20260120``, with a time after
  ``T`` or a space: ``2026-01-20T09:30``, ``2026-01-20 09:30:15.25``, ``20260120T0930``;
- numbers for day and month: ``03/04/2026``, ``3.4.26``, ``03-04-2026 14:05`` — month first
  unless day first is asked for (``dayfirst``); a first number above 12 in month-first order
  (or a second in day-first order) makes the text unreadable, it is never swapped; two-digit
  years are 2000-2068 for 00-68 and 1969-1999 for 69-99;
- English month names: ``20 January 2026``, ``20-Jan-2026``, ``Jan 20, 2026``,
  ``Tuesday, 20 Jan 2026 10:00 GMT``, with an optional weekday (not checked) and ordinal
  suffix (``20th``);
- epoch seconds: text that is only a number of at least nine digits before any decimal point
  (``1763600000``, ``1763600000.5``: since 1973); eight digits that make a valid date are that
  date (``20260120``). Shorter numbers (``2026``, ``12``) are no moment: they are unreadable.

A time is ``H:MM``, ``H:MM:SS`` or ``H:MM:SS.fraction`` (more than six digits of a fraction
are cut to microseconds), 24-hour or with ``am``/``pm``, and an optional zone: ``Z``, ``UTC``,
``GMT``, ``+02:00``, ``+0200`` or ``+02``. Without a zone a time is UTC. Digits are the ASCII
``0``-``9``; parts are separated by spaces or tabs (or the punctuation each form shows); text
with any other character beyond ASCII is in no form. Anything else — a partial date
(``2026-01``, ``May``), a week or ordinal date, a second of 60, an hour of 24 — is unreadable.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

__all__ = ["EPOCH_PATTERN", "MONTHS", "PATTERNS", "parse_date_text", "two_digit_year"]

UTC: Final = dt.timezone.utc

#: English month names and their abbreviations (``sept`` too), case-insensitive.
MONTHS: Final = {
    **{
        name: number
        for number, name in enumerate(
            (
                "january", "february", "march", "april", "may", "june", "july",
                "august", "september", "october", "november", "december",
            ),
            start=1,
        )
    },
    **{
        abbr: number
        for number, abbr in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
            start=1,
        )
    },
    "sept": 9,
}  # fmt: skip

_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?[ \t]+"
_MONTH = r"(?P<mon>[a-z]+)\.?"
_TIME = (
    r"(?P<hh>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<ss>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,9}))?)?"
    r"[ \t]*(?P<ampm>[ap]\.?m\.?)?"
    r"[ \t]*(?P<zone>z|utc|gmt|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
# The patterns use no back-references (RE2, which the SQL backends use, has none): where two
# separators must be the same, both are captured and compared.
_ISO = re.compile(
    r"(?P<y>[0-9]{4})(?P<s1>[-/.])(?P<mo>[0-9]{1,2})(?P<s2>[-/.])(?P<da>[0-9]{1,2})"
    r"(?:(?:t|[ \t]+)" + _TIME + r")?"
)
_ISO_BASIC = re.compile(
    r"(?P<y>[0-9]{4})(?P<mo>[0-9]{2})(?P<da>[0-9]{2})"
    r"(?:t(?P<hh>[0-9]{2})(?P<mi>[0-9]{2})(?P<ss>[0-9]{2})?(?:[.,](?P<frac>[0-9]{1,9}))?"
    r"(?P<zone>z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_NUMERIC = re.compile(
    r"(?P<a>[0-9]{1,2})(?P<s1>[-/.])(?P<b>[0-9]{1,2})(?P<s2>[-/.])(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?:(?:t|[ \t]+|,[ \t]*)" + _TIME + r")?"
)
_DAY_MONTH = re.compile(
    r"(?:" + _WEEKDAY + r")?(?P<da>[0-9]{1,2})(?:st|nd|rd|th)?[ \t-]+" + _MONTH
    + r",?[ \t-]+(?P<y>[0-9]{4})(?:,?[ \t]+" + _TIME + r")?"
)  # fmt: skip
_MONTH_DAY = re.compile(
    r"(?:" + _WEEKDAY + r")?" + _MONTH + r"[ \t-]+(?P<da>[0-9]{1,2})(?:st|nd|rd|th)?,?[ \t-]+"
    r"(?P<y>[0-9]{4})(?:,?[ \t]+" + _TIME + r")?"
)
_EPOCH: Final = re.compile(r"[+-]?[0-9]{9,}(?:\.[0-9]+)?")
#: The patterns, in the order they are tried (RE2 patterns as much as Python ones: the SQL
#: backends match the very same text): name -> compiled pattern.
PATTERNS: Final = {
    "iso": _ISO,
    "day_month": _DAY_MONTH,
    "month_day": _MONTH_DAY,
    "numeric": _NUMERIC,
    "iso_basic": _ISO_BASIC,
}
EPOCH_PATTERN: Final = _EPOCH.pattern


def two_digit_year(year: int) -> int:
    """A two-digit year as a full one: 00-68 are 2000-2068, 69-99 are 1969-1999."""
    return 2000 + year if year <= 68 else 1900 + year


def parse_date_text(text: str, dayfirst: bool = False) -> dt.datetime | float | None:
    """A date or date-time written in one of the forms above: an aware datetime (UTC unless
    the text names a zone), or the float of epoch-seconds text, or None when the text is in
    no form. ``text`` is stripped already; case does not matter. Text with a character beyond
    ASCII is in no form (so that no case folding can make a month name of other letters)."""
    if not text.isascii():
        return None
    if len(text) >= 10 and text[4] == "-":
        quick = _iso_quick(text)
        if quick is not None:
            return quick
    folded = text.lower()
    for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
        match = pattern.fullmatch(folded)
        if match is not None and _same_separators(match):
            return _build(match, int(match["y"]), *_month_day(match))
    match = _NUMERIC.fullmatch(folded)
    if match is not None and _same_separators(match):
        first, second = int(match["a"]), int(match["b"])
        day, month = (first, second) if dayfirst else (second, first)
        year = int(match["y"]) if len(match["y"]) == 4 else two_digit_year(int(match["y"]))
        return _build(match, year, month, day)
    match = _ISO_BASIC.fullmatch(folded)
    if match is not None:
        built = _build(match, int(match["y"]), int(match["mo"]), int(match["da"]))
        if built is not None or match["hh"] is not None:
            return built
    if _EPOCH.fullmatch(folded):
        return float(folded)
    return None


#: The common ISO forms (a subset of :data:`_ISO`'s): ``YYYY-MM-DD``, then optionally ``T``
#: (or ``t``, or one space), ``HH:MM``, ``:SS``, a fraction of 3 or 6 digits, and ``Z`` or
#: ``+HH:MM``/``-HH:MM``; with an hour, minute, second and offset in range.
_QUICK: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[Tt ](?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r"(?::[0-5][0-9](?:\.[0-9]{3}(?:[0-9]{3})?)?)?"
    r"(?P<zone>[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?"
)
_ZONES: dict[str | None, dt.tzinfo | None] = {None: UTC, "Z": UTC, "z": UTC}


def _iso_quick(text: str) -> dt.datetime | None:
    """Text in one of the common ISO forms (:data:`_QUICK`) read with ``fromisoformat`` on
    those forms only: exactly the moment :data:`_ISO` reads from it; None for every other
    text (which the patterns then read, or find unreadable), and for a day that does not
    exist."""
    match = _QUICK.fullmatch(text)
    if match is None:
        return None
    zone_text = match["zone"]
    zone = _ZONES.get(zone_text)
    if zone is None:
        assert zone_text is not None
        zone = _zone(zone_text)
        if len(_ZONES) < 64:
            _ZONES[zone_text] = zone
    try:
        naive = dt.datetime.fromisoformat(text if zone_text is None else text[: -len(zone_text)])
    except ValueError:  # a 30th of February
        return None
    return naive.replace(tzinfo=zone)


def _same_separators(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    return groups.get("s1") == groups.get("s2")


def _month_day(match: re.Match[str]) -> tuple[int, int]:
    if "mon" in match.re.groupindex:
        return MONTHS.get(match["mon"], 0), int(match["da"])
    return int(match["mo"]), int(match["da"])


def _build(match: re.Match[str], year: int, month: int, day: int) -> dt.datetime | None:
    """The moment the parts name, or None when they name none (a 31st of April, 25:00)."""
    groups = match.groupdict()
    hour = int(groups.get("hh") or 0)
    minute = int(groups.get("mi") or 0)
    second = int(groups.get("ss") or 0)
    fraction = groups.get("frac") or ""
    micro = int((fraction + "000000")[:6]) if fraction else 0
    ampm = groups.get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    zone = _zone(groups.get("zone"))
    if zone is None:
        return None
    try:
        return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except (ValueError, OverflowError):
        return None


def _zone(text: str | None) -> dt.tzinfo | None:
    """The zone a time names (UTC when none); None for an offset of a day or more."""
    if not text or text in ("z", "utc", "gmt"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return UTC if not offset else dt.timezone(sign * offset)
