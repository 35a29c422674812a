"""My questionnaires, the home page section, the overview, the area page (read-only views,
query counts), submission and the answer history."""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import answer_markup
from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.evidence import evidence_upload
from assessments.models import (
    Answer,
    AnswerChange,
    Assignment,
    Questionnaire,
    QuestionnaireEvent,
    QuestionnaireEventKind,
    QuestionnaireStatus,
    RoundStatus,
)
from assessments.my_work import load_progress, load_sheet, my_questionnaires
from assessments.progress import questionnaire_progress, unanswered_required
from assessments.submitting import SubmitError, questionnaire_submit
from frameworks.models import AnswerType
from tests.assessment_factories import AnswerFactory
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page


@pytest.fixture
def all_types(personas):
    """Municipality A's open round; every indicator is department_a's (respondent_a)."""
    return open_all_types(personas)


def _save(all_types, personas, code, user=None, **values):
    indicator = all_types.indicator(code)
    answer = all_types.questionnaire.answers.filter(indicator=indicator).first()
    return answer_save(
        questionnaire=all_types.questionnaire,
        indicator=indicator,
        values=AnswerValues(**values),
        base_version=answer.version if answer else 0,
        user=user or personas.respondent_a,
    ).answer


def _answer_all_but_text(all_types, personas):
    _save(all_types, personas, "MAT-01", level=2, target_level=3)
    _save(all_types, personas, "YES-01", yes=True)
    _save(all_types, personas, "PCT-01", number=Decimal("75"))
    _save(all_types, personas, "CNT-01", not_applicable=True, not_applicable_reason="専任なし")
    _save(all_types, personas, "CHO-01", choice_code="all")
    _save(all_types, personas, "MAT-02", level=1)


# --- progress (pure) ---------------------------------------------------------------------


def _indicators(spec):
    """[(pk, area_code, area_order, answer_type)] → indicator-like objects."""
    areas = {}
    result = []
    for pk, code, order, answer_type in spec:
        area = areas.setdefault(code, SimpleNamespace(pk=order, code=code, order=order))
        result.append(SimpleNamespace(pk=pk, area=area, area_id=area.pk, answer_type=answer_type))
    return result


def test_progress_counts_per_area_in_catalogue_order_and_overall():
    indicators = _indicators(
        [
            (1, "b", 2, AnswerType.MATURITY),
            (2, "a", 1, AnswerType.MATURITY),
            (3, "a", 1, AnswerType.TEXT),
            (4, "a", 1, AnswerType.CHOICE),
        ]
    )
    progress = questionnaire_progress(indicators, answered_ids={2, 4, 99})
    assert [(a.area.code, a.answered, a.total, a.percent) for a in progress.areas] == [
        ("a", 2, 3, 66),
        ("b", 0, 1, 0),
    ]
    assert (progress.answered, progress.total, progress.percent) == (2, 4, 50)
    assert progress.for_area(1).complete is False
    # Text is optional for submission only.
    assert [i.pk for i in unanswered_required(indicators, {2, 4})] == [1]
    assert questionnaire_progress([], set()).percent == 0


def test_progress_never_rounds_up_to_complete():
    indicators = _indicators([(n, "a", 1, AnswerType.YES_NO) for n in range(300)])
    assert questionnaire_progress(indicators, set(range(299))).percent == 99


def test_the_save_responses_progress_counts_as_the_sheet_does(all_types, personas):
    """load_progress (one query, counted in the database) and Sheet.progress (over the
    loaded answers) apply the same rule: carried answers awaiting confirmation, empty
    rows and answers to indicators no longer assigned do not count."""
    questionnaire = all_types.questionnaire

    def both():
        sheet = load_sheet(questionnaire).progress
        fast = load_progress(questionnaire)
        return [[(a.area.pk, a.answered, a.total) for a in p.areas] for p in (sheet, fast)], fast

    (sheet, fast), _ = both()
    assert sheet == fast
    assert [answered for _area, answered, _total in fast] == [0, 0]

    _answer_all_but_text(all_types, personas)
    Answer.objects.filter(questionnaire=questionnaire, indicator__code="YES-01").update(
        carried_from=Answer.objects.get(questionnaire=questionnaire, indicator__code="MAT-01")
    )
    AnswerFactory(questionnaire=questionnaire, code="TXT-01")  # a row with nothing answered
    Assignment.objects.filter(
        round=questionnaire.round, indicator=all_types.indicator("MAT-02")
    ).delete()
    (sheet, fast), progress = both()
    assert sheet == fast
    assert (progress.answered, progress.total) == (4, 6)  # MAT, PCT, CNT, CHO of area-1
    assert progress.for_area(all_types.area.pk).answered == 4


