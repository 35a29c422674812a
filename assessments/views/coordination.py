"""The DX coordinator's pages: rounds, progress, assignments, review, reconciliation, surveys.

Coordinators and consultants of the municipality (VIEW_RESULTS) see rounds,
progress, review pages and reconciliation; only coordinators (MANAGE_ROUNDS)
change anything. Every view goes through one scoping helper
(`round_for` / `_municipality`), which answers 404 outside the user's scope,
then form → service → redirect or render. Opening a survey for many
municipalities is for system administrators (403 for anyone else signed in).
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.forms import BoundField
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.access import Capability, access_for
from assessments.carry_over import carried_count
from assessments.coordination import (
    CoordinationError,
    assignment_set,
    consolidation_set,
    questionnaire_approve,
    questionnaire_reopen,
    questionnaire_return,
    round_close,
    survey_open,
)
from assessments.forms_coordination import (
    AssignmentForm,
    ConsolidationForm,
    ReconciliationFilterForm,
    ReviewForm,
    RoundOpenForm,
    SurveyForm,
)
from assessments.models import (
    DONE_STATUSES,
    Answer,
    Assignment,
    IndicatorComment,
    Questionnaire,
    QuestionnaireStatus,
    Round,
    RoundStatus,
)
from assessments.reconciliation import answer_summary, reconciliation_for, reconciliation_page
from assessments.reminders import reminders_send
from assessments.return_comments import return_comments
from assessments.round_progress import round_progress, rounds_with_progress
from assessments.rounds import RoundError, round_open
from assessments.selectors import round_for
from dxportal.form_data import posted_or_none
from dxportal.japanese_calendar import today_in_japan
from frameworks.models import Indicator
from frameworks.selectors import rubric_labels
from municipalities.models import Municipality

# --- scoping helpers ---------------------------------------------------------------


def _municipality(request, code: str, capability: Capability) -> Municipality:
    municipality = access_for(request.user).get_municipality(code, capability)
    request.municipality = municipality
    return municipality


def _round(request, code: str, round_id: int, capability: Capability) -> Round:
    round_ = round_for(request, code, round_id, capability)
    # The membership's copy has the prefecture loaded for the page title.
    round_.municipality = request.municipality
    return round_


def _questionnaire(round_: Round, questionnaire_id: int) -> Questionnaire:
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("department"), pk=questionnaire_id, round=round_
    )
    questionnaire.round = round_
    return questionnaire


def _can_manage(request, municipality: Municipality) -> bool:
    return access_for(request.user).can(Capability.MANAGE_ROUNDS, municipality)


def _round_url(round_: Round, name: str = "detail", anchor: str = "") -> str:
    url = reverse(
        f"rounds:{name}", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )
    return f"{url}#{anchor}" if anchor else url


# --- reads for pages ---------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    indicator: Indicator
    is_owner: bool
    answer: Answer | None  # with its evidence files loaded
    summary: str
    # The latest return's comment on this indicator while the questionnaire is returned.
    returned_comment: IndicatorComment | None = None
    note_field: BoundField | None = None  # the box for a new comment, for coordinators


def _review_sections(
    questionnaire: Questionnaire, *, returned: dict[int, IndicatorComment]
) -> list[tuple[object, list[ReviewItem]]]:
    """The department's indicators by area, each with its answer and evidence (four queries)."""
    assignments = (
        Assignment.objects.filter(
            round_id=questionnaire.round_id, department_id=questionnaire.department_id
        )
        .select_related("indicator__area")
        .order_by("indicator__area__order", "indicator__order")
    )
    # In the page's language, as everywhere else (frameworks.selectors.rubric_labels).
    labels = rubric_labels(
        indicator__in=Assignment.objects.filter(
            round_id=questionnaire.round_id, department_id=questionnaire.department_id
        ).values("indicator_id")
    )
    answers = {
        a.indicator_id: a
        for a in questionnaire.answers.select_related("choice").prefetch_related("files")
    }
    sections: dict[int, tuple[object, list[ReviewItem]]] = {}
    for assignment in assignments:
        indicator = assignment.indicator
        answer = answers.get(indicator.pk)
        sections.setdefault(indicator.area_id, (indicator.area, []))[1].append(
            ReviewItem(
                indicator=indicator,
                is_owner=assignment.is_owner,
                answer=answer,
                summary=answer_summary(indicator, answer, labels.get(indicator.pk, {})),
                returned_comment=returned.get(indicator.pk),
            )
        )
    return list(sections.values())


def _with_note_fields(sections, form: ReviewForm):
    return [
        (area, [replace(item, note_field=form[form.note_name(item.indicator)]) for item in items])
        for area, items in sections
    ]


