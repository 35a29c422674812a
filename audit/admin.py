"""Read-only for everyone, system admins included: the log cannot be edited or deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.describing import describe
from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("time", "action", "actor_email", "municipality", "description", "ip_address")
    list_filter = ("action", "time")
    search_fields = ("actor_email", "target", "municipality__code", "municipality__name")
    list_select_related = ("municipality",)
    date_hierarchy = "time"

    @admin.display(description=_("内容"))
    def description(self, event):
        return describe(event)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
