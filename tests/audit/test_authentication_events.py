"""Sign-out is recorded with who signed out (before the session is gone)."""

from django.urls import reverse

from audit.models import AuditAction, AuditEvent


def test_sign_out_is_recorded_with_the_person(client, personas):
    client.force_login(personas.respondent_a)
    client.post(reverse("accounts:logout"), REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(action=AuditAction.LOGOUT)
    assert (event.actor, event.ip_address) == (personas.respondent_a, "192.0.2.7")


def test_signing_out_when_not_signed_in_records_nothing(client, db):
    client.post(reverse("accounts:logout"))
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()
