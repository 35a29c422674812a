from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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
    list_display = ["code", "name", "kind", "prefecture", "population", "band", "abolished_on"]
    # Only the prefectures as choices: listing every body would name each one
    # with its prefecture, a query per municipality.
    list_filter = ["kind", ("prefecture", admin.RelatedOnlyFieldListFilter)]
    # The box (and the autocomplete of other admin pages) needs search_fields;
    # the matching itself is Municipality.objects.search, see get_search_results.
    search_fields = ["code", "name", "name_kana"]
    search_help_text = _(
        "団体コード・名称・ふりがなで検索できます（ふりがなはひらがな・カタカナ・半角カナのどれでも）。"
    )
    list_select_related = ["prefecture"]
    inlines = [MunicipalityChangeInline]
    raw_id_fields = ["prefecture", "successor"]
    # Set by import_population from the official table only (fixtures/municipalities/README.md).
    readonly_fields = ["population", "population_as_of", "population_source", "band"]

    @admin.display(description=_("人口規模区分（類似団体区分の人口段階）"))
    def band(self, obj):
        return obj.size_band or _("不明")

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "municipality__name", "municipality__code"]
    list_select_related = ["municipality__prefecture"]
    raw_id_fields = ["municipality"]
