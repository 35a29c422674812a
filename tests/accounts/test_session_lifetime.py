"""Sessions end SESSION_ABSOLUTE_SECONDS after sign-in, however active they are."""

import time

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.session_lifetime import SIGNED_IN_AT_SESSION_KEY
from audit.models import AuditAction, AuditEvent
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")
SIGN_IN_AGAIN = "もう一度ログインしてください"


def _overview(personas) -> str:
    return reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})


def _signed_in_long_ago(client, settings, seconds_too_many=1):
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = (
        int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - seconds_too_many
    )
    session.save()


def test_signing_in_stamps_the_session(client, personas):
    before = int(time.time())
    client.post(LOGIN, {"username": personas.respondent_a.email, "password": PASSWORD})
    client.get(reverse("portal:home"))
    assert client.session[SIGNED_IN_AT_SESSION_KEY] >= before


def test_a_session_past_its_lifetime_is_ended_though_active(client, personas, settings):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    assert client.get(overview).status_code == 200  # active a moment ago
    _signed_in_long_ago(client, settings)

    response = client.get(overview)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={overview}"
    assert SESSION_KEY not in client.session
    login_page = client.get(response["Location"])
    assert SIGN_IN_AGAIN in login_page.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED)
    assert event.actor == personas.coordinator_a
    assert not AuditEvent.objects.filter(action=AuditAction.LOGOUT).exists()


def test_a_session_within_its_lifetime_goes_on(client, personas, settings):
    client.force_login(personas.coordinator_a)
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS + 60
    session.save()
    assert client.get(_overview(personas)).status_code == 200


def test_htmx_is_sent_to_sign_in_as_a_whole_page(client, personas, settings):
    client.force_login(personas.coordinator_a)
    _signed_in_long_ago(client, settings)
    response = client.post(_overview(personas), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == LOGIN
    assert SESSION_KEY not in client.session
    assert SIGN_IN_AGAIN in client.get(LOGIN).content.decode()


def test_signing_in_again_starts_a_new_lifetime(client, personas, settings):
    client.force_login(personas.respondent_a)
    _signed_in_long_ago(client, settings)
    client.get(reverse("portal:home"))
    client.post(LOGIN, {"username": personas.respondent_a.email, "password": PASSWORD})
    assert client.get(reverse("portal:home")).wsgi_request.user == personas.respondent_a
