"""Names are normalised the same way however often they are met: the cache of normal forms
(leads of one source share their keys) never changes an answer, also once it is full."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from leadrules.runtime.names import normalize_name


def _normal(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.casefold()).strip()


@given(st.lists(st.text(alphabet=" _-AbcÉßİ\t\u00a0x", max_size=12), max_size=30))
def test_a_name_met_again_has_the_same_normal_form(names: list[str]) -> None:
    for text in names + names:
        assert normalize_name(text) == _normal(text)


def test_the_normal_forms_stay_right_past_the_cache_size() -> None:
    names = [f"Company_Size {i}" for i in range(20_000)]
    for text in names + names[:100]:
        assert normalize_name(text) == f"company size {text.split()[-1]}"
    assert normalize_name("Job-Title") == "job title"


def test_dicts_with_the_same_keys_are_read_alike_and_each_by_its_own_values() -> None:
    from leadrules.runtime.leads import Record

    first = {"Company Size": 10, "Job-Title": "CEO"}
    second = {"Company Size": 20, "Job-Title": "VP"}
    assert Record(first).lookup("company size") == 10
    assert Record(second).lookup("company size") == 20
    assert Record(second).lookup("job title") == "VP"
    assert Record({"Job-Title": "x", "Company Size": 1}).lookup("job title") == "x"
