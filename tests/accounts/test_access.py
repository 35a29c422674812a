import pytest
from django.urls import reverse

from accounts.access import Capability, access_for
from accounts.models import Membership, Role
from audit.models import AuditAction, AuditEvent
from tests.factories import MembershipFactory


def test_outsider_sees_no_other_municipality(personas):
    access = access_for(personas.coordinator_c)
    assert list(access.municipalities()) == [personas.municipality_c]
    assert not access.can(Capability.VIEW_MUNICIPALITY, personas.municipality_a)


def test_consultant_sees_only_assigned_municipalities(personas):
    visible = set(access_for(personas.consultant).municipalities())
    assert visible == {personas.municipality_a, personas.municipality_b}


def test_respondent_answers_only_for_own_department(personas):
    access = access_for(personas.respondent_a)
    a = personas.municipality_a
    assert access.can(Capability.ANSWER_FOR_DEPARTMENT, a, personas.department_a)
    assert not access.can(Capability.ANSWER_FOR_DEPARTMENT, a, personas.other_department_a)
    assert not access.can(Capability.MANAGE_DEPARTMENTS, a)


def test_global_roles_hold_no_municipality(personas):
    assert access_for(personas.catalogue_editor).has_global(Capability.EDIT_CATALOGUE)
    assert not access_for(personas.catalogue_editor).municipality_ids()
    assert access_for(personas.admin).is_system_admin
    assert not access_for(personas.coordinator_a).is_system_admin


def test_removed_assignment_takes_effect_on_next_request(client, personas):
    url = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    client.force_login(personas.consultant)
    assert client.get(url).status_code == 200
    Membership.objects.filter(
        user=personas.consultant, municipality=personas.municipality_a
    ).delete()
    assert client.get(url).status_code == 404


def test_inactive_user_has_no_access(personas):
    personas.coordinator_a.is_active = False
    personas.coordinator_a.save()
    assert not access_for(personas.coordinator_a).municipality_ids()


def test_access_reads_memberships_once_per_request(client, personas, django_assert_num_queries):
    client.force_login(personas.consultant)
    url = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    # session, user, memberships (with their municipalities), departments, the newest
    # round with results (the dashboard link, results.latest); no session write
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "tenant", "page"),
    [
        ("coordinator_c", "a", "municipalities:overview"),  # another municipality
        ("respondent_a", "a", "municipalities:people"),  # their own, but not their role's page
    ],
)
def test_refusal_of_an_existing_municipality_is_audited(client, personas, persona, tenant, page):
    municipality = personas.municipality_a if tenant == "a" else personas.municipality_c
    url = reverse(page, kwargs={"code": municipality.code})
    client.force_login(personas.by_name(persona))
    assert client.get(url).status_code == 404
    (event,) = AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.municipality, event.target) == (
        personas.by_name(persona),
        municipality,
        url,
    )


def test_allowed_unknown_and_anonymous_requests_are_not_audited_as_refused(client, personas):
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    assert client.get(overview).status_code == 302  # anonymous: to the sign-in page
    client.force_login(personas.coordinator_a)
    assert client.get(overview).status_code == 200
    unknown = reverse("municipalities:overview", kwargs={"code": "999999"})
    assert client.get(unknown).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()


def test_refusal_costs_one_lookup_and_one_insert(client, personas, django_assert_num_queries):
    client.force_login(personas.coordinator_c)
    url = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    # session, user, memberships, the refused municipality's id, the audit event;
    # no session write
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("role", "with_municipality", "with_department"),
    [
        (Role.RESPONDENT, True, False),
        (Role.COORDINATOR, False, False),
        (Role.CATALOGUE_EDITOR, True, False),
    ],
)
def test_membership_scope_must_match_role(personas, role, with_municipality, with_department):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(
            role=role,
            municipality=personas.municipality_a if with_municipality else None,
            department=personas.department_a if with_department else None,
        )
