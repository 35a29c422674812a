"""Localized catalogue text: the English text of a field when the page is in English and
there is one, else the Japanese source (catalogue items, stages, areas, rubric levels, choices)."""

from django.utils.translation import get_language


def localized_text(obj, field: str) -> str:
    """`obj.<field>_en` when the active language is English and it is filled in, else `obj.<field>`.

    Japanese is the source of every text; English is optional per field.
    """
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)
