"""Opening one round for many municipalities at once (system administrators)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.coordination import CoordinationError, survey_open
from assessments.models import Round, Survey
from frameworks.models import EditionStatus
from municipalities.models import MunicipalityKind
from tests.assessment_factories import open_round
from tests.factories import DepartmentFactory, MunicipalityFactory
from tests.frameworks.factories import make_edition

URL = reverse("rounds:survey_new")


@pytest.fixture
def edition(db):
    return make_edition(indicators=2, areas=1)


def _dates():
    return {"opens_on": datetime.date(2026, 6, 1), "closes_on": datetime.date(2026, 9, 30)}


def test_survey_opens_rounds_and_skips_with_reasons(personas, edition):
    a, b, c = personas.municipality_a, personas.municipality_b, personas.municipality_c
    open_round(c, personas.coordinator_c, edition=edition, fiscal_year=2026)
    result = survey_open(
        name="2026年度 都内一斉調査",
        municipalities=[a, b, c],
        edition=edition,
        fiscal_year=2026,
        user=personas.admin,
        **_dates(),
    )
    assert [r.municipality for r in result.created] == [a]
    reasons = dict(result.skipped)
    assert "部署が登録されていません" in reasons[b]  # B has no departments
    assert "すでにあります" in reasons[c]
    survey = Survey.objects.get()
    assert result.survey == survey
    assert list(survey.rounds.all()) == [Round.objects.get(municipality=a)]
    # The skipped municipality's existing round is untouched.
    assert Round.objects.get(municipality=c).survey is None


def test_no_survey_is_kept_when_every_municipality_is_skipped(personas, edition):
    result = survey_open(
        name="空振り",
        municipalities=[personas.municipality_b],
        edition=edition,
        fiscal_year=2026,
        user=personas.admin,
        **_dates(),
    )
    assert result.survey is None and not result.created
    assert not Survey.objects.exists()


def test_survey_problems_for_all_refuse_everything(personas):
    draft = make_edition(status=EditionStatus.DRAFT)
    with pytest.raises(CoordinationError, match="公開中"):
        survey_open(
            name="x",
            municipalities=[personas.municipality_a],
            edition=draft,
            fiscal_year=2026,
            user=personas.admin,
            **_dates(),
        )
    assert not Round.objects.exists() and not Survey.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator_a", "catalogue_editor", "consultant"])
def test_only_system_admins_open_surveys(personas, edition, persona):
    with pytest.raises(PermissionDenied):
        survey_open(
            name="x",
            municipalities=[personas.municipality_a],
            edition=edition,
            fiscal_year=2026,
            user=getattr(personas, persona),
            **_dates(),
        )


def _form(edition, **overrides):
    return {
        "name": "2026年度 一斉調査",
        "fiscal_year": "2026",
        "edition": str(edition.pk),
        "opens_on": "2026-06-01",
        "closes_on": "2026-09-30",
    } | overrides


def test_survey_page_selects_by_prefecture_and_kind(client, personas, edition):
    town = MunicipalityFactory(kind=MunicipalityKind.TOWN)
    DepartmentFactory(municipality=town)
    client.force_login(personas.admin)
    response = client.post(
        URL,
        _form(
            edition,
            prefecture=str(personas.municipality_a.prefecture_id),
            kinds=[MunicipalityKind.TOWN],
        ),
    )
    assert response.status_code == 200
    assert set(Round.objects.values_list("municipality", flat=True)) == {town.pk}
    assert "1団体でラウンドを開始し、0団体を飛ばしました" in response.text


def test_survey_page_takes_pasted_codes_and_reports_skips(client, personas, edition):
    a, b = personas.municipality_a, personas.municipality_b
    client.force_login(personas.admin)
    response = client.post(URL, _form(edition, codes=f"{a.code}\n{b.code}、{a.code}"))
    assert response.status_code == 200
    assert set(Round.objects.values_list("municipality", flat=True)) == {a.pk}
    assert "部署が登録されていません" in response.text
    assert b.code in response.text


def test_survey_page_refuses_unknown_codes_and_empty_selection(client, personas, edition):
    client.force_login(personas.admin)
    response = client.post(URL, _form(edition, codes="131016 999999"))
    assert response.status_code == 400
    assert "見つからない団体コードがあります" in response.text
    response = client.post(URL, _form(edition))
    assert response.status_code == 400
    assert "いずれかで選んでください" in response.text
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator_a", 403), ("catalogue_editor", 403), ("respondent_a", 403), ("admin", 200)],
)
def test_survey_page_is_for_system_admins(client, personas, persona, status):
    client.force_login(getattr(personas, persona))
    assert client.get(URL).status_code == status


def test_survey_page_sends_anonymous_users_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
