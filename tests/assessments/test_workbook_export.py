"""Exporting a questionnaire as an Excel workbook: sheets, dropdowns, protection, answers."""

import io
import urllib.parse
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.workbooks import writing
from assessments.workbooks.contents import questionnaire_items
from assessments.workbooks.layout import (
    COLUMN_NUMBER,
    HEADERS,
    IDENTIFIER_LABEL,
    INSTRUCTIONS_TITLE,
    LISTS_TITLE,
    answer_cells,
    identifier_read,
    parse_cells,
    sheet_title,
)
from tests.assessments.workbook_support import (
    answer_sheets,
    cell,
    export,
    find_row,
    load,
    make_workbook_round,
)


@pytest.fixture
def questionnaire(personas):
    return make_workbook_round(personas)


def _save(questionnaire, code, user, **values):
    indicator = questionnaire.round.edition.indicators.get(code=code)
    answer_save(
        questionnaire=questionnaire,
        indicator=indicator,
        values=AnswerValues(**values),
        base_version=0,
        user=user,
    )


def _instructions(workbook) -> dict[str, object]:
    sheet = workbook[INSTRUCTIONS_TITLE]
    return {a: b for a, b in sheet.iter_rows(min_col=1, max_col=2, values_only=True) if a}


def _validation(sheet, coordinate: str):
    found = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{coordinate}: {len(found)} validations"
    return found[0]


def _list_entries(workbook, formula: str) -> list[str]:
    sheet_name, cells = formula.rsplit("!", 1)
    assert sheet_name.strip("'") == LISTS_TITLE
    return [c.value for row in workbook[LISTS_TITLE][cells.replace("$", "")] for c in row]


def test_instructions_come_first_and_name_the_questionnaire(questionnaire, personas):
    workbook = load(export(questionnaire))
    assert workbook.sheetnames[0] == INSTRUCTIONS_TITLE
    facts = _instructions(workbook)
    assert facts["団体"] == str(personas.municipality_a)
    assert facts["部署"] == "DX推進課"
    assert facts["評価ラウンド"] == "2026年度（令和8年度）"
    # 05:30 UTC is 14:30 in Japan.
    assert facts["書き出し日時"] == "2026年6月3日 14:30（日本時間）"
    assert facts["調査票ID"] == str(questionnaire.pk)
    assert identifier_read(facts[IDENTIFIER_LABEL]).questionnaire_id == questionnaire.pk
    text = "\n".join(str(v) for v in facts.values())
    assert "黄色のセルだけ" in text
    for header in HEADERS:
        assert header in facts, f"the meaning of {header} is explained"


def test_one_sheet_per_area_with_the_departments_indicators_only(questionnaire):
    workbook = load(export(questionnaire))
    sheets = answer_sheets(workbook)
    assert [s.title for s in sheets] == ["1 取組分野1", "2 取組分野2"]
    codes = {
        s.title: [s.cell(row=r, column=1).value for r in range(2, s.max_row + 1)] for s in sheets
    }
    assert codes["1 取組分野1"] == [
        "STD-01",
        "STD-03",
        "CHO-01",
        "YES-01",
        "PCT-01",
        "CNT-02",
        "TXT-01",
    ]
    assert codes["2 取組分野2"] == ["STD-02"]  # TAX-01 belongs to 税務課
    for sheet in sheets:
        assert tuple(c.value for c in sheet[1]) == HEADERS
    assert workbook[LISTS_TITLE].sheet_state == "hidden"


