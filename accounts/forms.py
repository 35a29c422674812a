from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with e-mail address; the field keeps the name `username` for django-axes."""

    username = forms.EmailField(
        label=_("メールアドレス"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("パスワード"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        # One message for unknown users and wrong passwords alike.
        "invalid_login": _(
            "メールアドレスまたはパスワードが正しくありません。"
            "大文字・小文字や全角・半角の違いもご確認ください。"
        ),
        "inactive": _("このアカウントは利用停止中です。DX推進担当にお問い合わせください。"),
    }

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lower()
