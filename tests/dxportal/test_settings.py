"""Settings come from the environment; a bad value stops start-up with a clear message."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "dxportal.example.lg.jp",
}
# The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; a real
# deployment never has it, and check --deploy rightly complains about it.
_INHERITED_BUT_UNWANTED = {"DJANGO_ENV", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in _INHERITED_BUT_UNWANTED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "x"}, "SECRET_KEY is required"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "at least 50 characters"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is required"),
        ({**PRODUCTION, "DEBUG": "1"}, "DEBUG=1 is only allowed"),
        ({"DJANGO_ENV": "development", "DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DJANGO_ENV": "staging"}, "must be 'development' or 'production'"),
        (
            {"DJANGO_ENV": "development", "DATABASE_URL": "mysql://x/y"},
            "only sqlite:// and postgres://",
        ),
        (
            {"DJANGO_ENV": "development", "SESSION_IDLE_SECONDS": "forever"},
            "SESSION_IDLE_SECONDS='forever' is not a whole number",
        ),
        (
            {"DJANGO_ENV": "development", "SESSION_STORE": "file"},
            "SESSION_STORE='file' must be one of db, cache, cached_db",
        ),
        (
            {"DJANGO_ENV": "development", "SESSION_STORE": "cache"},
            "SESSION_STORE=cache needs CACHE_URL",
        ),
        (
            {"DJANGO_ENV": "development", "CACHE_URL": "memcached://127.0.0.1:11211"},
            "must be a Redis URL",
        ),
    ],
)
def test_bad_configuration_stops_start_up(env, message):
    result = _manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_pass_the_deployment_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_japanese_and_tokyo_by_default():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite-specific settings")
def test_sqlite_uses_immediate_transactions_and_a_busy_timeout():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    probe = (
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode')\n"
        "    print(c.fetchone()[0])\n"
    )
    result = _manage(
        "shell",
        "-c",
        probe,
        DJANGO_ENV="development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
    )
    assert result.stdout.strip().splitlines()[-1] == "wal", result.stderr


_SHOW = "from django.conf import settings as s; print({})"


def test_connections_are_kept_on_sqlite_as_on_postgresql(tmp_path):
    # Opening a SQLite connection (PRAGMAs, Django's functions) and closing the last one
    # (a WAL checkpoint) per request cost more than an autosave itself.
    show = "[s.DATABASES['default']['CONN_MAX_AGE'], s.DATABASES['default']['CONN_HEALTH_CHECKS']]"
    for url in (f"sqlite:///{tmp_path / 'portal.sqlite3'}", "postgres://u@127.0.0.1:5432/x"):
        result = _manage(
            "shell", "-c", _SHOW.format(show), DJANGO_ENV="development", DATABASE_URL=url
        )
        assert result.stdout.strip().splitlines()[-1] == "[60, True]", result.stderr


def test_the_embedded_default_keeps_sessions_in_the_database_with_no_cache_service():
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")


def test_cache_url_and_session_store_put_sessions_in_redis():
    show = "[s.SESSION_ENGINE, s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']]"
    result = _manage(
        "shell",
        "-c",
        _SHOW.format(show),
        DJANGO_ENV="development",
        CACHE_URL="redis://127.0.0.1:6379/3",
        SESSION_STORE="cached_db",
    )
    assert result.stdout.strip().splitlines()[-1] == str(
        [
            "django.contrib.sessions.backends.cached_db",
            "django.core.cache.backends.redis.RedisCache",
            "redis://127.0.0.1:6379/3",
        ]
    ), result.stderr


def test_an_s3_bucket_holds_the_evidence_files():
    result = _manage(
        "shell",
        "-c",
        _SHOW.format("s.STORAGES['default']"),
        DJANGO_ENV="development",
        MEDIA_S3_BUCKET="dxportal-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.lg.jp",
    )
    storage = result.stdout.strip().splitlines()[-1]
    assert "'BACKEND': 'storages.backends.s3.S3Storage'" in storage, result.stderr
    assert "'bucket_name': 'dxportal-media'" in storage
    assert "'endpoint_url': 'https://s3.example.lg.jp'" in storage
    assert "'default_acl': 'private'" in storage


def test_production_exempts_only_the_probes_from_the_https_redirect():
    # tests/dxportal/test_health.py shows what this list lets through.
    result = _manage("shell", "-c", _SHOW.format("s.SECURE_REDIRECT_EXEMPT"), **PRODUCTION)
    assert result.stdout.strip().splitlines()[-1] == str([r"^healthz$", r"^readyz$"]), result.stderr
