import pytest
from django.urls import reverse

from municipalities.default_departments import DEFAULT_DEPARTMENTS
from municipalities.models import Department, MunicipalityKind
from municipalities.services import departments_create_defaults
from tests.factories import DepartmentFactory, MunicipalityFactory


@pytest.mark.django_db
@pytest.mark.parametrize("kind", MunicipalityKind.values)
def test_every_kind_has_a_default_department_set_with_a_dx_office(kind):
    municipality = MunicipalityFactory(
        kind=kind,
        prefecture=None
        if kind == MunicipalityKind.PREFECTURE
        else MunicipalityFactory(kind=MunicipalityKind.PREFECTURE, prefecture=None, code="130001"),
    )
    created = departments_create_defaults(municipality=municipality)
    assert [d.name for d in created] == [name for name, _ in DEFAULT_DEPARTMENTS[kind]]
    assert any(d.kind == "dx_promotion" for d in created)


def test_defaults_are_safe_to_add_twice(personas):
    departments_create_defaults(municipality=personas.municipality_a)
    count = Department.objects.count()
    assert departments_create_defaults(municipality=personas.municipality_a) == []
    assert Department.objects.count() == count


def test_duplicate_name_is_refused_with_a_message(client, personas):
    client.force_login(personas.coordinator_a)
    url = reverse("municipalities:departments", kwargs={"code": personas.municipality_a.code})
    response = client.post(url, {"name": personas.department_a.name, "kind": "welfare"})
    assert response.status_code == 400
    assert "同じ名前の部署がすでにあります" in response.content.decode()
    assert personas.municipality_a.departments.count() == 2


def test_municipality_is_not_client_writable(client, personas):
    client.force_login(personas.coordinator_a)
    url = reverse("municipalities:departments", kwargs={"code": personas.municipality_a.code})
    client.post(
        url, {"name": "新設課", "kind": "welfare", "municipality": personas.municipality_c.pk}
    )
    assert Department.objects.get(name="新設課").municipality == personas.municipality_a
    assert not personas.municipality_c.departments.filter(name="新設課").exists()


def test_department_of_another_municipality_is_not_found(client, personas):
    client.force_login(personas.coordinator_a)
    url = reverse(
        "municipalities:department_edit",
        kwargs={"code": personas.municipality_a.code, "pk": personas.department_c.pk},
    )
    assert client.get(url).status_code == 404


def test_edit_updates_and_retires(client, personas):
    client.force_login(personas.coordinator_a)
    department = personas.department_a
    url = reverse(
        "municipalities:department_edit",
        kwargs={"code": personas.municipality_a.code, "pk": department.pk},
    )
    response = client.post(url, {"name": "デジタル戦略課", "kind": "dx_promotion", "sort_order": 5})
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.name, department.sort_order, department.is_active) == (
        "デジタル戦略課",
        5,
        False,
    )


@pytest.mark.parametrize("extra_departments", [0, 30])
def test_departments_page_query_count_does_not_grow(
    client, personas, django_assert_num_queries, extra_departments
):
    for i in range(extra_departments):
        DepartmentFactory(municipality=personas.municipality_a, name=f"追加{i}")
    client.force_login(personas.coordinator_a)
    url = reverse("municipalities:departments", kwargs={"code": personas.municipality_a.code})
    # session, user, memberships (with municipality), departments; no session write
    with django_assert_num_queries(4):
        client.get(url)


def test_new_department_order_stays_within_the_field(client, personas):
    personas.department_a.sort_order = 32767
    personas.department_a.save()
    client.force_login(personas.coordinator_a)
    url = reverse("municipalities:departments", kwargs={"code": personas.municipality_a.code})
    client.post(url, {"name": "新設課", "kind": "welfare"})
    assert Department.objects.get(name="新設課").sort_order == 32767
