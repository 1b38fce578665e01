"""The names the language server offers from outside the rule file (``leadrules.lsp
.vocabulary``): a sample leads file's columns, keys, events and event properties, written as a
rule writes them, and a schema named as ``MODULE:CLASS``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadrules.lsp.vocabulary import Entry, VocabularyError, from_sample, load_schema


def _texts(entries: tuple[Entry, ...]) -> list[str]:
    return [e.text for e in entries]


def test_a_csv_header_gives_the_fields(tmp_path: Path) -> None:
    sample = tmp_path / "export.csv"
    sample.write_text(
        "\ufeffCompany Size,job_title,Annual Revenue (USD),opted in,,company-size\n1,2,3,4,5,6\n",
        "utf-8",
    )
    vocabulary = from_sample(str(sample))
    # spelt as rules write them; `company-size` is the same name as `Company Size`
    assert _texts(vocabulary.fields) == [
        "company size",
        "job title",
        "`Annual Revenue (USD)`",
        "`opted in`",
    ]
    assert vocabulary.events == () and vocabulary.properties == ()


def test_json_lines_give_fields_events_and_properties(tmp_path: Path) -> None:
    sample = tmp_path / "leads.jsonl"
    leads = [
        {"id": 1, "_secret": 1, "events": [{"name": "Visited Pricing Page", "at": 1, "path": "/"}]},
        {"email": "a@b.c", "events": [{"name": "visited_pricing_page", "properties": {"ref": 1}}]},
    ]
    sample.write_text("\n".join(json.dumps(lead) for lead in leads) + "\n\n", "utf-8")
    vocabulary = from_sample(str(sample))
    assert _texts(vocabulary.fields) == ["id", "email"]  # private names are never reachable
    assert _texts(vocabulary.events) == ["visited pricing page"]
    assert _texts(vocabulary.properties) == ["path", "ref"]


def test_a_json_list_of_leads(tmp_path: Path) -> None:
    sample = tmp_path / "leads.json"
    sample.write_text(json.dumps([{"country": "GB"}, {"Country": "IE", "plan": "pro"}]), "utf-8")
    assert _texts(from_sample(str(sample)).fields) == ["country", "plan"]


def test_an_unreadable_sample_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "leads.jsonl"
    broken.write_text('{"id": 1}\n{"id": \n', "utf-8")
    with pytest.raises(VocabularyError, match="cannot read the sample leads"):
        from_sample(str(broken))
    with pytest.raises(VocabularyError, match="cannot read the sample leads"):
        from_sample(str(tmp_path / "missing.csv"))


def test_schemas_by_module_or_file(tmp_path: Path) -> None:
    (tmp_path / "crm_models.py").write_text(
        "from typing import TypedDict\nclass Lead(TypedDict):\n    budget: int\n", "utf-8"
    )
    assert load_schema("crm_models:Lead", str(tmp_path)).__name__ == "Lead"
    assert load_schema("crm_models.py:Lead", str(tmp_path)).__name__ == "Lead"
    with pytest.raises(VocabularyError, match="is not MODULE:CLASS"):
        load_schema("crm_models.Lead", str(tmp_path))
    with pytest.raises(VocabularyError, match="has no 'Nope'"):
        load_schema("crm_models:Nope", str(tmp_path))
    with pytest.raises(VocabularyError, match="cannot import 'no_such_module'"):
        load_schema("no_such_module:Lead", str(tmp_path))
    (tmp_path / "plain.py").write_text("class Lead:\n    pass\n", "utf-8")
    with pytest.raises(VocabularyError, match="schema must be"):
        load_schema("plain:Lead", str(tmp_path))
