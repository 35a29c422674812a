"""「パスワードを忘れた方」: limited per e-mail address and per client address across
processes (counted in the audit log), always the same answer, and every request
and every password set recorded."""

import re

from django.core import mail
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tests.personas import PASSWORD

RESET = reverse("accounts:password_reset")
SENT = reverse("accounts:password_reset_done")
LINK = re.compile(r"http://testserver(/accounts/password/set/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "kamakura-daibutsu-2026"


def _request(client, email, address="192.0.2.10"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_a_burst_of_requests_for_one_address_sends_only_the_limit(client, personas, settings):
    email = personas.respondent_a.email
    answers = {_request(client, email)["Location"] for _ in range(14)}
    assert answers == {SENT}  # sent or not, the same answer
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    assert (
        AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET_REQUESTED).count()
        == settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    )
    throttled = AuditEvent.objects.filter(action=AuditAction.PASSWORD_RESET_THROTTLED)
    assert throttled.count() == 14 - settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    assert {(event.target, event.ip_address) for event in throttled} == {(email, "192.0.2.10")}


def test_the_email_limit_holds_from_every_client_address(client, personas, settings):
    email = personas.respondent_a.email
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL + 2):
        _request(client, email, address=f"198.51.100.{n + 1}")
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_EMAIL


def test_one_client_asking_for_many_addresses_is_limited(client, personas, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT_PER_ADDRESS):
        _request(client, f"someone{n}@example.jp")
    response = _request(client, personas.respondent_a.email)
    assert response["Location"] == SENT
    assert mail.outbox == []  # the known address got nothing either
    # Another client is not held up by it.
    _request(client, personas.respondent_a.email, address="192.0.2.11")
    assert len(mail.outbox) == 1


def test_the_limit_is_over_the_window_only(client, personas, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    email = personas.respondent_a.email
    _request(client, email)
    _request(client, email)
    assert len(mail.outbox) == 1
    settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS = 0  # as if the hour had passed
    _request(client, email)
    assert len(mail.outbox) == 2


def test_unknown_address_gets_the_same_answer_and_is_recorded(client, personas):
    response = _request(client, "Nobody@Example.jp")
    assert response["Location"] == SENT
    assert mail.outbox == []
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_RESET_REQUESTED)
    assert (event.target, event.ip_address, event.actor) == (
        "nobody@example.jp",
        "192.0.2.10",
        None,
    )


def test_setting_the_password_through_the_link_is_recorded(client, personas):
    user = personas.respondent_a
    _request(client, user.email)
    (path,) = LINK.findall(mail.outbox[0].body)
    form_url = client.get(path)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_SET)
    assert (event.actor, event.ip_address) == (user, "127.0.0.1")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(PASSWORD)
