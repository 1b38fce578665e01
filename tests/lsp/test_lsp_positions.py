"""Positions between the parser's lines and columns and the protocol's (``leadrules.lsp
.positions``): line breaks of every kind, characters beyond the Basic Multilingual Plane, a
byte-order mark, and the three encodings a client may ask for."""

from __future__ import annotations

import pytest

from leadrules.lsp.positions import Positions, units

# Parser offsets (the text after the byte-order mark): a=0 b=1 \r=2 \n=3 x=4 😀=5 y=6 \r=7
# z=8 \n=9; the parser's lines are split at \n only, the protocol's at \r\n, \n and \r.
TEXT = "\ufeffab\r\nx😀y\rz\n"


@pytest.mark.parametrize(
    ("text", "utf8", "utf16", "utf32"),
    [("abc", 3, 3, 3), ("é", 2, 1, 1), ("≥", 3, 1, 1), ("😀", 4, 2, 1), ("a😀é", 7, 4, 3)],
)
def test_code_units_per_encoding(text: str, utf8: int, utf16: int, utf32: int) -> None:
    assert (units(text, "utf-8"), units(text, "utf-16"), units(text, "utf-32")) == (
        utf8,
        utf16,
        utf32,
    )


def test_offsets_to_protocol_positions_and_back() -> None:
    positions = Positions(TEXT)
    # the mark is a character of line 0 for the client, not for the parser
    assert positions.position(0) == (0, 1)
    assert positions.position(4) == (1, 0)
    assert positions.position(6) == (1, 3)  # after x and the emoji's two units
    assert positions.position(8) == (2, 0)  # a lone \r ends a line for the protocol
    assert positions.position(10) == (3, 0)
    assert [positions.offset(*positions.position(i)) for i in (0, 1, 4, 5, 6, 8, 10)] == [
        0,
        1,
        4,
        5,
        6,
        8,
        10,
    ]
    assert positions.offset(1, 99) == 7  # past the end of the line: its end
    assert positions.offset(99, 0) == 10  # past the last line: the end of the text


def test_the_parsers_lines_and_columns() -> None:
    positions = Positions(TEXT)
    assert positions.from_language(1, 1) == (0, 1)
    assert positions.from_language(2, 3) == (1, 3)  # y: line 2 of the parser is x😀y\rz
    assert positions.from_language(2, 5) == (2, 0)  # z, after the lone \r
    assert positions.language_offset(3, 1) == 10
    assert positions.language_offset(1, 99) == 3  # the end of line 1 (its \r is in it)


def test_utf8_and_utf32_columns() -> None:
    assert Positions("é😀x", "utf-8").position(2) == (0, 6)
    assert Positions("é😀x", "utf-32").position(2) == (0, 2)
    assert Positions("é😀x", "utf-8").offset(0, 6) == 2
