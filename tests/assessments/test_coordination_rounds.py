"""The rounds page, opening a round from it, the round page, closing."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role
from assessments.coordination import CoordinationError, round_close
from assessments.models import QuestionnaireStatus, Round, RoundStatus
from frameworks.models import EditionStatus
from tests.factories import DepartmentFactory, MembershipFactory, MunicipalityFactory
from tests.frameworks.factories import make_edition

# 2026-05-10 12:00 in Japan: fiscal year 2026.
MAY_2026 = datetime.datetime(2026, 5, 10, 3, 0, tzinfo=datetime.UTC)


def _url(name, round_=None, **kwargs):
    if round_ is not None:
        kwargs |= {"code": round_.municipality.code, "round_id": round_.pk}
    return reverse(f"rounds:{name}", kwargs=kwargs)


def _open_form(edition_, **overrides):
    return {
        "fiscal_year": "2026",
        "edition": str(edition_.pk),
        "opens_on": "2026-06-01",
        "closes_on": "2026-09-30",
    } | overrides


@pytest.fixture
def edition(db):
    return make_edition(indicators=4, areas=2)


@pytest.fixture
def frozen_now():
    with mock.patch("django.utils.timezone.now", return_value=MAY_2026):
        yield


# --- the rounds page ---------------------------------------------------------------


def test_rounds_page_defaults_to_the_current_fiscal_year_and_newest_edition(
    client, personas, frozen_now
):
    older = make_edition()
    newer = make_edition()
    older.published_at = timezone.now() - datetime.timedelta(days=400)
    older.save()
    newer.published_at = timezone.now() - datetime.timedelta(days=10)
    newer.save()
    make_edition(status=EditionStatus.DRAFT)
    client.force_login(personas.coordinator_a)
    response = client.get(_url("index", code=personas.municipality_a.code))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["fiscal_year"] == 2026
    assert form.initial["edition"] == newer.pk
    assert [e.pk for e in form.fields["edition"].queryset] == [newer.pk, older.pk]
    assert "2026年度（令和8年度）" in response.text
    assert "評価ラウンドはまだありません" in response.text


def test_rounds_page_lists_rounds_with_japanese_fiscal_years(client, personas, open_round):
    client.force_login(personas.consultant)
    response = client.get(_url("index", code=personas.municipality_a.code))
    assert response.status_code == 200
    assert "2026年度（令和8年度）" in response.text
    assert "提出 0／1部署" in response.text
    # Consultants see rounds but get no form to open one.
    assert response.context["form"] is None
    assert "ラウンドを開始する" not in response.text


def test_coordinator_opens_a_round_from_the_page(client, personas, edition):
    client.force_login(personas.coordinator_a)
    response = client.post(_url("new", code=personas.municipality_a.code), _open_form(edition))
    round_ = Round.objects.get(municipality=personas.municipality_a)
    assert response.status_code == 302
    assert response["Location"] == _url("detail", round_)
    assert (round_.fiscal_year, round_.edition, round_.created_by) == (
        2026,
        edition,
        personas.coordinator_a,
    )
    assert round_.questionnaires.count() == 1
    assert round_.assignments.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_on": "2026-05-01"}, "締切日は開始日以降にしてください"),
        ({"fiscal_year": "1999"}, "正しく選択してください"),
        ({"edition": ""}, "このフィールドは必須です"),
    ],
)
def test_open_form_refuses_bad_input(client, personas, edition, overrides, message):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _url("new", code=personas.municipality_a.code), _open_form(edition, **overrides)
    )
    assert response.status_code == 400
    assert message in response.text
    assert not Round.objects.exists()


def test_open_form_refuses_a_draft_edition(client, personas):
    draft = make_edition(status=EditionStatus.DRAFT)
    client.force_login(personas.coordinator_a)
    response = client.post(_url("new", code=personas.municipality_a.code), _open_form(draft))
    assert response.status_code == 400
    assert not Round.objects.exists()


def test_round_errors_are_shown_in_the_form(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _url("new", code=personas.municipality_a.code), _open_form(open_round.edition)
    )
    assert response.status_code == 400
    assert "2026年度の評価はすでにあります" in response.text
    assert Round.objects.count() == 1


def test_a_municipality_without_departments_cannot_open_a_round(client, personas, edition):
    municipality = MunicipalityFactory()
    coordinator = MembershipFactory(role=Role.COORDINATOR, municipality=municipality).user
    client.force_login(coordinator)
    response = client.post(_url("new", code=municipality.code), _open_form(edition))
    assert response.status_code == 400
    assert "部署が登録されていません" in response.text


@pytest.mark.parametrize("persona", ["consultant", "respondent_a", "coordinator_c"])
def test_only_the_municipalitys_coordinator_opens_rounds(client, personas, edition, persona):
    client.force_login(getattr(personas, persona))
    response = client.post(_url("new", code=personas.municipality_a.code), _open_form(edition))
    assert response.status_code == 404
    assert not Round.objects.exists()


def test_posted_municipality_status_and_creator_are_ignored(client, personas, edition):
    client.force_login(personas.coordinator_a)
    client.post(
        _url("new", code=personas.municipality_a.code),
        _open_form(
            edition,
            municipality=str(personas.municipality_c.pk),
            status=RoundStatus.CLOSED,
            created_by=str(personas.admin.pk),
            survey="1",
        ),
    )
    round_ = Round.objects.get()
    assert round_.municipality == personas.municipality_a
    assert round_.status == RoundStatus.OPEN
    assert round_.created_by == personas.coordinator_a
    assert round_.survey is None
    assert not Round.objects.filter(municipality=personas.municipality_c).exists()


# --- the round page ----------------------------------------------------------------


def test_round_page_shows_each_department_with_a_review_link(client, personas, open_round):
    questionnaire = open_round.questionnaires.get()
    client.force_login(personas.coordinator_a)
    response = client.get(_url("detail", open_round))
    assert response.status_code == 200
    assert "DX推進課" in response.text
    assert (
        reverse(
            "rounds:review",
            kwargs={
                "code": personas.municipality_a.code,
                "round_id": open_round.pk,
                "questionnaire_id": questionnaire.pk,
            },
        )
        in response.text
    )
    assert _url("remind", open_round) in response.text
    assert _url("close", open_round) in response.text


def test_consultants_see_the_round_page_without_actions(client, personas, open_round):
    client.force_login(personas.consultant)
    response = client.get(_url("detail", open_round))
    assert response.status_code == 200
    assert _url("remind", open_round) not in response.text
    assert _url("close", open_round) not in response.text
    assert client.post(_url("close", open_round)).status_code == 404
    assert client.post(_url("remind", open_round)).status_code == 404
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_c", "respondent_c", "admin"])
def test_round_page_is_404_outside_the_municipality(client, personas, open_round, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(_url("detail", open_round)).status_code == 404


def test_a_round_of_another_municipality_is_404_under_this_code(client, personas, open_round):
    client.force_login(personas.coordinator_c)
    url = reverse(
        "rounds:detail", kwargs={"code": personas.municipality_c.code, "round_id": open_round.pk}
    )
    assert client.get(url).status_code == 404


def test_overdue_departments_are_marked_in_words(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    october = datetime.datetime(2026, 10, 1, 0, 0, tzinfo=datetime.UTC)  # 09:00 JST
    with mock.patch("django.utils.timezone.now", return_value=october):
        response = client.get(_url("detail", open_round))
    assert "期限超過" in response.text
    with mock.patch("django.utils.timezone.now", return_value=MAY_2026):
        response = client.get(_url("detail", open_round))
    assert "期限超過" not in response.text


# --- closing -----------------------------------------------------------------------


def test_closing_asks_first_then_closes(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    response = client.get(_url("close", open_round))
    assert response.status_code == 200
    assert "まだ提出していない部署が1部署あります" in response.text
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN

    response = client.post(_url("close", open_round))
    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.CLOSED
    assert open_round.closed_at is not None
    # Closing twice is refused with a message, nothing changes.
    closed_at = open_round.closed_at
    response = client.post(_url("close", open_round), follow=True)
    assert "締め切られています" in response.text
    open_round.refresh_from_db()
    assert open_round.closed_at == closed_at


def test_round_close_service_checks_the_user(personas, open_round):
    with pytest.raises(PermissionDenied):
        round_close(round=open_round, user=personas.consultant)
    round_close(round=open_round, user=personas.coordinator_a)
    with pytest.raises(CoordinationError):
        round_close(round=open_round, user=personas.coordinator_a)


def test_close_get_and_remind_get_change_nothing(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    assert client.get(_url("remind", open_round)).status_code == 405
    client.get(_url("close", open_round))
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_removed_membership_takes_effect_on_the_next_request(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    assert client.get(_url("detail", open_round)).status_code == 200
    Membership.objects.filter(user=personas.coordinator_a).delete()
    assert client.get(_url("detail", open_round)).status_code == 404


def test_new_departments_show_up_once_they_have_a_questionnaire(client, personas, open_round):
    DepartmentFactory(municipality=personas.municipality_a, name="福祉課", kind="welfare")
    client.force_login(personas.coordinator_a)
    response = client.get(_url("detail", open_round))
    # Not assigned anything, so not part of the round.
    assert "福祉課" not in response.text
    assert open_round.questionnaires.filter(status=QuestionnaireStatus.IN_PROGRESS).count() == 1
