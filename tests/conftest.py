import sys

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests.personas import Personas, make_personas
from tests.two_factor import mark_verified

# No time limit per example: the properties are about results, and on a shared 2-core
# machine (CI runs beside PostgreSQL and a browser) Hypothesis's default 200 ms deadline
# fails examples that are merely slow, not wrong (speed is the benchmarks' business).
hypothesis_settings.register_profile("dxportal", deadline=None)
hypothesis_settings.load_profile("dxportal")


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for production and far too slow for hundreds of personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _each_test_starts_in_japanese():
    """A request in English (Accept-Language) leaves English active in the thread after
    it, as LocaleMiddleware does not switch back: each test starts from the site's
    language, whatever ran before it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _no_kept_answer_markup():
    """Each test starts with no answer form parts kept (assessments/answer_markup.py): the
    tests' databases reuse pks, and bulk_create (catalogue imports, factories) sends no
    signal to drop them."""
    from assessments import answer_markup

    answer_markup.forget()


@pytest.fixture(autouse=True)
def _force_login_passes_two_factor(monkeypatch):
    """Test seam: `client.force_login(user)` also verifies the session's second
    factor (tests/two_factor.py `mark_verified`), so tests about other things
    need no authenticator. Two-factor's own tests sign in with a password."""
    from django.test.client import ClientMixin

    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_verified(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file, not memory, as production does; connections close after
    each request.

    Django shares one in-memory connection between live_server's request
    threads; concurrent autosaves would then interleave on it (a row's id read
    back from another thread's insert). With a file each thread has its own
    connection, and WAL with IMMEDIATE transactions serialises the writes.
    """
    from django.conf import settings

    database = settings.DATABASES["default"]
    # live_server answers each browser connection in a thread of its own, which lives as
    # long as the browser keeps the connection alive; with persistent connections its
    # database session would outlive the request and block dropping the test database.
    database["CONN_MAX_AGE"] = 0
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("database") / "test.sqlite3"
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Before the PostgreSQL test database is dropped, end any other session still on
    it, and say whose it was: CI once found one left (by a thread or process the suite
    started) and the drop then failed after every test had passed."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 80),"
            " pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        left = cursor.fetchall()
    connection.close()
    if left:  # printed, not warned: the suite turns warnings into errors
        print(f"\nsessions still on the test database, ended: {left}", file=sys.stderr)


@pytest.fixture(autouse=True)
def _each_test_starts_with_an_empty_cache():
    """The results pages cache what they read under the ids and times of the rows it came
    from (results.peer_groups, results.page_cache); a test's rows may have the ids an
    earlier test's rolled-back rows had, so no test sees another's entries."""
    from django.core.cache import cache

    cache.clear()
