"""Correcting the citations of an edition already in the database from its file.

A published edition is frozen (frameworks.services): its questions, rubrics,
scales and applicability are what its answers were given against, so a file
never changes them. Its citations are another matter: a wrong title, a missing
URL or a later document cited by mistake can be put right without changing
what any answer means. `sources_correct` brings exactly those fields over from
a valid file of the same edition (matched by the codes of its areas and
indicators), records each change in the audit log, and names every other
difference it leaves alone, so that the operator sees what an existing
installation keeps (FORMAT.md, "Corrections to a published edition").
"""

from dataclasses import dataclass

from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.catalogue_io.problems import CatalogueFileError, CatalogueProblem
from frameworks.catalogue_io.schema import Catalogue
from frameworks.models import Edition, Indicator

# The citation fields, by the model that holds them: the only fields corrected.
EDITION_CITATION = ("source", "source_url")
AREA_CITATION = ("source",)
INDICATOR_CITATION = ("source", "source_url")

# What is compared only to be reported, never written (entry attribute = model field).
_EDITION_OTHER = ("title", "title_en", "published_on", "status")
_AREA_OTHER = ("name", "name_en", "description", "description_en", "is_foundation")
_INDICATOR_OTHER = (
    "question",
    "question_en",
    "help_text",
    "help_text_en",
    "answer_type",
    "weight",
    "unit",
    "full_score_at",
    "full_score_by_band",
)


@dataclass(frozen=True)
class Correction:
    corrected: tuple[str, ...]  # "STD-01: source_url", one per field written
    left_alone: tuple[str, ...]  # "STD-01: help_text", one per other differing field


def sources_correct(*, catalogue: Catalogue, edition: Edition) -> Correction:
    """Write the file's citations into `edition` (published or retired, same codes)."""
    areas = {area.code: area for area in edition.areas.all()}
    indicators = {
        indicator.code: indicator
        for indicator in edition.indicators.select_related("area", "stage").prefetch_related(
            "levels", "choices"
        )
    }
    _require_same_codes(catalogue, areas, indicators)
    corrected: list[str] = []
    left_alone: list[str] = []

    changed = _apply(edition, catalogue.edition, EDITION_CITATION)
    if changed:
        edition.save(update_fields=list(changed))
        record(
            AuditAction.CATALOGUE_EDITION_CHANGED,
            target=f"{edition.framework.code} {edition.version}",
            detail={"edition": detail.edition(edition), "changes": changed.audited},
        )
        corrected += [f"edition: {name}" for name in changed]
    left_alone += [
        f"edition: {name}" for name in _differing(edition, catalogue.edition, _EDITION_OTHER)
    ]
    predecessor = edition.predecessor.version if edition.predecessor_id else ""
    if predecessor != catalogue.edition.predecessor:
        left_alone.append("edition: predecessor")

    for entry in catalogue.areas:
        area = areas[entry.code]
        changed = _apply(area, entry, AREA_CITATION)
        if changed:
            area.save(update_fields=list(changed))
            record(
                AuditAction.CATALOGUE_AREA_CHANGED,
                target=f"{edition.framework.code} {edition.version}",
                detail={
                    "edition": detail.edition(edition),
                    "area": detail.area(area),
                    "changes": changed.audited,
                },
            )
            corrected += [f"{area.code}: {name}" for name in changed]
        left_alone += [f"{area.code}: {name}" for name in _differing(area, entry, _AREA_OTHER)]

    for entry in catalogue.indicators:
        indicator = indicators[entry.code]
        changed = _apply(indicator, entry, INDICATOR_CITATION)
        if changed:
            indicator.save(update_fields=list(changed))
            record(
                AuditAction.CATALOGUE_INDICATOR_CHANGED,
                target=indicator.code,
                detail={
                    "edition": detail.edition(edition),
                    "indicator": detail.indicator(indicator),
                    "changes": changed.audited,
                },
            )
            corrected += [f"{indicator.code}: {name}" for name in changed]
        left_alone += [
            f"{indicator.code}: {name}" for name in _indicator_differences(indicator, entry)
        ]
    return Correction(corrected=tuple(corrected), left_alone=tuple(left_alone))


class _Changed(list):
    """The names of the fields `_apply` wrote, with the audit log's account of them."""

    def __init__(self, names: list[str], changes: list[dict]):
        super().__init__(names)
        self.audited = changes


def _apply(obj, entry, names: tuple[str, ...]) -> _Changed:
    # The validator checked every value against the model field it goes into, as for
    # an import, so no full_clean (it would query each foreign key of each row).
    before = detail.field_values(obj, names)
    changed = [name for name in names if getattr(obj, name) != getattr(entry, name)]
    for name in changed:
        setattr(obj, name, getattr(entry, name))
    return _Changed(changed, detail.changes(type(obj), before, detail.field_values(obj, names)))


def _differing(obj, entry, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(obj, name) != getattr(entry, name)]


def _indicator_differences(indicator: Indicator, entry) -> list[str]:
    names = _differing(indicator, entry, _INDICATOR_OTHER)
    if (indicator.area.code, indicator.stage.code) != (entry.area, entry.stage):
        names.append("area/stage")
    if (list(indicator.municipality_kinds), list(indicator.department_kinds)) != (
        list(entry.municipality_kinds),
        list(entry.department_kinds),
    ):
        names.append("municipality_kinds/department_kinds")

    def level(lv):
        return (lv.level, lv.label, lv.label_en, lv.description, lv.description_en)

    def choice(c):
        return (c.code, c.label, c.label_en, c.score)

    if [level(lv) for lv in indicator.levels.all()] != [level(lv) for lv in entry.levels]:
        names.append("levels")
    if [choice(c) for c in indicator.choices.all()] != [choice(c) for c in entry.choices]:
        names.append("choices")
    return names


def _require_same_codes(catalogue: Catalogue, areas: dict, indicators: dict) -> None:
    """Citations are matched by code: a file of another shape is another edition."""
    problems = []
    for noun, path, in_file, in_database in (
        ("分野", "areas", {a.code for a in catalogue.areas}, set(areas)),
        ("指標", "indicators", {i.code for i in catalogue.indicators}, set(indicators)),
    ):
        if in_file != in_database:
            problems.append(
                CatalogueProblem(
                    catalogue.file,
                    None,
                    path,
                    f"データベースの版と{noun}のコードが一致しないため、出典を訂正できません"
                    f"（ファイルだけにある: {', '.join(sorted(in_file - in_database)) or 'なし'}、"
                    f"データベースだけにある: {', '.join(sorted(in_database - in_file)) or 'なし'}）。"
                    "内容の違う版は、新しい版番号で取り込んでください。",
                )
            )
    if problems:
        raise CatalogueFileError(problems)
