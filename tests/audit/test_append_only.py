"""No one can change or delete an audit event: not the model, not a QuerySet, not raw SQL."""

import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AppendOnlyError, AuditAction, AuditEvent
from audit.recording import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(personas):
    return record(
        AuditAction.EXPORT,
        user=personas.coordinator_a,
        municipality=personas.municipality_a,
        target="round 1 answers.csv",
    )


def test_the_model_refuses_to_save_an_existing_event_or_delete_one(event):
    event.target = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).target == "round 1 answers.csv"


def test_querysets_refuse_update_and_delete(event):
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        events.update(target="x")
    with pytest.raises(AppendOnlyError):
        events.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["target"])
    assert AuditEvent.objects.filter(pk=event.pk, target="round 1 answers.csv").exists()


def _raw(sql: str, params: list):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET target = %s WHERE id = %s", ["forged", event.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(
            "UPDATE audit_auditevent SET actor_id = NULL, action = %s WHERE id = %s",
            ["login", event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).target == "round 1 answers.csv"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's flush is a plain DELETE; there the model and QuerySet refuse deletes",
)
def test_postgresql_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_an_account_keeps_its_events_and_email(event, personas):
    """The one update let through: Django's SET_NULL of the actor."""
    email = personas.coordinator_a.email
    personas.coordinator_a.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor, event.actor_email, event.target) == (None, email, "round 1 answers.csv")


def test_the_admin_is_read_only_even_for_system_admins(client, event, personas):
    admin = site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = personas.admin
    assert not admin.has_add_permission(request)
    assert not admin.has_change_permission(request, event)
    assert not admin.has_delete_permission(request, event)
    client.force_login(personas.admin)
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
