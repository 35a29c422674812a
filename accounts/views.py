from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.background import signed_in_response, signed_out_response
from accounts.forms import EmailAuthenticationForm, InvitationAwarePasswordResetForm
from accounts.password_reset_throttling import reset_is_throttled, reset_target
from audit.models import AuditAction
from audit.recording import client_ip, record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # Read before login() overwrites it: showing the previous sign-in lets a
        # person notice a sign-in that was not theirs (総務省 guideline).
        previous = form.get_user().last_login
        response = super().form_valid(form)
        if previous is None:
            messages.info(self.request, _("ようこそ。はじめてのログインです。"))
        else:
            when = formats.date_format(timezone.localtime(previous), "DATETIME_FORMAT")
            messages.info(self.request, _("前回のログイン: %(when)s") % {"when": when})
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@require_GET
def session_status(request):
    """Whether someone is signed in, with a fresh CSRF token: autosave asks this after a
    401 or a CSRF failure (accounts/background.py). Open to anyone; it says no more than
    the header of every page does."""
    if request.user.is_authenticated:
        return signed_in_response(request)
    # Asked every few seconds while the person signs in again in another tab: an ended
    # session's cookie would be answered with its deletion (SessionMiddleware), which could
    # arrive after the sign-in set the new one and sign them out again.
    request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
    return signed_out_response()


# --- setting a password: the invitation link and 「パスワードを忘れた方」 ------------------
# Django's views with the portal's templates. The request form answers the same
# whether or not the address is known; the link's token is Django's
# password-reset token, valid for PASSWORD_RESET_TIMEOUT and spent once the
# password changes. A new password also ends the person's other sessions
# (Django's session hash). Requests are limited per address and per client
# (accounts/password_reset_throttling.py), with the same answer when throttled.


class _BadRequestOnInvalidForm:
    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetView(_BadRequestOnInvalidForm, auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = InvitationAwarePasswordResetForm
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    email_template_name = "accounts/emails/password_reset.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        return {"valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}

    def form_valid(self, form):
        target = reset_target(form.cleaned_data["email"])
        if reset_is_throttled(email=target, ip_address=client_ip(self.request)):
            record(AuditAction.PASSWORD_RESET_THROTTLED, request=self.request, target=target)
            # The same "sent" page: the answer tells nothing about the address or the limit.
            return HttpResponseRedirect(self.get_success_url())
        record(AuditAction.PASSWORD_RESET_REQUESTED, request=self.request, target=target)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(_BadRequestOnInvalidForm, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(AuditAction.PASSWORD_SET, request=self.request, user=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
