"""From a read workbook to saved answers: the preview, then an all-or-nothing apply.

The preview compares each row with the catalogue and with the stored answer
and reports, per row: unknown or unassigned indicator codes, edited locked
cells (code, question, help, answer type, levels), missing or altered
versions, values parse_answer refuses, and conflicts (the row was edited but
someone saved the answer after the export). A row nobody edited whose answer
moved on since the export is left out with a notice, so a stale but
untouched row never blocks the others. A sheet the portal did not write (the
person added it) is left out with a notice; a portal sheet that is missing
(renamed or deleted) is a problem, since answers typed in it would be lost.

Only a preview without problems can be applied. Applying saves every changed
row with answer_save(via="excel") in one transaction; if any save meets a
conflict, nothing is kept.
"""

from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.models import Assignment, Questionnaire
from assessments.workbooks.contents import Item, questionnaire_items
from assessments.workbooks.layout import (
    CATALOGUE_KEYS,
    FIELD_LABELS,
    HEADER_OF,
    catalogue_cells,
    cell_text,
    display_value,
    input_keys,
    parse_cells,
    values_digest,
)
from assessments.workbooks.reading import MAX_ROWS, RawRow, RawWorkbook, WorkbookRejected
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from frameworks.models import Indicator


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    code: str
    field: str
    message: str


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RowChange:
    """One answer to save: the values read and the version the file was exported at."""

    sheet: str
    row: int
    code: str
    indicator_id: int
    base_version: int
    values: AnswerValues
    fields: tuple[FieldChange, ...] = ()

    def to_json(self) -> dict:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "code": self.code,
            "indicator_id": self.indicator_id,
            "base_version": self.base_version,
            "values": {
                f.name: str(v) if isinstance(v := getattr(self.values, f.name), Decimal) else v
                for f in fields(self.values)
            },
            "fields": [[c.field, c.old, c.new] for c in self.fields],
        }

    @classmethod
    def from_json(cls, data: dict) -> "RowChange":
        values = dict(data["values"])
        if values.get("number") is not None:
            values["number"] = Decimal(values["number"])
        return cls(
            sheet=data["sheet"],
            row=data["row"],
            code=data["code"],
            indicator_id=data["indicator_id"],
            base_version=data["base_version"],
            values=AnswerValues(**values),
            fields=tuple(FieldChange(*change) for change in data["fields"]),
        )


@dataclass
class Preview:
    changes: list[RowChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # stale rows nobody edited
    ignored_sheets: list[str] = field(default_factory=list)  # sheets the portal did not write
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def import_preview(*, questionnaire: Questionnaire, workbook: RawWorkbook) -> Preview:
    """What applying the workbook would change, and every problem that prevents it."""
    identifier = workbook.identifier
    if identifier.questionnaire_id != questionnaire.pk:
        raise WorkbookRejected(
            _(
                "このファイルは別の調査票（調査票ID: %(other)d）から書き出したものです。"
                "この調査票（調査票ID: %(this)d）から書き出したファイルを使ってください。"
            )
            % {"other": identifier.questionnaire_id, "this": questionnaire.pk}
        )
    items = {item.code: item for item in questionnaire_items(questionnaire)}
    edition_codes = set(
        Indicator.objects.filter(edition_id=questionnaire.round.edition_id).values_list(
            "code", flat=True
        )
    )
    preview = Preview(ignored_sheets=list(workbook.extra_sheets))
    for title in workbook.missing_sheets:
        preview.problems.append(
            Problem(
                title,
                None,
                "",
                "",
                _(
                    "書き出したシートが見つかりません。シートの名前を変えたり削除したりした場合は、"
                    "元に戻してください。"
                ),
            )
        )
    seen: dict[str, RawRow] = {}
    for sheet in workbook.sheets:
        if sheet.keys is None:
            if identifier.sheets is None:
                # An older identifier does not list its sheets: this one may be an added one.
                message = _(
                    "見出し行がDXポータルの書き出した形式ではありません。"
                    "列を変えた場合は元に戻し、シートを追加した場合はそのシートを削除してください。"
                )
            else:
                message = _(
                    "見出し行が書き出した時と違います。列の追加・削除・並べ替えはしないでください。"
                )
            preview.problems.append(Problem(sheet.title, 1, "", "", message))
            continue
        if sheet.too_many_rows:
            preview.problems.append(
                Problem(
                    sheet.title,
                    None,
                    "",
                    "",
                    _("行が多すぎます（1シート %(limit)d 行まで）。") % {"limit": MAX_ROWS},
                )
            )
        for row in sheet.rows:
            _preview_row(preview, row, items, edition_codes, identifier.rows, seen)
    return preview


def _preview_row(preview, row: RawRow, items, edition_codes, exported, seen) -> None:
    problems_before = len(preview.problems)

    def problem(field_name: str, message: str, code: str = "") -> None:
        preview.problems.append(Problem(row.sheet, row.number, code, field_name, message))

    code = cell_text(row.cells.get("code")).lstrip("'")
    if not code:
        problem(HEADER_OF["code"], _("指標コードがありません。行を追加しないでください。"))
        return
    item: Item | None = items.get(code)
    if item is None:
        if code in edition_codes:
            message = _("この部署に割り当てられていない指標です。")
        else:
            message = _("不明な指標コードです。")
        problem(HEADER_OF["code"], message, code)
        return
    if code in seen:
        problem(
            HEADER_OF["code"],
            _("同じ指標が %(sheet)s シートの %(row)d 行目にもあります。")
            % {"sheet": seen[code].sheet, "row": seen[code].number},
            code,
        )
        return
    seen[code] = row

    expected = catalogue_cells(item)
    for key in CATALOGUE_KEYS:
        if cell_text(row.cells.get(key)) != cell_text(expected[key]):
            problem(
                HEADER_OF[key],
                _("変更できないセルが書き出した時から変わっています。元に戻してください。"),
                code,
            )
    editable = set(input_keys(item))
    blank_for_type = {"level", "target_level", "answer"} - editable
    for key in sorted(blank_for_type):
        if cell_text(row.cells.get(key)):
            problem(
                HEADER_OF[key],
                _("この指標では使わない列です（灰色のセル）。空欄にしてください。"),
                code,
            )

    version = _version(row.cells.get("version"))
    signed = exported.get(code)
    if signed is None:
        problem(
            HEADER_OF["version"],
            _("書き出した後に割り当てられた指標です。調査票からもう一度書き出してください。"),
            code,
        )
        return
    exported_version, exported_digest = signed
    if version != exported_version:
        problem(
            HEADER_OF["version"],
            _("版が書き出した時と違います（変更できないセルです）。"),
            code,
        )
        return

    # parse_answer refuses what the answering page refuses, over-long text included.
    parsed = parse_cells(item, row.cells, percent_format=row.percent_format)
    for name, message in parsed.errors.items():
        problem(FIELD_LABELS.get(name, name), message, code)
    if len(preview.problems) > problems_before:
        return

    current = item.values
    if parsed.values == current:
        preview.unchanged += 1
        return
    if exported_version == item.version:
        preview.changes.append(
            RowChange(
                sheet=row.sheet,
                row=row.number,
                code=code,
                indicator_id=item.indicator.pk,
                base_version=exported_version,
                values=parsed.values,
                fields=_field_changes(item, current, parsed.values),
            )
        )
        return
    if values_digest(parsed.values) == exported_digest:
        # Nobody touched this row; the answer was changed elsewhere after the export.
        preview.skipped.append(
            Problem(
                row.sheet,
                row.number,
                code,
                "",
                _(
                    "書き出した後にWebで更新された回答です。この行はファイルでは変更されていないため、取り込みません。"
                ),
            )
        )
        return
    for change in _field_changes(item, current, parsed.values):
        preview.problems.append(_conflict(row.sheet, row.number, item, change))


def _version(value: object) -> int | None:
    text = cell_text(value)
    return int(text) if text.isdigit() else None


def _field_changes(item: Item, old: AnswerValues, new: AnswerValues) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(
            FIELD_LABELS[f.name], display_value(item, f.name, old), display_value(item, f.name, new)
        )
        for f in fields(AnswerValues)
        if getattr(old, f.name) != getattr(new, f.name)
    )