def test_dropdowns_and_number_rules(questionnaire):
    workbook = load(export(questionnaire))

    def rule(code, key):
        sheet, row = find_row(workbook, code)
        letter = openpyxl.utils.get_column_letter(COLUMN_NUMBER[key])
        return _validation(sheet, f"{letter}{row}")

    levels = rule("STD-01", "level")
    assert levels.type == "list" and levels.showErrorMessage
    assert _list_entries(workbook, levels.formula1) == [
        "0: 未着手",
        "1: 検討中",
        "2: 一部で実施",
        "3: 全庁で実施",
        "4: 継続的に改善",
    ]
    assert rule("STD-01", "target_level").formula1 == levels.formula1
    choices = rule("CHO-01", "answer")
    assert _list_entries(workbook, choices.formula1) == [
        "導入していない",
        "一部で導入",
        "全庁で導入",
    ]
    assert rule("YES-01", "answer").formula1 == '"はい,いいえ"'
    assert rule("STD-01", "not_applicable").formula1 == '"はい"'
    percent = rule("PCT-01", "answer")
    assert (percent.type, percent.operator, percent.formula1, percent.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    count = rule("CNT-02", "answer")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_structure_is_protected_and_only_input_cells_are_unlocked(questionnaire):
    workbook = load(export(questionnaire))
    assert workbook.security.lockStructure
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet, sheet.title
    std = {key: cell(workbook, "STD-01", key) for key in COLUMN_NUMBER}
    for key in ("level", "target_level", "not_applicable", "not_applicable_reason", "comment"):
        assert not std[key].protection.locked, key
        assert std[key].fill.fgColor.rgb.endswith("FFF2CC")
    for key in ("code", "question", "help", "answer_type", "options", "version", "answer"):
        assert std[key].protection.locked, key
    # The other way round for a non-maturity indicator.
    assert not cell(workbook, "PCT-01", "answer").protection.locked
    assert cell(workbook, "PCT-01", "level").protection.locked
    for locked_cell in workbook[INSTRUCTIONS_TITLE]["B"]:
        assert locked_cell.protection.locked


def test_current_answers_are_filled_in(questionnaire, personas):
    user = personas.respondent_a
    _save(questionnaire, "STD-01", user, level=2, target_level=4, comment="庁内で検討中")
    _save(questionnaire, "YES-01", user, yes=False)
    _save(questionnaire, "PCT-01", user, number=Decimal("75.50"))
    _save(questionnaire, "CNT-02", user, number=Decimal("12"))
    _save(questionnaire, "CHO-01", user, choice_code="partial")
    _save(questionnaire, "TXT-01", user, text="自由な記述", evidence_url="https://example.jp/a")
    _save(
        questionnaire,
        "STD-02",
        user,
        not_applicable=True,
        not_applicable_reason="対象業務がない",
    )
    workbook = load(export(questionnaire))
    expected = {
        ("STD-01", "level"): "2: 一部で実施",
        ("STD-01", "target_level"): "4: 継続的に改善",
        ("STD-01", "comment"): "庁内で検討中",
        ("STD-01", "version"): 1,
        ("YES-01", "answer"): "いいえ",
        ("PCT-01", "answer"): 75.5,
        ("CNT-02", "answer"): 12,
        ("CHO-01", "answer"): "一部で導入",
        ("TXT-01", "answer"): "自由な記述",
        ("TXT-01", "evidence_url"): "https://example.jp/a",
        ("STD-02", "not_applicable"): "はい",
        ("STD-02", "not_applicable_reason"): "対象業務がない",
        ("STD-03", "level"): None,
        ("STD-03", "version"): 0,
    }
    for (code, key), value in expected.items():
        assert cell(workbook, code, key).value == value, (code, key)


def test_every_answer_reads_back_as_written(questionnaire, personas):
    """layout's two directions agree: the cells written for an answer parse to that answer."""
    user = personas.respondent_a
    _save(
        questionnaire,
        "STD-01",
        user,
        level=3,
        target_level=3,
        target_fiscal_year=2030,
        comment="'quoted",
    )
    _save(questionnaire, "PCT-01", user, number=Decimal("33.33"), comment="=1+1")
    _save(questionnaire, "CNT-02", user, number=Decimal("0"))
    _save(questionnaire, "CHO-01", user, choice_code="all")
    _save(questionnaire, "TXT-01", user, text="-マイナスで始まる")
    for item in questionnaire_items(questionnaire):
        parsed = parse_cells(item, answer_cells(item))
        assert parsed.ok, (item.code, parsed.errors)
        assert parsed.values == item.values, item.code


def test_formula_like_text_is_written_as_plain_strings(questionnaire, personas):
    """SECURITY 16: nothing a person typed becomes a formula in the exported file."""
    payload = '=HYPERLINK("http://x","y")'
    indicator = questionnaire.round.edition.indicators.get(code="TXT-01")
    indicator.question = "+SUM(1,2)"
    indicator.save()
    _save(
        questionnaire,
        "TXT-01",
        personas.respondent_a,
        text="@cmd",
        comment=payload,
        not_applicable=True,
        not_applicable_reason="-1+2",
    )
    data = export(questionnaire)
    for read_only in (False, True):
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=read_only)
        sheet = workbook["1 取組分野1"]
        rows = list(sheet.iter_rows(min_row=2))
        row = next(r for r in rows if r[0].value == "TXT-01")
        by_key = {key: row[number - 1] for key, number in COLUMN_NUMBER.items()}
        assert by_key["comment"].data_type == "s"
        assert by_key["comment"].value == "'" + payload
        assert by_key["question"].value == "'+SUM(1,2)"
        assert by_key["answer"].value == "'@cmd"
        assert by_key["not_applicable_reason"].value == "'-1+2"
        for c in row:
            assert c.data_type != "f", c.coordinate
        workbook.close()


