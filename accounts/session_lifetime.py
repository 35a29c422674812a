"""How long a session lives: an idle time-out renewed at most once a minute, and an
absolute lifetime of SESSION_ABSOLUTE_SECONDS after sign-in.

Idle time-out: the session store keeps a session SESSION_COOKIE_AGE seconds after
its last save. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) would put a
database write, on SQLite the one write lock, on every page view; instead a signed-in
session is saved again only when its last renewal is SESSION_RENEWAL_SECONDS old or
more. A session therefore ends between SESSION_COOKIE_AGE - SESSION_RENEWAL_SECONDS
and SESSION_COOKIE_AGE seconds after its last request (29-30 minutes by default),
with database and cache sessions alike.

Absolute lifetime: the idle time-out alone would let a session in steady use, or one
kept alive by a page that polls, run for ever. Both times are stamped into the
session when the person signs in (login() starts a new session for each sign-in),
and a session older than the limit is ended at its next request. It reads the
session only: no query.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from accounts.background import is_background, signed_out_response
from audit.models import AuditAction
from audit.recording import record

SIGNED_IN_AT_SESSION_KEY = "accounts.signed_in_at"
RENEWED_AT_SESSION_KEY = "accounts.renewed_at"


def stamp_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver: the sign-in starts both clocks, saved with the new session."""
    now = int(time.time())
    request.session[SIGNED_IN_AT_SESSION_KEY] = now
    request.session[RENEWED_AT_SESSION_KEY] = now


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if SESSION_KEY in session:
            now = int(time.time())
            signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
            if signed_in_at is None:  # signed in before the stamp existed
                session[SIGNED_IN_AT_SESSION_KEY] = now
            elif now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(request)
            # Setting the stamp marks the session modified, so SessionMiddleware
            # saves it, and the store restarts its idle time-out.
            if now - session.get(RENEWED_AT_SESSION_KEY, 0) >= settings.SESSION_RENEWAL_SECONDS:
                session[RENEWED_AT_SESSION_KEY] = now
        return self.get_response(request)

    @staticmethod
    def _end(request):
        record(AuditAction.SESSION_EXPIRED, request=request, user=request.user)
        # Flushed rather than logout(): the person did not sign out, and the
        # audit log says what happened with SESSION_EXPIRED alone.
        request.session.flush()
        request.user = AnonymousUser()

        login_url = resolve_url(settings.LOGIN_URL)
        if request.method == "GET":  # come back to the page asked for
            response = redirect_to_login(request.get_full_path(), login_url)
        else:  # a POST cannot be replayed after signing in again
            response = redirect(login_url)
        if is_background(request):
            # Autosave keeps the page (and what was typed) and asks to sign in again.
            response = signed_out_response()
        elif request.headers.get("HX-Request") == "true":
            # htmx would swap the sign-in page into a fragment; load it whole.
            location = response["Location"]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
        # MessageMiddleware comes later and does not run for this response, so
        # the message is stored here the way it would store it.
        storage = default_storage(request)
        storage.add(
            messages.INFO,
            _(
                "ログインから時間がたったため、安全のためログアウトしました。もう一度ログインしてください。"
            ),
        )
        storage.update(response)
        return response
