"""Writes to the catalogue. Every change to an edition's content goes through here.

A published (or retired) edition is frozen: each write starts with
`_ensure_draft`, which refuses with a message the editor sees. To change a
published edition, clone it into a new draft and publish that.

Every change is audited in its transaction (the catalogue's log, read by
catalogue editors and system admins), naming the edition, area and indicator
as they were and what changed, with the editor form's labels.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.models import (
    Choice,
    Edition,
    EditionStatus,
    Indicator,
    IndicatorLineage,
    LineageRelation,
    PolicyArea,
    RubricLevel,
    Stage,
)
from frameworks.rules import scale_problems, weight_problems
from municipalities.models import DepartmentKind, MunicipalityKind


class CatalogueError(Exception):
    """A refused change; `messages` are shown to the editor as they are."""

    def __init__(self, *messages: str):
        super().__init__(" ".join(messages))
        self.messages = list(messages)


def _record(action: AuditAction, edition: Edition, target: str = "", **recorded) -> None:
    record(
        action,
        target=target or f"{edition.framework.code} {edition.version}",
        detail={"edition": detail.edition(edition), **recorded},
    )


def _delete(obj) -> None:
    try:
        obj.delete()
    except ProtectedError:
        # A draft cloned from this one still points at its stages or indicators.
        raise CatalogueError(_("この項目は他の版から参照されているため削除できません。")) from None


def _ensure_draft(edition: Edition) -> None:
    if not edition.is_draft:
        raise CatalogueError(
            _(
                "公開済み・廃止済みの版（%(version)s）は変更できません。複製して新しい下書きを作成してください。"
            )
            % {"version": edition.version}
        )


# --- editions --------------------------------------------------------------------


@transaction.atomic
def edition_clone(*, edition: Edition, version: str, title: str) -> Edition:
    """A new draft with a copy of everything in `edition`, each indicator linked as 'same'.

    The edition's facts come along (the source document's publication date, the source
    and its URL): a clone revises the same document until the editor says otherwise.
    """
    if Edition.objects.filter(framework=edition.framework, version=version).exists():
        raise CatalogueError(_("版「%(version)s」はすでにあります。") % {"version": version})
    clone = Edition.objects.create(
        framework=edition.framework,
        version=version,
        title=title,
        title_en=edition.title_en,
        published_on=edition.published_on,
        status=EditionStatus.DRAFT,
        source=edition.source,
        source_url=edition.source_url,
        predecessor=edition,
    )
    stages = {
        s.pk: Stage.objects.create(
            edition=clone,
            **_copy(s, "code order name name_en description description_en threshold"),
        )
        for s in edition.stages.all()
    }
    areas = {
        a.pk: PolicyArea.objects.create(
            edition=clone,
            **_copy(a, "code order name name_en description description_en source is_foundation"),
        )
        for a in edition.areas.all()
    }
    originals = list(edition.indicators.prefetch_related("levels", "choices"))
    copies = Indicator.objects.bulk_create(
        [
            Indicator(
                edition=clone,
                area=areas[i.area_id],
                stage=stages[i.stage_id],
                **_copy(i, _CLONED_INDICATOR_FIELDS),
            )
            for i in originals
        ]
    )
    RubricLevel.objects.bulk_create(
        RubricLevel(
            indicator=new, **_copy(level, "level label label_en description description_en")
        )
        for old, new in zip(originals, copies, strict=True)
        for level in old.levels.all()
    )
    Choice.objects.bulk_create(
        Choice(indicator=new, **_copy(choice, "code order label label_en score"))
        for old, new in zip(originals, copies, strict=True)
        for choice in old.choices.all()
    )
    IndicatorLineage.objects.bulk_create(
        IndicatorLineage(indicator=new, predecessor=old, relation=LineageRelation.SAME)
        for old, new in zip(originals, copies, strict=True)
    )
    _record(AuditAction.CATALOGUE_EDITION_CLONED, clone, source=detail.edition(edition))
    return clone


_INDICATOR_FIELDS = (
    "code order question question_en help_text help_text_en answer_type weight unit "
    "full_score_at municipality_kinds department_kinds source source_url"
)
# The editor's form does not edit the thresholds by size band (catalogue files do), so an
# edit keeps them; a clone copies them with the rest.
_CLONED_INDICATOR_FIELDS = f"{_INDICATOR_FIELDS} full_score_by_band"


def _copy(obj, names: str) -> dict:
    return {name: getattr(obj, name) for name in names.split()}


def edition_problems(edition: Edition) -> list[str]:
    """Everything that keeps a draft from being published, in words for the editor."""
    problems = []
    if not edition.stages.exists():
        problems.append(_("段階が1つもありません。"))
    areas = list(edition.areas.prefetch_related("indicators__levels", "indicators__choices"))
    if not areas:
        problems.append(_("取組分野が1つもありません。"))
    for area in areas:
        indicators = list(area.indicators.all())
        if not indicators:
            problems.append(_("「%(area)s」に指標がありません。") % {"area": area.name})
        for indicator in indicators:
            for problem in _indicator_problems(indicator):
                problems.append(f"{indicator.code}: {problem}")
    return problems


def _indicator_problems(indicator: Indicator) -> list[str]:
    return weight_problems(Decimal(indicator.weight)) + scale_problems(
        answer_type=indicator.answer_type,
        levels=[level.level for level in indicator.levels.all()],
        choice_scores=[choice.score for choice in indicator.choices.all()],
        full_score_at=indicator.full_score_at,
    )


@transaction.atomic
def edition_publish(*, edition: Edition) -> Edition:
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    _ensure_draft(edition)
    problems = edition_problems(edition)
    if problems:
        raise CatalogueError(*problems)
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = timezone.now()
    edition.save(update_fields=["status", "published_at"])
    _record(AuditAction.CATALOGUE_PUBLISHED, edition)
    return edition


def retire_refusal(edition: Edition) -> str:
    """Why `edition` cannot be retired, or "" when it can."""
    if edition.status != EditionStatus.PUBLISHED:
        return _("廃止できるのは公開中の版だけです。")
    return ""


@transaction.atomic
def edition_retire(*, edition: Edition) -> Edition:
    refusal = retire_refusal(edition)
    if refusal:
        raise CatalogueError(refusal)
    edition.status = EditionStatus.RETIRED
    edition.save(update_fields=["status"])
    _record(AuditAction.CATALOGUE_RETIRED, edition)
    return edition


@transaction.atomic
def edition_update(*, edition: Edition, **fields) -> Edition:
    """Title, English title, publication date of the source, source and its URL."""
    _ensure_draft(edition)
    allowed = ("title", "title_en", "published_on", "source", "source_url")
    before = detail.field_values(edition, allowed)
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(edition, name, value)
    edition.full_clean()
    edition.save()
    changes = detail.changes(Edition, before, detail.field_values(edition, allowed))
    if changes:
        _record(AuditAction.CATALOGUE_EDITION_CHANGED, edition, changes=changes)
    return edition


@transaction.atomic
def edition_delete_draft(*, edition: Edition) -> None:
    _ensure_draft(edition)
    if edition.successors.exists():
        raise CatalogueError(_("この項目は他の版から参照されているため削除できません。"))
    IndicatorLineage.objects.filter(indicator__edition=edition).delete()
    _delete(edition.indicators.all())
    _record(AuditAction.CATALOGUE_DRAFT_DELETED, edition)  # named while it is still there
    _delete(edition)


# --- areas -------------------------------------------------------------------------

# In the order of the editor's form: the audit log lists changes so.
_AREA_FIELDS = ("code", "name", "name_en", "description", "description_en", "source")


@transaction.atomic
def area_create(*, edition: Edition, **fields) -> PolicyArea:
    _ensure_draft(edition)
    last = edition.areas.aggregate(last=Max("order"))["last"] or 0
    area = PolicyArea(edition=edition, order=last + 1, **_only(fields, _AREA_FIELDS))
    area.full_clean()
    area.save()
    _record(AuditAction.CATALOGUE_AREA_CREATED, edition, area.code, area=detail.area(area))
    return area


@transaction.atomic
def area_update(*, area: PolicyArea, **fields) -> PolicyArea:
    _ensure_draft(area.edition)
    named = detail.area(area)  # as it was called before the change
    before = detail.field_values(area, _AREA_FIELDS)
    for name, value in _only(fields, _AREA_FIELDS).items():
        setattr(area, name, value)
    area.full_clean()
    area.save()
    changes = detail.changes(PolicyArea, before, detail.field_values(area, _AREA_FIELDS))
    if changes:
        _record(
            AuditAction.CATALOGUE_AREA_CHANGED, area.edition, area.code, area=named, changes=changes
        )
    return area


@transaction.atomic
def area_delete(*, area: PolicyArea) -> None:
    _ensure_draft(area.edition)
    _record(
        AuditAction.CATALOGUE_AREA_DELETED,
        area.edition,
        area.code,
        area=detail.area(area),
        indicators=area.indicators.count(),
    )
    _delete(area)


@transaction.atomic
def area_move(*, area: PolicyArea, offset: int) -> None:
    """Move an area one place up (offset -1) or down (+1)."""
    _ensure_draft(area.edition)
    moved = _move(list(area.edition.areas.order_by("order", "pk")), area, offset)
    if moved:
        _record(
            AuditAction.CATALOGUE_AREA_MOVED,
            area.edition,
            area.code,
            area=detail.area(area),
            old_position=moved[0],
            new_position=moved[1],
        )


@transaction.atomic
def indicator_move(*, indicator: Indicator, offset: int) -> None:
    _ensure_draft(indicator.edition)
    moved = _move(list(indicator.area.indicators.order_by("order", "pk")), indicator, offset)
    if moved:
        _record(
            AuditAction.CATALOGUE_INDICATOR_MOVED,
            indicator.edition,
            indicator.code,
            area=detail.area(indicator.area),
            indicator=detail.indicator(indicator),
            old_position=moved[0],
            new_position=moved[1],
        )


def _move(siblings: list, item, offset: int) -> tuple[int, int] | None:
    """Swap `item` with its neighbour; its place before and after (1-based), None at an end."""
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(siblings):
        return None
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])
    return index + 1, target + 1


def _only(fields: dict, allowed) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(", ".join(sorted(unknown)))
    return fields


# --- indicators --------------------------------------------------------------------


@dataclass
class LevelData:
    level: int
    label: str
    description: str
    label_en: str = ""
    description_en: str = ""


@dataclass
class ChoiceData:
    code: str
    label: str
    score: int
    label_en: str = ""


@dataclass
class IndicatorData:
    """Everything an editor sets on an indicator, its rubric or choices included."""

    code: str
    stage: Stage
    question: str
    answer_type: str
    weight: Decimal = Decimal("1.0")
    question_en: str = ""
    help_text: str = ""
    help_text_en: str = ""
    unit: str = ""
    full_score_at: Decimal | None = None
    municipality_kinds: list[str] = field(default_factory=list)
    department_kinds: list[str] = field(default_factory=list)
    source: str = ""
    source_url: str = ""
    levels: list[LevelData] = field(default_factory=list)
    choices: list[ChoiceData] = field(default_factory=list)


@transaction.atomic
def indicator_create(*, area: PolicyArea, data: IndicatorData) -> Indicator:
    _ensure_draft(area.edition)
    last = area.indicators.aggregate(last=Max("order"))["last"] or 0
    indicator = _indicator_save(Indicator(edition=area.edition, area=area, order=last + 1), data)
    _record(
        AuditAction.CATALOGUE_INDICATOR_CREATED,
        area.edition,
        indicator.code,
        area=detail.area(area),
        indicator=detail.indicator(indicator),
    )
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: IndicatorData) -> Indicator:
    _ensure_draft(indicator.edition)
    named = detail.indicator(indicator)  # as it was called before the change
    before = _indicator_values(indicator, indicator.levels.all(), indicator.choices.all())
    _indicator_save(indicator, data)
    changes = detail.changes(
        Indicator,
        before,
        _indicator_values(indicator, *_scale_of(data)),
        labels={
            "levels": detail.word(gettext_lazy("ルーブリック")),
            "choices": detail.word(gettext_lazy("選択肢")),
        },
    )
    if changes:
        _record(
            AuditAction.CATALOGUE_INDICATOR_CHANGED,
            indicator.edition,
            indicator.code,
            indicator=named,
            changes=changes,
        )
    return indicator


# What the editor sets on an indicator, in the order of its form, for the audit log.
_AUDITED_INDICATOR_FIELDS = (
    "code",
    "stage",
    "question",
    "question_en",
    "help_text",
    "help_text_en",
    "answer_type",
    "weight",
    "unit",
    "full_score_at",
    "source",
    "source_url",
)


def _kinds(codes: list[str], kinds) -> list[dict]:
    labels = dict(kinds.choices)
    return [detail.word(labels[code]) if code in labels else code for code in codes]


def _indicator_values(indicator: Indicator, levels, choices) -> dict:
    """The indicator as the audit log compares it: its fields, applicability and scale."""
    values = detail.field_values(indicator, _AUDITED_INDICATOR_FIELDS)
    values["municipality_kinds"] = _kinds(indicator.municipality_kinds, MunicipalityKind) or None
    values["department_kinds"] = _kinds(indicator.department_kinds, DepartmentKind) or None
    values["levels"] = "、".join(f"{level.level}：{level.label}" for level in levels) or None
    values["choices"] = "、".join(f"{choice.label}（{choice.score}）" for choice in choices) or None
    return values


def _scale_of(data: IndicatorData) -> tuple[list, list]:
    """The rubric or the choices _indicator_save keeps for the answer type."""
    return (
        data.levels if data.answer_type == "maturity" else [],
        data.choices if data.answer_type == "choice" else [],
    )


def _indicator_save(indicator: Indicator, data: IndicatorData) -> Indicator:
    if data.stage.edition_id != indicator.edition_id:
        raise CatalogueError(_("段階は同じ版のものを選んでください。"))
    problems = weight_problems(Decimal(data.weight)) + scale_problems(
        answer_type=data.answer_type,
        levels=[level.level for level in data.levels],
        choice_scores=[choice.score for choice in data.choices],
        full_score_at=data.full_score_at,
    )
    if problems:
        raise CatalogueError(*problems)
    for name in _INDICATOR_FIELDS.split():
        if name != "order":
            setattr(indicator, name, getattr(data, name))
    indicator.stage = data.stage
    if data.answer_type != "count":
        indicator.full_score_by_band = {}  # only a count is scored against them
    indicator.full_clean()
    indicator.save()
    # The scale is replaced as a whole: what the editor submitted is the rubric.
    indicator.levels.all().delete()
    indicator.choices.all().delete()
    levels, choices = _scale_of(data)
    scale = [RubricLevel(indicator=indicator, **vars(level)) for level in levels] + [
        Choice(indicator=indicator, order=order, **vars(choice))
        for order, choice in enumerate(choices, start=1)
    ]
    # bulk_create skips the models' checks (the text limits among them): run them first.
    for row in scale:
        row.clean_fields(exclude=["indicator"])
    if scale:
        type(scale[0]).objects.bulk_create(scale)
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator) -> None:
    _ensure_draft(indicator.edition)
    _record(
        AuditAction.CATALOGUE_INDICATOR_DELETED,
        indicator.edition,
        indicator.code,
        indicator=detail.indicator(indicator),
    )
    indicator.lineage.all().delete()
    _delete(indicator)


@transaction.atomic
def lineage_set(
    *, indicator: Indicator, links: list[tuple[str, LineageRelation]]
) -> list[IndicatorLineage]:
    """Replace how `indicator` relates to the predecessor edition: (code, relation) pairs.

    No links means the indicator is new in this edition.
    """
    edition = indicator.edition
    _ensure_draft(edition)
    indicator.lineage.all().delete()
    if not links:
        return [
            IndicatorLineage.objects.create(
                indicator=indicator, predecessor=None, relation=LineageRelation.NEW
            )
        ]
    if edition.predecessor is None:
        raise CatalogueError(_("前の版が設定されていないため、対応関係を記録できません。"))
    codes = [code for code, _ in links]
    by_code = {i.code: i for i in edition.predecessor.indicators.filter(code__in=codes)}
    missing = [code for code, _ in links if code not in by_code]
    if missing:
        raise CatalogueError(
            _("前の版（%(version)s）に指標 %(codes)s はありません。")
            % {"version": edition.predecessor.version, "codes": ", ".join(missing)}
        )
    return IndicatorLineage.objects.bulk_create(
        IndicatorLineage(indicator=indicator, predecessor=by_code[code], relation=relation)
        for code, relation in links
    )
