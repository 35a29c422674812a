"""A coordinator opens the municipality's audit log, reads what happened in words, finds their
people's sign-ins with the filter (never another municipality's) and downloads the same."""

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from audit.models import AuditAction, AuditEvent
from audit.recording import record
from tests.assessments.conftest import make_open_round
from tests.browser.test_rounds import _sign_in

LATE_NIGHT = datetime.datetime(2026, 4, 1, 15, 30, tzinfo=datetime.UTC)  # 2 April 00:30 JST


def test_coordinator_reads_and_filters_the_audit_log(page, personas, assert_accessible, tmp_path):
    a = personas.municipality_a
    round_ = make_open_round(personas)
    indicator = round_.edition.indicators.prefetch_related("levels", "choices").get(code="CHO-01")
    answer_save(
        questionnaire=round_.questionnaires.get(department=personas.department_a),
        indicator=indicator,
        values=AnswerValues(choice_code="partial"),
        base_version=0,
        user=personas.respondent_a,
    )
    # An event recorded before events kept names: it still reads, from what it has.
    AuditEvent.objects.create(
        action=AuditAction.EXPORT, municipality=a, time=LATE_NIGHT, target="round 1 answers.csv"
    )
    record(AuditAction.LOGIN, user=personas.respondent_c)  # another municipality's person
    _sign_in(page, personas.respondent_a)  # one of A's people signs in…
    page.context.clear_cookies()
    _sign_in(page, personas.coordinator_a)  # …and so does the coordinator, who reads the log

    page.goto(reverse("municipalities:overview", args=[a.code]))
    page.get_by_role("link", name="監査ログを見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("監査ログ")
    table = page.get_by_role("table")
    expect(table).to_contain_text(
        "DX推進課の2026年度（令和8年度）の調査票のCHO-01 電子申請システムの導入状況を選んでください。"
        "の回答を変更しました：選択肢：（なし） → 一部で導入"
    )
    expect(table).to_contain_text("2026年度（令和8年度）の評価ラウンドを始めました")
    expect(table).to_contain_text("「round 1 answers.csv」を書き出しました。")
    expect(table).to_contain_text("2026-04-02 00:30:00")
    expect(table).not_to_contain_text("questionnaire")
    expect(table).not_to_contain_text(personas.respondent_c.email)
    assert_accessible()

    page.get_by_label("操作").select_option(label="サインイン")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("監査ログ")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)  # the respondent's sign-in and the coordinator's
    expect(rows.filter(has_text=personas.respondent_a.email)).to_contain_text(
        "サインインしました。"
    )
    expect(rows.filter(has_text=personas.coordinator_a.email)).to_have_count(1)
    expect(table).not_to_contain_text("回答を変更しました")
    expect(table).not_to_contain_text(personas.respondent_c.email)
    assert_accessible()

    with page.expect_download() as info:
        page.get_by_role("link", name="この条件でCSVを書き出す").click()
    info.value.save_as(tmp_path / "audit.csv")
    text = (tmp_path / "audit.csv").read_bytes().decode("utf-8-sig")
    assert text.count("サインインしました。") == 2
    assert personas.respondent_a.email in text and "回答を変更しました" not in text
