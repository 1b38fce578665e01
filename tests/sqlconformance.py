"""Random tables for the SQL backends' conformance, and the comparison with the reference.

A table's rows are read as leads exactly as the reference evaluator is held to them
(``leadrules.backends.sql.engine.rows_as_leads``: each row a dict of its columns, as DuckDB's
Python client gives them, with the events that join to it); the SQL engine's row for each lead
must be the reference's answer at table fidelity: score, stage, qualified, disqualified, next
stage, points to go, contributions (line, label, group, points, in order), disqualifications
(line, reason), undecided rules (line, kind, label); and a lead the reference warns about must
be flagged ``may_warn``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

import leadrules
from leadrules.lang import ast
from leadrules.result import Result

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

#: Text as exports write it: numbers, money, yes/no and missing words, dates, odd text.
MESSY_TEXT = [
    "",
    " ",
    "N/A",
    "none",
    "-",
    "NULL",
    "yes",
    "No",
    "Y",
    "n",
    "TRUE",
    "0",
    "1",
    "0.0",
    "2",
    "maybe",
    "x",
    "12",
    "1,200",
    "12.5",
    " 50 ",
    "$2.5M",
    "£1.2m",
    "500k",
    "€1,200",
    "(1,200)",
    "12.5%",
    "1e3",
    "-3",
    "10000",
    "9999.99",
    "0.0000000000005",
    "1e400",
    "2026-01-15",
    "2026-11-01T10:00:00Z",
    "03/04/2026",
    "13/04/2026",
    "Jan 20, 2026",
    "1763600000",
    "2026-11-19 10:00",
    "20261115",
    "GB",
    "gb",
    " Gb ",
    "IE",
    "US",
    "software",
    "SaaS",
    "VP Sales",
    "Head of Growth",
    "ann@gmail.com",
    "x@competitor.com",
    "Straße",
    "İ",
    "ΣΑΣ",
    "ꭰ",
    "\u00a0GB\u00a0",
    "director",
    "chief",
    "intern",
    "2024-02-29",
    "2023-02-29",
]

KINDS = [
    "text",
    "text",
    "text",
    "integer",
    "float",
    "decimal",
    "boolean",
    "date",
    "timestamp",
    "timestamptz",
]

_TYPES = {
    "text": pa.string(),
    "integer": pa.int64(),
    "float": pa.float64(),
    "decimal": pa.decimal128(18, 4),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
}


def values_of(kind: str) -> st.SearchStrategy[Any]:
    """Values of a column of ``kind`` (None for NULL)."""
    moments = st.datetimes(dt.datetime(2025, 6, 1), dt.datetime(2027, 1, 1))
    pools: dict[str, st.SearchStrategy[Any]] = {
        "text": st.one_of(st.sampled_from(MESSY_TEXT), st.text(max_size=6)),
        "integer": st.one_of(
            st.integers(-5, 12000), st.sampled_from([0, 1, 10**12, 10**12 + 1, -(10**15)])
        ),
        "float": st.one_of(
            st.floats(allow_nan=True, allow_infinity=True, width=64),
            st.sampled_from([0.1, -0.0, 1e16, 9999.99, 10000.0, 50.0, 2.5, 1e26, 1e-13]),
        ),
        "decimal": st.decimals(-(10**12), 10**12, places=4, allow_nan=False, allow_infinity=False),
        "boolean": st.booleans(),
        "date": st.dates(dt.date(2025, 6, 1), dt.date(2027, 1, 1)),
        "timestamp": moments,
        "timestamptz": moments.map(lambda m: m.replace(tzinfo=UTC)),
    }
    return st.one_of(st.none(), pools[kind])


def spellings(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [name.replace(" ", "_"), name.title(), name.upper().replace(" ", "-"), name]
    )


def names_read(
    rules: leadrules.RuleSet,
) -> tuple[list[ast.Name], list[ast.Name], dict[str, str]]:
    """(the names the rules read from leads outside `where`, the names read inside `where`,
    the event names a fact may stand for: by their key, as written)."""
    fields: dict[str, ast.Name] = {}
    details: dict[str, ast.Name] = {}
    events: dict[str, str] = {}
    tested: set[str] = set()  # names read by a test that is not a bare fact: columns they need
    for condition in rules.checked.conditions():
        for test in ast.tests(condition):
            if isinstance(test, ast.DefRef):
                continue
            fields.setdefault(test.name.key, test.name)
            if not isinstance(test, ast.Fact):
                tested.add(test.name.key)
            if isinstance(test, ast.Fact):
                events.setdefault(test.name.key, str(test.name).replace("`", ""))
                if test.where is not None:
                    for inner in ast.tests(test.where):
                        if not isinstance(inner, ast.DefRef):
                            details.setdefault(inner.name.key, inner.name)
    kept = {key: shown for key, shown in events.items() if key not in tested}
    return list(fields.values()), list(details.values()), kept


@st.composite
def tables(draw: st.DrawFn, rules: leadrules.RuleSet) -> tuple[pa.Table, pa.Table | None]:
    """A leads table whose columns the rules' names bind to (some left out: those facts are
    events) and, often, an events table."""
    fields, details, event_names = names_read(rules)
    rows = draw(st.integers(1, 6))
    columns: dict[str, pa.Array] = {"id": pa.array([f"L{i}" for i in range(rows)])}
    for name in fields:
        if name.is_private:
            continue
        if draw(st.booleans()) and name.key in event_names:
            continue  # no column: the fact is an event
        if len(name.parts) > 1 or any(p.exact for p in name.parts):
            column = ".".join(p.text for p in name.parts)  # a column named as written
        else:
            column = draw(spellings(name.parts[0].text))
        if column.lower() in {c.lower() for c in columns} or column.startswith("_"):
            continue  # the name binds to the column another spelling made
        kind = draw(st.sampled_from(KINDS))
        values = [draw(values_of(kind)) for _ in range(rows)]
        columns[column] = pa.array(values, type=_TYPES[kind])
    leads = pa.table(columns)
    if not draw(st.booleans()):
        return leads, None
    count = draw(st.integers(0, 12))
    names = sorted(event_names.values()) or ["visited pricing page"]
    event_columns: dict[str, list[Any]] = {"lead": [], "name": [], "at": []}
    at_kind = draw(st.sampled_from(["text", "timestamptz", "timestamp"]))
    detail_names = [".".join(p.text for p in d.parts) for d in details]
    detail_names = [
        n for n in dict.fromkeys(detail_names) if n.lower() not in ("lead", "name", "at")
    ]
    detail_kinds = {n: draw(st.sampled_from(KINDS)) for n in detail_names}
    for n in detail_names:
        event_columns[n] = []
    for _ in range(count):
        event_columns["lead"].append(f"L{draw(st.integers(0, rows))}")  # one id joins nothing
        name = draw(st.sampled_from(names))
        event_columns["name"].append(draw(st.one_of(spellings(name), st.sampled_from(["", None]))))
        event_columns["at"].append(draw(values_of(at_kind)))
        for n in detail_names:
            event_columns[n].append(draw(values_of(detail_kinds[n])))
    arrays = {
        "lead": pa.array(event_columns["lead"], type=pa.string()),
        "name": pa.array(event_columns["name"], type=pa.string()),
        "at": pa.array(event_columns["at"], type=_TYPES[at_kind]),
    }
    for n in detail_names:
        arrays[n] = pa.array(event_columns[n], type=_TYPES[detail_kinds[n]])
    return leads, pa.table(arrays)


def table_view(result: Result) -> dict[str, Any]:
    """A Result as the columns of a scored table show it."""
    return {
        "score": result.score,
        "stage": result.stage,
        "qualified": result.qualified,
        "disqualified": result.disqualified,
        "next_stage": result.next_stage,
        "points_to_next_stage": result.points_to_next_stage,
        "contributions": [(c.line, c.label, c.group, c.points) for c in result.contributions],
        "disqualifications": [(d.line, d.reason) for d in result.disqualifications],
        "undecided": [(u.line, u.kind, u.label) for u in result.undecided],
    }


def row_view(row: dict[str, Any]) -> dict[str, Any]:
    """A scored table's row, in the shape of :func:`table_view`."""
    return {
        "score": row["score"],
        "stage": row["stage"],
        "qualified": row["qualified"],
        "disqualified": row["disqualified"],
        "next_stage": row["next_stage"],
        "points_to_next_stage": row["points_to_next_stage"],
        "contributions": [
            (c["line"], c["label"], c["group"], c["points"]) for c in row["contributions"]
        ],
        "disqualifications": [(d["line"], d["reason"]) for d in row["disqualifications"]],
        "undecided": [(u["line"], u["kind"], u["label"]) for u in row["undecided"]],
    }


def assert_row_conforms(want: Result, row: dict[str, Any], context: Any = None) -> None:
    expected, got = table_view(want), row_view(row)
    for key in expected:
        assert expected[key] == got[key], (
            f"{key} differs for {context!r}:\n want {expected[key]!r}\n  got {got[key]!r}"
        )
    if want.warnings:
        assert row["may_warn"], (
            f"the reference warns {want.warnings!r}, the row is not flagged: {context!r}"
        )


Decimal  # noqa: B018 - re-exported for the tests' annotations
