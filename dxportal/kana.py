"""The search key of a kana reading: what a typed reading and a stored one are compared by.

The official list prints some readings with full-size ヤユヨ/ツ where the name is
said with small ones (行田市 ギヨウダシ, said ギョウダ), and people type
readings in hiragana, katakana or half-width katakana. Folding both sides to one
key makes them meet:

- NFKC: half-width katakana to full-width, voiced marks joined (ｷﾞｮｳ → ギョウ);
- hiragana to katakana (ぎょう → ギョウ);
- small kana to full-size (ギョウ → ギヨウ), the way the official list spells them;
- spaces dropped (「ぎょう だ」).
"""

import unicodedata

# ぁ (U+3041) … ゖ (U+3096) sit 0x60 below their katakana.
_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_SMALL_TO_FULL_SIZE = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")


def kana_search_key(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).translate(_HIRAGANA_TO_KATAKANA)
    return "".join(folded.translate(_SMALL_TO_FULL_SIZE).split())
