from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import Capability, access_for
from dxportal.form_data import posted_or_none
from municipalities.forms import DepartmentEditForm, DepartmentForm
from municipalities.models import Municipality
from municipalities.services import (
    department_create,
    department_update,
    departments_create_defaults,
)
from results.latest import latest_round_with_results


def _get_municipality(request, code: str, capability: Capability) -> Municipality:
    """The municipality if the user may act on it (else 404), remembered for the header."""
    municipality = access_for(request.user).get_municipality(code, capability)
    request.municipality = municipality
    return municipality


@login_required
def overview(request, code: str):
    municipality = _get_municipality(request, code, Capability.VIEW_MUNICIPALITY)
    access = access_for(request.user)
    can_view_results = access.can(Capability.VIEW_RESULTS, municipality)
    return render(
        request,
        "municipalities/overview.html",
        {
            "municipality": municipality,
            "departments": municipality.departments.filter(is_active=True),
            "can_manage_departments": access.can(Capability.MANAGE_DEPARTMENTS, municipality),
            "can_view_audit_log": access.can(Capability.VIEW_AUDIT_LOG, municipality),
            "can_view_results": can_view_results,
            "latest": latest_round_with_results(municipality) if can_view_results else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def departments(request, code: str):
    municipality = _get_municipality(request, code, Capability.MANAGE_DEPARTMENTS)
    form = DepartmentForm(posted_or_none(request), municipality=municipality)
    if request.method == "POST" and form.is_valid():
        department = department_create(municipality=municipality, **form.cleaned_data)
        messages.success(request, _("部署「%(name)s」を追加しました。") % {"name": department.name})
        return redirect("municipalities:departments", code=code)
    return render(
        request,
        "municipalities/departments.html",
        {
            "municipality": municipality,
            "departments": municipality.departments.all(),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def departments_add_defaults(request, code: str):
    municipality = _get_municipality(request, code, Capability.MANAGE_DEPARTMENTS)
    created = departments_create_defaults(municipality=municipality)
    messages.success(request, _("標準の部署を%(count)d件追加しました。") % {"count": len(created)})
    return redirect("municipalities:departments", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request, code: str, pk: int):
    municipality = _get_municipality(request, code, Capability.MANAGE_DEPARTMENTS)
    department = get_object_or_404(municipality.departments, pk=pk)
    initial = {
        "name": department.name,
        "kind": department.kind,
        "sort_order": department.sort_order,
        "is_active": department.is_active,
    }
    form = DepartmentEditForm(
        posted_or_none(request), municipality=municipality, instance=department, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        department_update(department=department, **form.cleaned_data)
        messages.success(request, _("部署「%(name)s」を更新しました。") % {"name": department.name})
        return redirect("municipalities:departments", code=code)
    return render(
        request,
        "municipalities/department_edit.html",
        {"municipality": municipality, "department": department, "form": form},
        status=400 if form.is_bound else 200,
    )
