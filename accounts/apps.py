from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウントと権限"

    def ready(self):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import checks  # noqa: F401  (registers the deploy check)
        from accounts.session_lifetime import stamp_sign_in
        from accounts.two_factor import authenticator_removed

        post_delete.connect(
            authenticator_removed, sender=TOTPDevice, dispatch_uid="accounts_authenticator_removed"
        )
        user_logged_in.connect(stamp_sign_in, dispatch_uid="accounts_stamp_sign_in")
