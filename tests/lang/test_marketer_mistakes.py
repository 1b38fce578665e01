"""The mistakes marketers make when they first write rules (issue 12): each is reported with the
file, line and column, the line with a caret under the mistake, and a hint that says what to
write instead, in the writer's own words where the line gives them.

The expected texts below are what the writer should read: every one was written from the
mistake, not copied from the output.
"""

from __future__ import annotations

import textwrap

import pytest

import leadrules
from leadrules import RuleSyntaxError

FILE = "scoring.leadrules"


def error_of(source: str) -> RuleSyntaxError:
    with pytest.raises(RuleSyntaxError) as info:
        leadrules.compile(source, filename=FILE)
    return info.value


def shown(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


MISTAKES = [
    pytest.param(
        "+10 when company size => 50\n",
        """
        scoring.leadrules:1:23: error: `=>` is not a comparison: did you mean `>=` (at least)?
            +10 when company size => 50
                                  ^^
          hint: write `company size >= 50`
        """,
        id="=> for >=",
    ),
    pytest.param(
        "+10 when company size =< 50\n",
        """
        scoring.leadrules:1:23: error: `=<` is not a comparison: did you mean `<=` (at most)?
            +10 when company size =< 50
                                  ^^
          hint: write `company size <= 50`
        """,
        id="=< for <=",
    ),
    pytest.param(
        '+10 when job title includes "VP"\n',
        """
        scoring.leadrules:1:20: error: rules say `contains`, not `includes`
            +10 when job title includes "VP"
                               ^^^^^^^^
          hint: write `job title contains "VP"`
        """,
        id="includes",
    ),
    pytest.param(
        '+10 when job title begins with "VP"\n',
        """
        scoring.leadrules:1:20: error: rules say `starts with`, not `begins with`
            +10 when job title begins with "VP"
                               ^^^^^^^^^^^
          hint: write `job title starts with "VP"`
        """,
        id="begins with",
    ),
    pytest.param(
        '+10 when country = "UK" or "Ireland"\n',
        """
        scoring.leadrules:1:28: error: the text "Ireland" on its own is not a condition: `or` joins two conditions
            +10 when country = "UK" or "Ireland"
                                       ^^^^^^^^^
          hint: repeat the name: `country = "UK" or country = "Ireland"`, or use a list: `country in ["UK", "Ireland"]`
        """,  # noqa: E501
        id="or with a bare text",
    ),
    pytest.param(
        'disqualify when country != "UK" and "Ireland" and "US"\n',
        """
        scoring.leadrules:1:37: error: the text "Ireland" on its own is not a condition: `and` joins two conditions
            disqualify when country != "UK" and "Ireland" and "US"
                                                ^^^^^^^^^
          hint: repeat the name: `country != "UK" and country != "Ireland" and country != "US"`, or use a list: `country not in ["UK", "Ireland", "US"]`
        """,  # noqa: E501
        id="and with bare texts after !=",
    ),
    pytest.param(
        "+10 when company size > 50 or 100\n",
        """
        scoring.leadrules:1:31: error: the number 100 on its own is not a condition: `or` joins two conditions
            +10 when company size > 50 or 100
                                          ^^^
          hint: repeat the name: `company size > 50 or company size > 100`
        """,  # noqa: E501
        id="or with a bare number",
    ),
    pytest.param(
        "+5 per opened email up to 15\n",
        """
        scoring.leadrules:1:21: error: a comma is missing before `up to`
            +5 per opened email up to 15
                                ^^
          hint: write `+5 per opened email, up to 15`
        """,
        id="no comma before up to",
    ),
    pytest.param(
        "+5 per opened email within 30 days up to 15\n",
        """
        scoring.leadrules:1:36: error: a comma is missing before `up to`
            +5 per opened email within 30 days up to 15
                                               ^^
          hint: write `+5 per opened email within 30 days, up to 15`
        """,
        id="no comma before up to after a window",
    ),
    pytest.param(
        "+20 when attended webinar decaying 50% every 30 days\n",
        """
        scoring.leadrules:1:27: error: a comma is missing before `decaying`
            +20 when attended webinar decaying 50% every 30 days
                                      ^^^^^^^^
          hint: write `+20 when attended webinar, decaying 50% every 30 days`
        """,
        id="no comma before decaying",
    ),
    pytest.param(
        "+25 when visited pricing 3 times\n",
        """
        scoring.leadrules:1:26: error: `3 times` needs `at least` or `at most` before it
            +25 when visited pricing 3 times
                                     ^^^^^^^
          hint: write `visited pricing at least 3 times` (3 or more), or `at most 3 times` (3 or fewer)
        """,  # noqa: E501
        id="3 times without at least",
    ),
    pytest.param(
        "+25 when visited pricing more than 3 times within 14 days\n",
        """
        scoring.leadrules:1:26: error: `3 times` needs `at least` or `at most` before it
            +25 when visited pricing more than 3 times within 14 days
                                     ^^^^^^^^^^^^^^^^^
          hint: write `visited pricing at least 4 times`
        """,
        id="more than 3 times",
    ),
    pytest.param(
        "+25 when visited pricing exactly 2 times\n",
        """
        scoring.leadrules:1:34: error: `2 times` needs `at least` or `at most` before it
            +25 when visited pricing exactly 2 times
                                             ^^^^^^^
          hint: for exactly 2, write `visited pricing at least 2 times and visited pricing at most 2 times`
        """,  # noqa: E501
        id="exactly 2 times",
    ),
    pytest.param(
        "+5 per visited pricing 3 times\n",
        """
        scoring.leadrules:1:24: error: a `per` rule gives points for every matching event, so `3 times` does not fit here
            +5 per visited pricing 3 times
                                   ^^^^^^^
          hint: to give points once, write `+5 when visited pricing at least 3 times`; to limit the points, add `, up to M`
        """,  # noqa: E501
        id="3 times on a per rule",
    ),
    pytest.param(
        'disqualify when country = "FR" as "Not in our market"\n',
        """
        scoring.leadrules:1:32: error: a disqualify rule gives its reason with `because`, not `as`
            disqualify when country = "FR" as "Not in our market"
                                           ^^
          hint: write `disqualify when country = "FR" because "Not in our market"`
        """,
        id="as on a disqualify rule",
    ),
    pytest.param(
        "group fit 50:\n    +20 when decision maker\n",
        """
        scoring.leadrules:1:11: error: a group's limit needs `max` or `min` before the number
            group fit 50:
                      ^^
          hint: write `group fit max 50:` to give the group at most 50 points
        """,
        id="group fit 50",
    ),
    pytest.param(
        "group fit max 50\n    +20 when decision maker\n",
        """
        scoring.leadrules:1:17: error: the first line of a group must end with `:`
            group fit max 50
                            ^
          hint: write `group fit max 50:`
        """,
        id="group without a colon",
    ),
    pytest.param(
        "group fit max 50  # who they are\n    +20 when decision maker\n",
        """
        scoring.leadrules:1:17: error: the first line of a group must end with `:`
            group fit max 50  # who they are
                            ^
          hint: write `group fit max 50:`
        """,
        id="group without a colon before a comment",
    ),
    pytest.param(
        "group fit max 50:\n+20 when decision maker\n+15 when company size > 50\n",
        """
        scoring.leadrules:2:1: error: the rules of a group must be indented
            +20 when decision maker
            ^^^
          hint: put 4 spaces at the start of this line and of every other rule of the group
        """,
        id="group rule not indented",
    ),
    pytest.param(
        "group fit max 50:\nMQL at 50\n",
        """
        scoring.leadrules:2:1: error: the rules of a group must be indented
            MQL at 50
            ^^^
          hint: put at least one score rule under the group's first line, indented by 4 spaces
        """,
        id="group with no rules",
    ),
    pytest.param(
        "-10 when email ends with @gmail.com\n",
        """
        scoring.leadrules:1:26: error: the text @gmail.com must be in quotes
            -10 when email ends with @gmail.com
                                     ^^^^^^^^^^
          hint: write `email ends with "@gmail.com"`
        """,
        id="unquoted @gmail.com",
    ),
    pytest.param(
        "disqualify when country = UK\n",
        """
        scoring.leadrules:1:27: error: the text UK must be in quotes
            disqualify when country = UK
                                      ^^
          hint: write `country = "UK"`
        """,
        id="unquoted word",
    ),
    pytest.param(
        '+10 when country in ("US", "CA")\n',
        """
        scoring.leadrules:1:21: error: a list is written in square brackets: [ ], not ( )
            +10 when country in ("US", "CA")
                                ^^^^^^^^^^^^
          hint: write `["US", "CA"]`
        """,
        id="( ) for a list",
    ),
    pytest.param(
        'disqualify when country not in "US", "CA"\n',
        """
        scoring.leadrules:1:32: error: a list is written in square brackets: [ ]
            disqualify when country not in "US", "CA"
                                           ^^^^^^^^^^
          hint: write `["US", "CA"]`
        """,
        id="a list without brackets",
    ),
    pytest.param(
        '+10 when Country/Region = "United States"\n',
        """
        scoring.leadrules:1:10: error: `/` cannot be part of a name unless the name is in backticks
            +10 when Country/Region = "United States"
                     ^^^^^^^^^^^^^^
          hint: write the name in backticks: `Country/Region`
        """,
        id="a name with /",
    ),
    pytest.param(
        'disqualify when Billing Country/Region not in ["US", "CA"]\n',
        """
        scoring.leadrules:1:17: error: `/` cannot be part of a name unless the name is in backticks
            disqualify when Billing Country/Region not in ["US", "CA"]
                            ^^^^^^^^^^^^^^^^^^^^^^
          hint: write the name in backticks: `Billing Country/Region`
        """,
        id="a name of words with /",
    ),
    pytest.param(
        '+10 when Country/Region = "a/b"\n',
        """
        scoring.leadrules:1:10: error: `/` cannot be part of a name unless the name is in backticks
            +10 when Country/Region = "a/b"
                     ^^^^^^^^^^^^^^
          hint: write the name in backticks: `Country/Region`
        """,
        id="a name with / and a / later on the line",
    ),
    pytest.param(
        "+10 when Annual Revenue (USD) > 1000000\n",
        """
        scoring.leadrules:1:10: error: `(` cannot be part of a name unless the name is in backticks
            +10 when Annual Revenue (USD) > 1000000
                     ^^^^^^^^^^^^^^^^^^^^
          hint: write the name in backticks: `Annual Revenue (USD)`
        """,
        id="a name with (USD)",
    ),
    pytest.param(
        "+10 when Company & Size > 50\n",
        """
        scoring.leadrules:1:10: error: `&` cannot be part of a name unless the name is in backticks
            +10 when Company & Size > 50
                     ^^^^^^^^^^^^^^
          hint: write the name in backticks: `Company & Size`
        """,
        id="a name with &",
    ),
]


@pytest.mark.parametrize(("source", "expected"), MISTAKES)
def test_a_marketer_mistake_is_shown_with_what_to_write(source: str, expected: str) -> None:
    error = error_of(source)
    assert str(error) == shown(expected)
    assert len(error.diagnostics) == 1


def test_the_error_carries_the_position_of_the_mistake_not_of_the_token_after_it() -> None:
    # The parser stops at the `>` of `=>` and at the "VP" after `includes`; the writer's
    # mistake, and the caret, is the `=>` and the word `includes`.
    arrow = error_of("+10 when company size => 50\n")
    assert (arrow.filename, arrow.line, arrow.column) == (FILE, 1, 23)
    assert arrow.diagnostics[0].end_column == 25
    word = error_of('+10 when job title includes "VP"\n')
    assert (word.line, word.column, word.diagnostics[0].end_column) == (1, 20, 28)


def test_every_mistake_of_an_export_shaped_file_is_reported_at_once() -> None:
    # A first rule file for a HubSpot-style export (headers `Job Title`, `Company size`,
    # `Country/Region`, `Email`), with the mistakes the issue lists, one to a line.
    source = textwrap.dedent(
        """\
        group fit 50:
            +20 when Job Title includes "VP"
            +15 when Company size => 50
        -10 when Email ends with @gmail.com
        +5 per opened email up to 15
        +25 when visited pricing 3 times
        disqualify when Country/Region not in ("United States", "Canada") as "Outside market"
        MQL at 50
        """
    )
    error = error_of(source)
    assert [(d.line, d.column, d.message) for d in error.diagnostics] == [
        (1, 11, "a group's limit needs `max` or `min` before the number"),
        (2, 24, "rules say `contains`, not `includes`"),
        (3, 27, "`=>` is not a comparison: did you mean `>=` (at least)?"),
        (4, 26, "the text @gmail.com must be in quotes"),
        (5, 21, "a comma is missing before `up to`"),
        (6, 26, "`3 times` needs `at least` or `at most` before it"),
        (7, 17, "`/` cannot be part of a name unless the name is in backticks"),
    ]
    assert str(error).startswith("7 problems in scoring.leadrules:")


def test_the_file_written_as_the_hints_say_compiles() -> None:
    # Following every hint of the file above gives rules that compile and score.
    fixed = textwrap.dedent(
        """\
        group fit max 50:
            +20 when Job Title contains "VP"
            +15 when Company size >= 50
        -10 when Email ends with "@gmail.com"
        +5 per opened email, up to 15
        +25 when visited pricing at least 3 times
        disqualify when `Country/Region` not in ["United States", "Canada"] because "Outside market"
        MQL at 50
        """
    )
    rules = leadrules.compile(fixed, filename=FILE)
    lead = {
        "Job Title": "VP Sales",
        "Company size": "120",
        "Email": "ann@acme.com",
        "Country/Region": "Canada",
        "events": [],
    }
    result = rules.evaluate(lead)
    assert (result.score, result.stage, result.disqualified) == (35, None, False)


@pytest.mark.parametrize(
    ("source", "message", "hint"),
    [
        # Close relatives of the mistakes above that are other mistakes: they keep their own
        # messages.
        ("+20 => downloaded whitepaper\n", "`=>` is not part of the language", "write `when`"),
        ("+5 when vip // VIPs\n", "`//` does not start a comment", "comments start with `#`"),
        ("+1 when title matches /vp\n", "this pattern has no closing slash", "between slashes"),
        ("group fit mx 5:\n    +1 when x\n", "expected", "did you mean `max` instead of `mx`?"),
        ("+1 when x is misssing\n", "expected", "did you mean `missing`?"),
        ("+1 when x = tru\n", "expected", "did you mean `true`?"),
    ],
)
def test_neighbouring_mistakes_keep_their_own_messages(
    source: str, message: str, hint: str
) -> None:
    error = error_of(source)
    assert error.message.startswith(message)
    assert error.hint is not None and hint in error.hint