def test_sheet_titles_are_valid_for_excel():
    taken: set[str] = set()
    long = sheet_title(3, "住民サービス[窓口]:オンライン*申請?/\\の推進と業務改革と人材育成", taken)
    assert len(long) <= 31 and not set("[]:*?/\\") & set(long)
    assert long.startswith("3 住民サービス窓口")
    again = sheet_title(
        3, "住民サービス[窓口]:オンライン*申請?/\\の推進と業務改革と人材育成", taken
    )
    assert again != long and len(again) <= 31 and again.endswith("(2)")


def test_download_is_an_attachment_with_a_japanese_name(client, questionnaire, personas):
    client.force_login(personas.respondent_a)
    response = client.get(
        reverse("workbooks:download", kwargs={"questionnaire_id": questionnaire.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Cache-Control"] == "no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="questionnaire-{questionnaire.pk}-2026.xlsx"' in disposition
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    name = urllib.parse.unquote(encoded)
    assert name == f"調査票_{personas.municipality_a.name}_DX推進課_2026年度.xlsx"
    assert load(response.content).sheetnames[0] == INSTRUCTIONS_TITLE


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("respondent_a", 200),
        ("coordinator_a", 200),
        ("consultant", 200),
        ("respondent_c", 404),
        ("coordinator_c", 404),
        ("catalogue_editor", 404),
        ("admin", 404),
    ],
)
def test_download_is_for_people_who_may_see_the_questionnaire(
    client, questionnaire, personas, persona, status
):
    client.force_login(getattr(personas, persona))
    url = reverse("workbooks:download", kwargs={"questionnaire_id": questionnaire.pk})
    assert client.get(url).status_code == status


def test_anonymous_download_goes_to_sign_in(client, questionnaire):
    url = reverse("workbooks:download", kwargs={"questionnaire_id": questionnaire.pk})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_download_query_count(client, questionnaire, personas, django_assert_max_num_queries):
    client.force_login(personas.respondent_a)
    url = reverse("workbooks:download", kwargs={"questionnaire_id": questionnaire.pk})
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_every_sheet_prints_on_a4_landscape_one_page_wide(questionnaire):
    workbook = load(export(questionnaire))
    sheets = [workbook[INSTRUCTIONS_TITLE], *answer_sheets(workbook)]
    assert len(sheets) == 3
    for sheet in sheets:
        setup = sheet.page_setup
        assert (str(setup.paperSize), setup.orientation) == (sheet.PAPERSIZE_A4, "landscape")
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert setup.fitToWidth == 1
    # The instructions on one page; answer sheets as many pages down as needed,
    # each repeating the header row.
    assert workbook[INSTRUCTIONS_TITLE].page_setup.fitToHeight == 1
    for sheet in answer_sheets(workbook):
        assert sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows == "$1:$1"


def test_rows_are_tall_enough_for_the_wrapped_question(questionnaire):
    """設問 is 48 columns wide: about 21 CJK characters a line at the usable width."""
    indicator = questionnaire.round.edition.indicators.get(code="TXT-01")
    indicator.question = "住民が行政手続をオンラインで完結できるよう、" * 10
    indicator.save()
    workbook = load(export(questionnaire))
    sheet, row = find_row(workbook, "TXT-01")
    assert len(indicator.question) == 220
    # 220 characters of double width in 48 × 0.9 columns: 11 lines, at 19 pt each.
    assert sheet.row_dimensions[row].height == 11 * writing.LINE_HEIGHT + writing.ROW_PADDING
    # A maturity row is as tall as its rubric (five levels, some wrapping) needs.
    _sheet, maturity = find_row(workbook, "STD-01")
    options = cell(workbook, "STD-01", "options").value
    assert options.count("\n") == 4
    assert sheet.row_dimensions[maturity].height == writing.row_height([(options, 40)])
    assert sheet.row_dimensions[maturity].height >= 5 * writing.LINE_HEIGHT
    # The header row wraps 「版（変更しないでください）」 in its 10-column cell.
    assert sheet.row_dimensions[1].height == 3 * writing.LINE_HEIGHT + writing.ROW_PADDING


def test_row_height_counts_cjk_characters_double_and_each_line():
    assert writing.row_height([("a" * 40, 48)]) is None  # fits one line: default height
    assert writing.row_height([("あ" * 40, 48)]) == 2 * writing.LINE_HEIGHT + writing.ROW_PADDING
    assert writing.row_height([("a\nb\nc", 48), ("x", 10)]) == (
        3 * writing.LINE_HEIGHT + writing.ROW_PADDING
    )
    assert writing.row_height([("あ" * 5000, 10)]) == writing.ROW_HEIGHT_MAX
