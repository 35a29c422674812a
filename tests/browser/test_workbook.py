"""A respondent answers in Excel: download, fill, upload, check the preview, apply."""

from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Answer, AnswerChange
from tests.assessments.workbook_support import fill, make_workbook_round
from tests.browser.test_departments import _sign_in


def test_respondent_round_trips_the_questionnaire_through_excel(
    page, personas, assert_accessible, tmp_path
):
    questionnaire = make_workbook_round(personas)
    _sign_in(page, personas.respondent_a)
    page.goto(reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk}))
    expect(page.get_by_role("heading", level=1)).to_have_text("Excelで回答を取り込む")
    assert_accessible()

    with page.expect_download() as info:
        page.get_by_role("link", name="Excelファイルをダウンロード").click()
    download = info.value
    assert download.suggested_filename.endswith("_DX推進課_2026年度.xlsx")
    exported = tmp_path / "exported.xlsx"
    download.save_as(exported)

    filled = tmp_path / "記入済み.xlsx"
    filled.write_bytes(
        fill(
            exported.read_bytes(),
            {
                "STD-01": {"level": "3: 全庁で実施", "target_level": "４: 継続的に改善"},
                "PCT-01": {"answer": "６０"},
                "TXT-01": {"comment": '=HYPERLINK("http://x","y") と書いた'},
            },
        )
    )
    page.get_by_label("Excelファイル").set_input_files(filled)
    page.get_by_role("button", name="アップロードして確認する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("取り込む内容の確認")
    changes = page.get_by_role("table", name="変更される回答（3件）")
    expect(changes).to_contain_text("3: 全庁で実施")
    expect(changes).to_contain_text("60%")
    assert not Answer.objects.exists()
    assert_accessible()

    page.get_by_role("button", name="この内容で反映する").click()
    expect(page.get_by_role("status")).to_contain_text("3 件の回答を反映しました")
    answers = {a.indicator.code: a for a in Answer.objects.select_related("indicator")}
    assert (answers["STD-01"].level, answers["STD-01"].target_level) == (3, 4)
    assert answers["PCT-01"].number == 60
    assert answers["TXT-01"].comment.startswith("=HYPERLINK(")
    assert set(AnswerChange.objects.values_list("via", flat=True)) == {"excel"}
    assert_accessible()
    page.get_by_role("navigation", name="パンくずリスト").get_by_role(
        "link", name="DX推進課の調査票"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DX推進課")


def test_a_broken_file_is_explained_on_the_page(page, personas, assert_accessible, tmp_path):
    questionnaire = make_workbook_round(personas)
    _sign_in(page, personas.respondent_a)
    page.goto(reverse("workbooks:upload", kwargs={"questionnaire_id": questionnaire.pk}))
    image = tmp_path / "photo.xlsx"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(500))
    page.get_by_label("Excelファイル").set_input_files(image)
    page.get_by_role("button", name="アップロードして確認する").click()
    expect(page.get_by_role("alert")).to_contain_text("Excelブック（.xlsx）ではありません")
    assert_accessible()
