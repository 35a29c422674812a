"""Carrying last round's answers over (assessments.carry_over): copied as a starting point,
marked until the respondent confirms or changes them, not answered until then."""

import datetime

import pytest
from django.urls import reverse

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.carry_over import answers_carry_over
from assessments.coordination import CoordinationError, assignment_set
from assessments.models import Answer, AnswerChange, QuestionnaireStatus
from assessments.my_work import load_sheet, my_questionnaires
from assessments.round_progress import round_progress
from frameworks.models import AnswerType, Edition, EditionStatus, Indicator, IndicatorLineage
from frameworks.services import edition_clone, lineage_set
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import AnswerFactory, open_round
from tests.assessments.answering_support import HTMX
from tests.frameworks.factories import make_edition

CARRIED_MARK = "前年度から引き継ぎ（未確認）"
CONFIRM = "このまま確定"


def _open_2026(personas, edition, *, carry_over=True):
    # Open until 2099: answering in the tests below is never after the end date.
    return open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=edition,
        closes_on=datetime.date(2099, 9, 30),
        carry_over=carry_over,
    )


def _answers(round_, department) -> dict[str, Answer]:
    return {
        a.indicator.code: a
        for a in Answer.objects.filter(
            questionnaire__round=round_, questionnaire__department=department
        ).select_related("indicator", "choice", "carried_from")
    }


@pytest.fixture
def edition(db):
    """STD-01..04 (maturity 0..4), CHO-01 (choice); CNT-01 is for towns, A is a city."""
    return make_edition(indicators=4, areas=2)


