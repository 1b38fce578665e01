"""A schema whose annotations cannot be read is said (issue 12, item 10): with
``from __future__ import annotations`` every annotation is text, looked up when the schema is
read. A name it uses that cannot be found (imported inside the function that defines the
class, or only for type checkers) used to turn the whole class into "any type", so that
nothing at all was checked. Now the other fields are read as usual, and a rule that tests a
field whose type cannot be read is a SchemaError naming the field, the class, the missing
name and what to do.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import textwrap
from typing import TYPE_CHECKING, Any

import attrs
import pytest

import leadrules
from leadrules import InvalidArgument, SchemaError
from leadrules.lang.schema import schema_of

if TYPE_CHECKING:  # imported for type checkers only: not there when the schema is read
    from decimal import Decimal as Money

FILE = "crm.leadrules"


def schema_error(source: str, schema: Any) -> SchemaError:
    with pytest.raises(SchemaError) as info:
        leadrules.compile(source, schema=schema, filename=FILE)
    return info.value


def shown(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def contacts_with_a_local_literal() -> type:
    """The reproduction of the issue: an attrs class defined in a function, whose `Literal`
    is imported in that function."""
    from typing import Literal

    @attrs.frozen
    class Contact:
        tier: Literal["gold", "silver"]
        company_size: int
        email: str

    return Contact


def test_a_field_whose_type_cannot_be_read_is_an_error_naming_it_and_what_to_do() -> None:
    error = schema_error("+5 when tier = 'platinum'\n", contacts_with_a_local_literal())
    assert str(error) == shown(
        """
        crm.leadrules:1:9: error: `tier` cannot be checked: its type in Contact, `Literal['gold', 'silver']`, names `Literal`, which cannot be found where Contact is defined
            +5 when tier = 'platinum'
                    ^^^^
          hint: Contact is defined inside a function, so its annotations cannot see that function's imports: define Contact at module level, or compile with `schema=schema_of(Contact, namespace=locals())` (from leadrules.lang.schema)
        """  # noqa: E501
    )


def test_the_other_fields_of_that_class_are_still_checked() -> None:
    # Before, one unreadable annotation made every field "any type": none of this was seen.
    contact = contacts_with_a_local_literal()
    error = schema_error(
        "+5 when company size contains '00'\n+5 when emial ends with '@acme.com'\n", contact
    )
    assert [(d.line, d.message) for d in error.diagnostics] == [
        (1, "`contains` tests text, but `company size` is a number (int)"),
        (2, "`emial` is not a field of Contact"),
    ]
    assert error.diagnostics[1].hint == "did you mean `email`?"


def test_is_present_needs_no_type_and_is_not_an_error() -> None:
    rules = leadrules.compile("+5 when tier is present", schema=contacts_with_a_local_literal())
    assert rules.evaluate({"tier": "gold"}).score == 5


def test_passing_the_functions_names_checks_the_field() -> None:
    from typing import Literal

    @attrs.frozen
    class Contact:
        tier: Literal["gold", "silver"]

    schema = schema_of(Contact, namespace=locals())
    error = schema_error("+5 when tier = 'platinum'\n", schema)
    assert error.message == '"platinum" is not one of the choices for `tier`: ["gold", "silver"]'
    rules = leadrules.compile("+5 when tier = 'Gold'", schema=schema)
    assert rules.evaluate({"tier": "gold"}).score == 5


def test_a_dataclass_and_a_typed_dict_are_read_field_by_field_too() -> None:
    from typing import Literal, TypedDict

    @dataclasses.dataclass
    class Account:
        lifecycle_stage: Literal["lead", "customer"]
        employees: int

    class Row(TypedDict):
        lifecycle_stage: Literal["lead", "customer"]
        employees: int

    for schema in (Account, Row):
        error = schema_error("+5 when lifecycle stage = 'mql' and employees contains '0'\n", schema)
        name = schema.__name__
        assert [d.message for d in error.diagnostics] == [
            f"`lifecycle stage` cannot be checked: its type in {name}, "
            f"`Literal['lead', 'customer']`, names `Literal`, which cannot be found where "
            f"{name} is defined",
            "`contains` tests text, but `employees` is a number (int)",
        ]
        assert error.diagnostics[0].column == 9


def test_a_forward_reference_that_can_be_found_is_read() -> None:
    # `Owner` is defined after `Deal`, and `Seniority` after `Owner`, at module level; `Node`
    # names itself inside a function.
    error = schema_error("+5 when owner.seniority = 'intern'\n", Deal)
    assert error.message == (
        '"intern" is not one of the choices for `owner.seniority`: ["junior", "senior"]'
    )

    @attrs.frozen
    class Node:
        size: int
        parent: Node | None = None

    error = schema_error("+5 when parent.size contains 'x'\n", Node)
    assert error.message == "`contains` tests text, but `parent.size` is a number (int)"


def test_a_name_imported_only_for_type_checkers_says_to_import_it_at_run_time() -> None:
    error = schema_error("+5 when annual revenue > 1000\n", Company)
    assert error.message == (
        "`annual revenue` cannot be checked: its type in Company, `Money`, names `Money`, "
        "which cannot be found where Company is defined"
    )
    assert error.hint == (
        "import `Money` at run time where Company is defined (not only for type checkers), "
        'or compile with `schema=schema_of(Company, namespace={"Money": Money})` '
        "(from leadrules.lang.schema)"
    )
    from decimal import Decimal

    rules = leadrules.compile(
        "+5 when annual revenue > 1000", schema=schema_of(Company, namespace={"Money": Decimal})
    )
    assert rules.evaluate({"annual_revenue": "5000"}).score == 5


def test_a_nested_class_whose_type_cannot_be_read_is_named_at_its_field() -> None:
    from typing import Literal

    @attrs.frozen
    class Address:
        country: Literal["GB", "IE"]

    @attrs.frozen
    class Lead:
        address: Address

    # `Address` is a local name too: the field `address` cannot be read.
    error = schema_error("+5 when address.country = 'FR'\n", Lead)
    assert error.message.startswith(
        "`address.country` cannot be checked: its type in Lead, `Address`, names `Address`"
    )
    assert (error.line, error.column) == (1, 9)
    # With the function's names, the nested class is read and its `Literal` checked.
    error = schema_error("+5 when address.country = 'FR'\n", schema_of(Lead, namespace=locals()))
    assert error.message == '"FR" is not one of the choices for `address.country`: ["GB", "IE"]'


def test_the_names_after_where_cannot_be_checked_when_the_events_type_cannot_be_read() -> None:
    @attrs.frozen
    class Webinar:
        name: str
        at: dt.datetime
        topic: str

    @attrs.frozen
    class Contact:
        events: list[Webinar]

    error = schema_error("+5 when attended webinar where topik = 'AI'\n", Contact)
    assert error.message == (
        "the names after `where` cannot be checked: the type of `events` in Contact, "
        "`list[Webinar]`, names `Webinar`, which cannot be found where Contact is defined"
    )
    assert (error.line, error.column) == (1, 32)
    # A bare event needs no type: it is not an error.
    rules = leadrules.compile("+5 when attended webinar", schema=Contact)
    assert rules.evaluate({"events": []}).score == 0


def test_a_mapping_cannot_name_a_type_in_quotes() -> None:
    with pytest.raises(InvalidArgument, match=r"schema field 'tags': .* names a type in quotes"):
        leadrules.compile("+5 when tags contains 'x'", schema={"tags": list["Tag"]})  # noqa: F821


def test_a_namespace_must_be_a_mapping() -> None:
    with pytest.raises(InvalidArgument, match="namespace must be a mapping"):
        schema_of(Company, namespace=["Money"])  # type: ignore[arg-type]


@attrs.frozen
class Deal:
    owner: Owner


@attrs.frozen
class Owner:
    seniority: Seniority


class Seniority(enum.Enum):
    JUNIOR = "junior"
    SENIOR = "senior"


@attrs.frozen
class Company:
    annual_revenue: Money
    name: str = ""
