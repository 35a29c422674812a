"""/healthz (the process) and /readyz (database, shared cache, migrations) for probes."""

import pytest
from django.db import DatabaseError
from django.test import override_settings

from dxportal import health


@pytest.fixture(autouse=True)
def _migrations_checked_afresh(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query would fail the test.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_readyz_checks_the_database_and_migrations_once(client, django_assert_num_queries):
    # SELECT 1; the migration table's presence and its rows (the first time only).
    with django_assert_num_queries(3):
        assert client.get("/readyz").content == b"ready\n"
    with django_assert_num_queries(1):  # migrations stay applied: SELECT 1 only
        response = client.get("/readyz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("connection refused to db.internal:5432 as dxportal")

    monkeypatch.setattr(health.connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"database unreachable\n"  # the error itself only in the log


@pytest.mark.django_db
def test_readyz_is_503_when_migrations_are_missing(client, monkeypatch):
    monkeypatch.setattr(
        health.MigrationExecutor, "migration_plan", lambda self, targets: [("plan", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"migrations not applied\n"


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Nothing listens on port 1: refused at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
)
def test_readyz_is_503_when_the_shared_cache_does_not_answer(client):
    pytest.importorskip("redis")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"cache unreachable\n"


@pytest.mark.django_db
def test_probes_take_get_only(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_probes_over_plain_http_are_not_redirected_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 301  # everything else goes to HTTPS
