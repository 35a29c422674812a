"""Where a Japanese label may break: phrases (文節-like runs), found by how the script changes.

Japanese has no spaces, and breaking between any two characters splits words
(「eLTA/Xの活用」, 「フロントヤー/ド」, 「この団/体」). A label or a table header
therefore breaks only between the phrases `phrases()` returns: the SVG charts
pack them into lines (results.charts.wrap_label) and the PDF report puts a
break opportunity between them and nowhere else (reports' `phrased` filter).

A small rule, not a dictionary: a new phrase starts
- after a run of hiragana (a particle or an ending: の, における, あわせて) when
  a kanji, katakana or Latin word follows; a single hiragana that is not a
  particle stays inside its word (取り組む);
- where kanji and katakana or Latin words meet (自治体|フロントヤード|改革);
- after a comma, a full stop, a middle dot or closing bracket, and before an opening bracket;
- after a space.
Digits stay with what follows (2025年度, 60点): a number keeps its unit.
Pure: no Django.
"""

import unicodedata

PARTICLES = set("のをにはがとでへもや")
OPENING = set("（「『【〔［〈《(")
CLOSING = set("）」』】〕］〉》)、。，．,.・：；:;？！?!…")


def _kind(char: str) -> str:
    if char.isspace():
        return "space"
    if "\u3041" <= char <= "\u309f":
        return "hiragana"
    if "\u30a0" <= char <= "\u30ff" or "\uff66" <= char <= "\uff9f":
        return "katakana"  # ー and ・ are katakana-block; ・ is handled as punctuation first
    if char.isdigit():
        return "digit"
    if char.isalpha():
        name = unicodedata.name(char, "")
        if name.startswith("CJK") or char in "々〆ヶ":
            return "kanji"
        return "latin"
    return "other"


def _breaks_before(previous: str, char: str, hiragana_run: int) -> bool:
    if previous in OPENING or char in CLOSING:
        return False
    if previous in CLOSING or char in OPENING or previous.isspace():
        return True
    before, kind = _kind(previous), _kind(char)
    if before == "hiragana":
        long_run = hiragana_run >= 2 or previous in PARTICLES
        return long_run and kind in ("kanji", "katakana", "latin")
    if before == "kanji":
        return kind in ("katakana", "latin")
    if before == "katakana":
        return kind in ("kanji", "latin")
    if before == "latin":
        return kind in ("kanji", "katakana")
    return False


def phrases(text: str) -> list[str]:
    """The text cut into phrases, in order; "".join(phrases(text)) == text.

    e.g. "公金収納におけるeLTAXの活用" → ["公金収納における", "eLTAXの", "活用"].
    """
    if not text:
        return []
    found = [text[0]]
    hiragana_run = 1 if _kind(text[0]) == "hiragana" else 0
    for previous, char in zip(text, text[1:], strict=False):
        if _breaks_before(previous, char, hiragana_run):
            found.append(char)
        else:
            found[-1] += char
        hiragana_run = hiragana_run + 1 if _kind(char) == "hiragana" else 0
    return found
