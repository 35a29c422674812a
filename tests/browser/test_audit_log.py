"""A coordinator opens the municipality's audit log, filters it and downloads it."""

import datetime

from django.urls import reverse
from playwright.sync_api import expect

from audit.models import AuditAction, AuditEvent
from tests.browser.test_rounds import _sign_in

LATE_NIGHT = datetime.datetime(2026, 4, 1, 15, 30, tzinfo=datetime.UTC)  # 2 April 00:30 JST


def test_coordinator_filters_the_audit_log(page, personas, assert_accessible, tmp_path):
    a, c = personas.municipality_a, personas.municipality_c
    AuditEvent.objects.create(
        action=AuditAction.EXPORT, municipality=a, time=LATE_NIGHT, target="round 1 answers.csv"
    )
    AuditEvent.objects.create(
        action=AuditAction.ANSWER_CHANGED,
        municipality=a,
        time=LATE_NIGHT,
        actor_email=personas.respondent_a.email,
        target="questionnaire 1 STD-01",
        detail={"changes": {"level": [2, 3]}},
    )
    AuditEvent.objects.create(action=AuditAction.EXPORT, municipality=c, target="other town")

    _sign_in(page, personas.coordinator_a)
    page.goto(reverse("municipalities:overview", args=[a.code]))
    page.get_by_role("link", name="監査ログを見る").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("監査ログ")
    table = page.get_by_role("table")
    expect(table).to_contain_text("level: 2 → 3")
    expect(table).to_contain_text("2026-04-02 00:30:00")
    expect(table).not_to_contain_text("other town")
    assert_accessible()

    page.get_by_label("操作").select_option(label="データの書き出し")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("監査ログ")
    expect(table).to_contain_text("round 1 answers.csv")
    expect(table).not_to_contain_text("questionnaire 1 STD-01")
    assert_accessible()

    with page.expect_download() as info:
        page.get_by_role("link", name="この条件でCSVを書き出す").click()
    info.value.save_as(tmp_path / "audit.csv")
    text = (tmp_path / "audit.csv").read_bytes().decode("utf-8-sig")
    assert "round 1 answers.csv" in text and "STD-01" not in text
