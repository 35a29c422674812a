"""Report downloads: who gets which PDF, and what the browser is told about the file."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory
from tests.reports.report_support import report_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(personas):
    return report_round(personas, indicators=3, areas=1)


def municipality_url(round_, code=None):
    return reverse(
        "reports:municipality",
        kwargs={"code": code or round_.municipality.code, "round_id": round_.pk},
    )


def department_url(round_, department):
    return reverse(
        "reports:department",
        kwargs={
            "code": round_.municipality.code,
            "round_id": round_.pk,
            "department_id": department.pk,
        },
    )


@pytest.mark.parametrize("who", ["coordinator_a", "consultant"])
def test_results_viewers_download_the_municipality_report(client, personas, round_, who):
    client.force_login(getattr(personas, who))

    response = client.get(municipality_url(round_))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "no-store"
    code, name = round_.municipality.code, round_.municipality.name
    japanese = quote(f"{code}_{name}_2026年度_評価報告書.pdf", safe="")
    assert response["Content-Disposition"] == (
        f"attachment; filename=\"dx-report-{code}-2026.pdf\"; filename*=UTF-8''{japanese}"
    )


@pytest.mark.parametrize("who", ["respondent_a", "coordinator_c", "respondent_c", "admin"])
def test_others_get_404_for_the_municipality_report(client, personas, round_, who):
    client.force_login(getattr(personas, who))
    assert client.get(municipality_url(round_)).status_code == 404


def test_a_round_under_another_municipalitys_code_is_404(client, personas, round_):
    client.force_login(personas.coordinator_c)
    assert client.get(municipality_url(round_, personas.municipality_c.code)).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, round_):
    response = client.get(municipality_url(round_))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_respondent_downloads_their_own_departments_report_only(client, personas, round_):
    client.force_login(personas.respondent_a)

    response = client.get(department_url(round_, personas.department_a))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert f"-department-{personas.department_a.pk}.pdf" in response["Content-Disposition"]
    assert quote("DX推進課", safe="") in response["Content-Disposition"]
    other = client.get(department_url(round_, personas.other_department_a))
    assert other.status_code == 404


def test_coordinator_downloads_any_department_of_the_municipality(client, personas, round_):
    client.force_login(personas.coordinator_a)
    response = client.get(department_url(round_, personas.other_department_a))
    assert response.status_code == 200
    elsewhere = DepartmentFactory(municipality=personas.municipality_c)
    assert client.get(department_url(round_, elsewhere)).status_code == 404


def test_the_dashboard_and_department_pages_have_a_download_button(client, personas, round_):
    client.force_login(personas.coordinator_a)
    dashboard = client.get(
        reverse(
            "results:dashboard",
            kwargs={"code": round_.municipality.code, "round_id": round_.pk},
        )
    ).content.decode()
    assert f'href="{municipality_url(round_)}"' in dashboard
    department = client.get(
        reverse(
            "results:department",
            kwargs={
                "code": round_.municipality.code,
                "round_id": round_.pk,
                "department_id": personas.department_a.pk,
            },
        )
    ).content.decode()
    assert f'href="{department_url(round_, personas.department_a)}"' in department


def test_post_is_not_allowed(client, personas, round_):
    client.force_login(personas.coordinator_a)
    assert client.post(municipality_url(round_)).status_code == 405
