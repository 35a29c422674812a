"""Action plan pages: a round's plan, adding and editing items, changing their status.

The plan is for those who see the municipality's results (Capability.VIEW_RESULTS:
coordinators and consultants, read-only for consultants); only coordinators
(Capability.MANAGE_ROUNDS) add, edit or change the status of items. Respondents
see no plan: it is built on the municipality's scores and gaps, which they do
not see either. Every view scopes through `round_for` (404 outside the user's
municipalities) and, for an item, `_item` (404 unless it is in this round's plan).
Items are never deleted: 中止 keeps them on record.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from assessments.models import Assignment, Round
from assessments.selectors import round_for
from dxportal.form_data import posted_or_none
from dxportal.japanese_calendar import fiscal_year_of, today_in_japan
from frameworks.models import Indicator
from plans.forms import ActionItemForm, StatusForm
from plans.models import ActionItem, ActionStatus
from plans.selectors import action_plan_for, current_level_of, rubrics_for, suggestions_for
from plans.services import action_item_create, action_item_status_set, action_item_update

# --- scoping helpers ---------------------------------------------------------------


def _round(request, code: str, round_id: int, capability: Capability) -> Round:
    round_ = round_for(request, code, round_id, capability)
    # The membership's copy has the prefecture loaded for the page title.
    round_.municipality = request.municipality
    return round_


def _item(round_: Round, item_id: int) -> ActionItem:
    """An item of the round's municipality planned in this round or an earlier one (else 404)."""
    return get_object_or_404(
        ActionItem.objects.select_related("round", "indicator", "department"),
        pk=item_id,
        municipality_id=round_.municipality_id,
        round__fiscal_year__lte=round_.fiscal_year,
    )


def _plan_url(round_: Round) -> str:
    return reverse("plans:plan", kwargs={"code": round_.municipality.code, "round_id": round_.pk})


def _assigned_indicator(round_: Round, code: str) -> Indicator:
    """The indicator `code` of the round, with its owner department's id (or 404)."""
    assigned = Assignment.objects.filter(round=round_, indicator=OuterRef("pk"))
    return get_object_or_404(
        Indicator.objects.filter(
            edition_id=round_.edition_id, code=code, pk__in=assigned.values("indicator_id")
        ).annotate(owner_id=Subquery(assigned.filter(is_owner=True).values("department_id")[:1])),
    )


def _form_errors(form, error: ValidationError) -> None:
    """A model check that failed, shown at its field when the form has one."""
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


def _default_due_date():
    """The end of the current fiscal year (31 March)."""
    today = today_in_japan()
    return today.replace(year=fiscal_year_of(today) + 1, month=3, day=31)


# --- pages -------------------------------------------------------------------------


@login_required
@require_GET
def plan(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.VIEW_RESULTS)
    rows = action_plan_for(round_)
    can_manage = access_for(request.user).can(Capability.MANAGE_ROUNDS, round_.municipality)
    return render(
        request,
        "plans/plan.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "rows": rows,
            "suggestions": suggestions_for(round_, plan=rows),
            "can_manage": can_manage,
            "statuses": ActionStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_new(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    indicator_code = request.POST.get("indicator") or request.GET.get("indicator")
    if not indicator_code:
        return _choose_indicator(request, round_)
    indicator = _assigned_indicator(round_, indicator_code)
    rubric = rubrics_for(round_.edition_id, [indicator.code])[0].get(indicator.code)
    current = current_level_of(round_, rubric) if rubric else None
    next_rung = rubric.rung((current or 0) + 1) if rubric else None
    form = ActionItemForm(
        posted_or_none(request),
        municipality=round_.municipality,
        rubric=rubric,
        current_level=current,
        today=today_in_japan(),
        initial={
            "title": next_rung.description if next_rung else "",
            "target_level": next_rung.level if next_rung else None,
            "department": indicator.owner_id,
            "due_on": _default_due_date(),
            "status": ActionStatus.NOT_STARTED,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_item_create(
                round=round_, indicator=indicator, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("%(code)sのアクションを計画に追加しました。") % {"code": indicator.code}
            )
            return redirect(_plan_url(round_))
    return render(
        request,
        "plans/item_form.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "indicator": indicator,
            "rubric": rubric,
            "current_level": current,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


def _choose_indicator(request, round_: Round):
    """Without an indicator: the round's indicators to choose from (a GET form)."""
    indicators = Indicator.objects.filter(
        edition_id=round_.edition_id,
        pk__in=Assignment.objects.filter(round=round_).values("indicator_id"),
    ).order_by("area__order", "order")
    return render(
        request,
        "plans/choose_indicator.html",
        {"municipality": round_.municipality, "round": round_, "indicators": indicators},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, code: str, round_id: int, item_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    item = _item(round_, item_id)
    rubric = rubrics_for(item.indicator.edition_id, [item.indicator_code])[0].get(
        item.indicator_code
    )
    form = ActionItemForm(
        posted_or_none(request),
        municipality=round_.municipality,
        rubric=rubric,
        current_level=current_level_of(item.round, rubric) if rubric else None,
        today=today_in_japan(),
        item=item,
        initial={
            "title": item.title,
            "department": item.department_id,
            "target_level": item.target_level,
            "due_on": item.due_on,
            "status": item.status,
            "note": item.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            action_item_update(item=item, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("%(code)sのアクションを保存しました。") % {"code": item.indicator_code}
            )
            return redirect(_plan_url(round_))
    return render(
        request,
        "plans/item_form.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "item": item,
            "indicator": item.indicator,
            "rubric": rubric,
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def item_status(request, code: str, round_id: int, item_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    item = _item(round_, item_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("状態を選んでください。"))
        return redirect(_plan_url(round_))
    try:
        action_item_status_set(item=item, status=form.cleaned_data["status"], user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(code)sのアクションを「%(status)s」にしました。")
            % {"code": item.indicator_code, "status": item.get_status_display()},
        )
    return redirect(_plan_url(round_))
