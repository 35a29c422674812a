"""Background requests (autosave) get a status, never a sign-in or CSRF error page:
401 signed out, 403 stale CSRF token, and accounts:session for who is signed in now
with a fresh token (accounts/background.py)."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.session_lifetime import SIGNED_IN_AT_SESSION_KEY
from tests.personas import PASSWORD

SESSION = reverse("accounts:session")
LOGIN = reverse("accounts:login")
BACKGROUND = {"DX-Background": "1"}
SIGNED_OUT = {"state": "signed-out", "login_url": LOGIN}


def _home(personas) -> str:
    return reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})


def test_the_session_url_says_who_is_signed_in_with_a_token_that_passes_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.respondent_a)
    response = client.get(SESSION, headers=BACKGROUND)
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["user"]) == ("signed-in", personas.respondent_a.pk)
    assert response["DX-Session-State"] == "signed-in"
    assert response["Cache-Control"] == "no-store"
    # The token is one the CSRF check accepts: a sign-out with it goes through.
    logout = client.post(reverse("accounts:logout"), headers={"X-CSRFToken": body["csrf_token"]})
    assert logout.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_session_url_answers_401_to_the_signed_out(client):
    response = client.get(SESSION)
    assert response.status_code == 401
    assert response.json() == SIGNED_OUT
    assert response["DX-Session-State"] == "signed-out"
    assert response["Cache-Control"] == "no-store"


def test_asking_while_signed_out_never_deletes_a_session_cookie(client, personas):
    """The poll runs while the person signs in in another tab: a deletion of the ended
    session's cookie could arrive after the new one was set."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "an-ended-session"
    response = client.get(SESSION, headers=BACKGROUND)
    assert response.status_code == 401
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # Elsewhere an ended session's cookie is deleted as usual.
    assert client.get(LOGIN).cookies[settings.SESSION_COOKIE_NAME].value == ""


def test_a_stale_csrf_token_is_a_403_state_for_background_requests_only(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.respondent_a)
    client.get(SESSION)  # sets the CSRF cookie
    stale = {"X-CSRFToken": "x" * 64}
    response = client.post(reverse("accounts:logout"), headers={**stale, **BACKGROUND})
    assert response.status_code == 403
    assert response.json() == {"state": "csrf-failed"}
    assert response["DX-Session-State"] == "csrf-failed"
    # Without the header: Django's page, as before.
    page = client.post(reverse("accounts:logout"), headers=stale)
    assert page.status_code == 403
    assert page["Content-Type"].startswith("text/html")
    assert "DX-Session-State" not in page
    assert SESSION_KEY in client.session


def test_the_absolute_lifetime_answers_background_requests_with_401(client, personas):
    client.force_login(personas.respondent_a)
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = int(time.time()) - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.post(_home(personas), headers={"HX-Request": "true", **BACKGROUND})
    assert response.status_code == 401
    assert response.json() == SIGNED_OUT
    assert "HX-Redirect" not in response
    assert SESSION_KEY not in client.session
    # The sign-in page (opened in another tab) says why.
    assert "もう一度ログインしてください" in client.get(LOGIN).content.decode()


def test_a_session_not_through_two_factor_is_signed_out_for_background_requests(personas):
    client = Client()
    response = client.post(LOGIN, {"username": personas.coordinator_a.email, "password": PASSWORD})
    assert response.status_code == 302  # password accepted, code still to enter
    background = client.get(SESSION, headers=BACKGROUND)
    assert background.status_code == 401
    assert background.json() == SIGNED_OUT
    assert client.get(SESSION).status_code == 302  # a page load goes to verification
