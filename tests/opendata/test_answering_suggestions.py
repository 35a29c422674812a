"""The area page's suggested answers from open data: shown with source and date, national and
peer values beside them, used through the normal save (version check, history, audit), never
written over a saved answer unasked."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Answer, AnswerChange
from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from tests.assessments.answering_support import HTMX
from tests.frontend.page import Page
from tests.opendata.support import add_values, municipality_a_with_peers, open_data_round

# The area page; two of them are the suggestions' (opendata.suggestions).
QUERIES = 10
SUGGESTION = "オープンデータの値：72.3%（デジタル庁「自治体DXダッシュボード」2026年9月30日時点）"


@pytest.fixture
def setup(personas):
    data = open_data_round(personas)
    add_values(municipality_a_with_peers(personas))
    return data


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _answer(setup, code) -> Answer | None:
    return Answer.objects.filter(questionnaire=setup.questionnaire, indicator__code=code).first()


def _page(response) -> Page:
    return Page(response.content.decode())


def _by_id(page: Page, element_id: str):
    """The element with the id, or None."""
    found = [e for e in page.elements if e.attrs.get("id") == element_id]
    assert len(found) <= 1
    return found[0] if found else None


def _text(page: Page, element_id: str) -> str:
    return _by_id(page, element_id).text


def test_an_indicator_with_a_value_shows_it_with_source_date_national_and_peer_values(
    setup, respondent
):
    page = _page(respondent.get(setup.area_url()))
    mnc, onl, pct = (setup.indicator(code).pk for code in ("MNC-01", "ONL-06", "PCT-01"))
    assert _text(page, f"open-data-{mnc}-value") == SUGGESTION
    compare = _text(page, f"open-data-{mnc}-compare")
    assert "全国：中央値 80.5%・平均 75.4%（8団体）" in compare
    assert "同じ区分（その他の市）：中央値 81.5%（6団体）" in compare
    # ONL-06: one city only has a value, below the minimum group size of 5.
    assert "オープンデータの値：50.0%（" in _text(page, f"open-data-{onl}-value")
    onl_compare = _text(page, f"open-data-{onl}-compare")
    assert "全国：中央値 25.0%・平均 33.3%（3団体）" in onl_compare
    assert "値のある団体が5団体未満のため表示しません" in onl_compare
    assert "中央値 50" not in onl_compare
    assert _by_id(page, f"open-data-{pct}") is None
    # The field stays empty until the respondent uses the value or types their own.
    assert _by_id(page, f"a{mnc}-number").attrs["value"] == ""
    assert _by_id(page, f"a{mnc}-use-open-data") is not None


def test_the_page_costs_the_same_queries_however_many_bodies_have_values(
    setup, respondent, personas, django_assert_num_queries
):
    respondent.get(setup.area_url())  # the session's first request does its own reads
    with django_assert_num_queries(QUERIES):
        respondent.get(setup.area_url())
    add_values(
        municipality_a_with_peers(personas, cities=20, towns=20), as_of=setup.round.closes_on
    )
    with django_assert_num_queries(QUERIES):
        page = _page(respondent.get(setup.area_url()))
    assert "2099年9月30日時点" in _text(page, f"open-data-{setup.indicator('MNC-01').pk}-value")


def test_using_the_value_saves_it_through_the_normal_path_marked_as_from_open_data(
    setup, respondent
):
    # Whatever was posted in the field, the value is the server's own.
    response = respondent.post(
        setup.save_url("MNC-01"), {"base_version": 0, "number": "99", "open_data": "use"}, **HTMX
    )
    assert response.status_code == 200
    answer = _answer(setup, "MNC-01")
    assert (answer.number, answer.version) == (Decimal("72.3"), 1)
    changes = list(AnswerChange.objects.filter(answer=answer))
    assert len(changes) == 1
    assert changes[0].via == "open_data"
    assert changes[0].changes["number"] == [None, "72.30"]
    event = AuditEvent.objects.get(action=AuditAction.ANSWER_CHANGED)
    assert event.detail["via"] == "open_data"
    assert describe(event).endswith("（オープンデータの値を使用）")
    block = _page(response)
    pk = setup.indicator("MNC-01").pk
    assert _by_id(block, f"a{pk}-number").attrs["value"] == "72.3"
    assert "オープンデータの値を回答しています" in _text(block, f"open-data-{pk}")
    assert _by_id(block, f"a{pk}-use-open-data") is None
    history = respondent.get(reverse("questionnaires:history", args=[setup.questionnaire.pk]))
    assert "オープンデータの値" in history.content.decode()


def test_without_javascript_using_the_value_redirects_back_to_the_indicator(setup, respondent):
    response = respondent.post(setup.save_url("MNC-01"), {"base_version": 0, "open_data": "use"})
    assert response.status_code == 302
    assert _answer(setup, "MNC-01").number == Decimal("72.3")


def test_the_respondent_types_their_own_value_instead(setup, respondent):
    response = respondent.post(
        setup.save_url("MNC-01"), {"base_version": 0, "number": "74"}, **HTMX
    )
    assert response.status_code == 200
    answer = _answer(setup, "MNC-01")
    assert answer.number == Decimal("74")
    assert AnswerChange.objects.get(answer=answer).via == "web"
    page = _page(respondent.get(setup.area_url()))
    pk = setup.indicator("MNC-01").pk
    # The saved answer stands; the value is still offered beside it, never put in unasked.
    assert _by_id(page, f"a{pk}-number").attrs["value"] == "74"
    assert _text(page, f"open-data-{pk}-value") == SUGGESTION
    assert _by_id(page, f"a{pk}-use-open-data") is not None
    assert _answer(setup, "MNC-01").version == 1


def test_using_the_value_after_someone_else_saved_is_a_conflict_and_changes_nothing(
    setup, respondent, personas
):
    respondent.post(setup.save_url("MNC-01"), {"base_version": 0, "number": "70"}, **HTMX)
    response = respondent.post(
        setup.save_url("MNC-01"), {"base_version": 0, "open_data": "use"}, **HTMX
    )
    assert response.status_code == 409
    assert response["DX-Answer-State"] == "conflict"
    answer = _answer(setup, "MNC-01")
    assert (answer.number, answer.version) == (Decimal("70"), 1)
    assert AnswerChange.objects.filter(answer=answer).count() == 1


def test_read_only_viewers_see_the_value_without_the_control(setup, client, personas):
    client.force_login(personas.coordinator_a)
    page = _page(client.get(setup.area_url()))
    pk = setup.indicator("MNC-01").pk
    assert _text(page, f"open-data-{pk}-value") == SUGGESTION
    assert _by_id(page, f"a{pk}-use-open-data") is None


def test_a_municipality_without_values_sees_no_suggestion(personas, client):
    setup = open_data_round(personas)
    add_values({personas.municipality_b: {"マイナンバーカード保有枚数率": "90"}})
    client.force_login(personas.respondent_a)
    page = _page(client.get(setup.area_url()))
    assert "open-data" not in page.html
