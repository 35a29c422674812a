"""Requests a page's script sends in the background (autosave): a status, not a page.

A script cannot show a sign-in page or a CSRF error page, and must not follow a
redirect to one: autosave would take the sign-in page for a failed save and retry
it forever. Requests that carry `DX-Background: 1` therefore get

- 401 `{"state": "signed-out", "login_url": ...}` when no one is signed in (idle
  time-out, the absolute lifetime, a session not yet through two-factor);
- 403 `{"state": "csrf-failed"}` when the CSRF token is stale (the person signed in
  again in another tab, which rotates the token);

both with `DX-Session-State` naming the state. The script then asks
`accounts:session` whether someone is signed in again, and for a fresh token.
Requests without the header keep Django's behaviour: a redirect to sign in, the
CSRF failure page.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.views.csrf import csrf_failure as django_csrf_failure

BACKGROUND_HEADER = "DX-Background"
STATE_HEADER = "DX-Session-State"


def is_background(request) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1"


def _state_response(state: str, status: int, **data) -> JsonResponse:
    response = JsonResponse({"state": state, **data}, status=status)
    response[STATE_HEADER] = state
    response["Cache-Control"] = "no-store"
    return response


def signed_out_response() -> JsonResponse:
    return _state_response("signed-out", 401, login_url=resolve_url(settings.LOGIN_URL))


def signed_in_response(request) -> JsonResponse:
    """Who is signed in, with a CSRF token for the session as it is now."""
    return _state_response("signed-in", 200, user=request.user.pk, csrf_token=get_token(request))


def login_required(view):
    """django.contrib.auth's login_required, with a 401 for background requests."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if is_background(request):
            return signed_out_response()
        return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))

    return wrapper


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's page, or the 403 state for a background request."""
    if is_background(request):
        return _state_response("csrf-failed", 403)
    return django_csrf_failure(request, reason=reason)
