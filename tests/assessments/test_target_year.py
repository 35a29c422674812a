"""A target's fiscal year (目標年度): parsed with the other values, offered beside the target
level on the area page, saved by the versioned save, kept in the history and the audit."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments.answer_values import (
    AnswerValues,
    IndicatorSpec,
    default_target_fiscal_year,
    parse_answer,
    target_fiscal_years,
)
from assessments.answering import answer_save
from assessments.models import Answer, AnswerChange
from audit.models import AuditAction, AuditEvent
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page

MATURITY_2026 = IndicatorSpec("maturity", max_level=4, fiscal_year=2026)
OUT_OF_RANGE = (
    "目標年度は2027年度（令和9年度）から2036年度（令和18年度）までの年度を選んでください。"
)


# --- the rule ------------------------------------------------------------------------------


def test_the_default_is_three_years_on_and_the_horizon_ten():
    assert default_target_fiscal_year(2026) == 2029
    assert list(target_fiscal_years(2026)) == list(range(2027, 2037))


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("", 2029),  # a target level without a year: three years on
        ("2028", 2028),
        ("２０３０", 2030),  # full-width, as a Japanese IME types it
        ("2031年度", 2031),
        ("2027年度（令和9年度）", 2027),  # the dropdown's words
        ("2036", 2036),
    ],
)
def test_a_target_level_takes_its_year(typed, year):
    parsed = parse_answer(
        MATURITY_2026, {"level": "1", "target_level": "3", "target_fiscal_year": typed}
    )
    assert parsed.ok, parsed.errors
    assert (parsed.values.target_level, parsed.values.target_fiscal_year) == (3, year)


@pytest.mark.parametrize("typed", ["2026", "2025", "2037", "令和11年度", "来年"])
def test_a_year_not_after_the_round_or_beyond_the_horizon_is_refused(typed):
    parsed = parse_answer(
        MATURITY_2026, {"level": "1", "target_level": "3", "target_fiscal_year": typed}
    )
    assert parsed.errors == {"target_fiscal_year": OUT_OF_RANGE}


@pytest.mark.parametrize("typed", ["2029", "2026", "でたらめ"])
def test_a_year_without_a_target_level_is_dropped(typed):
    """A year alone targets nothing: it is not stored, whatever was typed, and not an error
    (the page's select always holds a year, shown before any target level is chosen)."""
    parsed = parse_answer(MATURITY_2026, {"level": "1", "target_fiscal_year": typed})
    assert parsed.ok
    assert (parsed.values.target_level, parsed.values.target_fiscal_year) == (None, None)


def test_a_database_row_cannot_hold_a_year_without_a_target(personas):
    all_types = open_all_types(personas)
    answer = answer_save(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("MAT-01"),
        values=AnswerValues(level=1),
        base_version=0,
        user=personas.respondent_a,
    ).answer
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(target_fiscal_year=2029)


# --- the area page -------------------------------------------------------------------------


@pytest.fixture
def all_types(personas):
    return open_all_types(personas)  # fiscal year 2026


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _select(page: Page, all_types) -> list[tuple[str, str, bool]]:
    prefix = f"a{all_types.indicator('MAT-01').pk}"
    page.one("select", id=f"{prefix}-target_fiscal_year", name="target_fiscal_year")
    start = page.html.index(f'id="{prefix}-target_fiscal_year"')
    options = Page(page.html[start : page.html.index("</select>", start)]).all("option")
    return [(o.attrs["value"], o.text, "selected" in o.attrs) for o in options]


def _post(client, all_types, data, base_version=0):
    return client.post(all_types.save_url("MAT-01"), {"base_version": base_version, **data}, **HTMX)


def test_the_page_offers_the_following_years_with_the_default_chosen(respondent, all_types):
    page = Page(respondent.get(all_types.area_url()).content.decode())

    options = _select(page, all_types)

    assert len(options) == 10
    assert options[0][:2] == ("2027", "2027年度（令和9年度）")
    assert options[-1][:2] == ("2036", "2036年度（令和18年度）")
    assert [value for value, _label, selected in options if selected] == ["2029"]
    label = page.one("label", for_=f"a{all_types.indicator('MAT-01').pk}-target_fiscal_year")
    assert label.text == "目標年度"


def test_a_chosen_year_is_saved_and_shown_again(respondent, all_types, personas):
    response = _post(
        respondent, all_types, {"level": "1", "target_level": "3", "target_fiscal_year": "2031"}
    )

    assert response.status_code == 200
    answer = Answer.objects.get(questionnaire=all_types.questionnaire)
    assert (answer.target_level, answer.target_fiscal_year, answer.version) == (3, 2031, 1)
    page = Page(respondent.get(all_types.area_url()).content.decode())
    assert [value for value, _label, selected in _select(page, all_types) if selected] == ["2031"]
    # The history and the audit say it in words.
    change = AnswerChange.objects.get(answer=answer)
    assert change.changes["target_fiscal_year"] == [None, 2031]
    history = Page(
        respondent.get(
            reverse("questionnaires:history", args=[all_types.questionnaire.pk])
        ).content.decode()
    )
    (row,) = [r.text.replace(" ", "") for r in history.all("tr")[1:]]
    assert "目標年度:変更前（なし）→、変更後2031年度（令和13年度）" in row
    event = AuditEvent.objects.get(action=AuditAction.ANSWER_CHANGED)
    (year,) = [c for c in event.detail["changes"] if c["label"] == {"msgid": "目標年度"}]
    assert year["new"] == "2031年度（令和13年度）"


def test_a_year_out_of_range_is_refused_beside_the_field_and_nothing_saved(respondent, all_types):
    response = _post(
        respondent, all_types, {"level": "1", "target_level": "3", "target_fiscal_year": "2026"}
    )

    assert response.status_code == 400
    page = Page(response.content.decode())
    prefix = f"a{all_types.indicator('MAT-01').pk}"
    assert page.one("p", id=f"{prefix}-target_fiscal_year-error").text == OUT_OF_RANGE
    select = page.one("select", id=f"{prefix}-target_fiscal_year")
    assert select.attrs["aria-invalid"] == "true"
    assert f"{prefix}-target_fiscal_year-error" in select.attrs["aria-describedby"]
    assert not Answer.objects.exists()


def test_a_year_without_a_target_level_is_not_stored(respondent, all_types):
    response = _post(respondent, all_types, {"level": "2", "target_fiscal_year": "2030"})

    assert response.status_code == 200
    answer = Answer.objects.get(questionnaire=all_types.questionnaire)
    assert (answer.level, answer.target_level, answer.target_fiscal_year) == (2, None, None)
    assert "target_fiscal_year" not in AnswerChange.objects.get(answer=answer).changes


def test_changing_only_the_year_is_a_versioned_change_and_a_stale_one_a_conflict(
    respondent, all_types
):
    posted = {"level": "1", "target_level": "3", "target_fiscal_year": "2029"}
    assert _post(respondent, all_types, posted).status_code == 200
    assert (
        _post(respondent, all_types, posted | {"target_fiscal_year": "2030"}, 1).status_code == 200
    )
    answer = Answer.objects.get(questionnaire=all_types.questionnaire)
    assert (answer.target_fiscal_year, answer.version) == (2030, 2)

    # Someone still on version 1 chose another year: a conflict that names the field.
    stale = _post(respondent, all_types, posted | {"target_fiscal_year": "2032"}, 1)
    assert stale.status_code == 409
    assert stale["DX-Answer-State"] == "conflict"
    rows = Page(stale.content.decode()).all("tr", class_="conflict-table__differs")
    assert len(rows) == 1
    assert "目標年度" in rows[0].text and "2032年度（令和14年度）" in rows[0].text
    # A retry of what is stored is no conflict.
    again = _post(respondent, all_types, posted | {"target_fiscal_year": "2030"}, 1)
    assert again.status_code == 200


def test_the_review_page_shows_the_target_with_its_year(client, all_types, personas):
    client.force_login(personas.respondent_a)
    _post(client, all_types, {"level": "1", "target_level": "3", "target_fiscal_year": "2031"})
    questionnaire = all_types.questionnaire
    client.force_login(personas.coordinator_a)

    response = client.get(
        reverse(
            "rounds:review",
            kwargs={
                "code": questionnaire.round.municipality.code,
                "round_id": questionnaire.round_id,
                "questionnaire_id": questionnaire.pk,
            },
        )
    )

    assert "目標レベル：3、2031年度（令和13年度）" in response.text
