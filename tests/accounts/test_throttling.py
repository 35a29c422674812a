"""Sign-in throttling: per account from any address, per address for any account
(a larger limit: offices share one NAT address), the same answer for every
account, the address taken from the trusted proxy, and an automatic end."""

import re
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
LOCKED = "ログインを一時的に制限しています"


def _sign_in(client, email, password=PASSWORD, address="192.0.2.1", **headers):
    return client.post(
        LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def _signed_in(response) -> bool:
    return response.status_code == 302 and SESSION_KEY in response.wsgi_request.session


def test_guessing_one_password_from_many_addresses_locks_the_account(client, personas, settings):
    email = personas.coordinator_a.email
    for n in range(settings.AXES_IP_FAILURE_LIMIT):
        _sign_in(Client(), email, "wrong-password-1", address=f"198.51.100.{n + 1}")
    response = _sign_in(client, email, address="203.0.113.200")  # the right password
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert SESSION_KEY not in client.session
    # Other people at those addresses are not held up by it.
    assert _signed_in(_sign_in(Client(), personas.respondent_a.email, address="198.51.100.1"))


def test_account_limit_counts_failures_from_every_address(client, personas, settings):
    email = personas.coordinator_a.email
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(Client(), email, "wrong-password-1", address=f"198.51.100.{n + 1}")
    assert _signed_in(_sign_in(Client(), email, address="203.0.113.200"))
    for n in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), email, "wrong-password-1", address=f"198.51.100.{n + 1}")
    assert _sign_in(client, email, address="203.0.113.200").status_code == 429


def test_one_address_trying_many_accounts_is_locked_after_the_address_limit(
    client, personas, settings
):
    office = "192.0.2.50"
    for n in range(settings.AXES_IP_FAILURE_LIMIT - 1):
        _sign_in(Client(), f"guess{n}@example.jp", "wrong-password-1", address=office)
    # Below the address limit an office's people still sign in, and their own success
    # does not clear the address's count.
    assert _signed_in(_sign_in(Client(), personas.respondent_a.email, address=office))
    _sign_in(Client(), "one-more@example.jp", "wrong-password-1", address=office)

    response = _sign_in(client, personas.coordinator_a.email, address=office)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert _signed_in(_sign_in(Client(), personas.coordinator_a.email, address="192.0.2.51"))


def _page_text(response) -> str:
    # Per-response tokens (CSP nonce, CSRF token) aside, the page must be the same.
    text = response.content.decode()
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf token>", text)


def test_the_locked_answer_is_the_same_for_existing_and_unknown_accounts(personas, settings):
    answers = []
    for email in (personas.coordinator_a.email, "nobody@example.jp"):
        for n in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(Client(), email, "wrong-password-1", address=f"198.51.100.{n + 1}")
        answers.append(_sign_in(Client(), email, address="203.0.113.200"))
    existing, unknown = answers
    assert existing.status_code == unknown.status_code == 429
    assert _page_text(existing) == _page_text(unknown)


def test_the_lock_ends_by_itself_after_the_cool_off(client, personas, settings):
    email = personas.coordinator_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, email, "wrong-password-1")
    assert _sign_in(client, email).status_code == 429
    # As if the cool-off had passed: axes counts only attempts newer than it.
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time = timezone.now() - cool_off - timedelta(seconds=1)
        attempt.save(update_fields=["attempt_time"])
    assert _signed_in(_sign_in(client, email))


def test_behind_the_proxy_each_client_has_its_own_address(personas, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    email = personas.coordinator_a.email
    for _ in range(settings.AXES_IP_FAILURE_LIMIT):
        _sign_in(
            Client(),
            f"guess-{_}@example.jp",
            "wrong-password-1",
            address=proxy,
            # What the client sent itself is left of what the proxy appended.
            HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7",
        )
    assert (
        _sign_in(Client(), email, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 429
    )
    other = _sign_in(Client(), email, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert _signed_in(other)
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.ip_address == "198.51.100.8"
    assert not AuditEvent.objects.filter(ip_address=proxy).exists()


def test_without_a_trusted_proxy_forwarded_for_is_ignored(client, personas, settings):
    assert settings.TRUSTED_PROXY_COUNT == 0
    _sign_in(client, personas.coordinator_a.email, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip_address == "192.0.2.1"