# --- my questionnaires, home -------------------------------------------------------------


def test_my_questionnaires_lists_the_departments_questionnaires_with_progress(
    client,
    personas,
    all_types,
):
    _save(all_types, personas, "MAT-01", level=2)
    _save(all_types, personas, "YES-01", comment="未回答のまま")  # not answered
    client.force_login(personas.respondent_a)
    page = Page(client.get(reverse("questionnaires:mine")).content.decode())
    row = next(r for r in page.all("tr") if "DX推進課" in r.text)
    assert personas.municipality_a.name in row.text
    assert "2026年度（令和8年度）" in row.text
    assert "回答中" in row.text
    assert "1 / 7問 回答済み（14%）" in row.text
    assert "2099年9月30日" in row.text
    assert "期限超過" not in row.text
    link = page.one("a", href=reverse("questionnaires:detail", args=[all_types.questionnaire.pk]))
    assert link.text == "DX推進課"

    # Others see none of it.
    for persona in ("respondent_c", "coordinator_a", "consultant", "admin"):
        assert my_questionnaires(getattr(personas, persona)) == []


def test_an_overdue_questionnaire_is_highlighted_in_words(client, personas):
    all_types = open_all_types(
        personas, opens_on=datetime.date(2025, 4, 1), closes_on=datetime.date(2025, 6, 30)
    )
    client.force_login(personas.respondent_a)
    page = Page(client.get(reverse("questionnaires:mine")).content.decode())
    row = next(r for r in page.all("tr") if "DX推進課" in r.text)
    assert "期限超過" in row.text
    assert row.attrs["class"] == "my-questionnaires__overdue"
    # A submitted one is not overdue; a closed round is not listed at all.
    all_types.questionnaire.status = QuestionnaireStatus.SUBMITTED
    all_types.questionnaire.save()
    assert not my_questionnaires(personas.respondent_a)[0].overdue
    all_types.round.status = RoundStatus.CLOSED
    all_types.round.save()
    assert my_questionnaires(personas.respondent_a) == []


def test_the_home_page_lists_questionnaires_to_answer(client, personas, all_types):
    client.force_login(personas.respondent_a)
    page = Page(client.get("/").content.decode())
    section = page.one("h3", id="my-questionnaires")
    assert section.text == "回答する調査票"
    assert "0 / 7問 回答済み（0%）" in page.html
    client.force_login(personas.coordinator_a)
    assert 'id="my-questionnaires"' not in client.get("/").content.decode()


def test_my_questionnaires_query_count_does_not_grow(client, personas, django_assert_num_queries):
    open_all_types(personas)
    client.force_login(personas.respondent_a)
    # session, user, memberships, questionnaires, assignments, answers; no session write.
    with django_assert_num_queries(6):
        client.get(reverse("questionnaires:mine"))


# --- overview and read-only access -------------------------------------------------------


