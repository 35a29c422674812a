from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["municipality", "department"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "last_login"]
    search_fields = ["email", "display_name"]
    list_filter = ["is_active", "memberships__role"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("個人情報"), {"fields": ["display_name"]}),
        (_("状態"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]},
        ),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = []
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "department"]
    list_filter = ["role"]
    search_fields = ["user__email", "municipality__name", "municipality__code"]
    autocomplete_fields = ["user", "municipality", "department"]