def _assignment_rows(round_: Round) -> list[dict]:
    """Each assigned indicator with its departments, the owner first (one query)."""
    rows: dict[int, dict] = {}
    for a in (
        Assignment.objects.filter(round=round_)
        .select_related("indicator__area", "department")
        .order_by(
            "indicator__area__order", "indicator__order", "-is_owner", "department__sort_order"
        )
    ):
        row = rows.setdefault(
            a.indicator_id, {"indicator": a.indicator, "owner": None, "departments": []}
        )
        row["departments"].append(a.department)
        if a.is_owner:
            row["owner"] = a.department
    return list(rows.values())


# --- rounds ------------------------------------------------------------------------


@login_required
@require_GET
def index(request, code: str):
    municipality = _municipality(request, code, Capability.VIEW_RESULTS)
    can_manage = _can_manage(request, municipality)
    summaries = rounds_with_progress(municipality)
    form = (
        RoundOpenForm(today=today_in_japan(), has_earlier_round=bool(summaries))
        if can_manage
        else None
    )
    return render(
        request,
        "assessments/coordination/index.html",
        {
            "municipality": municipality,
            "summaries": summaries,
            "can_manage": can_manage,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def new(request, code: str):
    municipality = _municipality(request, code, Capability.MANAGE_ROUNDS)
    form = RoundOpenForm(
        posted_or_none(request),
        today=today_in_japan(),
        has_earlier_round=municipality.rounds.exists(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = round_open(municipality=municipality, user=request.user, **form.cleaned_data)
        except RoundError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("評価ラウンドを開始しました。"))
            if form.cleaned_data["carry_over"]:
                count = carried_count(round_)
                messages.info(
                    request,
                    _(
                        "前年度の回答を%(count)d件引き継ぎました。"
                        "各部署の回答者が確認して確定するまで、回答済みには数えません。"
                    )
                    % {"count": count}
                    if count
                    else _("引き継げる前年度の回答はありませんでした。"),
                )
            return redirect("rounds:detail", code=code, round_id=round_.pk)
    return render(
        request,
        "assessments/coordination/new.html",
        {"municipality": municipality, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def detail(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.VIEW_RESULTS)
    return render(
        request,
        "assessments/coordination/detail.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "progress": round_progress(round_),
            "can_manage": _can_manage(request, round_.municipality),
            "is_open": round_.status == RoundStatus.OPEN,
        },
    )


@login_required
@require_POST
def remind(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    try:
        sent = reminders_send(
            round=round_, base_url=request.build_absolute_uri("/"), user=request.user
        )
    except CoordinationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("督促メールを%(count)d通送信しました。") % {"count": sent})
    return redirect(_round_url(round_))


@login_required
@require_http_methods(["GET", "POST"])
def close(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    if request.method == "POST":
        try:
            round_close(round=round_, user=request.user)
        except CoordinationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("評価ラウンドを締め切りました。"))
        return redirect(_round_url(round_))
    progress = round_progress(round_)
    return render(
        request,
        "assessments/coordination/close.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "unsubmitted": [d for d in progress.departments if d.status not in DONE_STATUSES],
        },
    )


# --- assignments -------------------------------------------------------------------


@login_required
@require_GET
def assignments(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    return render(
        request,
        "assessments/coordination/assignments.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "rows": _assignment_rows(round_),
            "is_open": round_.status == RoundStatus.OPEN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, code: str, round_id: int, indicator_code: str):
    round_ = _round(request, code, round_id, Capability.MANAGE_ROUNDS)
    indicator = get_object_or_404(
        Indicator.objects.select_related("area"), edition_id=round_.edition_id, code=indicator_code
    )
    current = list(Assignment.objects.filter(round=round_, indicator=indicator))
    form = AssignmentForm(
        posted_or_none(request),
        municipality=round_.municipality,
        assigned_ids={a.department_id for a in current},
        initial={
            "departments": [a.department_id for a in current],
            "owner": next((a.department_id for a in current if a.is_owner), None),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = assignment_set(
                round=round_,
                indicator=indicator,
                departments=list(form.cleaned_data["departments"]),
                owner=form.cleaned_data["owner"],
                user=request.user,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("%(code)sの割当を保存しました。") % {"code": indicator.code}
            )
            for questionnaire in change.questionnaires_created:
                messages.info(
                    request,
                    _("%(department)sの調査票を作成しました。")
                    % {"department": questionnaire.department.name},
                )
            return redirect(_round_url(round_, "assignments", anchor=f"indicator-{indicator.pk}"))
    return render(
        request,
        "assessments/coordination/assignment_edit.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "indicator": indicator,
            "form": form,
            "is_open": round_.status == RoundStatus.OPEN,
        },
        status=400 if form.is_bound else 200,
    )


# --- review ------------------------------------------------------------------------

REVIEW_SERVICES = {
    "approve": (questionnaire_approve, gettext_lazy("調査票を承認しました。")),
    "return": (questionnaire_return, gettext_lazy("調査票を差し戻しました。")),
    "reopen": (
        questionnaire_reopen,
        gettext_lazy("調査票を再開しました。回答者が再び編集できます。"),
    ),
}


@login_required
@require_http_methods(["GET", "POST"])
def review(request, code: str, round_id: int, questionnaire_id: int):
    capability = Capability.MANAGE_ROUNDS if request.method == "POST" else Capability.VIEW_RESULTS
    round_ = _round(request, code, round_id, capability)
    questionnaire = _questionnaire(round_, questionnaire_id)
    sections = _review_sections(questionnaire, returned=return_comments(questionnaire))
    indicators = [item.indicator for _area, items in sections for item in items]
    form = ReviewForm(posted_or_none(request), indicators=indicators)
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"]
        service, done = REVIEW_SERVICES[action]
        extra = (
            {"indicator_comments": form.cleaned_data["indicator_comments"]}
            if action == "return"
            else {}
        )
        try:
            service(
                questionnaire=questionnaire,
                user=request.user,
                comment=form.cleaned_data["comment"],
                **extra,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, str(done))
            return redirect(
                "rounds:review", code=code, round_id=round_.pk, questionnaire_id=questionnaire.pk
            )
    is_open = round_.status == RoundStatus.OPEN
    status = questionnaire.status
    can_manage = _can_manage(request, round_.municipality)
    can_approve = status == QuestionnaireStatus.SUBMITTED
    can_return = is_open and status == QuestionnaireStatus.SUBMITTED
    can_reopen = is_open and status in DONE_STATUSES
    return render(
        request,
        "assessments/coordination/review.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "questionnaire": questionnaire,
            # Comment boxes only where a return can be sent from this page.
            "sections": _with_note_fields(sections, form)
            if can_manage and can_return
            else sections,
            "events": questionnaire.events.select_related("actor").prefetch_related(
                Prefetch(
                    "indicator_comments",
                    queryset=IndicatorComment.objects.select_related("indicator").order_by(
                        "indicator__area__order", "indicator__order", "indicator__pk"
                    ),
                )
            ),
            "form": form,
            "can_manage": can_manage,
            "can_approve": can_approve,
            "can_return": can_return,
            "can_reopen": can_reopen,
            "show_actions": can_manage and (can_approve or can_return or can_reopen),
        },
        status=400 if form.is_bound else 200,
    )


# --- reconciliation ----------------------------------------------------------------


@login_required
@require_GET
def reconciliation(request, code: str, round_id: int):
    round_ = _round(request, code, round_id, Capability.VIEW_RESULTS)
    items = reconciliation_for(round_)
    filters = ReconciliationFilterForm(request.GET)
    page = reconciliation_page(items, **filters.values())
    return render(
        request,
        "assessments/coordination/reconciliation.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "items": items,
            "page": page,
            "can_manage": _can_manage(request, round_.municipality),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reconciliation_item(request, code: str, round_id: int, indicator_code: str):
    capability = Capability.MANAGE_ROUNDS if request.method == "POST" else Capability.VIEW_RESULTS
    round_ = _round(request, code, round_id, capability)
    items = reconciliation_for(round_, indicator_code=indicator_code)
    if not items:
        raise Http404
    item = items[0]
    can_manage = _can_manage(request, round_.municipality)
    form = (
        ConsolidationForm(posted_or_none(request), item=item)
        if can_manage and item.answered_rows
        else None
    )
    if request.method == "POST" and form is None:
        messages.error(request, _("まだどの部署も回答していません。"))
        return redirect(_round_url(round_, "reconciliation"))
    if form is not None and form.is_bound and form.is_valid():
        try:
            consolidation_set(
                round=round_,
                indicator=item.indicator,
                answer=form.cleaned_data["chosen"].answer,
                note=form.cleaned_data["note"],
                user=request.user,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(code)sの団体としての回答を保存しました。") % {"code": item.indicator.code},
            )
            # Back to the indicator in its area of the page.
            url = _round_url(round_, "reconciliation")
            query = urlencode({"area": item.indicator.area.code})
            return redirect(f"{url}?{query}#indicator-{item.indicator.pk}")
    return render(
        request,
        "assessments/coordination/reconciliation_item.html",
        {
            "municipality": round_.municipality,
            "round": round_,
            "item": item,
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


# --- surveys -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_new(request):
    if not access_for(request.user).has_global(Capability.OPEN_SURVEY):
        raise PermissionDenied
    form = SurveyForm(posted_or_none(request), today=today_in_japan())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = survey_open(
                name=data["name"],
                municipalities=data["municipalities"],
                edition=data["edition"],
                fiscal_year=data["fiscal_year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                reference_date=data["reference_date"],
                user=request.user,
            )
        except CoordinationError as error:
            form.add_error(None, str(error))
        else:
            return render(
                request,
                "assessments/coordination/survey_result.html",
                {"result": result, "name": data["name"], "fiscal_year": data["fiscal_year"]},
            )
    return render(
        request,
        "assessments/coordination/survey_new.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )
