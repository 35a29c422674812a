from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウントと権限"

    def ready(self):
        from accounts import checks  # noqa: F401  (registers the deploy check)
