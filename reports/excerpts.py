"""How much of what people wrote a report prints: the beginning of each text, never all of it.

WeasyPrint's layout time grows with the text it is given, and much faster
for long lines it cannot break: a department report whose thirty answers
each had a comment at the limit (dxportal.text_limits.COMMENT_MAX) took 22 s
instead of 2 s. A report is a summary, so it prints the first lines of a
free text and says how much it left out; the whole text is on the answering
pages and in the data exports. Whatever people typed, the text a report hands
to WeasyPrint is then at most EXCERPT_CHARS per text.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

EXCERPT_CHARS = 600
# Line breaks cost a line each, so a text of many short lines is cut by lines as well.
EXCERPT_LINES = 12


@dataclass(frozen=True)
class Excerpt:
    text: str  # what is printed, its line breaks as "\n"
    omitted: int  # characters left out (0: the whole text is printed)

    @property
    def omission_note(self) -> str:
        """What the report prints after a cut text ("" when nothing was left out)."""
        if not self.omitted:
            return ""
        return _("…（以下 %(count)s 文字省略。全文はデータ書き出し・画面でご覧ください）") % {
            "count": f"{self.omitted:,}"
        }


def excerpt(text: str) -> Excerpt:
    """The beginning of `text` a report prints: at most EXCERPT_CHARS characters and
    EXCERPT_LINES lines, with how many characters were left out."""
    whole = (text or "").replace("\r\n", "\n").strip()
    shown = "\n".join(whole.split("\n", EXCERPT_LINES)[:EXCERPT_LINES])[:EXCERPT_CHARS]
    return Excerpt(text=shown, omitted=len(whole) - len(shown))