@pytest.fixture
def last_year(personas, edition):
    """2025: DX推進課 answered STD-01 (3 → 4, with a comment and a location), STD-02 該当しない,
    CHO-01 「一部で導入」; STD-03 unanswered (a comment only); STD-04 is 税務課's too, which
    answered 4 where DX推進課 answered 1."""
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2025
    )
    assignment_set(
        round=round_,
        indicator=edition.indicators.get(code="STD-04"),
        departments=[personas.department_a, personas.other_department_a],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    dx = personas.department_a
    AnswerFactory(
        round=round_,
        department=dx,
        code="STD-01",
        level=3,
        target_level=4,
        comment="庁内ポータルで周知済み。",
        evidence_url="https://example.jp/plan",
    )
    AnswerFactory(round=round_, department=dx, code="STD-02", inapplicable=True)
    AnswerFactory(round=round_, department=dx, code="STD-03", comment="検討中")
    AnswerFactory(round=round_, department=dx, code="STD-04", level=1)
    AnswerFactory(round=round_, department=dx, code="CHO-01", choice_code="partial")
    AnswerFactory(round=round_, department=personas.other_department_a, code="STD-04", level=4)
    return round_


# --- what is copied ---------------------------------------------------------------------------


def test_last_rounds_answers_are_copied_and_marked(personas, edition, last_year):
    round_ = _open_2026(personas, edition)

    carried = _answers(round_, personas.department_a)
    before = _answers(last_year, personas.department_a)

    assert sorted(carried) == ["CHO-01", "STD-01", "STD-02", "STD-04"]
    std01 = carried["STD-01"]
    assert (std01.level, std01.target_level) == (3, 4)
    assert (std01.comment, std01.evidence_url) == (
        "庁内ポータルで周知済み。",
        "https://example.jp/plan",
    )
    assert carried["STD-02"].not_applicable and carried["STD-02"].not_applicable_reason
    # The department's own answer, not 税務課's.
    assert carried["STD-04"].level == 1
    # The new edition's choice object (here the same edition: the same choice).
    assert carried["CHO-01"].choice.code == "partial"
    assert carried["CHO-01"].choice.indicator_id == carried["CHO-01"].indicator_id
    assert all(answer.carried_from == before[code] for code, answer in carried.items())
    assert all(answer.is_carried and not answer.is_answered for answer in carried.values())
    # 税務課 answers nothing in 2026 (every indicator is the DX office's): nothing for it.
    assert not _answers(round_, personas.other_department_a)


def test_the_history_says_where_the_values_came_from(personas, edition, last_year):
    round_ = _open_2026(personas, edition)
    answer = _answers(round_, personas.department_a)["STD-01"]

    (change,) = AnswerChange.objects.filter(answer=answer)

    assert (change.version, change.via, change.changed_by) == (1, "carried", personas.coordinator_a)
    assert change.changes["level"] == [None, 3]
    assert change.changes["target_level"] == [None, 4]
    assert answer.version == 1


def test_a_target_still_ahead_is_carried_with_its_year(personas, edition, last_year):
    round_ = _open_2026(personas, edition)

    std01 = _answers(round_, personas.department_a)["STD-01"]

    # Set in 2025 for 2028 (the factory's default, three years on): still ahead of 2026.
    assert (std01.target_level, std01.target_fiscal_year) == (4, 2028)
    change = AnswerChange.objects.get(answer=std01)
    assert change.changes["target_fiscal_year"] == [None, 2028]


@pytest.mark.parametrize("due", [2025, 2026])
def test_a_target_due_by_the_new_round_is_not_carried_as_a_target(
    personas, edition, last_year, due
):
    Answer.objects.filter(questionnaire__round=last_year, indicator__code="STD-01").update(
        target_fiscal_year=due
    )
    round_ = _open_2026(personas, edition)

    std01 = _answers(round_, personas.department_a)["STD-01"]

    # The answer is carried, its current level with it; the target, due by 2026, is not.
    assert std01.is_carried and std01.level == 3
    assert (std01.target_level, std01.target_fiscal_year) == (None, None)
    assert "target_level" not in AnswerChange.objects.get(answer=std01).changes


def test_a_target_kept_without_a_year_takes_the_new_rounds_default(personas, edition, last_year):
    Answer.objects.filter(questionnaire__round=last_year, indicator__code="STD-01").update(
        target_fiscal_year=None
    )
    round_ = _open_2026(personas, edition)

    std01 = _answers(round_, personas.department_a)["STD-01"]

    assert (std01.target_level, std01.target_fiscal_year) == (4, 2029)


def test_without_carry_over_nothing_is_copied(personas, edition, last_year):
    round_ = _open_2026(personas, edition, carry_over=False)
    assert not Answer.objects.filter(questionnaire__round=round_).exists()


def test_without_an_earlier_round_nothing_is_copied(personas, edition):
    round_ = _open_2026(personas, edition)
    assert not Answer.objects.filter(questionnaire__round=round_).exists()


def test_an_unconfirmed_carried_answer_is_not_carried_again(personas, edition, last_year):
    _open_2026(personas, edition)
    round_2027 = open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=edition,
        fiscal_year=2027,
        closes_on=datetime.date(2099, 9, 30),
        carry_over=True,
    )
    assert not Answer.objects.filter(questionnaire__round=round_2027).exists()


def _next_edition(edition) -> Edition:
    """2.0 → 2.1: STD-01 is renamed NEW-01 (lineage: same); STD-02 and STD-03 are merged
    into STD-02; STD-04 becomes a yes/no question; CHO-01 no longer offers 「一部で導入」;
    NEW-09 is new."""
    later = edition_clone(edition=edition, version="2.1", title="第2.1版")
    Indicator.objects.filter(edition=later, code="STD-01").update(code="NEW-01")
    merged = later.indicators.get(code="STD-02")
    later.indicators.get(code="STD-03").delete()
    lineage_set(indicator=merged, links=[("STD-02", "merged"), ("STD-03", "merged")])
    yes_no = later.indicators.get(code="STD-04")
    yes_no.levels.all().delete()
    Indicator.objects.filter(pk=yes_no.pk).update(answer_type=AnswerType.YES_NO)
    later.indicators.get(code="CHO-01").choices.filter(code="partial").delete()
    new = later.indicators.get(code="NEW-01")
    brand_new = Indicator.objects.create(
        edition=later,
        area=new.area,
        stage=new.stage,
        code="NEW-09",
        order=99,
        question="新しい指標です。",
        answer_type=AnswerType.MATURITY,
    )
    IndicatorLineage.objects.create(indicator=brand_new, predecessor=None, relation="new")
    Edition.objects.filter(pk=later.pk).update(status=EditionStatus.PUBLISHED)
    later.refresh_from_db()
    return later


