from django.contrib import admin

from municipalities.models import Department, Municipality, MunicipalityChange


class MunicipalityChangeInline(admin.TabularInline):
    model = MunicipalityChange
    extra = 0
    can_delete = False
    readonly_fields = ["effective_on", "field", "old_value", "new_value", "source", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "prefecture", "abolished_on"]
    list_filter = ["kind", "prefecture"]
    search_fields = ["code", "name", "name_kana"]
    list_select_related = ["prefecture"]
    inlines = [MunicipalityChangeInline]
    raw_id_fields = ["prefecture", "successor"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "municipality__name", "municipality__code"]
    list_select_related = ["municipality__prefecture"]
    raw_id_fields = ["municipality"]
