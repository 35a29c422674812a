"""Changing which departments answer an indicator, and who owns it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments.coordination import CoordinationError, assignment_set, round_close
from assessments.models import Assignment, Questionnaire, QuestionnaireStatus
from tests.assessment_factories import AnswerFactory
from tests.factories import DepartmentFactory


def _edit_url(round_, code):
    return reverse(
        "rounds:assignment_edit",
        kwargs={
            "code": round_.municipality.code,
            "round_id": round_.pk,
            "indicator_code": code,
        },
    )


def _pairs(round_, indicator):
    return set(
        Assignment.objects.filter(round=round_, indicator=indicator).values_list(
            "department__name", "is_owner"
        )
    )


@pytest.fixture
def indicator(open_round):
    return open_round.edition.indicators.get(code="STD-01")


def test_assignments_page_lists_indicators_with_departments_and_owner(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    response = client.get(
        reverse(
            "rounds:assignments",
            kwargs={"code": personas.municipality_a.code, "round_id": open_round.pk},
        )
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["indicator"].code for r in rows][:2] == ["STD-01", "STD-03"]
    assert all(r["owner"] == personas.department_a for r in rows)
    assert "指標1の取組状況を選んでください。" in response.text
    assert _edit_url(open_round, "STD-01") in response.text


def test_adding_a_department_creates_its_questionnaire(client, personas, open_round, indicator):
    tax = personas.other_department_a
    client.force_login(personas.coordinator_a)
    response = client.post(
        _edit_url(open_round, "STD-01"),
        {"departments": [personas.department_a.pk, tax.pk], "owner": tax.pk},
    )
    assert response.status_code == 302
    assert _pairs(open_round, indicator) == {("DX推進課", False), ("税務課", True)}
    assert Questionnaire.objects.filter(round=open_round, department=tax).exists()


def test_removing_a_department_that_answered_is_refused(client, personas, open_round, indicator):
    tax = personas.other_department_a
    assignment_set(
        round=open_round,
        indicator=indicator,
        departments=[personas.department_a, tax],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    AnswerFactory(round=open_round, department=tax, indicator=indicator, level=2)
    client.force_login(personas.coordinator_a)
    response = client.post(
        _edit_url(open_round, "STD-01"),
        {"departments": [personas.department_a.pk], "owner": personas.department_a.pk},
    )
    assert response.status_code == 400
    assert "税務課はこの指標にすでに回答しているため、割当から外せません" in response.text
    assert _pairs(open_round, indicator) == {("DX推進課", True), ("税務課", False)}


def test_removing_an_unanswered_department_drops_its_empty_questionnaire(
    personas, open_round, indicator
):
    tax = personas.other_department_a
    kwargs = {"round": open_round, "indicator": indicator, "user": personas.coordinator_a}
    assignment_set(departments=[personas.department_a, tax], owner=tax, **kwargs)
    change = assignment_set(
        departments=[personas.department_a], owner=personas.department_a, **kwargs
    )
    assert change.removed == [tax]
    assert _pairs(open_round, indicator) == {("DX推進課", True)}
    assert not Questionnaire.objects.filter(round=open_round, department=tax).exists()


def test_owner_must_be_one_of_the_departments(client, personas, open_round, indicator):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _edit_url(open_round, "STD-01"),
        {"departments": [personas.department_a.pk], "owner": personas.other_department_a.pk},
    )
    assert response.status_code == 400
    assert "主担当の部署は回答する部署の中から選んでください" in response.text
    assert _pairs(open_round, indicator) == {("DX推進課", True)}


def test_departments_of_another_municipality_are_refused(client, personas, open_round, indicator):
    client.force_login(personas.coordinator_a)
    response = client.post(
        _edit_url(open_round, "STD-01"),
        {"departments": [personas.department_c.pk], "owner": personas.department_c.pk},
    )
    assert response.status_code == 400
    assert _pairs(open_round, indicator) == {("DX推進課", True)}
    # The service refuses it too, whatever a form lets through.
    with pytest.raises(CoordinationError, match="同じ団体"):
        assignment_set(
            round=open_round,
            indicator=indicator,
            departments=[personas.department_c],
            owner=personas.department_c,
            user=personas.coordinator_a,
        )


def test_retired_departments_cannot_be_added(personas, open_round, indicator):
    retired = DepartmentFactory(municipality=personas.municipality_a, is_active=False)
    with pytest.raises(CoordinationError, match="使用停止"):
        assignment_set(
            round=open_round,
            indicator=indicator,
            departments=[personas.department_a, retired],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )


def test_a_submitted_questionnaire_gets_no_new_indicator(personas, open_round, indicator):
    tax = personas.other_department_a
    other = open_round.edition.indicators.get(code="STD-02")
    assignment_set(
        round=open_round,
        indicator=other,
        departments=[personas.department_a, tax],
        owner=personas.department_a,
        user=personas.coordinator_a,
    )
    Questionnaire.objects.filter(round=open_round, department=tax).update(
        status=QuestionnaireStatus.SUBMITTED
    )
    with pytest.raises(CoordinationError, match="提出済み"):
        assignment_set(
            round=open_round,
            indicator=indicator,
            departments=[personas.department_a, tax],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )


def test_assignments_are_frozen_once_the_round_is_closed(personas, open_round, indicator):
    round_close(round=open_round, user=personas.coordinator_a)
    with pytest.raises(CoordinationError, match="締め切られています"):
        assignment_set(
            round=open_round,
            indicator=indicator,
            departments=[personas.department_a, personas.other_department_a],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )


def test_only_coordinators_change_assignments(client, personas, open_round, indicator):
    with pytest.raises(PermissionDenied):
        assignment_set(
            round=open_round,
            indicator=indicator,
            departments=[personas.other_department_a],
            owner=personas.other_department_a,
            user=personas.consultant,
        )
    data = {
        "departments": [personas.other_department_a.pk],
        "owner": personas.other_department_a.pk,
    }
    for persona in ["consultant", "respondent_a", "coordinator_c"]:
        client.force_login(getattr(personas, persona))
        assert client.post(_edit_url(open_round, "STD-01"), data).status_code == 404
        assert client.get(_edit_url(open_round, "STD-01")).status_code == 404
    assert _pairs(open_round, indicator) == {("DX推進課", True)}


def test_an_indicator_of_another_edition_is_404(client, personas, open_round):
    client.force_login(personas.coordinator_a)
    assert client.get(_edit_url(open_round, "NOPE-99")).status_code == 404


def test_posted_round_or_owner_flags_are_ignored(client, personas, open_round, indicator):
    client.force_login(personas.coordinator_a)
    client.post(
        _edit_url(open_round, "STD-01"),
        {
            "departments": [personas.department_a.pk],
            "owner": personas.department_a.pk,
            "is_owner": "false",
            "round": "999",
            "municipality": str(personas.municipality_c.pk),
            "status": "approved",
        },
    )
    assert _pairs(open_round, indicator) == {("DX推進課", True)}
    assert open_round.questionnaires.get().status == QuestionnaireStatus.IN_PROGRESS
