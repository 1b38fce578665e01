"""Edge cases the SQL backends must get exactly right, each a rule file, a table and (some) an
events table, held to the reference evaluator like the random ones (tests/sqlconformance.py):
NULL in every position, Unicode and case folding, patterns, time zones and DST, month ends,
decimals at .5, decay at age 0 and one period, per-occurrence rules at their cap, records and
lists, backticked and dotted names, every window, counts, groups' limits, stages' conditions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from sqlconformance import NOW
from sqlengines import ENGINES
from test_sql_conformance import check

import leadrules
from leadrules.backends.sql import Unsupported

UTC = dt.timezone.utc


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def table(**columns: tuple[Any, list[Any]]) -> pa.Table:
    """A table of typed columns: ``name=(arrow type, values)``; ids L0, L1, ..."""
    rows = len(next(iter(columns.values()))[1])
    arrays = {"id": pa.array([f"L{i}" for i in range(rows)])}
    for name, (type_, values) in columns.items():
        arrays[name] = pa.array(values, type=type_)
    return pa.table(arrays)


def events(*rows: tuple[Any, ...], details: dict[str, Any] | None = None) -> pa.Table:
    """An events table: (lead, name, at, *detail values)."""
    names = ["lead", "name", "at", *(details or {})]
    types = [pa.string(), pa.string(), pa.timestamp("us", tz="UTC"), *(details or {}).values()]
    columns = {
        n: pa.array([r[i] for r in rows], type=t)
        for i, (n, t) in enumerate(zip(names, types, strict=True))
    }
    return pa.table(columns)


TEXT, INT, FLOAT, BOOL = pa.string(), pa.int64(), pa.float64(), pa.bool_()
DEC = pa.decimal128(18, 4)
DATE, TS, TSZ = pa.date32(), pa.timestamp("us"), pa.timestamp("us", tz="UTC")

CASES: dict[str, tuple[str, pa.Table, pa.Table | None]] = {
    "null in every kind of test": (
        '+1 when a = "x"\n+2 when n > 5\n+3 when a in ["x", "y"]\n+4 when n between 1 and 9\n'
        '+5 when a contains "x"\n+6 when a matches /x/\n+7 when a is missing\n+8 when a\n'
        '+9 when not (a = "x") or n > 1\ndisqualify when n < 0\nMQL at 5 when a is present',
        table(a=(TEXT, [None, "", "N/A", "x", " X "]), n=(INT, [None, 0, 7, -1, 12])),
        None,
    ),
    "case folding beyond ASCII": (
        '+1 when city = "strasse"\n+2 when name contains "ꭰ"\n+4 when word starts with "σ"\n'
        '+8 when code = "i̇stanbul"',
        table(
            city=(TEXT, ["Straße", "STRASSE", "strasse ", "Strase", None]),
            name=(TEXT, ["Ꭰ", "ꭰ", "x", "ᏸ", "ꮀ"]),
            word=(TEXT, ["ΣΑΣ", "ς", "Σ", "σ", "x"]),
            code=(TEXT, ["İstanbul", "istanbul", "ISTANBUL", "i̇stanbul", ""]),
        ),
        None,
    ),
    "patterns": (
        "+1 when title matches /\\b(vp|head|chief)\\b/i\n+2 when title matches /^Dir/\n"
        "+4 when code matches /^[0-9]{3}$/\n+8 when title matches /ß|é/",
        table(
            title=(
                TEXT,
                ["VP Sales", "vp", "Head of Growth", "director", "  Director  ", "Café", "ß", None],
            ),
            code=(INT, [123, 12, 1234, 0, None, -12, 999, 100]),
        ),
        None,
    ),
    "patterns read the first 100,000 characters of a value": (
        "+1 when title matches /vp/\n+2 when title matches /x$/\n+4 when title matches /v$/\n"
        "+8 when n matches /^9+$/",
        table(
            title=(
                TEXT,
                [
                    "x" * 100_000 + "vp",
                    "x" * 99_998 + "vp",
                    "   " + "x" * 99_998 + "vp   ",
                    "é" * 99_999 + "vp",
                    "vp" + "x" * 200_000,
                    "short vp",
                ],
            ),
            n=(TEXT, ["9" * 100_001, "9" * 5, "9" * 100_000 + "x", "", None, "99"]),
        ),
        None,
    ),
    "rule numbers beyond what a number read from a lead can be (10^26, 12 places)": (
        "+1 when x > 10000000000000000000000000000\n+2 when x < -10000000000000000000000000000\n"
        "+4 when x = 0.0000000000001\n+8 when x >= 2.0000000000005\n"
        "+16 when x < 2.0000000000005\n+32 when x between 0.0000000000001 and 2.0000000000005\n"
        "+64 when x in [99999999999999999999999999.5, 0.000000000000000000000000000001]\n"
        "+128 when f > 2.0000000000005\n+256 when f <= 0.0000000000001",
        table(
            x=(
                TEXT,
                [
                    "0",
                    "0.0000000000001",
                    "0.000000000001",
                    "2.000000000001",
                    "2.0000000000005",
                    "2",
                    "99999999999999999999999999",
                    "-99999999999999999999999999",
                    None,
                    "junk",
                ],
            ),
            f=(
                FLOAT,
                [0.0, 1e-13, 1e-12, 2.000000000001, 2.0000000000005, 2.0, 1e25, -1e25, None, 3.0],
            ),
        ),
        None,
    ),
    "numbers at and next to thresholds": (
        "+1 when x >= 10000\n+2 when x > 0.1\n+4 when x = 0\n+8 when x between 0.5 and 1.5\n"
        "+16 when x < 10000000000000000\n+32 when x != 2.5",
        table(
            x=(
                FLOAT,
                [
                    9999.99,
                    10000.0,
                    0.1,
                    0.30000000000000004,
                    -0.0,
                    0.5,
                    1e16,
                    float("nan"),
                    float("inf"),
                    2.5,
                    None,
                    1e-13,
                ],
            )
        ),
        None,
    ),
    "text numbers and money": (
        "+1 when budget >= 10000\n+2 when budget < 0\n+4 per budget, up to 50\n"
        "+8 when budget = 2500000",
        table(
            budget=(
                TEXT,
                [
                    "$10k",
                    "€9,999.99",
                    "(1,200)",
                    "$2.5M",
                    "2.5 million",
                    "1e400",
                    "12.5%",
                    "0.00005",
                    "10_000",
                    None,
                ],
            )
        ),
        None,
    ),
    "decimals at .5 in per-unit points and caps": (
        "+0.0001 per views\n+0.5 per clicks, up to 2.5\n-1.25 per bounces, up to 3",
        table(
            views=(
                DEC,
                [Decimal("0.5000"), Decimal("1.5000"), Decimal("2.5000"), Decimal("0.4999"), None],
            ),
            clicks=(INT, [0, 1, 5, 6, 10**13]),
            bounces=(TEXT, ["2", "3", "2.4", "-5", "lots"]),
        ),
        None,
    ),
    "dates, month ends and windows": (
        "+1 when signed up within 1 month\n+2 when signed up since 2026-10-31\n"
        "+4 when signed up before 2026-11-20T12:00:00Z\n+8 when signed up after 2026-11-19\n"
        "+16 when renewal = 2026-11-20\n+32 when renewal > 2026-11-20T00:00:00+05:00",
        table(
            **{
                "signed up": (
                    TEXT,
                    [
                        "2026-10-20",
                        "2026-10-21",
                        "10/20/2026",
                        "2026-10-20T11:59:59Z",
                        "2026-11-20T12:00:01Z",
                        "Oct 31, 2026",
                        None,
                        "garbage",
                    ],
                ),
                "renewal": (
                    TSZ,
                    [
                        at(2026, 11, 20),
                        at(2026, 11, 19, 23, 59),
                        at(2026, 11, 20, 23, 59),
                        at(2026, 11, 19, 19, 0),
                        None,
                        at(2026, 11, 21),
                        at(2026, 11, 20, 12),
                        at(2025, 1, 1),
                    ],
                ),
            }
        ),
        None,
    ),
    "a moment in a time zone, across daylight saving": (
        "+1 when seen before 2026-03-29T01:00:00Z\n+2 when seen within 3 days",
        table(
            seen=(
                TEXT,
                [
                    "2026-03-29T01:59:00+01:00",
                    "2026-03-29T03:00:00+02:00",
                    "2026-11-17T12:00:00-05:00",
                    "2026-11-17T18:00:00+01:00",
                    "2026-11-17 12:00",
                ],
            )
        ),
        None,
    ),
    "events: counts, windows, where, decay": (
        "+10 when visited pricing page at least 2 times within 14 days\n"
        "+5 per opened email within 30 days, up to 15\n"
        '+7 when attended webinar where topic contains "ai", decaying 50% every 7 days\n'
        "+3 per requested demo, decaying 10% every 1 day\n"
        "-2 when visited pricing page at most 1 times\n"
        "disqualify when unsubscribed\nSQL at 20 when requested demo\nMQL at 10",
        table(country=(TEXT, ["GB", "IE", "US", None])),
        events(
            ("L0", "Visited Pricing Page", at(2026, 11, 10), "x"),
            ("L0", "visited_pricing_page", at(2026, 11, 18), None),
            ("L0", "opened email", at(2026, 11, 1), None),
            ("L0", "opened email", at(2026, 11, 2), None),
            ("L0", "opened email", at(2026, 11, 3), None),
            ("L0", "opened email", at(2026, 11, 4), None),
            ("L0", "attended webinar", at(2026, 11, 13, 12), "AI in Sales"),
            ("L1", "attended webinar", at(2026, 11, 20, 12), "ai"),
            ("L1", "requested demo", at(2026, 11, 19, 12), None),
            ("L1", "requested demo", None, None),
            ("L1", "visited pricing page", None, None),
            ("L2", "unsubscribed", at(2026, 12, 24), None),
            ("L2", "opened email", at(2026, 10, 21, 12), None),
            ("L2", "", at(2026, 1, 1), None),
            ("L3", "attended webinar", at(2026, 11, 6, 12), None),
            ("nobody", "opened email", at(2026, 11, 1), None),
            details={"topic": pa.string()},
        ),
    ),
    "groups' limits and stages' conditions": (
        "group fit max 30 min -5:\n    +20 when a\n    +15 when b\n    -20 when c\n"
        "group engagement max 10:\n    +8 when d\n    +8 when e\n"
        "+1 when f\nMQL at 20\nSQL at 35 when d and e\n'Sales ready' at 40",
        table(
            a=(BOOL, [True, True, False, None, True]),
            b=(TEXT, ["yes", "no", "N", "maybe", "Y"]),
            c=(INT, [0, 1, 1, 0, None]),
            d=(TEXT, ["true", "true", "", "1", "x"]),
            e=(FLOAT, [1.0, 0.0, None, 2.0, float("nan")]),
            f=(DATE, [dt.date(2026, 1, 1), None, dt.date(2026, 1, 2), None, dt.date(1970, 1, 1)]),
        ),
        None,
    ),
    "definitions used twice and in stages": (
        "define big as employees >= 1000 or revenue >= 10000000\n"
        'define fit as big and country in ["GB", "IE"]\n'
        "+10 when big\n+20 when fit\n-5 when not fit\nSQL at 30 when fit\nMQL at 10 when big",
        table(
            employees=(TEXT, ["1,000", "999", None, "lots", "5000"]),
            revenue=(TEXT, ["$10M", "9.9m", "N/A", "", "1e7"]),
            country=(TEXT, ["gb", "IE ", "FR", None, "GB"]),
        ),
        None,
    ),
    "records, dotted names, backticks and lists": (
        '+1 when company.size >= 100\n+2 when address.country = "gb"\n'
        "+4 when `Annual Revenue (USD)` > 5\n"
        '+8 when tags contains "vip"\n+16 per pages\n+32 when tags\n'
        "+64 when company.name is missing\n+128 when `company.size` > 1",
        pa.table(
            {
                "id": pa.array(["L0", "L1", "L2", "L3"]),
                "company": pa.array(
                    [
                        {"size": 150, "name": "A"},
                        {"size": 99, "name": None},
                        None,
                        {"size": None, "name": ""},
                    ],
                    type=pa.struct([("size", pa.int64()), ("name", pa.string())]),
                ),
                "address": pa.array(
                    [{"Country": "GB"}, {"Country": " gb "}, {"Country": None}, None],
                    type=pa.struct([("Country", pa.string())]),
                ),
                "Annual Revenue (USD)": pa.array(["6", "5", None, "$1M"]),
                "tags": pa.array([["vip", "new"], ["VIP "], [], None], type=pa.list_(pa.string())),
                "pages": pa.array([[1, 2, 3], [], None, [None]], type=pa.list_(pa.int64())),
                "company.size": pa.array(["2", "1", None, "x"]),
            }
        ),
        None,
    ),
    "event times as text, day first": (
        "+5 per opened email within 30 days\n+1 when opened email since 2026-11-10",
        table(country=(TEXT, ["GB", "IE", "US"])),
        pa.table(
            {
                "lead": pa.array(["L0", "L0", "L0", "L1", "L1", "L2"]),
                "name": pa.array(["opened email"] * 6),
                "at": pa.array(
                    [
                        "01/11/2026",
                        "11/01/2026",
                        "2026-11-15T10:00:00Z",
                        "13/11/2026",
                        "N/A",
                        "1763600000",
                    ]
                ),
            }
        ),
    ),
}

DAYFIRST = {"event times as text, day first"}


def test_a_pattern_reads_only_the_first_100000_characters_on_every_engine() -> None:
    """docs/language.md, Limits: what lies beyond the first 100,000 characters of a value is
    not searched, by the Python engines and by DuckDB alike."""
    source, leads, _ = CASES["patterns read the first 100,000 characters of a value"]
    expected = [2 + 8, 1 + 8, 1 + 8, 4, 1 + 2, 1 + 8]
    rules = leadrules.compile(source)
    scored = rules.score_duckdb(leads, now=NOW, id="id")
    assert [row[0] for row in scored.select("score").fetchall()] == expected
    for backend in ("reference", "compiled"):
        python = leadrules.compile(source, backend=backend)
        assert [python.evaluate(lead, NOW).score for lead in leads.to_pylist()] == expected


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_the_edge_cases_score_as_the_reference_does(name: str, engine: str) -> None:
    source, leads, event_table = CASES[name]
    if engine == "postgres":  # refusals are part of PostgreSQL's conformance (docs/sql.md)
        try:
            check(source, leads, event_table, NOW, dayfirst=name in DAYFIRST, engine=engine)
        except Unsupported as refused:
            pytest.skip(f"refused on PostgreSQL: {refused}")
        return
    check(source, leads, event_table, NOW, dayfirst=name in DAYFIRST, engine=engine)
