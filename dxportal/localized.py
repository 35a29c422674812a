"""Localized catalogue text: the English text of a field when the page is in English and
there is one, else the Japanese source (catalogue items, stages, areas, rubric levels, choices).

Japanese is the source of every text; English is optional per field. Where an
English page falls back to the Japanese, page text says so: `localized_html`
marks it lang="ja" (read out as Japanese) with a visible 「(Japanese only)」 note.
Titles, options and exports take the plain `localized_text`.
"""

from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LocalizedText:
    text: str
    # The page is in English but this text exists only in Japanese.
    japanese_only: bool


def localized(obj, field: str) -> LocalizedText:
    """`obj.<field>_en` when the active language is English and it is filled in, else `obj.<field>`."""
    source = getattr(obj, field)
    if not (get_language() or "").startswith("en"):
        return LocalizedText(source, japanese_only=False)
    english = getattr(obj, f"{field}_en", "")
    if english:
        return LocalizedText(english, japanese_only=False)
    return LocalizedText(source, japanese_only=bool(source))


def localized_text(obj, field: str) -> str:
    return localized(obj, field).text


def localized_html(obj, field: str) -> SafeString:
    """The text for a page, escaped; Japanese on an English page is marked as such."""
    value = localized(obj, field)
    if not value.japanese_only:
        return conditional_escape(value.text)
    return format_html(
        '<span lang="ja">{}</span> <span class="ja-only-note">{}</span>',
        value.text,
        _("（日本語のみ）"),
    )
