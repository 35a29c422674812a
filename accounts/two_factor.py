"""Two-factor sign-in: who must verify a TOTP code, and the gate that makes them.

A person whose roles need a second factor (`access.requires_two_factor`) signs
in with their password as everyone does; until the session is verified, every
page sends them to enrolment (no confirmed authenticator yet) or to
verification (enter the current 6-digit code). Verification stores the
device's persistent id in the session under django-otp's key, which is what
`is_verified` reads: a session lookup, no query, so pinned page query counts
stay as they are. (django-otp's OTPMiddleware would load the device on every
request; nothing here needs the device object outside the two-factor views.)
"""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import requires_two_factor
from accounts.background import is_background, signed_out_response
from accounts.models import User
from audit.models import AuditAction
from audit.recording import record


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def _exempt_prefixes() -> tuple[str, ...]:
    """Pages a not-yet-verified person may still reach: the two-factor pages
    themselves, signing out, choosing a language, static files, and setting a
    password (the invitation link)."""
    return (
        reverse("accounts:two_factor_verify"),
        reverse("accounts:two_factor_enrol"),
        reverse("accounts:logout"),
        reverse("accounts:password_reset").removesuffix(
            "reset/"
        ),  # the whole password-setting flow
        reverse("set_language"),
        settings.STATIC_URL,
    )


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.TWO_FACTOR_REQUIRED
            and not is_verified(request)
            and requires_two_factor(request.user)
            and not request.path.startswith(_exempt_prefixes())
        ):
            return self._send_to_verification(request)
        return self.get_response(request)

    @staticmethod
    def _send_to_verification(request):
        if is_background(request):
            return signed_out_response()  # not through sign-in yet: autosave waits
        url = reverse("accounts:two_factor_verify")
        # Come back to the page asked for; a POST cannot be replayed, so it starts over.
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # htmx would swap the verification page into a fragment; load it whole.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


def authenticator_removed(sender, instance, **kwargs):
    """post_delete of a TOTPDevice (registered in AccountsConfig.ready): a session
    verified with a removed authenticator must not go on, so every session of its
    owner ends at its next request (User.session_epoch is part of the session
    hash). A signal because the removal happens in the admin, on django-otp's
    model, through no code of ours. Unconfirmed keys (enrolment restarted) verified
    nothing and are let go silently."""
    if not instance.confirmed:
        return
    User.objects.filter(pk=instance.user_id).update(session_epoch=F("session_epoch") + 1)
    # The actor is whoever removed it (the request's user); the owner goes in the detail.
    record(
        AuditAction.TWO_FACTOR_REMOVED,
        target=instance.persistent_id,
        detail={"owner": instance.user.email},
    )
