"""Name resolution: how rule names find values in a lead (language.md, "Names and the lead").

A lead is any attrs instance, any mapping, or any object with attributes. Names match ignoring
case and treating spaces, ``_`` and ``-`` alike; backticked names are matched exactly first;
dots reach into nested values; private names (leading ``_``) are never reachable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from helpers import truth

import leadrules

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.timezone.utc)


def score(rules: str, lead: Any) -> Any:
    return leadrules.compile(rules).evaluate(lead, now=NOW).score


def fires(rule_condition: str, lead: Any) -> bool:
    """Whether ``+1 when COND`` fires for the lead."""
    return score(f"+1 when {rule_condition}", lead) == 1


# ------------------------------------------------------------------------- kinds of lead


@attrs.define
class AttrsLead:
    company_size: int | None = None
    country: str | None = None


class PlainLead:
    def __init__(self, company_size: Any, country: Any = None) -> None:
        self.company_size = company_size
        self.country = country


class PropertyLead:
    def __init__(self, employees: int) -> None:
        self._employees = employees

    @property
    def company_size(self) -> int:
        return self._employees


class SlottedLead:
    __slots__ = ("company_size", "country")

    def __init__(self, company_size: int, country: str) -> None:
        self.company_size = company_size
        self.country = country


@pytest.mark.parametrize(
    "lead",
    [
        {"company_size": 250},
        AttrsLead(company_size=250),
        PlainLead(250),
        PropertyLead(250),
        SlottedLead(250, "GB"),
        leadrules.Lead(company_size=250),
    ],
    ids=["dict", "attrs", "plain-object", "property", "slots", "Lead"],
)
def test_every_kind_of_lead_is_read(lead: Any) -> None:
    assert fires("company size >= 100", lead)
    assert not fires("company size >= 1000", lead)


def test_slotted_object_second_field() -> None:
    assert fires('country = "GB"', SlottedLead(10, "GB"))


def test_lead_class_extra_fields_are_reachable() -> None:
    lead = leadrules.Lead(email="ann@acme.com", budget=5000, lead_source="Webinar")
    assert fires("budget >= 1000", lead)
    assert fires('lead source = "webinar"', lead)
    assert fires('email ends with "@acme.com"', lead)


def test_lead_class_unknown_extra_field_is_missing() -> None:
    lead = leadrules.Lead(email="ann@acme.com")
    assert unreachable("budget >= 1000", lead)


def test_attrs_instance_with_none_field_is_missing() -> None:
    assert truth('country = "GB"', AttrsLead(company_size=5, country=None)) is None


# ------------------------------------------------------------------------- spelling of names


@pytest.mark.parametrize(
    "key",
    [
        "company_size",
        "Company Size",
        "company-size",
        "COMPANY_SIZE",
        "company size",
        "Company_Size",
    ],
)
def test_names_ignore_case_and_separators(key: str) -> None:
    assert fires("company size between 50 and 5000", {key: "250"})


@pytest.mark.parametrize(
    "written", ["company size", "Company Size", "company_size", "COMPANY-SIZE"]
)
def test_the_rule_may_spell_the_name_any_way(written: str) -> None:
    assert fires(f"{written} >= 100", {"Company Size": 250})


def test_csv_style_headers() -> None:
    row = {"Job Title": "VP Marketing", "Company Size": "1200", "Country": " gb "}
    assert fires(r"job title matches /\bvp\b/i", row)
    assert fires("company size >= 1000", row)
    assert fires('country in ["GB", "IE"]', row)


def test_attribute_found_from_spaced_rule_name() -> None:
    assert fires("company size > 10", PlainLead(company_size=11))


# ------------------------------------------------------------------------- backticks


def test_backticked_name_with_odd_characters() -> None:
    lead = {"Annual Revenue (USD)": 2_500_000}
    assert fires("`Annual Revenue (USD)` >= 1000000", lead)
    assert not fires("`Annual Revenue (USD)` >= 5000000", lead)


def test_backticked_name_is_matched_exactly_first() -> None:
    # Two keys that normalise to the same name: the backticked spelling picks its exact key.
    lead = {"job_title": "Intern", "Job Title": "CEO"}
    assert fires('`Job Title` = "CEO"', lead)
    assert fires('`job_title` = "intern"', lead)
    assert not fires('`Job Title` = "intern"', lead)


def test_backticked_name_falls_back_to_normalised_match() -> None:
    assert fires("`company size` >= 100", {"Company_Size": 250})


def test_backticks_allow_reserved_words_as_names() -> None:
    lead = {"max": 7, "in": "yes", "group": "enterprise"}
    assert fires("`max` > 5", lead)
    assert fires("`in`", lead)
    assert fires('`group` = "Enterprise"', lead)


# ------------------------------------------------------------------------- nesting


def test_dotted_names_reach_nested_mappings() -> None:
    lead = {"company": {"size": 800, "name": "Acme"}, "address": {"country": "GB"}}
    assert fires("company.size >= 500", lead)
    assert fires('address.country = "gb"', lead)


def test_dotted_segments_are_case_and_separator_insensitive() -> None:
    lead = {"Address": {"Country Code": "IE"}}
    assert fires('address.country code = "IE"', lead)
    assert fires('address.country_code in ["GB", "IE"]', lead)


@attrs.define
class Address:
    country: str
    post_code: str | None = None


@attrs.define
class Company:
    size: int
    address: Address


@attrs.define
class NestedLead:
    company: Company


def test_dotted_names_reach_nested_attrs_and_objects() -> None:
    lead = NestedLead(Company(size=1500, address=Address(country="GB")))
    assert fires("company.size >= 1000", lead)
    assert fires('company.address.country = "GB"', lead)
    plain = PlainLead(company_size=3, country=Address(country="IE"))
    assert fires('country.country = "ie"', plain)


def test_dotted_name_through_missing_or_none_is_missing() -> None:
    assert truth("company.size > 10", {}) is None
    assert truth("company.size > 10", {"company": None}) is None
    assert truth("company.size > 10", {"company": {}}) is None
    assert truth("company.address.post code is missing", NestedLead(Company(5, Address("GB"))))


def test_dotted_name_through_text_does_not_read_string_attributes() -> None:
    # A string has attributes (methods) of its own; none of them is a lead field.
    assert truth("company.upper", {"company": "Acme"}) is None
    assert truth("company.size > 0", {"company": "Acme"}) is None


# ------------------------------------------------------------------------- private names


def unreachable(condition: str, lead: Any) -> bool:
    """A private name is either rejected when the rules are compiled, or reads as missing."""
    try:
        return truth(condition, lead) is None
    except leadrules.LeadRulesError:
        return True


def test_private_mapping_keys_are_never_reachable() -> None:
    lead = {"_secret": True, "_score": 100}
    assert unreachable("`_secret`", lead)
    assert unreachable("`_score` > 5", lead)
    # Nor through the separator-insensitive spelling that drops the underscore.
    assert truth("secret", lead) is None
    assert truth("score > 5", lead) is None


def test_private_attributes_are_never_reachable() -> None:
    lead = PropertyLead(250)  # stores its value in ``_employees``
    assert unreachable("`_employees` > 5", lead)
    assert truth("employees > 5", lead) is None
    # ...but the public property is.
    assert truth("company size > 5", lead) is True


def test_private_names_are_unreachable_when_nested() -> None:
    lead = {"company": {"_internal_rating": 9, "size": 5}}
    assert unreachable("company.`_internal_rating` > 1", lead)
    assert truth("company.internal rating > 1", lead) is None


def test_dunder_attributes_are_unreachable() -> None:
    assert unreachable("`__class__`", PlainLead(1))
    assert unreachable("`__dict__`", PlainLead(1))


# ------------------------------------------------------------------------- hostile objects


class RaisingProperty:
    def __init__(self) -> None:
        self.country = "GB"

    @property
    def company_size(self) -> int:
        raise ValueError("database connection lost")


def test_a_property_that_raises_is_unknown_with_a_warning() -> None:
    rules = leadrules.compile(
        "+10 when company size > 5\n+5 when country = 'GB'\ndisqualify when company size < 2\n"
    )
    result = rules.evaluate(RaisingProperty(), now=NOW)
    # The other rule still works; the one reading the broken property does not fire.
    assert result.score == 5
    assert not result.disqualified
    assert len(result.undecided) >= 1
    assert result.warnings, "reading the property failed: the result must say so"
    assert any("company" in w.lower() for w in result.warnings)


def test_lead_that_is_not_a_record_does_not_crash() -> None:
    rules = leadrules.compile("+10 when company size > 5; MQL at 5")
    for lead in (None, 42, "a string", [1, 2, 3], object()):
        try:
            result = rules.evaluate(lead, now=NOW)
        except leadrules.LeadRulesError:
            continue
        assert result.score == 0
        assert result.stage is None


class ClassDefaults:
    """Plain class-level values: ``getattr(lead, "country")`` is "GB" for every instance."""

    country = "GB"
    company_size = 40


def test_class_level_attributes_of_plain_objects_are_read() -> None:
    assert truth('country = "GB"', ClassDefaults()) is True
    assert truth("company size >= 10", ClassDefaults()) is True


def test_attributes_served_by_getattr_are_fields() -> None:
    # "any object with attributes" (language.md §2) includes proxies and wrappers whose
    # attributes come from __getattr__ and so appear in no listing.
    class Wrapper:
        def __init__(self, data: dict[str, object]) -> None:
            self._data = data

        def __getattr__(self, name: str) -> object:
            try:
                return self._data[name]
            except KeyError:
                raise AttributeError(name) from None

        def greet(self) -> str:
            return "hello"

    lead = Wrapper({"country": "GB", "company_size": 9})
    result = leadrules.evaluate('+5 when country = "GB"\n+1 when company size > 3', lead)
    assert result.score == 6
    # Methods are not fields, and private names stay unreachable.
    assert leadrules.evaluate("+1 when greet is present", lead).score == 0
    with pytest.raises(leadrules.RuleCheckError):
        leadrules.compile("+1 when `_data` is present")
