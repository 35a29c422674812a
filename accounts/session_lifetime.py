"""An absolute lifetime for sessions: signed out SESSION_ABSOLUTE_SECONDS after sign-in.

The idle time-out (SESSION_COOKIE_AGE) is renewed by every request, so a
session in steady use, or one kept alive by a page that polls, would otherwise
never end. The sign-in time is stamped into the session the first time this
middleware sees it signed in (right after login(), which starts a new session
for each sign-in), and a session older than the limit is ended at its next
request. It reads the session only: no query.
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


class AbsoluteSessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY in request.session:
            signed_in_at = request.session.get(SIGNED_IN_AT_SESSION_KEY)
            now = int(time.time())
            if signed_in_at is None:
                request.session[SIGNED_IN_AT_SESSION_KEY] = now
            elif now - signed_in_at >= settings.SESSION_ABSOLUTE_SECONDS:
                return self._end(request)
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
