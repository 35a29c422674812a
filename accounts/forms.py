import unicodedata

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from municipalities.models import Department, Municipality


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


class JapaneseEmailField(forms.EmailField):
    """An e-mail address typed with a Japanese IME: full-width letters and ＠ become
    ASCII (NFKC) before validation; stored in lower case like User.email."""

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFKC", value).strip().lower()


class RespondentAddForm(forms.Form):
    """Who to add as a respondent; the municipality and the role come from the URL, never the form."""

    email = JapaneseEmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    display_name = forms.CharField(
        label=_("氏名"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("すでに登録されている人の場合、氏名は変わりません。"),
    )
    department = forms.ModelChoiceField(
        label=_("部署"), queryset=Department.objects.none(), empty_label=_("選択してください")
    )

    def __init__(self, *args, municipality: Municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = municipality.departments.filter(is_active=True)


class InvitationAwarePasswordResetForm(PasswordResetForm):
    """Django's reset form, also for people invited but without a password yet.

    Django leaves out users with an unusable password (meant for accounts that
    sign in some other way). Here an unusable password only means "invited,
    not set yet", and the link goes to the person's own mailbox, so an expired
    invitation can be replaced without asking the coordinator.
    """

    def get_users(self, email):
        # As Django does: the database's case-insensitive match, confirmed by
        # Unicode case folding, so that a look-alike address never matches.
        def folded(value: str) -> str:
            return unicodedata.normalize("NFKC", value).casefold()

        return (
            user
            for user in User.objects.filter(email__iexact=email, is_active=True)
            if folded(user.email) == folded(email)
        )
