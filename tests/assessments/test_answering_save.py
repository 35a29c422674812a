"""Saving one indicator's answer: parse → save → reload for every answer type, errors next to
their field, conflicts, idempotent retries, locks, CSRF and escaping."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.models import (
    Answer,
    AnswerChange,
    Assignment,
    QuestionnaireStatus,
    RoundStatus,
)
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page


@pytest.fixture
def all_types(personas):
    """Municipality A's open round; every indicator is department_a's (respondent_a)."""
    return open_all_types(personas)


def _post(client, all_types, code, data, *, htmx=True, base_version=None):
    if base_version is None:
        answer = Answer.objects.filter(
            questionnaire=all_types.questionnaire, indicator__code=code
        ).first()
        base_version = answer.version if answer else 0
    return client.post(
        all_types.save_url(code), {"base_version": base_version, **data}, **(HTMX if htmx else {})
    )


def _answer(all_types, code) -> Answer | None:
    return (
        Answer.objects.filter(questionnaire=all_types.questionnaire, indicator__code=code)
        .select_related("choice")
        .first()
    )


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


# --- parse → save → reload ---------------------------------------------------------------

CASES = [
    # code, posted, stored (field: value), what the reloaded page shows
    ("MAT-01", {"level": "2", "target_level": "4"}, {"level": 2, "target_level": 4}, None),
    ("MAT-01", {"level": "２"}, {"level": 2, "target_level": None}, None),
    ("YES-01", {"yes": "yes"}, {"yes": True}, None),
    ("YES-01", {"yes": "no"}, {"yes": False}, None),
    ("PCT-01", {"number": "７５"}, {"number": Decimal("75")}, ('name="number"', 'value="75"')),
    (
        "PCT-01",
        {"number": "12.5％"},
        {"number": Decimal("12.5")},
        ('name="number"', 'value="12.5"'),
    ),
    ("CNT-01", {"number": "１２"}, {"number": Decimal("12")}, ('name="number"', 'value="12"')),
    ("CHO-01", {"choice_code": "partial"}, {"choice_code": "partial"}, None),
    ("TXT-01", {"text": "窓口の混雑"}, {"text": "窓口の混雑"}, None),
]


@pytest.mark.parametrize(("code", "posted", "stored", "shown"), CASES)
def test_every_answer_type_is_saved_and_shown_again(
    respondent,
    all_types,
    code,
    posted,
    stored,
    shown,
):
    response = _post(respondent, all_types, code, posted)
    assert response.status_code == 200, response.content.decode()[:500]
    assert "保存しました" in response.content.decode()
    assert response["DX-Answer-State"] == "normal"
    assert response["DX-Answer-Version"] == "1"

    answer = _answer(all_types, code)
    assert answer.version == 1
    for name, value in stored.items():
        if name == "choice_code":
            assert answer.choice.code == value
        else:
            assert getattr(answer, name) == value

    page = Page(respondent.get(all_types.area_url()).content.decode())
    indicator = all_types.indicator(code)
    if "level" in posted:
        checked = page.one("input", id=f"a{indicator.pk}-level-{stored['level']}")
        assert "checked" in checked.attrs
    if "yes" in posted:
        index = 0 if stored["yes"] else 1
        assert "checked" in page.one("input", id=f"a{indicator.pk}-yes-{index}").attrs
    if "choice_code" in posted:
        assert "checked" in page.one("input", id=f"a{indicator.pk}-choice_code-1").attrs
    if "text" in posted:
        assert page.one("textarea", id=f"a{indicator.pk}-text").text == stored["text"]
    if shown:
        field = page.one("input", id=f"a{indicator.pk}-number")
        assert field.attrs["value"] == shown[1].split('"')[1]


def test_the_partial_carries_the_new_version_progress_and_status(respondent, all_types):
    html = _post(respondent, all_types, "MAT-01", {"level": "1"}).content.decode()
    page = Page(html)
    indicator = all_types.indicator("MAT-01")
    assert page.one("input", name="base_version").attrs["value"] == "1"
    status = page.one("p", id=f"status-{indicator.pk}")
    assert status.attrs["hx-swap-oob"] == "innerHTML"
    assert re.fullmatch(r"保存しました（\d\d:\d\d）", status.text)
    progress = page.one("div", id="progress-summary")
    assert progress.attrs["hx-swap-oob"] == "true"
    assert "1 / 6問 回答済み（16%）" in progress.text  # this area
    assert "1 / 7問 回答済み（14%）" in progress.text  # the whole questionnaire


def test_without_javascript_the_save_redirects_back_to_the_indicator(respondent, all_types):
    indicator = all_types.indicator("YES-01")
    response = _post(respondent, all_types, "YES-01", {"yes": "yes"}, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"{all_types.area_url()}#indicator-{indicator.pk}"
    page = respondent.get(response["Location"]).content.decode()
    assert "YES-01: 保存しました" in page


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "posted", "field", "message"),
    [
        ("PCT-01", {"number": "１５０"}, "number", "0から100までの数値で入力してください"),
        ("PCT-01", {"number": "abc"}, "number", "数値で入力してください"),
        ("CNT-01", {"number": "-3"}, "number", "0以上の整数で入力してください"),
        ("MAT-01", {"level": "9"}, "level", "0から4までの整数で選んでください"),
        ("CHO-01", {"choice_code": "bogus"}, "choice_code", "選択肢から選んでください"),
        ("YES-01", {"evidence_url": "javascript:alert(1)"}, "evidence_url", "http:// または"),
    ],
)
def test_an_invalid_field_is_refused_next_to_it_and_nothing_is_saved(
    respondent,
    all_types,
    code,
    posted,
    field,
    message,
):
    for htmx in (True, False):
        response = _post(respondent, all_types, code, {**posted, "comment": "残す"}, htmx=htmx)
        assert response.status_code == 400
        page = Page(response.content.decode())
        prefix = f"a{all_types.indicator(code).pk}"
        error = page.one("p", id=f"{prefix}-{field}-error")
        assert message in error.text
        if field in ("number", "evidence_url"):
            control = page.one("input", id=f"{prefix}-{field}")
            assert control.attrs["aria-invalid"] == "true"
            assert f"{prefix}-{field}-error" in control.attrs["aria-describedby"].split()
            # What was typed stays in the field.
            assert control.attrs["value"] == posted[field]
        else:
            group = next(
                e
                for e in page.all("fieldset")
                if e.attrs.get("aria-describedby") == f"{prefix}-{field}-error"
            )
            assert group is not None
        assert page.one("textarea", id=f"{prefix}-comment").text == "残す"
    assert not Answer.objects.exists()
    assert not AnswerChange.objects.exists()


def test_not_applicable_needs_a_reason(respondent, all_types):
    response = _post(respondent, all_types, "MAT-01", {"not_applicable": "on"})
    assert response.status_code == 400
    assert "「該当しない」とする理由を入力してください" in response.content.decode()
    assert not Answer.objects.exists()

    response = _post(
        respondent,
        all_types,
        "MAT-01",
        {"not_applicable": "on", "not_applicable_reason": "本市には該当する施設がない"},
    )
    assert response.status_code == 200
    answer = _answer(all_types, "MAT-01")
    assert answer.not_applicable and answer.is_answered
    assert answer.not_applicable_reason == "本市には該当する施設がない"


def test_a_missing_base_version_is_refused(respondent, all_types):
    response = respondent.post(all_types.save_url("MAT-01"), {"level": "1"}, **HTMX)
    assert response.status_code == 400
    assert "ページを再読み込み" in response.content.decode()
    assert not Answer.objects.exists()


# --- conflicts and retries ---------------------------------------------------------------


def test_a_stale_save_is_a_conflict_showing_both_values_and_nothing_is_overwritten(
    personas,
    all_types,
):
    first, second = Client(), Client()
    first.force_login(personas.respondent_a)
    second.force_login(personas.respondent_a)
    personas.respondent_a.display_name = "山田 花子"
    personas.respondent_a.save()

    # Both start from version 0.
    assert _post(first, all_types, "PCT-01", {"number": "40"}, base_version=0).status_code == 200
    response = _post(
        second, all_types, "PCT-01", {"number": "90", "comment": "私の見立て"}, base_version=0
    )
    assert response.status_code == 409
    assert response["DX-Answer-State"] == "conflict"
    page = Page(response.content.decode())
    table = page.one("table")
    assert "あなたの入力" in table.text
    assert "他の人が保存した内容（山田 花子・" in table.text
    rows = {r.text for r in page.all("tr")}
    assert any("割合（%）" in r and "90%" in r and "40%" in r and "違いあり" in r for r in rows)
    assert any("コメント" in r and "私の見立て" in r for r in rows)
    # Keep mine re-posts my values on top of theirs; take theirs reloads the stored block.
    keep = page.one("form", **{"data-answer-action": "keep"})
    assert keep.attrs["hx-post"] == all_types.save_url("PCT-01")
    hidden = {e.attrs["name"]: e.attrs["value"] for e in page.all("input", type="hidden")}
    assert hidden["number"] == "90"
    assert hidden["base_version"] == "1"
    assert (
        page.one("a", **{"data-answer-action": "reload"}).attrs["hx-select"].startswith("#answer-")
    )

    answer = _answer(all_types, "PCT-01")
    assert answer.number == Decimal("40") and answer.version == 1

    # Keeping mine is an explicit save on top of version 1.
    response = _post(second, all_types, "PCT-01", {"number": "90", "comment": "私の見立て"})
    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.number == Decimal("90") and answer.version == 2


def test_a_conflict_without_javascript_shows_the_area_page_with_both_values(
    respondent,
    all_types,
    personas,
):
    _post(respondent, all_types, "YES-01", {"yes": "yes"})
    response = _post(respondent, all_types, "YES-01", {"yes": "no"}, htmx=False, base_version=0)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "他の人が保存した内容" in html
    assert _answer(all_types, "YES-01").yes is True


def test_a_retry_of_a_save_that_went_through_is_a_success(respondent, all_types):
    data = {"level": "3", "target_level": "4", "comment": "全庁展開済み"}
    assert _post(respondent, all_types, "MAT-01", data, base_version=0).status_code == 200
    # The response was lost; the browser retries the same post from version 0.
    response = _post(respondent, all_types, "MAT-01", data, base_version=0)
    assert response.status_code == 200
    assert "保存しました" in response.content.decode()
    assert response["DX-Answer-Version"] == "1"
    assert _answer(all_types, "MAT-01").version == 1
    assert AnswerChange.objects.count() == 1


# --- locks, methods, CSRF, scope ---------------------------------------------------------


@pytest.mark.parametrize("status", [QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.APPROVED])
def test_a_locked_questionnaire_refuses_saves_and_shows_disabled_inputs(
    respondent,
    all_types,
    status,
):
    _post(respondent, all_types, "YES-01", {"yes": "yes"})
    all_types.questionnaire.status = status
    all_types.questionnaire.save()
    response = _post(respondent, all_types, "YES-01", {"yes": "no"})
    assert response.status_code == 409
    assert response["DX-Answer-State"] == "locked"
    assert "変更できません" in response.content.decode()
    assert _answer(all_types, "YES-01").yes is True
    assert AnswerChange.objects.count() == 1

    page = Page(respondent.get(all_types.area_url()).content.decode())
    fieldsets = page.all("fieldset", class_="answer__fieldset")
    assert fieldsets and all("disabled" in f.attrs for f in fieldsets)
    assert not [form for form in page.all("form") if "data-autosave" in form.attrs]
    assert "autosave.js" not in page.html


def test_a_closed_round_refuses_saves(respondent, all_types):
    all_types.round.status = RoundStatus.CLOSED
    all_types.round.save()
    response = _post(respondent, all_types, "YES-01", {"yes": "no"})
    assert response.status_code == 409
    assert "締め切られて" in response.content.decode()
    assert not Answer.objects.exists()


def test_get_never_saves(respondent, all_types):
    response = respondent.get(all_types.save_url("YES-01"), {"yes": "yes", "base_version": 0})
    assert response.status_code == 405
    assert not Answer.objects.exists()


def test_csrf_is_enforced_on_the_save_url(personas, all_types):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.respondent_a)
    data = {"yes": "yes", "base_version": 0}
    assert client.post(all_types.save_url("YES-01"), data, **HTMX).status_code == 403
    assert not Answer.objects.exists()
    # The page hands out the token; htmx sends it as X-CSRFToken (base.html's hx-headers).
    client.get(all_types.area_url())
    token = client.cookies["csrftoken"].value
    response = client.post(all_types.save_url("YES-01"), data, HTTP_X_CSRFTOKEN=token, **HTMX)
    assert response.status_code == 200
    assert _answer(all_types, "YES-01").yes is True


def test_people_outside_the_department_cannot_save(client, personas, all_types):
    for persona in ("respondent_c", "coordinator_a", "consultant", "coordinator_c", "admin"):
        client.force_login(getattr(personas, persona))
        response = _post(client, all_types, "YES-01", {"yes": "yes"})
        assert response.status_code == 404, persona
    assert not Answer.objects.exists()


def test_an_indicator_not_assigned_to_the_department_is_not_found(respondent, all_types):
    Assignment.objects.filter(round=all_types.round, indicator__code="MAT-02").delete()
    assert _post(respondent, all_types, "MAT-02", {"level": "1"}).status_code == 404
    assert _post(respondent, all_types, "NOPE-01", {"level": "1"}).status_code == 404
    assert not Answer.objects.exists()


def test_fields_outside_the_answer_are_not_client_writable(respondent, all_types):
    response = _post(
        respondent,
        all_types,
        "YES-01",
        {"yes": "yes", "version": "99", "updated_by": "1", "status": "approved"},
    )
    assert response.status_code == 200
    answer = _answer(all_types, "YES-01")
    assert answer.version == 1
    all_types.questionnaire.refresh_from_db()
    assert all_types.questionnaire.status == QuestionnaireStatus.IN_PROGRESS


# --- escaping ----------------------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_free_text_is_escaped_in_the_page_and_in_the_partial(respondent, all_types):
    partial = _post(respondent, all_types, "TXT-01", {"text": XSS, "comment": XSS}).content.decode()
    page = respondent.get(all_types.area_url()).content.decode()
    for html in (partial, page):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html

    # Also in the conflict view, which shows both sides.
    answer_save(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("TXT-01"),
        values=AnswerValues(text="別の記述", comment=XSS),
        base_version=1,
        user=all_types.round.created_by,
    )
    conflict = _post(
        respondent, all_types, "TXT-01", {"text": XSS}, base_version=1
    ).content.decode()
    assert "他の人が保存した内容" in conflict
    assert "<script>alert" not in conflict and "<img src=x" not in conflict
