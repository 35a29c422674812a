"""Enrolling an authenticator app and verifying its code (see accounts/two_factor.py).

Codes are django-otp's TOTP: each is accepted once (the device remembers the
last time step used), and wrong codes in a row make the device refuse for a
growing time (django-otp's throttling), so guessing six digits is hopeless.
"""

import base64

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import confirmed_device
from audit.models import AuditAction
from audit.recording import record


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("確認コード（6桁）"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("6桁の数字を入力してください。")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}
        ),
    )


def grouped_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an authenticator app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "portal:home"


def _code_accepted(request, device, form) -> bool:
    """Whether the form's code is the device's current, unused one; if not, say why in the form."""
    if not form.is_valid():
        return False
    if not device.verify_is_allowed()[0]:
        form.add_error(
            "code",
            _("誤ったコードが続いたため、しばらく受け付けません。少し待ってから入力してください。"),
        )
        return False
    if verify_token(request.user, device.persistent_id, form.cleaned_data["code"]) is None:
        form.add_error(
            "code",
            _(
                "コードが正しくないか、すでに使われています。認証アプリの最新のコードを入力してください。"
            ),
        )
        return False
    return True


def _keeping_next(request, url_name):
    """Redirect between the two pages without losing where the person was going."""
    query = request.GET.urlencode()
    return redirect(reverse(url_name) + (f"?{query}" if query else ""))


def _verified(request, device, action):
    # A new session key for the now more privileged session (like login()).
    request.session.cycle_key()
    otp_login(request, device)
    record(action, request=request, target=device.persistent_id)
    return redirect(_next_url(request))


@method_decorator(login_required, name="dispatch")
class VerifyView(View):
    template_name = "accounts/two_factor_verify.html"

    def get(self, request):
        if confirmed_device(request.user) is None:
            return _keeping_next(request, "accounts:two_factor_enrol")
        return self._render(CodeForm())

    def post(self, request):
        device = confirmed_device(request.user)
        if device is None:
            return _keeping_next(request, "accounts:two_factor_enrol")
        form = CodeForm(request.POST)
        if _code_accepted(request, device, form):
            return _verified(request, device, AuditAction.TWO_FACTOR_VERIFIED)
        record(AuditAction.TWO_FACTOR_FAILED, request=request, target=device.persistent_id)
        return self._render(form, status=400)

    def _render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "next": _next_url(self.request)},
            status=status,
        )


# The authenticator being enrolled in this session (its pk). The key is shown in
# this session only: starting enrolment elsewhere replaces it.
PENDING_DEVICE_SESSION_KEY = "accounts.two_factor.pending_device"


def _start_enrolment(request) -> TOTPDevice:
    """A new key for this session; keys shown in earlier attempts (other sessions,
    other browsers) are void from now on, so one seen over someone's shoulder or in
    a session left open cannot be enrolled later."""
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=request.user, confirmed=False, name="authenticator")
    request.session[PENDING_DEVICE_SESSION_KEY] = device.pk
    return device


def _pending_device(request) -> TOTPDevice | None:
    """The unconfirmed authenticator this session started, while it is still the current one."""
    pk = request.session.get(PENDING_DEVICE_SESSION_KEY)
    if pk is None:
        return None
    return TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()


@method_decorator(login_required, name="dispatch")
class EnrolView(View):
    """Register an authenticator app: show its key, confirm with a code from it.

    Unconfirmed until a correct code proves the app holds the key. A reload
    shows the same key; another session gets a new one (_start_enrolment).
    """

    template_name = "accounts/two_factor_enrol.html"

    def get(self, request):
        if confirmed_device(request.user) is not None:
            return _keeping_next(request, "accounts:two_factor_verify")
        device = _pending_device(request) or _start_enrolment(request)
        return self._render(device, CodeForm())

    def post(self, request):
        if confirmed_device(request.user) is not None:
            return _keeping_next(request, "accounts:two_factor_verify")
        device = _pending_device(request)
        if device is None:
            form = CodeForm(request.POST)
            form.is_valid()  # add_error needs a cleaned form
            form.add_error(
                None,
                _(
                    "別の画面で登録がやり直されたため、前に表示したキーは使えなくなりました。"
                    "下に表示した新しいキーを認証アプリに登録し、そのコードを入力してください。"
                ),
            )
            return self._render(_start_enrolment(request), form, status=400)
        form = CodeForm(request.POST)
        if _code_accepted(request, device, form):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            del request.session[PENDING_DEVICE_SESSION_KEY]
            return _verified(request, device, AuditAction.TWO_FACTOR_ENROLLED)
        return self._render(device, form, status=400)

    def _render(self, device, form, status=200):
        context = {
            "form": form,
            "next": _next_url(self.request),
            "secret": grouped_secret(device),
            "otpauth_uri": device.config_url,
        }
        return render(self.request, self.template_name, context, status=status)
