"""Characters the report's fonts lack, replaced visibly before rendering.

The report embeds only the portal's fonts (static/fonts: BIZ UDPGothic and
the Noto fallback subset). A character none of them has (an emoji typed in a
comment, an ideograph outside JIS X 0213) would otherwise print as an empty
box, or Pango would take it from whatever font the host has installed, so
the same report would differ between servers. It prints as 〓 (the geta mark,
the customary Japanese sign for a character that cannot be set) instead; an
invisible format character the fonts lack (a variation selector, a zero-width
joiner) is dropped.
"""

import unicodedata
from functools import cache

from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont

FONTS = (
    "fonts/BIZUDPGothic-Regular.ttf",
    "fonts/BIZUDPGothic-Bold.ttf",
    "fonts/NotoSansCJKjp-Fallback.otf",
)
REPLACEMENT = "〓"


@cache
def covered() -> frozenset[int]:
    """The code points every weight can set: in the regular or bold face (the bold lacks none) or the fallback."""
    points: set[int] = set()
    for path in FONTS:
        font = TTFont(finders.find(path), lazy=True)
        points.update(font.getBestCmap())
        font.close()
    return frozenset(points)


def _substitute(char: str) -> str:
    category = unicodedata.category(char)
    if category == "Cc":  # line breaks and tabs of the HTML itself
        return char
    return "" if category in ("Cf", "Mn") else REPLACEMENT


def printable(html: str) -> str:
    """The HTML with every character the fonts lack replaced (〓) or, if invisible, dropped."""
    missing = {ord(char) for char in set(html)} - covered()
    table = {point: _substitute(chr(point)) for point in missing}
    # The fonts lack the line feed of every report, which stays as it is: translating the
    # whole HTML for that alone took 11 ms of each render (reports/README.md).
    changed = {point: text for point, text in table.items() if text != chr(point)}
    return html.translate(changed) if changed else html
