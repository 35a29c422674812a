from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.forms import EmailAuthenticationForm


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
