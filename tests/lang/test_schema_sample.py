"""`leadrules.infer_schema`: a schema from a sample of leads, which `compile(schema=...)` takes,
so that a misspelt field and a test that does not suit the values are caught before scoring
(issue 12, item 1). The leads are rows as a CSV export gives them (all text) and JSON objects.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

import leadrules
from leadrules.lang.schema import infer_schema

ROWS: list[dict[str, Any]] = [
    {
        "Record ID": "51234501",
        "Zip": "02139",
        "Company size": "1,200",
        "Annual Revenue": "$2.5M",
        "Score": "12.5",
        "Webinar Attended": "Yes",
        "Opted In": "1",
        "Create Date": "03/04/2026 10:15 AM",
        "Notes": None,
        "Country/Region": "United Kingdom",
    },
    {
        "Record ID": "51234502",
        "Zip": "N/A",
        "Company size": "about 20",
        "Annual Revenue": "500k",
        "Score": "7",
        "Webinar Attended": "No",
        "Opted In": "0",
        "Create Date": "13/11/2026",
        "Notes": "  ",
        "Country/Region": "Ireland",
    },
]


def test_the_kinds_of_an_exports_values() -> None:
    assert infer_schema(ROWS) == {
        "Record ID": int,
        "Zip": str,  # digits with a leading zero: a code, not a quantity
        "Company size": int | str,  # one value is not a number: both kinds allowed
        "Annual Revenue": int,
        "Score": Decimal,
        "Webinar Attended": bool | str,  # yes/no words: a yes/no, or text ("= 'Yes'")
        "Opted In": int | bool,
        "Create Date": dt.datetime,  # 03/04 month first, 13/11 day first: dates either way
        "Notes": Any,  # no value in the sample
        "Country/Region": str,
    }


def test_json_leads_nested_fields_lists_and_events() -> None:
    leads = [
        {
            "id": 1,
            "vip": True,
            "budget": 2.5,
            "signed_up": dt.date(2026, 1, 1),
            "address": {"country": "GB", "post code": "BT1 1AA"},
            "tags": ["a"],
            "events": [{"name": "requested demo", "at": "2026-11-20"}],
        },
        {"Id": 2, "vip": False, "budget": 3, "tags": []},
    ]
    assert infer_schema(leads) == {
        "id": int,
        "vip": bool,
        "budget": Decimal,
        "signed_up": dt.datetime,
        "address": {"country": str, "post code": str},
        "tags": list[Any],
        "events": list[leadrules.Event],
    }


def test_objects_and_the_sample_size() -> None:
    leads = [leadrules.Lead(id="a", company_size=10, budget="5k"), {"late": "only in lead 2"}]
    schema = infer_schema(leads, sample=1)
    assert schema["company_size"] is int and schema["budget"] is int
    assert "late" not in schema
    assert "late" in infer_schema(iter(leads), sample=None)


def test_compile_takes_it_and_catches_a_typo_and_a_test_that_does_not_suit() -> None:
    schema = infer_schema(ROWS)
    with pytest.raises(leadrules.SchemaError) as caught:
        leadrules.compile(
            '+10 when job titel matches /vp/i\n+5 when annual revenue contains "M"\n',
            schema=schema,
        )
    assert [d.message for d in caught.value.diagnostics] == [
        "`job titel` is not a field of the schema",
        "`contains` tests text, but `annual revenue` is a number (int)",
    ]
    fine = leadrules.compile(
        '+5 when company size >= 50\n+5 when webinar attended\n+5 when `Webinar Attended` = "Yes"\n'
        "+5 when create date within 30 days\n",
        schema=schema,
    )
    assert fine.schema is schema


@pytest.mark.parametrize(
    ("leads", "sample", "message"),
    [
        ({"a": 1}, 10, "infer_schema() takes an iterable of leads, not dict"),
        ("leads.csv", 10, "infer_schema() takes an iterable of leads, not str"),
        ([], 0, "sample must be at least 1, not 0"),
        ([], 2.5, "sample must be a whole number of leads or None, not 2.5"),
    ],
)
def test_wrong_arguments(leads: Any, sample: Any, message: str) -> None:
    with pytest.raises(
        leadrules.InvalidArgument, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        infer_schema(leads, sample)


def test_the_example_in_docs_checking_md_runs_and_prints_what_it_says(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "checking.md").read_text("utf-8")
    section = text[text.index("### Compiling against a sample of leads") :]
    (block,) = re.findall(r"^```python\n(.*?)^```", section, re.MULTILINE | re.DOTALL)[:1]
    exec(compile(block, "docs/checking.md", "exec"), {"__name__": "docs_example"})
    printed = capsys.readouterr().out.splitlines()
    promised = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    # The schema's line is folded in two in the docs.
    assert printed[0] == promised[0] + " " + promised[1].lstrip()
    assert printed[1:] == promised[2:]
