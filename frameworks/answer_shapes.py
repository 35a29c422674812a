"""An indicator as an answer is given against it: the indicator with its policy area,
rubric levels and choices, kept per process for published and retired editions.

Why it may be kept: a published or retired edition never changes (FORMAT.md,
"Corrections to a published edition"; frameworks.services refuses every change)
except its citations, and those (Indicator.source and source_url, PolicyArea.source)
are left out of what is kept: each call reads them afresh, in one query, onto a copy
handed out per call (the area page's kept markup, assessments/answer_markup.py, is
keyed on every column of the row, citations included).

What invalidates it: the key holds the edition's pk and its created_at (a database
reset or a rolled-back test that reuses the pk makes another key), and any save or
delete of an edition, area, indicator, level or choice in this process empties it
(frameworks.apps). Drafts, which the editor changes, are never kept. Nothing here is
per user or per municipality: the catalogue is the same for everyone.
"""

import copy
import threading

from django.db.models import prefetch_related_objects

from frameworks.models import EditionStatus, Indicator

# Catalogue editions hold a few hundred indicators each; the bound only keeps a
# runaway (many editions in one process) from growing without end.
MAX_KEPT = 4096
CITATION_FIELDS = ("source", "source_url", "area__source")

_kept: dict[tuple, Indicator] = {}
_lock = threading.Lock()


def _load(indicator_id: int) -> Indicator:
    indicator = (
        Indicator.objects.select_related("area").defer(*CITATION_FIELDS).get(pk=indicator_id)
    )
    prefetch_related_objects([indicator], "levels", "choices")
    return indicator


def _copy(indicator: Indicator) -> Indicator:
    """A copy with the citations as the database has them now. Model copies get their
    own field caches; the area is copied too. Levels and choices hold no citations and
    are shared."""
    copied = copy.copy(indicator)
    copied.area = copy.copy(indicator.area)
    source, source_url, area_source = Indicator.objects.values_list(*CITATION_FIELDS).get(
        pk=indicator.pk
    )
    copied.source, copied.source_url, copied.area.source = source, source_url, area_source
    return copied


def answer_shape(indicator_id: int, edition) -> Indicator:
    """The indicator (of `edition`) with `area`, `levels` and `choices` loaded, its
    citations read from the database when asked for. No query when kept."""
    if edition.status == EditionStatus.DRAFT:
        return _load(indicator_id)
    key = (indicator_id, edition.pk, edition.created_at)
    kept = _kept.get(key)
    if kept is None:
        kept = _load(indicator_id)
        if kept.edition_id != edition.pk:  # not this edition's: never kept under its key
            return kept
        with _lock:
            if len(_kept) >= MAX_KEPT:
                _kept.clear()
            _kept[key] = kept
    return _copy(kept)


def forget_answer_shapes(**kwargs) -> None:
    """post_save / post_delete receiver of the catalogue's models (frameworks.apps)."""
    with _lock:
        _kept.clear()