def test_the_overview_shows_progress_per_area_and_what_is_unanswered(
    client,
    personas,
    all_types,
):
    _save(all_types, personas, "MAT-01", level=2)
    _save(all_types, personas, "MAT-02", level=1)
    client.force_login(personas.respondent_a)
    page = Page(
        client.get(
            reverse("questionnaires:detail", args=[all_types.questionnaire.pk])
        ).content.decode()
    )
    rows = {r.text for r in page.all("tr")}
    assert any("行政手続のオンライン化" in r and "1 / 6問 回答済み（16%）" in r for r in rows)
    assert any(
        "情報システムの標準化" in r and "1 / 1問 回答済み（100%）" in r and "回答済み" for r in rows
    )
    assert "2 / 7問 回答済み（28%）" in page.html
    assert "未回答の設問が4件あります" in page.html
    assert "TXT-01" in page.one("div", class_="unanswered unanswered--optional").text
    assert page.one("a", href=reverse("questionnaires:submit", args=[all_types.questionnaire.pk]))
    # Every bar has its numbers in words too.
    for bar in page.all("progress"):
        assert page.one("span", id=bar.attrs["aria-describedby"]).text.endswith("%）")


def test_a_returned_questionnaire_shows_the_coordinators_comment_prominently(
    client,
    personas,
    all_types,
):
    questionnaire = all_types.questionnaire
    questionnaire.status = QuestionnaireStatus.RETURNED
    questionnaire.review_comment = "MAT-01の根拠資料を添付してください。<b>至急</b>"
    questionnaire.save()
    QuestionnaireEvent.objects.create(
        questionnaire=questionnaire,
        kind=QuestionnaireEventKind.RETURNED,
        actor=personas.coordinator_a,
        comment=questionnaire.review_comment,
    )
    client.force_login(personas.respondent_a)
    html = client.get(reverse("questionnaires:detail", args=[questionnaire.pk])).content.decode()
    page = Page(html)
    section = page.one("section", class_="alert alert-warning returned-comment")
    assert "差し戻されました" in section.text
    assert "MAT-01の根拠資料を添付してください。" in section.text
    assert personas.coordinator_a.display_name in section.text
    assert "<b>至急</b>" not in html and "&lt;b&gt;至急&lt;/b&gt;" in html
    # Returned questionnaires can be answered again; the comment is repeated on each area.
    area = client.get(all_types.area_url()).content.decode()
    assert "data-autosave" in area
    assert "MAT-01の根拠資料を添付してください。" in area


