from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, User
from accounts.people import membership_detail
from audit import detail
from audit.models import AuditAction
from audit.recording import record


# Roles are granted, changed and taken away here (coordinators, consultants, editors,
# admins): each is audited in the admin's transaction, in the municipality it concerns.
def _memberships_as_stored(pks) -> dict[int, Membership]:
    return Membership.objects.select_related("user", "municipality", "department").in_bulk(pks)


def _record_membership(before: Membership | None, after: Membership | None, user) -> None:
    """One event for a role granted (no `before`), removed (no `after`) or changed.

    A role moved to another municipality is a removal there and a grant here, so each
    municipality's log tells its own side.
    """
    if before is not None and after is not None and before.municipality_id != after.municipality_id:
        _record_membership(before, None, user)
        _record_membership(None, after, user)
        return
    if before is None or after is None:
        membership = after or before
        record(
            AuditAction.MEMBERSHIP_ADDED if before is None else AuditAction.MEMBERSHIP_REMOVED,
            user=user,
            municipality=membership.municipality_id,
            target=f"membership {membership.pk}",
            detail=membership_detail(membership),
        )
        return
    names = ["role", "department"]
    changes = detail.changes(
        Membership, detail.field_values(before, names), detail.field_values(after, names)
    )
    if changes:
        record(
            AuditAction.MEMBERSHIP_CHANGED,
            user=user,
            municipality=after.municipality_id,
            target=f"membership {after.pk}",
            detail={"person": detail.person(after.user), "changes": changes},
        )


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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        before = _memberships_as_stored(
            [f.instance.pk for f in formset.initial_forms if f.instance.pk]
        )
        # Taken now: a deleted row's instance has no primary key any more once saved.
        deleted = [f.instance.pk for f in formset.deleted_forms if f.instance.pk in before]
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            _record_membership(None, membership, request.user)
        for membership, _fields in formset.changed_objects:
            _record_membership(before[membership.pk], membership, request.user)
        for pk in deleted:
            _record_membership(before[pk], None, request.user)
        return None


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "municipality", "department"]
    list_filter = ["role"]
    search_fields = ["user__email", "municipality__name", "municipality__code"]
    autocomplete_fields = ["user", "municipality", "department"]

    def save_model(self, request, obj, form, change):
        before = _memberships_as_stored([obj.pk]).get(obj.pk) if change else None
        super().save_model(request, obj, form, change)
        _record_membership(before, obj, request.user)

    def delete_model(self, request, obj):
        _record_membership(_memberships_as_stored([obj.pk])[obj.pk], None, request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in _memberships_as_stored(queryset.values_list("pk", flat=True)).values():
            _record_membership(membership, None, request.user)
        super().delete_queryset(request, queryset)
