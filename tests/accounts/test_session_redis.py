"""Cache sessions in a real Redis (CACHE_URL in production): the idle time-out and
sign-out hold there as with the stand-in memory cache (test_session_renewal.py).

Skipped when Redis does not answer at 127.0.0.1:6379 or the `redis` package is
missing, unless REQUIRE_REDIS=1 (CI), where that fails.
"""

import os
import time
import uuid
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_missing() -> str | None:
    try:
        import redis
    except ImportError:
        return "the redis package is not installed (pip install -e '.[redis]')"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        return f"Redis does not answer at {REDIS_URL}: {exc}"
    return None


_MISSING = _redis_missing()
if _MISSING and os.environ.get("REQUIRE_REDIS") == "1":
    raise pytest.UsageError(f"REQUIRE_REDIS=1 but {_MISSING}")
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


@pytest.fixture(autouse=True)
def redis_sessions(settings):
    import redis

    # Each test its own keys, removed after it: the Redis may be shared with other runs.
    prefix = f"dxportal-test-{uuid.uuid4().hex}"
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    raw = redis.Redis.from_url(REDIS_URL)
    for key in raw.scan_iter(f"{prefix}:*"):
        raw.delete(key)


def _overview(personas) -> str:
    return reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})


def _redis_key(session_key: str):
    """The session's key in Redis, and a client that reaches it (for its TTL)."""
    from django.core.cache import cache

    key = cache.make_key(import_module(settings.SESSION_ENGINE).KEY_PREFIX + session_key)
    return key, cache._cache.get_client(key)


def test_a_session_lives_in_redis_for_the_idle_time_out(client, personas, settings):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    assert client.get(overview).status_code == 200
    key, raw = _redis_key(client.session.session_key)
    assert settings.SESSION_COOKIE_AGE - 60 < raw.ttl(key) <= settings.SESSION_COOKIE_AGE

    raw.expire(key, 1)  # as if the person had been away for all but a second of it
    time.sleep(1.5)
    response = client.get(overview)
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_a_renewal_restarts_the_idle_time_out_in_redis(client, personas, settings):
    settings.SESSION_RENEWAL_SECONDS = 1
    client.force_login(personas.coordinator_a)
    key, raw = _redis_key(client.session.session_key)
    raw.expire(key, 30)  # as if most of the idle time had passed

    time.sleep(1.1)  # one renewal interval
    assert client.get(_overview(personas)).status_code == 200
    assert raw.ttl(key) > settings.SESSION_COOKIE_AGE - 10


def test_signing_out_deletes_the_session_from_redis(client, personas, settings):
    client.force_login(personas.coordinator_a)
    overview = _overview(personas)
    assert client.get(overview).status_code == 200
    session_key = client.session.session_key

    client.post(reverse("accounts:logout"))

    assert not import_module(settings.SESSION_ENGINE).SessionStore().exists(session_key)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert client.get(overview).status_code == 302
