"""Shaping loaded catalogue data for pages: order, grouping, search and diff rows.

Everything here works on objects already loaded by frameworks.selectors, so a
page's query count does not depend on how many indicators an edition has.
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frameworks.diff import EditionDiff, ItemDiff, edition_diff
from frameworks.models import AnswerType, Edition, EditionStatus, Indicator, PolicyArea, Stage
from frameworks.templatetags.catalogue import department_kind_labels, municipality_kind_labels
from municipalities.size_bands import band_by_code

# --- editions, newest first ---------------------------------------------------------


def _newness(edition: Edition) -> tuple:
    # The date of the source document says which edition is newer; a clone that
    # was published without one counts from the day it was published, and a
    # draft (only the editor lists them) is newer than anything published.
    when = edition.published_on or (edition.published_at.date() if edition.published_at else None)
    if edition.is_draft:
        when = date.max
    published_at = edition.published_at.timestamp() if edition.published_at else 0
    return (when or date.min, published_at, edition.pk)


@dataclass
class FrameworkEditions:
    framework: object
    editions: list[Edition]
    current: Edition | None


def editions_by_framework(editions) -> list[FrameworkEditions]:
    """Editions grouped by framework, newest first; `current` is the newest published one."""
    editions = list(editions)
    groups = []
    for _code, items in groupby(
        sorted(editions, key=lambda e: e.framework.code), key=lambda e: e.framework.code
    ):
        items = sorted(items, key=_newness, reverse=True)
        current = next((e for e in items if e.status == EditionStatus.PUBLISHED), None)
        groups.append(FrameworkEditions(items[0].framework, items, current))
    return groups


# --- one edition's content ----------------------------------------------------------


@dataclass
class StageGroup:
    stage: Stage
    indicators: list[Indicator]


@dataclass
class AreaContent:
    area: PolicyArea
    stage_groups: list[StageGroup]

    @property
    def count(self) -> int:
        return sum(len(group.indicators) for group in self.stage_groups)


def _normalize(text: str) -> str:
    # NFKC folds full-width letters and half-width katakana; casefold ignores case.
    return unicodedata.normalize("NFKC", text).casefold()


def _searchable_text(indicator: Indicator) -> str:
    parts = [
        indicator.code,
        indicator.question,
        indicator.question_en,
        indicator.help_text,
        indicator.help_text_en,
    ]
    for level in indicator.levels.all():
        parts += [level.label, level.label_en, level.description, level.description_en]
    for choice in indicator.choices.all():
        parts += [choice.label, choice.label_en]
    return _normalize("\n".join(parts))


def indicator_matches(indicator: Indicator, query: str) -> bool:
    """Whether the code, question, help text, rubric or choices contain `query`."""
    needle = _normalize(query.strip())
    return not needle or needle in _searchable_text(indicator)


def edition_content(edition: Edition, query: str = "") -> list[AreaContent]:
    """Each area with its indicators grouped by stage (in stage order), filtered by `query`.

    With a query, areas without a hit are left out.
    """
    stage_order = {stage.pk: stage.order for stage in edition.stages.all()}
    result = []
    for area in edition.areas.all():
        indicators = [i for i in area.indicators.all() if indicator_matches(i, query)]
        if query.strip() and not indicators:
            continue
        indicators.sort(key=lambda i: (stage_order.get(i.stage_id, 0), i.order, i.pk))
        runs = (list(run) for _stage, run in groupby(indicators, key=lambda i: i.stage_id))
        groups = [StageGroup(run[0].stage, run) for run in runs]
        result.append(AreaContent(area, groups))
    return result


# --- differences between two editions ----------------------------------------------

FIELD_LABELS: dict[str, Promise] = {
    "name": _("名称"),
    "name_en": _("名称（英語）"),
    "description": _("説明"),
    "source": _("出典"),
    "area": _("取組分野"),
    "stage": _("段階"),
    "question": _("設問"),
    "help_text": _("解説"),
    "answer_type": _("回答形式"),
    "weight": _("重み"),
    "unit": _("単位"),
    "full_score_at": _("満点とする値"),
    "full_score_by_band": _("人口規模区分ごとの満点とする値"),
    "municipality_kinds": _("対象とする団体の区分"),
    "department_kinds": _("回答する部署の種類"),
    "scale": _("ルーブリック・選択肢"),
}


def _kinds(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _shown(name: str, value: str) -> str:
    """A diff value as the editor knows it: labels instead of stored codes."""
    if name == "answer_type" and value in AnswerType.values:
        return str(AnswerType(value).label)
    if name == "municipality_kinds":
        return municipality_kind_labels(_kinds(value))
    if name == "department_kinds":
        return department_kind_labels(_kinds(value))
    if name == "full_score_by_band":
        pairs = [part.split(": ") for part in _kinds(value)]
        return "、".join(f"{band_by_code(code)}: {number}" for code, number in pairs)
    return value


@dataclass
class ChangeRow:
    code: str
    name: str
    field: str
    old: str
    new: str


@dataclass
class DiffTables:
    diff: EditionDiff
    area_changes: list[ChangeRow] = field(default_factory=list)
    indicator_changes: list[ChangeRow] = field(default_factory=list)


def _rows(items: list[ItemDiff], old: dict, new: dict) -> list[ChangeRow]:
    def area_name(areas: dict, code: str) -> str:
        # The diff names an indicator's area by code; show its name with the code.
        area = areas.get(code)
        return f"{area['name']}（{code}）" if area else code

    rows = []
    for item in items:
        for change in item.changes:
            before, after = change.old, change.new
            if change.field == "area":
                before, after = area_name(old["areas"], before), area_name(new["areas"], after)
            rows.append(
                ChangeRow(
                    item.code,
                    item.name,
                    str(FIELD_LABELS.get(change.field, change.field)),
                    _shown(change.field, before),
                    _shown(change.field, after),
                )
            )
    return rows


def diff_tables(old: dict, new: dict) -> DiffTables:
    """The differences between two snapshots (frameworks.diff.snapshot), as table rows."""
    diff = edition_diff(old, new)
    return DiffTables(
        diff, _rows(diff.areas_changed, old, new), _rows(diff.indicators_changed, old, new)
    )
