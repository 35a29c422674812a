"""Rendered parts of the results pages, kept until what they show changes.

Results change only when results.snapshots refreshes a snapshot, so a page's results
part is rendered once per state of the rows it is read from and served from the cache
after that. The caller names that state (`stamp`: the ids and `computed_at` of the
snapshots, and whatever else the markup depends on); the key is the stamp with the
active language, so a refreshed snapshot gives a new key and shows at once, and an
entry no key names any more is never read again and expires (CACHE_SECONDS).

A part is rendered without the request (no user, role, CSRF token or CSP nonce can be
in it) and its stamp names the round it shows: each is the same for everyone allowed
to see that round, and the view decides who that is before asking for it.
"""

import hashlib
from collections.abc import Callable, Hashable

from django.core.cache import cache
from django.db import connection
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# An hour: while results are being submitted every refresh leaves entries no key names any
# more (a dashboard is some 70 kB; results.peer_groups' entries too), and they go
# within the hour instead of filling the cache.
CACHE_SECONDS = 60 * 60


def stamp_rows(sql: str, params: list) -> tuple:
    """The rows of a stamp's query, as a tuple to put in a stamp.

    Stamps are read on every request, so their queries are written in SQL: the ORM takes
    ten to twenty times longer to build them than the database takes to answer.
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchall())


def cached_html(name: str, stamp: Hashable, render: Callable[[], str]) -> SafeString:
    """`render()`'s HTML, from the cache while `stamp` and the language are unchanged."""
    digest = hashlib.sha256(repr((get_language(), stamp)).encode()).hexdigest()
    key = f"results:html:{name}:{digest}"
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, CACHE_SECONDS)
    # render() returns a template's output, escaped where it has to be.
    return mark_safe(html)  # noqa: S308
