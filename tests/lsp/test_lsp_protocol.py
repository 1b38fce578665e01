"""``leadrules lsp`` over the real protocol: a ``leadrules lsp`` process, spoken to over its
standard input and output by pygls' client, as an editor would. Every range is written out
by hand: 0-based lines, and characters in UTF-16 code units (an emoji is two) unless the client
and server agree on UTF-8.

The messages of diagnostics are the library's own (``leadrules check`` shows the same words);
what the server must get right is which ones, where, and with what severity and hint.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from lspclient import Client, span
from lsprotocol import types
from pygls.exceptions import JsonRpcException

import leadrules

Severity = types.DiagnosticSeverity
Kind = types.CompletionItemKind

# The document most tests read. Its lines, 0-based:
DOC = "file:///rules/scoring.leadrules"
TEXT = (
    "# Scoring\n"  # 0
    "define hot as requested demo or booked call\n"  # 1
    "define big as company size >= 1000\n"  # 2
    "\n"  # 3
    "group fit max 50:\n"  # 4
    "    +20 when hot and big\n"  # 5
    "    +10 when HOT\n"  # 6
    "\n"  # 7
    '+5 when note = "😀" and hot\n'  # 8: the emoji is 2 UTF-16 units
    "+2 when `hot`\n"  # 9: backticked, so a field, not the definition
    'disqualify when country != "GB" because "UK only"\n'  # 10
    "MQL at 20\n"  # 11
)
HOT = [(1, 7, 1, 10), (5, 13, 5, 16), (6, 13, 6, 16), (8, 24, 8, 27)]


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    started = Client()
    started.open(DOC, TEXT)
    yield started
    started.stop()


def _messages(diagnostics: list[types.Diagnostic]) -> list[tuple[object, ...]]:
    return [(span(d.range), d.severity, d.message) for d in diagnostics]


# ----------------------------------------------------------------------------- diagnostics


def test_opening_a_file_publishes_the_analysis_notes_and_warnings(client: Client) -> None:
    diagnostics = client.open(DOC, TEXT)
    assert _messages(diagnostics) == [
        ((0, 0, 0, 1), Severity.Information, "the total score ranges from 0 to 37"),
        ((4, 0, 4, 17), Severity.Information, "group `fit` ranges from 0 to 30"),
        (
            (4, 0, 4, 17),
            Severity.Warning,
            "the `max 50` of group `fit` can never bind: its rules give at most 30\n"
            "hint: remove the limit, or lower it if it was meant to cap the group",
        ),
    ]
    assert {d.source for d in diagnostics} == {"leadrules"}


def test_every_syntax_error_at_once_with_its_hint(client: Client) -> None:
    uri = "file:///rules/broken.leadrules"
    text = '+20 if vip\nMQL 50\n+5 when name = "😀é" or size ≥ 3\n+5 when x = \n'
    assert _messages(client.open(uri, text)) == [
        ((0, 4, 0, 6), Severity.Error, "rules say `when`, not `if`\nhint: write `+20 when ...`"),
        (
            (1, 4, 1, 6),
            Severity.Error,
            "expected `at` between the stage name and its threshold, found the number 50\n"
            "hint: write `MQL at 50`",
        ),
        # `≥` is character 28 of its line, but 29 UTF-16 units in: the emoji before it is 2
        ((2, 29, 2, 30), Severity.Error, "`≥` is not part of the language\nhint: write `>=`"),
        # at the end of a line: the last character of it
        ((3, 11, 3, 12), Severity.Error, "expected a value, found the end of the line"),
    ]


def test_a_change_publishes_the_diagnostics_of_the_new_version(client: Client) -> None:
    uri = "file:///rules/changing.leadrules"
    client.open(uri, "+5 when hot\ndefine hot as x\n")
    first = client.published[uri][-1]
    assert first.version == 1
    assert _messages(first.diagnostics) == [
        (
            (0, 8, 0, 11),
            Severity.Error,
            "`hot` is used before it is defined (on line 2)\n"
            "hint: move the `define` line above the first line that uses it",
        )
    ]
    fixed = client.change(uri, "define hot as x\n+5 when hot\nSQL at 10\n")
    assert client.published[uri][-1].version == 2
    assert _messages(fixed) == [
        ((0, 0, 0, 6), Severity.Information, "the total score ranges from 0 to 5"),
        (
            (2, 0, 2, 9),
            Severity.Warning,
            "stage `SQL` can never be reached: it needs a score of 10 and the highest possible "
            "score is 5\nhint: lower the threshold, or check the group limits and `up to` caps",
        ),
    ]
    client.close(uri)


def test_closing_a_file_clears_its_diagnostics(client: Client) -> None:
    uri = "file:///rules/closed.leadrules"
    assert client.open(uri, "+20 if x\n") != []
    assert client.close(uri) == []


# ----------------------------------------------------------------------------- completion


def _items(items: list[types.CompletionItem]) -> list[tuple[str, object]]:
    return [(item.label, item.kind) for item in items]


def _edit_range(item: types.CompletionItem) -> tuple[int, int, int, int]:
    assert isinstance(item.text_edit, types.TextEdit)
    return span(item.text_edit.range)


def test_completion_of_the_keywords_the_grammar_allows(client: Client) -> None:
    uri = "file:///rules/keywords.leadrules"
    client.open(uri, "+5 wh\n+5 when x within 3 \n+5 when x = 1, \n")
    (when,) = client.complete(uri, 0, 5)
    assert (when.label, when.kind, _edit_range(when)) == ("when", Kind.Keyword, (0, 3, 0, 5))
    units = client.complete(uri, 1, 19)
    assert _items(units) == [
        (unit, Kind.Unit) for unit in ("minutes", "hours", "days", "weeks", "months", "years")
    ]
    assert {_edit_range(item) for item in units} == {(1, 19, 1, 19)}
    assert _items(client.complete(uri, 2, 15)) == [
        ("decaying", Kind.Keyword),
        ("up to", Kind.Keyword),
    ]


def test_completion_of_definitions_above_and_names_the_file_uses(client: Client) -> None:
    uri = "file:///rules/names.leadrules"
    text = "define hot as requested demo\ndefine big as company size > 1000\n+20 when hot and \n"
    client.open(uri, text)
    items = client.complete(uri, 2, 17)
    assert _items(items) == [
        ("not", Kind.Keyword),
        ("hot", Kind.Variable),
        ("big", Kind.Variable),
        ("requested demo", Kind.Field),
        ("company size", Kind.Field),
    ]
    assert {_edit_range(item) for item in items} == {(2, 17, 2, 17)}
    # a definition is offered only below it
    assert ("big", Kind.Variable) not in _items(client.complete(uri, 1, 14))


def test_a_name_of_several_words_is_completed_as_a_whole(client: Client) -> None:
    uri = "file:///rules/words.leadrules"
    client.open(uri, "+1 when company size > 5\n+5 when company s")
    items = client.complete(uri, 1, 17)
    assert [(i.label, i.kind, _edit_range(i)) for i in items] == [
        ("since", Kind.Keyword, (1, 16, 1, 17)),
        ("starts with", Kind.Keyword, (1, 16, 1, 17)),
        ("company size", Kind.Field, (1, 8, 1, 17)),
    ]


def test_no_completion_inside_text_or_a_comment(client: Client) -> None:
    uri = "file:///rules/quiet.leadrules"
    client.open(uri, '+5 when x = "ab\n# we\n')
    assert client.complete(uri, 0, 15) == []
    assert client.complete(uri, 1, 4) == []


def test_stage_and_group_names_of_the_other_open_files(client: Client) -> None:
    client.open("file:///rules/other.leadrules", "Hot at 90\ngroup engagement:\n    +1 when x\n")
    assert _items(client.complete(DOC, 3, 0)) == [
        ("define", Kind.Keyword),
        ("disqualify", Kind.Keyword),
        ("group", Kind.Keyword),
        ("Hot", Kind.EnumMember),
    ]
    uri = "file:///rules/grouping.leadrules"
    client.open(uri, "group e")
    (item,) = client.complete(uri, 0, 7)
    assert (item.label, item.kind, _edit_range(item)) == ("engagement", Kind.Module, (0, 6, 0, 7))


# ----------------------------------------------------------------------------- hover


def _hover(client: Client, line: int, character: int) -> tuple[str, tuple[int, int, int, int]]:
    found = client.hover(DOC, line, character)
    assert found is not None
    assert isinstance(found.contents, types.MarkupContent)
    assert found.contents.kind == types.MarkupKind.Markdown
    assert found.range is not None
    return found.contents.value, span(found.range)


def test_hover_over_a_defined_name_shows_its_definition(client: Client) -> None:
    text = (
        "**definition** `hot` (line 2, used 3 times)\n\n"
        "```leadrules\ndefine hot as requested demo or booked call\n```"
    )
    assert _hover(client, 5, 14) == (text, (5, 13, 5, 16))
    assert _hover(client, 8, 26) == (text, (8, 24, 8, 27))  # after the emoji


def test_hover_over_a_rule_shows_its_points_group_and_scores(client: Client) -> None:
    assert _hover(client, 5, 5) == (
        "**score rule** on line 6: +20 points when its condition is true\n\n"
        "in group `fit` (max 50)\n\n"
        "this rule gives 0 to 20 points\n\n"
        "group `fit` gives 0 to 30 points\n\n"
        "the total score can be 0 to 37",
        (5, 4, 5, 24),
    )
    assert _hover(client, 9, 1) == (
        "**score rule** on line 10: +2 points when its condition is true\n\n"
        "outside any group: its points count straight into the total\n\n"
        "this rule gives 0 to 2 points\n\n"
        "the total score can be 0 to 37",
        (9, 0, 9, 13),
    )


def test_hover_over_a_group_a_stage_and_names(client: Client) -> None:
    assert _hover(client, 4, 2) == (
        "**group** `fit` (max 50): 2 rules\n\nits subtotal can be 0 to 30",
        (4, 0, 6, 16),
    )
    assert _hover(client, 11, 1) == (
        "**stage** `MQL`: reached at a score of 20 or more\n\nthe total score can be 0 to 37",
        (11, 0, 11, 9),
    )
    assert _hover(client, 2, 16) == ("**field** `company size`", (2, 14, 2, 26))
    assert _hover(client, 9, 10) == (
        "`` `hot` ``: a field of the lead, or else an event",
        (9, 8, 9, 13),
    )


# ----------------------------------------------------------------------------- definitions


def test_go_to_definition_of_a_use(client: Client) -> None:
    for line, character in ((6, 14), (8, 25), (1, 8)):
        location = client.definition(DOC, line, character)
        assert isinstance(location, types.Location)
        assert (location.uri, span(location.range)) == (DOC, (1, 7, 1, 10))
    assert client.definition(DOC, 9, 10) is None  # `hot` in backticks is a field
    assert client.definition(DOC, 2, 16) is None  # a field


def test_references_of_a_definition(client: Client) -> None:
    found = client.references(DOC, 6, 14)
    assert [(loc.uri, span(loc.range)) for loc in found] == [(DOC, r) for r in HOT]
    without = client.references(DOC, 1, 8, declaration=False)
    assert [span(loc.range) for loc in without] == HOT[1:]


def test_rename_a_definition_and_every_use(client: Client) -> None:
    prepared = client.prepare_rename(DOC, 6, 15)
    assert isinstance(prepared, types.PrepareRenamePlaceholder)
    assert (span(prepared.range), prepared.placeholder) == ((6, 13, 6, 16), "hot")
    edit = client.rename(DOC, 6, 15, "hot lead")
    assert edit is not None and edit.changes is not None
    assert [(span(e.range), e.new_text) for e in edit.changes[DOC]] == [
        (r, "hot lead") for r in HOT
    ]
    assert client.prepare_rename(DOC, 2, 16) is None  # not a definition


def test_rename_refuses_a_name_that_cannot_be_a_definition(client: Client) -> None:
    with pytest.raises(JsonRpcException, match="is defined already"):
        client.rename(DOC, 1, 8, "BIG")
    with pytest.raises(JsonRpcException, match="cannot be the name of a definition"):
        client.rename(DOC, 1, 8, "x and y")


# ----------------------------------------------------------------------------- formatting


def test_formatting_replaces_the_text_with_the_formatters(client: Client) -> None:
    uri = "file:///rules/messy.leadrules"
    messy = "define hot as  requested demo\ngroup fit:\n  +5 when hot\nMQL at 5"
    client.open(uri, messy)
    edits = client.format(uri)
    assert edits is not None
    assert [(span(e.range), e.new_text) for e in edits] == [
        (
            (0, 0, 3, 8),
            "define hot as requested demo\n\ngroup fit:\n    +5 when hot\n\nMQL at 5\n",
        )
    ]
    assert edits[0].new_text == leadrules.format(messy)
    client.change(uri, edits[0].new_text)
    assert client.format(uri) == []  # already formatted
    client.change(uri, "+20 if x\n")
    assert client.format(uri) is None  # does not parse: nothing to do


# ----------------------------------------------------------------------------- the outline


def test_document_symbols_are_the_outline(client: Client) -> None:
    def outline(symbols: list[types.DocumentSymbol]) -> list[object]:
        return [
            (
                s.name,
                s.kind,
                s.detail,
                span(s.range),
                span(s.selection_range),
                outline(list(s.children or [])),
            )
            for s in symbols
        ]

    S = types.SymbolKind
    assert outline(client.symbols(DOC)) == [
        ("hot", S.Function, "definition", (1, 0, 1, 43), (1, 7, 1, 10), []),
        ("big", S.Function, "definition", (2, 0, 2, 34), (2, 7, 2, 10), []),
        (
            "fit",
            S.Namespace,
            "max 50",
            (4, 0, 6, 16),
            (4, 0, 4, 17),
            [
                ("+20 when hot and big", S.Property, None, (5, 4, 5, 24), (5, 4, 5, 7), []),
                ("+10 when HOT", S.Property, None, (6, 4, 6, 16), (6, 4, 6, 7), []),
            ],
        ),
        ('+5 when note = "😀" and hot', S.Property, None, (8, 0, 8, 27), (8, 0, 8, 2), []),
        ("+2 when `hot`", S.Property, None, (9, 0, 9, 13), (9, 0, 9, 2), []),
        (
            'disqualify when country != "GB" because "UK only"',
            S.Event,
            "UK only",
            (10, 0, 10, 49),
            (10, 0, 10, 10),
            [],
        ),
        ("MQL", S.EnumMember, "at 20", (11, 0, 11, 9), (11, 0, 11, 3), []),
    ]


def test_the_outline_stays_while_a_line_is_broken(client: Client) -> None:
    uri = "file:///rules/typing.leadrules"
    client.open(uri, "define hot as x\n+5 when hot and\n+1 when hot\nMQL at 5\n")
    assert [(s.name, span(s.range)) for s in client.symbols(uri)] == [
        ("hot", (0, 0, 0, 15)),
        ("+1 when hot", (2, 0, 2, 11)),
        ("MQL", (3, 0, 3, 8)),
    ]
    location = client.definition(uri, 2, 9)
    assert isinstance(location, types.Location)
    assert span(location.range) == (0, 7, 0, 10)
    client.close(uri)


# ----------------------------------------------------------------------------- encodings


def test_positions_in_utf8_when_the_client_asks_for_them() -> None:
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=[types.PositionEncodingKind.Utf8]
        )
    )
    utf8 = Client(capabilities=capabilities)
    try:
        assert utf8.initialized.capabilities.position_encoding == types.PositionEncodingKind.Utf8
        uri = "file:///rules/bytes.leadrules"
        (diagnostic,) = utf8.open(uri, '+5 when note = "é" and x ≥ 1\n')
        # `≥` is character 25: byte 26 (`é` is 2 bytes), and 3 bytes long
        assert span(diagnostic.range) == (0, 26, 0, 29)
    finally:
        utf8.stop()


# ----------------------------------------------------------------------------- settings


SCHEMA_MODULE = """
import datetime as dt
from dataclasses import dataclass
from typing import Literal


