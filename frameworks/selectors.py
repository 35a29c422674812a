"""Reads of the catalogue for pages, each owning its prefetching."""

from django.db.models import Count, F, Prefetch, QuerySet

from dxportal.localized import localized_text
from frameworks.models import Edition, EditionStatus, Indicator, PolicyArea, RubricLevel


def indicators_with_scale() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("stage").prefetch_related(
        "levels", "choices", "lineage__predecessor"
    )


def edition_with_content(edition: Edition) -> Edition:
    """The edition with stages, areas and each area's indicators (scale included) loaded."""
    return (
        Edition.objects.select_related("framework", "predecessor")
        .prefetch_related(
            "stages",
            Prefetch(
                "areas",
                queryset=PolicyArea.objects.prefetch_related(
                    Prefetch("indicators", queryset=indicators_with_scale())
                ),
            ),
        )
        .get(pk=edition.pk)
    )


def public_editions() -> QuerySet[Edition]:
    return (
        Edition.objects.filter(status__in=[EditionStatus.PUBLISHED, EditionStatus.RETIRED])
        .select_related("framework")
        # Newest source first; an edition without a date last on every database.
        .order_by("framework__code", F("published_on").desc(nulls_last=True), "-version")
    )


def rubric_labels(**filters) -> dict[int, dict[int, str]]:
    """indicator id → level → that level's label in the page's language (one query).

    `filters` select the levels, e.g. indicator__edition_id=… or indicator_id__in=….
    """
    labels: dict[int, dict[int, str]] = {}
    for level in RubricLevel.objects.filter(**filters).only(
        "indicator_id", "level", "label", "label_en"
    ):
        labels.setdefault(level.indicator_id, {})[level.level] = localized_text(level, "label")
    return labels


# assessments.models.RoundStatus.OPEN: this app may not import assessments
# (tests/test_import_direction.py); tests/frameworks/test_publish_confirmation.py opens
# and closes real rounds, so the two cannot drift apart unnoticed.
ROUND_OPEN = "open"


def open_rounds_using(edition: Edition) -> list[dict]:
    """The rounds still running on `edition`, counted by fiscal year and survey (one query).

    Counts only: a catalogue editor sees no municipality's data.
    """
    return list(
        edition.rounds.filter(status=ROUND_OPEN)
        .values("fiscal_year", "survey__name")
        .annotate(count=Count("pk"))
        # Rounds opened one by one (no survey) first, on every database.
        .order_by("-fiscal_year", F("survey__name").asc(nulls_first=True))
    )
