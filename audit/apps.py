from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査ログ"

    def ready(self):
        from audit import signals  # noqa: F401  (connects the sign-in receivers)
