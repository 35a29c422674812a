"""Reviewing a long questionnaire (issue 11, point 6): evidence on the review page, the action
bar, and comments on single indicators that the respondent sees beside them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.coordination import CoordinationError, questionnaire_return
from assessments.evidence import evidence_upload
from assessments.models import IndicatorComment, QuestionnaireEventKind, QuestionnaireStatus
from assessments.return_comments import return_comments
from assessments.submitting import questionnaire_submit
from audit.models import AuditAction, AuditEvent
from dxportal.text_limits import COMMENT_MAX
from frameworks.models import AnswerType
from tests.assessment_factories import AnswerFactory
from tests.assessments.test_coordination_progress import REVIEW_PAGE_QUERIES, _round_with
from tests.frontend.page import Page

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
SHARE_PATH = r"\\fileserver01\dx推進課\令和8年度\計画.pdf"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _answer_all(questionnaire, user):
    """Answer what the department has not answered yet, so that it can be submitted."""
    answered = set(questionnaire.answers.values_list("indicator_id", flat=True))
    for assignment in questionnaire.round.assignments.filter(
        department=questionnaire.department
    ).select_related("indicator"):
        indicator = assignment.indicator
        if indicator.pk in answered:
            continue
        values = (
            {"choice_code": indicator.choices.order_by("order").last().code}
            if indicator.answer_type == AnswerType.CHOICE
            else {"level": 3}
        )
        AnswerFactory(questionnaire=questionnaire, indicator=indicator, updated_by=user, **values)


@pytest.fixture
def submitted(questionnaire, personas):
    _answer_all(questionnaire, personas.respondent_a)
    std01 = questionnaire.answers.get(indicator__code="STD-01")
    std01.evidence_url = SHARE_PATH
    std01.save()
    std02 = questionnaire.answers.get(indicator__code="STD-02")
    std02.evidence_url = "https://docs.example.lg.jp/dx/plan"
    std02.save()
    evidence_upload(
        questionnaire=questionnaire,
        indicator=std01.indicator,
        upload=SimpleUploadedFile("推進計画.pdf", PDF, content_type="application/pdf"),
        user=personas.respondent_a,
    )
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    questionnaire.refresh_from_db()
    return questionnaire


def _review_url(questionnaire) -> str:
    return reverse(
        "rounds:review",
        kwargs={
            "code": questionnaire.round.municipality.code,
            "round_id": questionnaire.round_id,
            "questionnaire_id": questionnaire.pk,
        },
    )


def _area_url(questionnaire, area_code: str) -> str:
    return reverse("questionnaires:area", args=[questionnaire.pk, area_code])


def _note(questionnaire, code: str) -> str:
    return f"note_{questionnaire.round.edition.indicators.get(code=code).pk}"


# --- evidence on the review page ---------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator_a", "consultant"])
def test_review_lists_evidence_files_with_the_protected_download(
    client, personas, submitted, persona
):
    client.force_login(getattr(personas, persona))
    page = Page(client.get(_review_url(submitted)).content.decode())
    evidence = submitted.answers.get(indicator__code="STD-01").files.get()
    download = reverse("questionnaires:evidence_download", args=[submitted.pk, evidence.pk])
    links = [a for a in page.all("a") if a.attrs.get("href") == download]
    assert len(links) == 1 and links[0].text == "推進計画.pdf"
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


def test_evidence_locations_are_text_to_copy_never_links(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    page = Page(client.get(_review_url(submitted)).content.decode())
    shown = {code.attrs["id"]: code.text for code in page.all("code", class_="copy-text__value")}
    assert shown == {
        "evidence-location-STD-01": SHARE_PATH,
        "evidence-location-STD-02": "https://docs.example.lg.jp/dx/plan",
    }
    buttons = page.all("button", type="button")
    targets = {b.attrs.get("data-copy-target") for b in buttons}
    assert {"evidence-location-STD-01", "evidence-location-STD-02"} <= targets
    hrefs = [a.attrs.get("href") or "" for a in page.all("a")]
    assert len(hrefs) > 0
    assert all("docs.example.lg.jp" not in href and "fileserver01" not in href for href in hrefs)


# --- the action bar ------------------------------------------------------------------------


def test_the_buttons_sit_in_one_bar_at_the_end_of_the_form_that_holds_the_answers(
    client, personas, submitted
):
    client.force_login(personas.coordinator_a)
    html = client.get(_review_url(submitted)).content.decode()
    form_start = html.index('<form method="post" novalidate class="review-form"')
    form_end = html.index("</form>", form_start)
    bar = html.index('class="review-actions"', form_start)
    # Every answer row and both comment fields are inside the form, before the bar.
    first_row, last_row = html.index('id="review-indicator-'), html.rindex('id="review-indicator-')
    assert form_start < first_row < last_row < bar < form_end
    bar_html = html[bar:form_end]
    for button in ("承認する", "差し戻す", "再開する"):
        assert bar_html.count(f">{button}</button>") == 1
    assert html[:form_start].count('name="action"') == 0
    # A link at the top takes keyboard users to the bar.
    assert html.index('href="#review-actions"') < form_start


def test_consultants_get_the_answers_without_form_or_bar(client, personas, submitted):
    client.force_login(personas.consultant)
    html = client.get(_review_url(submitted)).content.decode()
    assert 'class="review-actions"' not in html and "note_" not in html
    assert SHARE_PATH in html


# --- comments on single indicators ---------------------------------------------------------


def test_returning_with_indicator_comments_stores_them_with_the_return(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _review_url(submitted),
        {
            "action": "return",
            "comment": "2点直してください。",
            _note(submitted, "STD-01"): "ファイル共有の場所を、計画書そのものにしてください。",
            _note(submitted, "STD-03"): "  ",  # blank boxes are no comment
            _note(submitted, "CHO-01"): "導入範囲を確認してください。",
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.RETURNED
    assert submitted.review_comment == "2点直してください。"
    event = submitted.events.get(kind=QuestionnaireEventKind.RETURNED)
    stored = {c.indicator.code: c.comment for c in event.indicator_comments.all()}
    assert stored == {
        "STD-01": "ファイル共有の場所を、計画書そのものにしてください。",
        "CHO-01": "導入範囲を確認してください。",
    }
    audit = AuditEvent.objects.get(action=AuditAction.QUESTIONNAIRE_RETURNED)
    assert sorted(audit.detail["indicator_comments"]) == ["CHO-01", "STD-01"]

    # The review page shows them beside the indicators and in the history.
    page = Page(client.get(_review_url(submitted)).content.decode())
    returned = [d.text for d in page.all("div", class_="review-table__returned small")]
    assert len(returned) == 2
    assert any("計画書そのもの" in text for text in returned)
    history = page.one("ul", class_="ms-3 border-start ps-3 small review-history__notes").text
    assert "STD-01" in history and "CHO-01" in history


def test_indicator_comments_alone_are_enough_to_return(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _review_url(submitted),
        {"action": "return", "comment": "", _note(submitted, "STD-02"): "根拠のURLが開けません。"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.RETURNED and submitted.review_comment == ""
    assert IndicatorComment.objects.get().indicator.code == "STD-02"


def test_a_return_with_no_comment_anywhere_is_refused(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(_review_url(submitted), {"action": "return", "comment": " "})
    assert response.status_code == 400
    assert "差戻しの理由を入力してください" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED


def test_approving_with_indicator_comments_is_refused_rather_than_dropping_them(
    client, personas, submitted
):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _review_url(submitted),
        {"action": "approve", "comment": "", _note(submitted, "STD-01"): "確認済み"},
    )
    assert response.status_code == 400
    assert "承認・再開するときは指標ごとのコメントを空にしてください" in response.content.decode()
    # What was typed is still in its box, shown open.
    html = response.content.decode()
    assert "確認済み</textarea>" in html
    assert html.count('<details class="review-table__note-box" open>') == 1
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert not IndicatorComment.objects.exists()


def test_an_overlong_indicator_comment_is_refused_and_nothing_changes(client, personas, submitted):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _review_url(submitted),
        {"action": "return", "comment": "x", _note(submitted, "STD-01"): "あ" * (COMMENT_MAX + 1)},
    )
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert not IndicatorComment.objects.exists()


def test_the_service_refuses_a_comment_on_an_indicator_the_department_does_not_answer(
    personas, submitted
):
    outside = submitted.round.edition.indicators.get(code="CNT-01")  # towns and villages only
    with pytest.raises(CoordinationError, match="この部署が回答しない指標"):
        questionnaire_return(
            questionnaire=submitted,
            user=personas.coordinator_a,
            comment="x",
            indicator_comments={outside: "直してください"},
        )
    submitted.refresh_from_db()
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert not IndicatorComment.objects.exists()


def _return_with_notes(submitted, personas, notes: dict[str, str], comment="全体のコメント"):
    indicators = submitted.round.edition.indicators
    return questionnaire_return(
        questionnaire=submitted,
        user=personas.coordinator_a,
        comment=comment,
        indicator_comments={indicators.get(code=code): text for code, text in notes.items()},
    )


def test_the_respondent_sees_each_comment_beside_its_indicator(client, personas, submitted):
    _return_with_notes(submitted, personas, {"STD-01": "計画書の版を確かめてください。"})
    std01 = submitted.round.edition.indicators.get(code="STD-01")
    client.force_login(personas.respondent_a)
    html = client.get(_area_url(submitted, std01.area.code)).content.decode()
    block = html.index(f'<div class="indicator" id="indicator-{std01.pk}">')
    note = html.index(f'id="return-comment-{std01.pk}"')
    answer = html.index(f'id="answer-{std01.pk}"')
    assert block < note < answer  # above the indicator's own form
    assert "計画書の版を確かめてください。" in html[note:answer]
    assert html.count('class="alert alert-warning return-comment"') == 1
    # The overall comment stays at the top of the page.
    assert "全体のコメント" in html[:block]


def test_the_returned_overview_lists_the_comments_with_links(client, personas, submitted):
    _return_with_notes(
        submitted, personas, {"STD-02": "URLを直してください。", "STD-01": "版を確かめて。"}
    )
    client.force_login(personas.respondent_a)
    page = Page(client.get(reverse("questionnaires:detail", args=[submitted.pk])).content.decode())
    items = page.one("ul", **{"aria-labelledby": "return-comments-title"})
    assert "URLを直してください。" in items.text and "版を確かめて。" in items.text
    # In catalogue order, each linked to its indicator on its area page.
    assert items.text.index("STD-01") < items.text.index("STD-02")
    std02 = submitted.round.edition.indicators.get(code="STD-02")
    expected = f"{_area_url(submitted, std02.area.code)}#indicator-{std02.pk}"
    assert expected in {a.attrs.get("href") for a in page.all("a")}
    assert (
        "全体のコメント" in page.one("section", class_="alert alert-warning returned-comment").text
    )


def test_only_the_latest_return_counts_and_only_while_returned(client, personas, submitted):
    _return_with_notes(submitted, personas, {"STD-01": "一回目"})
    questionnaire_submit(questionnaire=submitted, user=personas.respondent_a)
    _return_with_notes(submitted, personas, {"STD-02": "二回目"})
    assert [c.comment for c in return_comments(submitted).values()] == ["二回目"]
    questionnaire_submit(questionnaire=submitted, user=personas.respondent_a)
    submitted.refresh_from_db()
    assert return_comments(submitted) == {}
    client.force_login(personas.respondent_a)
    std02 = submitted.round.edition.indicators.get(code="STD-02")
    html = client.get(_area_url(submitted, std02.area.code)).content.decode()
    assert "return-comment" not in html
    # Both stay in the review history.
    client.force_login(personas.coordinator_a)
    history = Page(client.get(_review_url(submitted)).content.decode()).all(
        "ul", class_="ms-3 border-start ps-3 small review-history__notes"
    )
    assert [h.text for h in history] == ["STD-01：一回目", "STD-02：二回目"]


# --- query counts --------------------------------------------------------------------------


@pytest.mark.parametrize(("departments", "indicators"), [(1, 2), (3, 12)])
def test_a_returned_questionnaires_pages_queries_do_not_grow_with_its_comments(
    client, personas, django_assert_num_queries, departments, indicators
):
    round_ = _round_with(personas, departments=departments, indicators=indicators)
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    _answer_all(questionnaire, personas.respondent_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    assigned = [a.indicator for a in round_.assignments.filter(department=personas.department_a)]
    questionnaire_return(
        questionnaire=questionnaire,
        user=personas.coordinator_a,
        comment="",
        indicator_comments={indicator: f"{indicator.code}を直す" for indicator in assigned},
    )
    client.force_login(personas.coordinator_a)
    # The latest return's comments, and the comments of the events in the history.
    with django_assert_num_queries(REVIEW_PAGE_QUERIES + 2):
        response = client.get(_review_url(questionnaire))
    assert response.content.decode().count("review-table__returned") == len(assigned)