def test_the_pages_render_in_english(client, personas, all_types):
    client.force_login(personas.respondent_a)
    q = all_types.questionnaire.pk
    for url in (
        reverse("questionnaires:mine"),
        reverse("questionnaires:detail", args=[q]),
        all_types.area_url(),
        reverse("questionnaires:history", args=[q]),
        reverse("questionnaires:submit", args=[q]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert '<html lang="en">' in response.content.decode()
    assert (
        "FY2026"
        in client.get(reverse("questionnaires:mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.parametrize("persona", ["coordinator_a", "consultant"])
def test_coordinators_and_consultants_see_the_questionnaire_read_only(
    client,
    personas,
    all_types,
    persona,
):
    _save(all_types, personas, "MAT-01", level=2)
    client.force_login(getattr(personas, persona))
    questionnaire = all_types.questionnaire
    overview = client.get(reverse("questionnaires:detail", args=[questionnaire.pk]))
    assert overview.status_code == 200
    assert "閲覧のみできます" in overview.content.decode()
    assert (
        reverse("questionnaires:submit", args=[questionnaire.pk]) not in overview.content.decode()
    )
    page = Page(client.get(all_types.area_url()).content.decode())
    assert all("disabled" in f.attrs for f in page.all("fieldset", class_="answer__fieldset"))
    assert "autosave.js" not in page.html
    assert not page.all("form", class_="evidence__upload")
    indicator = all_types.indicator("MAT-01")
    assert "checked" in page.one("input", id=f"a{indicator.pk}-level-2").attrs
    assert client.get(reverse("questionnaires:history", args=[questionnaire.pk])).status_code == 200
    assert client.get(reverse("questionnaires:submit", args=[questionnaire.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["respondent_c", "coordinator_c", "catalogue_editor", "admin"])
def test_outsiders_get_404_everywhere(client, personas, all_types, persona):
    client.force_login(getattr(personas, persona))
    q = all_types.questionnaire.pk
    for url in (
        reverse("questionnaires:detail", args=[q]),
        all_types.area_url(),
        reverse("questionnaires:history", args=[q]),
        reverse("questionnaires:submit", args=[q]),
    ):
        assert client.get(url).status_code == 404, url


def test_an_area_without_assigned_indicators_is_not_found(client, personas, all_types):
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:area", args=[all_types.questionnaire.pk, "no-such-area"])
    assert client.get(url).status_code == 404


def test_the_area_page_links_to_the_previous_and_next_area(client, personas, all_types):
    client.force_login(personas.respondent_a)
    first = Page(client.get(all_types.area_url()).content.decode())
    nav = first.one("nav", class_="area-nav")
    assert "次の分野: 情報システムの標準化" in nav.text and "前の分野" not in nav.text
    second = Page(client.get(all_types.area_url(all_types.other_area)).content.decode())
    assert "前の分野: 行政手続のオンライン化" in second.one("nav", class_="area-nav").text


# --- query counts ------------------------------------------------------------------------


def _without_tokens(response) -> str:
    """The page without what differs each time it is drawn (CSRF tokens, CSP nonces)."""
    return re.sub(
        r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]+',
        r"\1",
        response.content.decode(),
    )


def _answer_everything_with_files(all_types, personas, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    for indicator in all_types.area.indicators.all():
        if indicator.answer_type == AnswerType.MATURITY:
            _save(all_types, personas, indicator.code, level=1, target_level=2, comment="c")
            evidence_upload(
                questionnaire=all_types.questionnaire,
                indicator=indicator,
                upload=SimpleUploadedFile("根拠.pdf", b"%PDF-1.7\n..."),
                user=personas.respondent_a,
            )
    _save(all_types, personas, "CHO-01", choice_code="partial")


# session, user, questionnaire, memberships; the assigned ids (answered or not), their
# areas, the area's indicators, their answers and files; no session write: the same for 6
# and for 30 indicators. The first view of an indicator in a process also loads the levels
# and choices its radio groups are drawn from (assessments/answer_markup.py keeps them).
AREA_PAGE_QUERIES = 9
AREA_PAGE_FIRST_QUERIES = AREA_PAGE_QUERIES + 2


@pytest.mark.parametrize("extra", [0, 24])
def test_the_area_page_query_count_does_not_depend_on_the_number_of_indicators(
    client, personas, django_assert_num_queries, tmp_path, settings, extra
):
    all_types = open_all_types(personas, extra_maturity=extra)
    _answer_everything_with_files(all_types, personas, tmp_path, settings)
    client.force_login(personas.respondent_a)
    answer_markup.forget()
    with django_assert_num_queries(AREA_PAGE_FIRST_QUERIES):
        first = client.get(all_types.area_url())
    with django_assert_num_queries(AREA_PAGE_QUERIES):
        response = client.get(all_types.area_url())
    assert _without_tokens(response) == _without_tokens(first)
    assert response.content.decode().count('class="indicator"') == 6 + extra
    page = Page(response.content.decode())
    downloads = [a for a in page.all("a") if "/evidence/" in (a.attrs.get("href") or "")]
    assert len(downloads) == 1 + extra  # MAT-01 and EXT-nn


# session, user, questionnaire (with round, municipality and department), memberships,
# the assignment; the indicator's citations (the rest of the indicator, its levels and
# choices come from frameworks.answer_shapes once loaded in the process: +3 the first
# time); the save's own (savepoint, lock, answer, update, history, audit, release); the
# progress counted in one query (my_work.load_progress); no session write. The same for
# 6 and for 30 answered indicators.
SAVE_PARTIAL_QUERIES = 14


@pytest.mark.parametrize("extra", [0, 24])
def test_the_save_partial_query_count_does_not_depend_on_the_number_of_indicators(
    client, personas, django_assert_num_queries, tmp_path, settings, extra
):
    all_types = open_all_types(personas, extra_maturity=extra)
    _answer_everything_with_files(all_types, personas, tmp_path, settings)
    client.force_login(personas.respondent_a)
    url = all_types.save_url("CHO-01")
    assert client.post(url, {"choice_code": "none", "base_version": 1}, **HTMX).status_code == 200
    with django_assert_num_queries(SAVE_PARTIAL_QUERIES):
        response = client.post(url, {"choice_code": "all", "base_version": 2}, **HTMX)
    assert response["DX-Answer-State"] == "normal"
    assert response["DX-Answer-Version"] == "3"
    # The progress out of band counts the answered indicators (the maturity ones and the
    # choice just saved) over the whole questionnaire (area-2's MAT-02 unanswered), and
    # those of the area.
    content = response.content.decode()
    assert f"{2 + extra} / {7 + extra}問 回答済み" in content
    assert f"{2 + extra} / {6 + extra}問 回答済み" in content


# --- submission ----------------------------------------------------------------------------


def test_submitting_with_unanswered_items_is_refused_and_lists_them(
    client,
    personas,
    all_types,
):
    _save(all_types, personas, "MAT-01", level=2)
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:submit", args=[all_types.questionnaire.pk])
    page = Page(client.get(url).content.decode())
    assert not page.all("button", type="submit") or all(
        b.text != "提出する" for b in page.all("button", type="submit")
    )
    response = client.post(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "未回答の設問が5件あります" in html
    for code in ("YES-01", "PCT-01", "CNT-01", "CHO-01", "MAT-02"):
        assert code in html
    all_types.questionnaire.refresh_from_db()
    assert all_types.questionnaire.status == QuestionnaireStatus.IN_PROGRESS
    assert not QuestionnaireEvent.objects.exists()


def test_submitting_locks_the_questionnaire_and_records_who_and_when(
    client,
    personas,
    all_types,
):
    _answer_all_but_text(all_types, personas)  # TXT-01 is optional
    client.force_login(personas.respondent_a)
    questionnaire = all_types.questionnaire
    url = reverse("questionnaires:submit", args=[questionnaire.pk])
    page = Page(client.get(url).content.decode())
    assert any(b.text == "提出する" for b in page.all("button"))
    assert "TXT-01" in page.html  # warned, not blocking

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaires:detail", args=[questionnaire.pk])
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.SUBMITTED
    assert questionnaire.submitted_at is not None
    event = QuestionnaireEvent.objects.get()
    assert (event.kind, event.actor) == (QuestionnaireEventKind.SUBMITTED, personas.respondent_a)

    # Locked: no more saves, no second submission.
    response = client.post(all_types.save_url("YES-01"), {"yes": "no", "base_version": 1}, **HTMX)
    assert response.status_code == 409
    assert client.post(url).status_code == 400
    assert QuestionnaireEvent.objects.count() == 1
    overview = client.get(reverse("questionnaires:detail", args=[questionnaire.pk])).content
    assert "提出済み" in overview.decode()


def test_the_submit_service_checks_permission_and_state(personas, all_types):
    from django.core.exceptions import PermissionDenied

    _answer_all_but_text(all_types, personas)
    with pytest.raises(PermissionDenied):
        questionnaire_submit(questionnaire=all_types.questionnaire, user=personas.coordinator_a)
    all_types.round.status = RoundStatus.CLOSED
    all_types.round.save()
    with pytest.raises(SubmitError, match="締め切られて"):
        questionnaire_submit(questionnaire=all_types.questionnaire, user=personas.respondent_a)
    all_types.round.status = RoundStatus.OPEN
    all_types.round.save()
    submitted = questionnaire_submit(
        questionnaire=all_types.questionnaire, user=personas.respondent_a
    )
    assert submitted.status == QuestionnaireStatus.SUBMITTED
    assert Questionnaire.objects.get(pk=submitted.pk).is_locked


def test_answers_to_indicators_no_longer_assigned_do_not_count(personas, all_types):
    from assessments.models import Assignment

    _answer_all_but_text(all_types, personas)
    Assignment.objects.filter(round=all_types.round, indicator__code="MAT-02").delete()
    (item,) = my_questionnaires(personas.respondent_a)
    assert (item.answered, item.total) == (5, 6)


# --- history -----------------------------------------------------------------------------


def test_history_shows_who_changed_what_old_to_new_newest_first(
    client,
    personas,
    all_types,
):
    personas.respondent_a.display_name = "佐藤 一郎"
    personas.respondent_a.save()
    personas.coordinator_a.display_name = "山田 花子"
    personas.coordinator_a.save()
    _save(all_types, personas, "CHO-01", choice_code="none")
    _save(all_types, personas, "CHO-01", user=personas.coordinator_a, choice_code="all")
    _save(all_types, personas, "MAT-01", level=1)
    _save(all_types, personas, "MAT-01", level=3, target_level=4, not_applicable=False)
    _save(all_types, personas, "PCT-01", number=Decimal("75"))
    when = timezone.make_aware(datetime.datetime(2026, 6, 1, 5, 5), datetime.UTC)  # 14:05 JST
    AnswerChange.objects.filter(answer__indicator__code="CHO-01", version=2).update(changed_at=when)

    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:history", args=[all_types.questionnaire.pk])
    page = Page(client.get(url).content.decode())
    rows = page.all("tr")[1:]
    assert len(rows) == 5
    texts = [r.text.replace(" ", "") for r in rows]
    # Newest first (the back-dated change last).
    assert "PCT-01" in texts[0] and "割合（%）:変更前（なし）→、変更後75%" in texts[0]
    assert "現在値:変更前レベル1（検討中）→、変更後レベル3（全庁で実施）" in texts[1]
    assert "目標値:変更前（なし）→、変更後レベル4（継続的に改善）" in texts[1]
    last = texts[-1]
    assert "2026年6月1日14:05" in last
    assert "山田花子" in last
    assert "選択肢:変更前導入していない→、変更後全庁で導入" in last

    # One indicator only.
    page = Page(client.get(url, {"indicator": "MAT-01"}).content.decode())
    assert len(page.all("tr")) == 3
    assert "回答の履歴（MAT-01）" in page.one("h1").text


def test_history_is_paginated(client, personas, all_types, monkeypatch):
    from assessments.views import answering

    monkeypatch.setattr(answering, "HISTORY_PAGE_SIZE", 2)
    for level in (1, 2, 3):
        _save(all_types, personas, "MAT-01", level=level)
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:history", args=[all_types.questionnaire.pk])
    first = Page(client.get(url).content.decode())
    assert len(first.all("tr")) == 3
    assert first.one("a", class_="page-link").text == "古い履歴"
    second = Page(client.get(url, {"page": 2}).content.decode())
    assert len(second.all("tr")) == 2
    assert "変更後 レベル1" in second.all("tr")[1].text
    # The next page of one indicator's history stays on that indicator.
    filtered = Page(client.get(url, {"indicator": "MAT-01"}).content.decode())
    assert filtered.one("a", class_="page-link").attrs["href"] == "?indicator=MAT-01&page=2"


# --- radio groups drawn once (assessments/answer_markup.py) -------------------------------


def test_the_kept_radio_groups_show_each_views_answer(client, personas, all_types):
    """The groups are drawn once; which option is checked is each view's own."""
    client.force_login(personas.respondent_a)
    prefix = f"a{all_types.indicator('MAT-01').pk}"
    answer_markup.forget()
    page = Page(client.get(all_types.area_url()).content.decode())
    assert "checked" in page.one("input", id=f"{prefix}-level-none").attrs
    _save(all_types, personas, "MAT-01", level=2, target_level=3)
    page = Page(client.get(all_types.area_url()).content.decode())
    levels = [e for e in page.all("input", name="level") if e.attrs["id"].startswith(prefix)]
    assert len(levels) == 6
    assert [e.attrs["id"] for e in levels if "checked" in e.attrs] == [f"{prefix}-level-2"]
    targets = [e for e in page.all("input", name="target_level") if "checked" in e.attrs]
    assert f"{prefix}-target_level-3" in [e.attrs["id"] for e in targets]


def test_a_corrected_indicator_shows_at_once(client, personas, all_types):
    """A correction written by another process (no signal here: queryset updates) changes
    the indicator's row, and the page draws the indicator anew at once."""
    client.force_login(personas.respondent_a)
    indicator = all_types.indicator("MAT-01")
    level = indicator.levels.get(level=2)
    assert level.description in client.get(all_types.area_url()).content.decode()
    type(indicator).objects.filter(pk=indicator.pk).update(help_text="訂正した説明文")
    assert "訂正した説明文" in client.get(all_types.area_url()).content.decode()
    # A corrected citation (frameworks/FORMAT.md) is a change of the row: what is drawn
    # from the indicator is drawn again (here a level, which a published edition keeps).
    type(level).objects.filter(pk=level.pk).update(description="書き換えた説明")
    type(indicator).objects.filter(pk=indicator.pk).update(source="訂正した出典")
    assert "書き換えた説明" in client.get(all_types.area_url()).content.decode()


def test_a_level_changed_in_this_process_shows_at_once(client, personas, all_types):
    client.force_login(personas.respondent_a)
    level = all_types.indicator("MAT-01").levels.get(level=2)
    client.get(all_types.area_url())
    level.label = "新しい見出し"
    level.save()
    assert "新しい見出し" in client.get(all_types.area_url()).content.decode()


def test_the_kept_groups_follow_the_language(client, personas, all_types):
    client.force_login(personas.respondent_a)
    for_ = f"a{all_types.indicator('MAT-01').pk}-level-2"
    page = Page(client.get(all_types.area_url()).content.decode())
    assert "レベル2" in page.one("label", for_=for_).text
    client.post(reverse("set_language"), {"language": "en", "next": all_types.area_url()})
    page = Page(client.get(all_types.area_url()).content.decode())
    assert "Level 2" in page.one("label", for_=for_).text


def test_kept_blocks_are_per_kind_of_view(client, personas, all_types):
    """An editable view and a read-only one of the same indicators never share a block."""
    for persona, editable in (("respondent_a", True), ("coordinator_a", False)) * 2:
        client.force_login(getattr(personas, persona))
        page = Page(client.get(all_types.area_url()).content.decode())
        fieldsets = page.all("fieldset", class_="answer__fieldset")
        assert len(fieldsets) == 6
        assert all(("disabled" in f.attrs) is not editable for f in fieldsets), persona
        forms = page.all("form", class_="answer__form")
        assert all(("data-autosave" in f.attrs) is editable for f in forms), persona
        assert len(page.all("form", class_="evidence__upload")) == (6 if editable else 0)


def test_the_values_filled_into_a_kept_block_are_escaped(client, personas, all_types):
    _save(all_types, personas, "TXT-01", text='</textarea><script>alert("x")</script>')
    _save(all_types, personas, "MAT-01", level=1, comment='<b>太字</b> & "引用"')
    client.force_login(personas.respondent_a)
    for _view in range(2):  # drawn, then kept
        html = client.get(all_types.area_url()).content.decode()
        assert "<script>alert" not in html and "<b>太字" not in html
        page = Page(html)
        text = page.one("textarea", id=f"a{all_types.indicator('TXT-01').pk}-text")
        assert text.text == '</textarea><script>alert("x")</script>'
        comment = page.one("textarea", id=f"a{all_types.indicator('MAT-01').pk}-comment")
        assert comment.text == '<b>太字</b> & "引用"'


def test_each_view_lists_its_own_evidence_files(client, personas, all_types, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.respondent_a)
    page = Page(client.get(all_types.area_url()).content.decode())
    assert len(page.all("p", class_="evidence__empty")) == 6
    assert "添付されたファイルはありません。" in page.all("p", class_="evidence__empty")[0].text
    evidence_upload(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("MAT-01"),
        upload=SimpleUploadedFile("根拠.pdf", b"%PDF-1.7\n..."),
        user=personas.respondent_a,
    )
    page = Page(client.get(all_types.area_url()).content.decode())
    assert len(page.all("p", class_="evidence__empty")) == 5
    block = page.html.split(f'id="evidence-{all_types.indicator("MAT-01").pk}"')[1]
    assert "根拠.pdf" in block.split('class="evidence"')[0]
