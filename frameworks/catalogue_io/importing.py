"""Importing a catalogue file as a new edition.

The whole file is checked first (catalogue_validate); only a file without a
single problem is written, in one transaction, so a refused file changes
nothing. An edition is never updated by a file: published editions are frozen,
and a draft is changed in the editor.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.catalogue_io.correcting import sources_correct
from frameworks.catalogue_io.reading import catalogue_read
from frameworks.catalogue_io.validating import Catalogue, catalogue_validate
from frameworks.models import (
    Choice,
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    IndicatorLineage,
    LineageRelation,
    PolicyArea,
    RubricLevel,
    Stage,
)


@dataclass(frozen=True)
class ImportResult:
    file: str
    framework: str  # code
    version: str
    stages: int
    areas: int
    indicators: int
    dry_run: bool = False
    skipped: bool = False  # the edition was already there and skip_existing was asked for
    notices: tuple[str, ...] = ()
    # With correct_sources, for an edition already there: the citation fields written,
    # and the other differences between the file and the database, left alone.
    corrected: tuple[str, ...] = ()
    left_alone: tuple[str, ...] = ()


def framework_import(
    *,
    path: Path | str,
    dry_run: bool = False,
    skip_existing: bool = False,
    correct_sources: bool = False,
) -> ImportResult:
    """Import one catalogue file as a new edition; CatalogueFileError lists every problem.

    With `dry_run` the file is checked and counted and nothing is written. With
    `skip_existing` an edition that is already in the database (same framework
    code and version) is left alone and reported as skipped, once the file
    itself has been found valid. `correct_sources` (which implies
    `skip_existing`) then brings the file's citations into that edition when it
    is published or retired (catalogue_io.correcting) and changes nothing else.
    """
    skip_existing = skip_existing or correct_sources
    document = catalogue_read(path=path)
    with transaction.atomic():
        catalogue = catalogue_validate(
            document=document, existing_edition_is_error=not skip_existing
        )
        counts = {
            "file": catalogue.file,
            "framework": catalogue.framework.code,
            "version": catalogue.edition.version,
            "stages": len(catalogue.stages),
            "areas": len(catalogue.areas),
            "indicators": len(catalogue.indicators),
        }
        existing = (
            Edition.objects.select_related("framework", "predecessor")
            .filter(framework__code=catalogue.framework.code, version=catalogue.edition.version)
            .first()
        )
        if existing is not None:  # only with skip_existing: otherwise validation refused it
            if not correct_sources:
                return ImportResult(**counts, skipped=True)
            if existing.is_draft:
                return ImportResult(
                    **counts,
                    skipped=True,
                    notices=("下書きの版の出典は、目録の編集画面で直してください。",),
                )
            correction = sources_correct(catalogue=catalogue, edition=existing)
            return ImportResult(
                **counts,
                skipped=True,
                corrected=correction.corrected,
                left_alone=correction.left_alone,
            )
        notices = _framework_notices(catalogue)
        if not dry_run:
            edition = _write(catalogue)
            record(
                AuditAction.CATALOGUE_EDITION_CREATED,
                target=f"{edition.framework.code} {edition.version}",
                detail={
                    "edition": detail.edition(edition),
                    "stages": counts["stages"],
                    "areas": counts["areas"],
                    "indicators": counts["indicators"],
                },
            )
    return ImportResult(**counts, dry_run=dry_run, notices=notices)


def _framework_notices(catalogue: Catalogue) -> tuple[str, ...]:
    """A framework is shared by its editions, so a file never renames it; say so when they differ."""
    entry = catalogue.framework
    framework = Framework.objects.filter(code=entry.code).first()
    if framework is None:
        return ()
    names = ("name", "name_en", "description", "description_en")
    differing = [name for name in names if getattr(framework, name) != getattr(entry, name)]
    if not differing:
        return ()
    return (
        f"フレームワーク「{entry.code}」は既にあるため、{', '.join(differing)} は"
        "ファイルの内容ではなく、データベースにある内容のままにしました。",
    )


def _write(catalogue: Catalogue) -> Edition:
    # Every field was checked against the model's own definitions by the
    # validator; full_clean per row would add a query per foreign key.
    entry = catalogue.framework
    framework, _created = Framework.objects.get_or_create(
        code=entry.code,
        defaults={
            "name": entry.name,
            "name_en": entry.name_en,
            "description": entry.description,
            "description_en": entry.description_en,
        },
    )
    predecessor = (
        Edition.objects.get(framework=framework, version=catalogue.edition.predecessor)
        if catalogue.edition.predecessor
        else None
    )
    status = catalogue.edition.status
    edition = Edition.objects.create(
        framework=framework,
        version=catalogue.edition.version,
        title=catalogue.edition.title,
        title_en=catalogue.edition.title_en,
        published_on=catalogue.edition.published_on,
        status=status,
        source=catalogue.edition.source,
        source_url=catalogue.edition.source_url,
        predecessor=predecessor,
        published_at=None if status == EditionStatus.DRAFT else timezone.now(),
    )
    stages = {
        stage.code: stage
        for stage in Stage.objects.bulk_create(
            Stage(edition=edition, order=order, **vars(entry))
            for order, entry in enumerate(catalogue.stages, start=1)
        )
    }
    areas = {
        area.code: area
        for area in PolicyArea.objects.bulk_create(
            PolicyArea(edition=edition, order=order, **vars(entry))
            for order, entry in enumerate(catalogue.areas, start=1)
        )
    }
    # Indicators are numbered within their area, as the editor numbers them.
    next_order = dict.fromkeys(areas, 1)
    rows = []
    for entry in catalogue.indicators:
        rows.append(
            Indicator(
                edition=edition,
                area=areas[entry.area],
                stage=stages[entry.stage],
                order=next_order[entry.area],
                code=entry.code,
                question=entry.question,
                question_en=entry.question_en,
                help_text=entry.help_text,
                help_text_en=entry.help_text_en,
                answer_type=entry.answer_type,
                weight=entry.weight,
                unit=entry.unit,
                full_score_at=entry.full_score_at,
                full_score_by_band={code: float(v) for code, v in entry.full_score_by_band.items()},
                municipality_kinds=list(entry.municipality_kinds),
                department_kinds=list(entry.department_kinds),
                source=entry.source,
                source_url=entry.source_url,
            )
        )
        next_order[entry.area] += 1
    indicators = Indicator.objects.bulk_create(rows)
    pairs = list(zip(catalogue.indicators, indicators, strict=True))
    RubricLevel.objects.bulk_create(
        RubricLevel(indicator=indicator, **vars(level))
        for entry, indicator in pairs
        for level in entry.levels
    )
    Choice.objects.bulk_create(
        Choice(indicator=indicator, order=order, **vars(choice))
        for entry, indicator in pairs
        for order, choice in enumerate(entry.choices, start=1)
    )
    if predecessor is not None:
        IndicatorLineage.objects.bulk_create(_lineage(pairs, predecessor))
    return edition


def _lineage(pairs, predecessor: Edition) -> list[IndicatorLineage]:
    """Links to the predecessor's indicators; an indicator without any is recorded as new."""
    previous = {
        indicator.code: indicator for indicator in predecessor.indicators.only("id", "code")
    }
    rows = []
    for entry, indicator in pairs:
        if not entry.predecessors:
            rows.append(
                IndicatorLineage(
                    indicator=indicator, predecessor=None, relation=LineageRelation.NEW
                )
            )
        rows.extend(
            IndicatorLineage(
                indicator=indicator, predecessor=previous[link.code], relation=link.relation
            )
            for link in entry.predecessors
        )
    return rows
