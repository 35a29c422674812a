"""The idle time-out slides with use, yet a page view does not write the session.

The session is saved again only when its last renewal is SESSION_RENEWAL_SECONDS
old, on database sessions (the default) and on cache sessions alike; Django's
memory cache stands in for Redis here, and test_session_redis.py runs the same
against a real Redis.
"""

import time
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from accounts.session_lifetime import RENEWED_AT_SESSION_KEY, SIGNED_IN_AT_SESSION_KEY

LOGIN = reverse("accounts:login")
STORES = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}


@pytest.fixture(params=list(STORES))
def session_store(request, settings):
    settings.SESSION_ENGINE = STORES[request.param]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"session-renewal-{request.node.name}",
        }
    }
    return request.param


class Clock:
    """Stops time, and moves it on when told, for the session stores (time.time for
    caches, timezone.now for the database) and for the portal's own stamps."""

    def __init__(self, monkeypatch):
        self.offset = 0
        start_time, start_now = time.time(), timezone.now()
        monkeypatch.setattr(time, "time", lambda: start_time + self.offset)
        monkeypatch.setattr(timezone, "now", lambda: start_now + timedelta(seconds=self.offset))

    def advance(self, seconds: int) -> None:
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def saves(monkeypatch):
    """How many times the session was written (any store)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    original = store.save
    calls = []

    def save(self, *args, **kwargs):
        calls.append(self.session_key)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(store, "save", save)
    return calls


def _overview(personas) -> str:
    return reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})


def test_the_renewal_interval_is_small_beside_the_idle_time_out():
    assert 0 < settings.SESSION_RENEWAL_SECONDS <= settings.SESSION_COOKIE_AGE // 10
    assert not getattr(settings, "SESSION_SAVE_EVERY_REQUEST", False)


def test_signing_in_starts_both_clocks(client, personas):
    before = int(time.time())
    client.force_login(personas.coordinator_a)
    session = client.session
    assert session[SIGNED_IN_AT_SESSION_KEY] >= before
    assert session[RENEWED_AT_SESSION_KEY] == session[SIGNED_IN_AT_SESSION_KEY]


def test_renewal_writes_at_most_once_per_interval(session_store, client, personas, clock, saves):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    saves.clear()

    for _ in range(3):
        assert client.get(overview).status_code == 200
    assert saves == []  # page views within the interval write nothing

    clock.advance(settings.SESSION_RENEWAL_SECONDS - 1)
    assert client.get(overview).status_code == 200
    assert saves == []

    clock.advance(1)
    assert client.get(overview).status_code == 200
    assert client.get(overview).status_code == 200
    assert len(saves) == 1  # renewed once, by the first request past the interval
    assert client.session[RENEWED_AT_SESSION_KEY] == int(time.time())


def test_a_session_idle_past_the_time_out_is_ended(session_store, client, personas, clock):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    assert client.get(overview).status_code == 200

    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    response = client.get(overview)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={overview}"
    assert SESSION_KEY not in client.session


def test_use_keeps_the_session_going_past_the_time_out(session_store, client, personas, clock):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    half = settings.SESSION_COOKIE_AGE // 2
    for _ in range(4):  # twice the idle time-out in all, never idle for half of it
        clock.advance(half)
        assert client.get(overview).status_code == 200
    # Idle at most one renewal interval short of the time-out: still signed in.
    clock.advance(settings.SESSION_COOKIE_AGE - settings.SESSION_RENEWAL_SECONDS)
    assert client.get(overview).status_code == 200


def test_the_absolute_lifetime_holds_with_every_store(session_store, client, personas, clock):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    step = settings.SESSION_COOKIE_AGE - settings.SESSION_RENEWAL_SECONDS
    while clock.offset + step < settings.SESSION_ABSOLUTE_SECONDS:
        clock.advance(step)
        assert client.get(overview).status_code == 200
    clock.advance(step)
    response = client.get(overview)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("session_store", ["cache", "cached_db"], indirect=True)
def test_signing_out_ends_a_cache_backed_session(session_store, client, personas):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    assert client.get(overview).status_code == 200
    session_key = client.session.session_key

    client.post(reverse("accounts:logout"))

    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key  # the old cookie, kept
    response = client.get(overview)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