def test_across_an_edition_change_answers_follow_the_lineage(personas, edition, last_year):
    later = _next_edition(edition)

    round_ = _open_2026(personas, later)
    carried = _answers(round_, personas.department_a)

    # NEW-01 continues STD-01 (renamed); the merged STD-02 has two answers to start
    # from, STD-04's type changed, CHO-01 no longer offers the answer given; NEW-09 is new.
    assert sorted(carried) == ["NEW-01"]
    new01 = carried["NEW-01"]
    assert new01.indicator.edition == later
    assert (new01.level, new01.target_level) == (3, 4)
    assert new01.carried_from.indicator.code == "STD-01"


def test_a_level_beyond_the_new_rubric_is_not_carried(personas, edition, last_year):
    later = edition_clone(edition=edition, version="2.1", title="第2.1版")
    later.indicators.get(code="STD-01").levels.filter(level__gt=2).delete()
    Edition.objects.filter(pk=later.pk).update(status=EditionStatus.PUBLISHED)
    later.refresh_from_db()

    carried = _answers(_open_2026(personas, later), personas.department_a)

    assert "STD-01" not in carried
    assert "STD-04" in carried  # level 1 still fits its rubric


@pytest.mark.parametrize("indicators", [3, 14])
def test_carrying_over_runs_a_fixed_number_of_queries(
    personas, indicators, django_assert_num_queries
):
    edition = make_edition(indicators=indicators, areas=3)
    earlier = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2025
    )
    for indicator in edition.indicators.filter(answer_type=AnswerType.MATURITY):
        AnswerFactory(round=earlier, indicator=indicator, level=2)
    round_ = _open_2026(personas, edition, carry_over=False)

    # earlier round, lineage (2), questionnaires, assignments, indicators with levels and
    # choices (3), earlier answers, the two bulk inserts (2); savepoint and release (2)
    with django_assert_num_queries(13):
        count = answers_carry_over(round_=round_, user=personas.coordinator_a)

    assert count == indicators
    assert (
        Answer.objects.filter(questionnaire__round=round_, carried_from__isnull=False).count()
        == indicators
    )


# --- not answered until confirmed -----------------------------------------------------------


def test_carried_answers_count_as_not_answered_everywhere(personas, edition, last_year):
    round_ = _open_2026(personas, edition)
    questionnaire = round_.questionnaires.get(department=personas.department_a)

    sheet = load_sheet(questionnaire)
    (mine,) = [
        m for m in my_questionnaires(personas.respondent_a) if m.questionnaire == questionnaire
    ]
    (row,) = round_progress(round_).departments
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    card = ScoreSnapshot.objects.get(round=round_, department__isnull=True).read

    assert len(sheet.unconfirmed) == 4
    assert (sheet.progress.answered, mine.answered, card.answered) == (0, 0, 0)
    assert row.answered == 0
    assert sheet.unanswered_required and not sheet.ready_to_submit


def test_confirming_counts_the_answer(personas, edition, last_year):
    round_ = _open_2026(personas, edition)
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    answer = _answers(round_, personas.department_a)["STD-01"]

    result = answer_save(
        questionnaire=questionnaire,
        indicator=answer.indicator,
        values=AnswerValues(
            level=3,
            target_level=4,
            target_fiscal_year=2028,
            comment="庁内ポータルで周知済み。",
            evidence_url="https://example.jp/plan",
        ),
        base_version=1,
        user=personas.respondent_a,
    )

    answer.refresh_from_db()
    assert result.saved and result.confirmed
    assert answer.carried_from is None and answer.is_answered and answer.version == 2
    assert AnswerChange.objects.get(answer=answer, version=2).changes == {"carried": [True, False]}
    assert load_sheet(questionnaire).progress.answered == 1
    (mine,) = [
        m for m in my_questionnaires(personas.respondent_a) if m.questionnaire == questionnaire
    ]
    assert mine.answered == 1


