"""Health and readiness probes for the reverse proxy, the service manager or a load balancer.

/healthz answers as long as the process serves requests, touching nothing else,
so a restart is decided on the process alone. /readyz says whether this instance
can serve pages: the database answers a trivial query, the shared cache (when
CACHE_URL is set) answers, and every migration is applied. Each failure is a 503
with a one-line reason; the error itself goes to the log, never to the response.
Neither needs a session, a sign-in or HTTPS (SECURE_REDIRECT_EXEMPT), as probes
come over plain HTTP from the same host.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

_PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
# Once applied, migrations stay applied for the life of the process: the check
# (which reads every migration file) runs until it first succeeds, then never again.
_migrations_applied = False


def _plain(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def healthz(request):
    return _plain("ok")


@never_cache
@require_GET
def readyz(request):
    reason = _not_ready_reason()
    if reason:
        return _plain(reason, status=503)
    return _plain("ready")


def _not_ready_reason() -> str | None:
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("readyz: database unreachable", exc_info=True)
        return "database unreachable"
    if settings.CACHES["default"]["BACKEND"] not in _PER_PROCESS_CACHES:
        try:
            cache.get("readyz")
        except Exception:  # each cache client raises its own connection errors
            logger.warning("readyz: cache unreachable", exc_info=True)
            return "cache unreachable"
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "migrations not applied"
        _migrations_applied = True
    return None
