"""The round's 基準日 (issue 12, point 3): its default, the open-round form, and where it
is shown (the area page once and beside dated indicators, the round page, the PDF cover)."""

import datetime

import pytest
from django.urls import reverse

from assessments.forms_coordination import RoundOpenForm, SurveyForm
from assessments.models import Round, Survey
from assessments.reference_day import names_a_day
from assessments.rounds import default_reference_date
from tests import assessment_factories
from tests.assessments.answering_support import open_all_types
from tests.frameworks.factories import make_edition

NOTICE = "基準日：2026年4月1日（令和8年4月1日）現在で回答してください"


def _open_form(edition, **overrides):
    return {
        "fiscal_year": "2026",
        "edition": str(edition.pk),
        "opens_on": "2026-06-01",
        "closes_on": "2026-09-30",
    } | overrides


def test_a_round_defaults_to_april_first_of_its_fiscal_year(personas):
    round_ = assessment_factories.open_round(
        personas.municipality_a, personas.coordinator_a, fiscal_year=2027
    )
    assert round_.reference_date == datetime.date(2027, 4, 1) == default_reference_date(2027)


def test_round_open_keeps_a_chosen_reference_date(personas):
    round_ = assessment_factories.open_round(
        personas.municipality_a,
        personas.coordinator_a,
        fiscal_year=2026,
        reference_date=datetime.date(2026, 3, 31),
    )
    round_.refresh_from_db()
    assert round_.reference_date == datetime.date(2026, 3, 31)


def test_the_form_is_prefilled_with_april_first_of_the_current_fiscal_year(db):
    form = RoundOpenForm(today=datetime.date(2027, 2, 10), has_earlier_round=False)
    assert form.initial["fiscal_year"] == 2026
    assert form.initial["reference_date"] == datetime.date(2026, 4, 1)


def test_opening_from_the_page_stores_the_posted_reference_date(client, personas):
    edition = make_edition(indicators=2, areas=1)
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("rounds:new", kwargs={"code": personas.municipality_a.code}),
        _open_form(edition, reference_date="2026-03-31"),
    )
    assert response.status_code == 302
    assert Round.objects.get().reference_date == datetime.date(2026, 3, 31)


def test_an_empty_reference_date_is_the_default(client, personas):
    edition = make_edition(indicators=2, areas=1)
    client.force_login(personas.coordinator_a)
    client.post(
        reverse("rounds:new", kwargs={"code": personas.municipality_a.code}),
        _open_form(edition, reference_date=""),
    )
    assert Round.objects.get().reference_date == datetime.date(2026, 4, 1)


@pytest.mark.parametrize("day", ["2025-03-31", "2027-04-01", "2030-01-01"])
def test_a_reference_date_outside_the_year_or_the_year_before_is_refused(client, personas, day):
    edition = make_edition(indicators=2, areas=1)
    client.force_login(personas.coordinator_a)
    response = client.post(
        reverse("rounds:new", kwargs={"code": personas.municipality_a.code}),
        _open_form(edition, reference_date=day),
    )
    assert response.status_code == 400
    assert (
        "基準日は2025年4月1日（令和7年4月1日）から2027年3月31日（令和9年3月31日）"
        "までの日にしてください。"
    ) in response.text
    assert not Round.objects.exists()


# --- a survey (many municipalities at once) ------------------------------------------------

SURVEY_URL = reverse("rounds:survey_new")


def _survey_form(edition, personas, **overrides):
    codes = f"{personas.municipality_a.code} {personas.municipality_c.code}"
    return _open_form(edition, name="2026年度 一斉調査", codes=codes) | overrides


def test_the_survey_form_is_prefilled_like_the_round_form(db):
    form = SurveyForm(today=datetime.date(2027, 2, 10))
    assert form.initial["reference_date"] == datetime.date(2026, 4, 1)
    assert str(form.fields["reference_date"].label) == "基準日"
    # The same field, not a copy: one label, one help text, one rule.
    assert form.fields["reference_date"].help_text == (
        RoundOpenForm(today=datetime.date(2027, 2, 10), has_earlier_round=False)
        .fields["reference_date"]
        .help_text
    )
    assert list(form.fields).index("reference_date") == list(form.fields).index("closes_on") + 1


@pytest.mark.parametrize(("posted", "stored"), [("2026-03-31", (2026, 3, 31)), ("", (2026, 4, 1))])
def test_every_round_of_a_survey_takes_its_reference_date(client, personas, posted, stored):
    edition = make_edition(indicators=2, areas=1)
    client.force_login(personas.admin)

    response = client.post(SURVEY_URL, _survey_form(edition, personas, reference_date=posted))

    assert response.status_code == 200
    rounds = Round.objects.filter(survey=Survey.objects.get())
    assert rounds.count() == 2
    assert {r.reference_date for r in rounds} == {datetime.date(*stored)}


def test_a_survey_refuses_a_reference_date_outside_the_year(client, personas):
    edition = make_edition(indicators=2, areas=1)
    client.force_login(personas.admin)

    response = client.post(SURVEY_URL, _survey_form(edition, personas, reference_date="2027-04-01"))

    assert response.status_code == 400
    assert "基準日は2025年4月1日（令和7年4月1日）から2027年3月31日" in response.text
    assert not Round.objects.exists() and not Survey.objects.exists()


@pytest.mark.parametrize(
    ("help_text", "dated"),
    [
        ("4月1日時点で選んでください。", True),
        ("１０月１日現在の人数です。", True),
        ("12月31日時点の件数", True),
        ("2024年2月5日の計画に基づきます。", False),
        ("", False),
    ],
)
def test_which_help_texts_name_a_day(help_text, dated):
    assert names_a_day(help_text) is dated


def test_the_area_page_shows_the_reference_date_once_on_top_and_beside_dated_indicators(
    client, personas
):
    all_types = open_all_types(personas, fiscal_year=2026)
    dated, undated = all_types.indicator("MAT-01"), all_types.indicator("YES-01")
    dated.help_text = "導入の状況を4月1日時点で選んでください。"
    dated.save()
    undated.help_text = "方針があるかを答えてください。"
    undated.save()
    assert dated.area_id == undated.area_id
    client.force_login(personas.respondent_a)
    response = client.get(all_types.area_url())
    assert response.status_code == 200
    assert f'id="reference-date">{NOTICE}' in response.text
    assert f'id="reference-date-{dated.pk}">{NOTICE}' in response.text
    assert f'id="reference-date-{undated.pk}"' not in response.text
    dated_indicators = [form for form in response.context["forms"] if form.asks_as_of_a_day]
    assert [form.indicator for form in dated_indicators] == [dated]
    assert response.text.count(NOTICE) == 2


def test_the_round_page_shows_the_reference_date(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    response = client.get(
        reverse(
            "rounds:detail",
            kwargs={"code": personas.municipality_a.code, "round_id": open_round.pk},
        )
    )
    assert "2026年4月1日（令和8年4月1日）現在" in response.text