# --- over HTTP: the area page, confirming, changing, submitting -------------------------------


@pytest.fixture
def carried_round(personas, edition, last_year):
    return _open_2026(personas, edition)


def _area(questionnaire, code="area-1"):
    return reverse("questionnaires:area", args=[questionnaire.pk, code])


def _save_url(questionnaire, code):
    return reverse("questionnaires:answer_save", args=[questionnaire.pk, code])


def test_the_area_page_marks_each_carried_answer(client, personas, carried_round):
    questionnaire = carried_round.questionnaires.get(department=personas.department_a)
    client.force_login(personas.respondent_a)

    page = client.get(_area(questionnaire)).content.decode()

    # area-1 holds STD-01, STD-03 and CHO-01: two of them carried.
    assert page.count(CARRIED_MARK) == 2
    assert page.count(f">{CONFIRM}</button>") == 2
    assert "0 / 3問 回答済み" in page


def test_confirming_over_the_page_clears_the_mark_and_records_it(client, personas, carried_round):
    questionnaire = carried_round.questionnaires.get(department=personas.department_a)
    client.force_login(personas.respondent_a)
    posted = {
        "level": "3",
        "target_level": "4",
        "target_fiscal_year": "2028",
        "comment": "庁内ポータルで周知済み。",
        "evidence_url": "https://example.jp/plan",
        "base_version": "1",
    }

    response = client.post(_save_url(questionnaire, "STD-01"), posted, **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert CARRIED_MARK not in page and "前年度から引き継いだ回答を確定しました" in page
    assert "1 / 3問 回答済み" in page
    answer = Answer.objects.get(questionnaire=questionnaire, indicator__code="STD-01")
    assert (answer.carried_from_id, answer.level, answer.version) == (None, 3, 2)
    history = client.get(
        reverse("questionnaires:history", args=[questionnaire.pk])
    ).content.decode()
    assert "前年度からの引き継ぎ" in history and "前年度から引き継ぎ</span>" in history
    assert client.get(_area(questionnaire)).content.decode().count(CARRIED_MARK) == 1


def test_changing_a_carried_answer_clears_the_mark(client, personas, carried_round):
    questionnaire = carried_round.questionnaires.get(department=personas.department_a)
    client.force_login(personas.respondent_a)

    response = client.post(
        _save_url(questionnaire, "CHO-01"), {"choice_code": "all", "base_version": "1"}, **HTMX
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert CARRIED_MARK not in page
    assert "保存しました" in page and "確定しました" not in page
    answer = Answer.objects.get(questionnaire=questionnaire, indicator__code="CHO-01")
    assert (answer.carried_from_id, answer.choice.code) == (None, "all")
    change = AnswerChange.objects.get(answer=answer, version=2)
    assert change.changes["choice_code"] == ["partial", "all"]
    assert change.changes["carried"] == [True, False]


def test_submitting_is_refused_while_carried_answers_are_unconfirmed(
    client, personas, carried_round
):
    questionnaire = carried_round.questionnaires.get(department=personas.department_a)
    # STD-03 was unanswered last year: answer it now, so only the carried ones remain.
    answer_save(
        questionnaire=questionnaire,
        indicator=questionnaire.round.edition.indicators.get(code="STD-03"),
        values=AnswerValues(level=2),
        base_version=0,
        user=personas.respondent_a,
    )
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:submit", args=[questionnaire.pk])

    refused = client.post(url)

    page = refused.content.decode()
    assert refused.status_code == 400
    assert "前年度から引き継いだ回答のうち、確定していないものが4件あります。" in page
    listed = [code for code in ("STD-01", "STD-02", "STD-04", "CHO-01") if f"{code} " in page]
    assert len(listed) == 4
    assert "提出する</button>" not in page
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.IN_PROGRESS

    for answer in Answer.objects.filter(questionnaire=questionnaire, carried_from__isnull=False):
        client.post(
            _save_url(questionnaire, answer.indicator.code),
            {
                "level": "" if answer.level is None else str(answer.level),
                "target_level": "" if answer.target_level is None else str(answer.target_level),
                "choice_code": answer.choice.code if answer.choice else "",
                "not_applicable": "on" if answer.not_applicable else "",
                "not_applicable_reason": answer.not_applicable_reason,
                "comment": answer.comment,
                "evidence_url": answer.evidence_url,
                "base_version": str(answer.version),
            },
            **HTMX,
        )
    assert not Answer.objects.filter(
        questionnaire=questionnaire, carried_from__isnull=False
    ).exists()
    assert client.post(url).status_code == 302
    questionnaire.refresh_from_db()
    assert questionnaire.status == QuestionnaireStatus.SUBMITTED


# --- opening the round on the page -------------------------------------------------------------


def _form_data(edition, **extra):
    return {
        "fiscal_year": "2026",
        "edition": str(edition.pk),
        "opens_on": "2026-06-01",
        "closes_on": "2026-09-30",
        **extra,
    }


def test_the_checkbox_is_on_when_the_municipality_has_a_round(client, personas, edition):
    client.force_login(personas.coordinator_a)
    url = reverse("rounds:new", kwargs={"code": personas.municipality_a.code})

    first = client.get(url)
    open_round(personas.municipality_a, personas.coordinator_a, edition=edition, fiscal_year=2025)
    later = client.get(url)

    assert "前年度の回答を引き継ぐ" in first.content.decode()
    assert first.context["form"]["carry_over"].value() is False
    assert later.context["form"]["carry_over"].value() is True


def test_opening_on_the_page_carries_over_and_says_how_much(client, personas, edition, last_year):
    client.force_login(personas.coordinator_a)
    url = reverse("rounds:new", kwargs={"code": personas.municipality_a.code})

    response = client.post(url, _form_data(edition, carry_over="on"), follow=True)

    assert "前年度の回答を4件引き継ぎました。" in response.content.decode()
    assert (
        Answer.objects.filter(
            questionnaire__round__fiscal_year=2026, carried_from__isnull=False
        ).count()
        == 4
    )


def test_opening_on_the_page_without_the_checkbox_carries_nothing(
    client, personas, edition, last_year
):
    client.force_login(personas.coordinator_a)
    url = reverse("rounds:new", kwargs={"code": personas.municipality_a.code})

    response = client.post(url, _form_data(edition), follow=True)

    assert response.status_code == 200
    assert not Answer.objects.filter(questionnaire__round__fiscal_year=2026).exists()


def test_reassigning_an_indicator_takes_its_unconfirmed_answer_along(
    personas, edition, carried_round
):
    indicator = carried_round.edition.indicators.get(code="STD-01")

    assignment_set(
        round=carried_round,
        indicator=indicator,
        departments=[personas.other_department_a],
        owner=personas.other_department_a,
        user=personas.coordinator_a,
    )

    assert not Answer.objects.filter(
        questionnaire__round=carried_round, indicator=indicator
    ).exists()
    # A confirmed answer still holds its department, as before.
    answer = Answer.objects.get(questionnaire__round=carried_round, indicator__code="STD-04")
    Answer.objects.filter(pk=answer.pk).update(carried_from=None)

    with pytest.raises(CoordinationError):
        assignment_set(
            round=carried_round,
            indicator=answer.indicator,
            departments=[personas.other_department_a],
            owner=personas.other_department_a,
            user=personas.coordinator_a,
        )
