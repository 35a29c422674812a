"""What changed between two editions, matched by stable codes.

`snapshot` flattens a loaded edition into plain dictionaries; `edition_diff`
compares two snapshots without touching the database.
"""

from dataclasses import dataclass, field

from frameworks.models import Edition
from municipalities.size_bands import BAND_CODES

AREA_FIELDS = ("name", "name_en", "description", "source")
INDICATOR_FIELDS = (
    "area",
    "stage",
    "question",
    "help_text",
    "answer_type",
    "weight",
    "unit",
    "full_score_at",
    "full_score_by_band",
    "municipality_kinds",
    "department_kinds",
    "scale",
    "source",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class ItemDiff:
    code: str
    name: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class EditionDiff:
    areas_added: list[ItemDiff]
    areas_removed: list[ItemDiff]
    areas_changed: list[ItemDiff]
    indicators_added: list[ItemDiff]
    indicators_removed: list[ItemDiff]
    indicators_changed: list[ItemDiff]

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def _scale_text(indicator) -> str:
    if indicator.answer_type == "maturity":
        return " / ".join(
            f"{lv.level} {lv.label}: {lv.description}" for lv in indicator.levels.all()
        )
    if indicator.answer_type == "choice":
        return " / ".join(f"{c.label} ({c.score})" for c in indicator.choices.all())
    return ""


def snapshot(edition: Edition) -> dict:
    """Plain data of an edition loaded by selectors.edition_with_content."""
    stages = {stage.pk: stage.code for stage in edition.stages.all()}
    areas, indicators = {}, {}
    for area in edition.areas.all():
        areas[area.code] = {name: getattr(area, name) for name in AREA_FIELDS}
        for i in area.indicators.all():
            indicators[i.code] = {
                "area": area.code,
                "stage": stages[i.stage_id],
                "question": i.question,
                "help_text": i.help_text,
                "answer_type": i.answer_type,
                "weight": str(i.weight),
                "unit": i.unit,
                "full_score_at": "" if i.full_score_at is None else str(i.full_score_at),
                "full_score_by_band": ", ".join(
                    f"{code}: {i.full_score_by_band[code]:g}"
                    for code in BAND_CODES
                    if code in i.full_score_by_band
                ),
                "municipality_kinds": ", ".join(i.municipality_kinds),
                "department_kinds": ", ".join(i.department_kinds),
                "scale": _scale_text(i),
                "source": i.source,
            }
    return {"areas": areas, "indicators": indicators}


def _compare(old: dict, new: dict, fields: tuple[str, ...], name_field: str):
    added = [ItemDiff(code, new[code][name_field]) for code in new if code not in old]
    removed = [ItemDiff(code, old[code][name_field]) for code in old if code not in new]
    changed = []
    for code in new:
        if code not in old:
            continue
        changes = [
            FieldChange(f, str(old[code][f]), str(new[code][f]))
            for f in fields
            if old[code][f] != new[code][f]
        ]
        if changes:
            changed.append(ItemDiff(code, new[code][name_field], changes))
    return added, removed, changed


def edition_diff(old: dict, new: dict) -> EditionDiff:
    areas = _compare(old["areas"], new["areas"], AREA_FIELDS, "name")
    indicators = _compare(old["indicators"], new["indicators"], INDICATOR_FIELDS, "question")
    return EditionDiff(*areas, *indicators)