def _conflict(sheet: str, row: int | None, item: Item, change: FieldChange) -> Problem:
    empty = _("（空欄）")
    who = item.answer.updated_by if item.answer else None
    return Problem(
        sheet,
        row,
        item.code,
        change.field,
        _(
            "競合: 書き出した後に%(who)sがこの回答を変更しました。"
            "ファイルの値: %(yours)s ／ 現在の値: %(theirs)s。"
            "調査票からもう一度書き出して入力し直してください。"
        )
        % {
            "who": who or _("他の人"),
            "yours": change.new or empty,
            "theirs": change.old or empty,
        },
    )


class _Conflicts(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def import_apply(*, questionnaire: Questionnaire, changes: list[RowChange], user) -> list[Problem]:
    """Save every change in one transaction; on any conflict save nothing and return them.

    Raises answering.QuestionnaireLocked when the questionnaire was submitted meanwhile.
    """
    try:
        with transaction.atomic():
            _apply(questionnaire, changes, user)
            record(
                AuditAction.UPLOAD,
                user=user,
                municipality=questionnaire.round.municipality_id,
                target=f"questionnaire {questionnaire.pk} workbook",
                detail={"questionnaire": detail.questionnaire(questionnaire), "rows": len(changes)},
            )
    except _Conflicts as conflicts:
        return conflicts.problems
    return []


def _apply(questionnaire: Questionnaire, changes: list[RowChange], user) -> None:
    assigned = set(
        Assignment.objects.filter(
            round_id=questionnaire.round_id, department_id=questionnaire.department_id
        ).values_list("indicator_id", flat=True)
    )
    # With their scales: answer_save says each change in words (levels and choices by label).
    indicators = Indicator.objects.prefetch_related("levels", "choices").in_bulk(
        [change.indicator_id for change in changes]
    )
    problems = []
    for change in changes:
        indicator = indicators.get(change.indicator_id)
        if indicator is None or indicator.pk not in assigned:
            problems.append(
                Problem(
                    change.sheet,
                    change.row,
                    change.code,
                    "",
                    _("この指標は、確認の後にこの部署の割り当てから外されました。"),
                )
            )
            continue
        result = answer_save(
            questionnaire=questionnaire,
            indicator=indicator,
            values=change.values,
            base_version=change.base_version,
            user=user,
            via="excel",
        )
        if result.conflict:
            item = Item(
                indicator=indicator,
                levels=tuple(indicator.levels.all()),
                choices=tuple(indicator.choices.all()),
                answer=result.answer,
                fiscal_year=questionnaire.round.fiscal_year,
            )
            for field_change in _field_changes(item, item.values, change.values):
                problems.append(_conflict(change.sheet, change.row, item, field_change))
    if problems:
        raise _Conflicts(problems)
