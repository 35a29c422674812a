"""Which indicators ask about the state on a given day: the one rule.

The catalogue has no flag for it; its help texts say so in words (「4月1日時点」,
「10月1日現在」), and those are the indicators beside which the answering page
repeats the round's 基準日.
"""

import re
import unicodedata

_AS_OF_A_DAY = re.compile(r"\d{1,2}月\d{1,2}日(?:現在|時点)")


def names_a_day(help_text: str) -> bool:
    """True when the help text asks for the state as of a day (full-width digits too)."""
    return bool(_AS_OF_A_DAY.search(unicodedata.normalize("NFKC", help_text or "")))
