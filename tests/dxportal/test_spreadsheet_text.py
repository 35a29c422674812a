"""dxportal.spreadsheet_text: formula-safe text and how wide a cell's text is."""

import pytest

from dxportal.spreadsheet_text import display_width


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("", 0),
        ("2026", 4),
        ("団体名", 6),  # full-width (W) counts two
        ("ＡＢ", 4),  # full-width Latin (F) too
        ("ｶﾅ", 2),  # half-width katakana counts one
        ("回答率（%）", 11),
        ("short\n一番長い行です", 14),  # the longest line
    ],
)
def test_display_width_counts_full_width_characters_twice(text, width):
    assert display_width(text) == width