@dataclass
class Event:
    name: Literal["requested demo", "attended webinar"]
    at: dt.datetime
    topic: str


@dataclass
class Lead:
    company_size: int
    job_title: str
    country: Literal["GB", "IE"]
    events: list[Event]
"""


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    root = tmp_path_factory.mktemp("workspace")
    (root / "models.py").write_text(textwrap.dedent(SCHEMA_MODULE), "utf-8")
    sample = {
        "id": "L1",
        "Job Title": "VP Sales",
        "events": [{"name": "Opened Email", "at": "2026-01-01", "properties": {"campaign": "x"}}],
    }
    (root / "sample.jsonl").write_text(json.dumps(sample) + "\n", "utf-8")
    started = Client({"schema": "models:Lead", "leads": "sample.jsonl"}, root=str(root))
    yield started
    started.stop()


def test_fields_and_events_from_the_schema_and_the_sample(configured: Client) -> None:
    uri = "file:///rules/schema.leadrules"
    configured.open(uri, "+5 when \n+5 when attended webinar where \n")
    items = configured.complete(uri, 0, 8)
    assert _items(items) == [
        ("not", Kind.Keyword),
        ("company size", Kind.Field),
        ("job title", Kind.Field),
        ("country", Kind.Field),
        ("id", Kind.Field),
        ("requested demo", Kind.Event),
        ("attended webinar", Kind.Event),
        ("opened email", Kind.Event),
    ]
    assert items[1].detail == "a number (int)"
    assert _items(configured.complete(uri, 1, 31)) == [
        ("not", Kind.Keyword),
        ("topic", Kind.Property),
        ("campaign", Kind.Property),
    ]


def test_the_schema_checks_the_file_and_types_fields_on_hover(configured: Client) -> None:
    uri = "file:///rules/typed.leadrules"
    diagnostics = configured.open(
        uri, '+5 when company size contains "x"\n+1 when requested demo\n'
    )
    assert _messages(diagnostics) == [
        (
            (0, 8, 0, 33),
            Severity.Error,
            "`contains` tests text, but `company size` is a number (int)\n"
            "hint: compare numbers with =, <, >, between, like `company size >= 50`",
        )
    ]
    configured.change(uri, "+5 when company size > 5\n+1 when requested demo\n")
    found = configured.hover(uri, 0, 10)
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value == "**field** `company size`: a number (int)"
    found = configured.hover(uri, 1, 10)
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value == (
        "**event** `requested demo`: not a field of `Lead`, so the lead's events"
    )


def test_new_settings_apply_to_the_open_files(configured: Client) -> None:
    uri = "file:///rules/resettled.leadrules"
    assert configured.open(uri, "+5 when compnay size > 3\n")[0].message == (
        "`compnay size` is not a field of Lead\nhint: did you mean `company size`?"
    )
    diagnostics = configured.configure({"leadrules": {"schema": "models:Nope"}}, uri)
    assert configured.messages[-1].type == types.MessageType.Warning
    assert configured.messages[-1].message == "leadrules: 'models' has no 'Nope'"
    assert _messages(diagnostics) == [
        ((0, 0, 0, 1), Severity.Information, "the total score ranges from 0 to 5")
    ]


# ----------------------------------------------------------------------------- the command


def test_the_command_says_how_to_install_the_server_when_pygls_is_missing() -> None:
    code = (
        "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None\n"
        "from leadrules.cli import main; main(['lsp'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "leadrules: error: the language server needs lsprotocol, which is not installed: "
        'pip install "leadrules[lsp]"'
    )
    assert Path(leadrules.__file__).parent.joinpath("lsp", "server.py").exists()
