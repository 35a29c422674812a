"""The respondent's pages: my questionnaires, overview and submission, areas with autosave,
evidence files and the answer history.

Every view starts from `questionnaire_for` (404 outside the user's scope):
respondents answer their own department's questionnaire; coordinators and
consultants of the municipality see the same pages read-only. Each htmx
action also works as a plain form post (PRG to the area page's anchor).

Statuses of the save URL, which autosave.js relies on:
200 saved (committed), or an idempotent retry of what is stored;
400 a field is invalid, nothing saved; 409 conflict (someone saved first:
both versions shown) or locked (submitted / round closed), nothing saved;
each with `DX-Answer-State`. Requests autosave.js sends carry `DX-Background: 1`
and, instead of a redirect to the sign-in page, get 401 when the session has
ended and 403 when the CSRF token is stale (accounts/background.py). The area
page too, which the conflict view reloads a block from.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import background
from accounts.access import Capability, access_for
from assessments import answer_markup
from assessments.answering import answer_save
from assessments.evidence import (
    MAX_SIZE_LABEL,
    EvidenceError,
    EvidenceSizeLimitHandler,
    allowed_extensions_label,
    evidence_delete,
    evidence_upload,
)
from assessments.forms_answering import AnswerForm, Conflict, describe, field_label
from assessments.locking import QuestionnaireLocked, is_editable, lock_reason
from assessments.models import (
    Answer,
    AnswerChange,
    Assignment,
    EvidenceFile,
    QuestionnaireEvent,
    QuestionnaireEventKind,
    QuestionnaireStatus,
)
from assessments.my_work import (
    assigned_indicators,
    load_area_sheet,
    load_progress,
    load_sheet,
    my_questionnaires,
    questionnaire_overdue,
)
from assessments.return_comments import return_comments
from assessments.selectors import questionnaire_for
from assessments.submitting import SubmitError, questionnaire_submit
from frameworks.answer_shapes import answer_shape
from opendata.suggestions import suggestions_for

AREA_PAGE = "assessments/answering/area.html"
HISTORY_PAGE_SIZE = 50


# --- helpers ------------------------------------------------------------------------------


def _may_answer(request, questionnaire) -> bool:
    return access_for(request.user).can(
        Capability.ANSWER_FOR_DEPARTMENT, questionnaire.round.municipality, questionnaire.department
    )


def _read_only_reason(request, questionnaire) -> str:
    """Why the answers cannot be changed here, or "" when they can."""
    reason = lock_reason(questionnaire)
    if reason:
        return reason
    if not _may_answer(request, questionnaire):
        return _("閲覧のみできます。回答するのは担当部署の職員です。")
    return ""


def _assigned_indicator(questionnaire, code: str):
    """The indicator `code` if the department answers it in this round (area, levels and
    choices loaded): one query, the assignment; the indicator is the catalogue's
    (frameworks.answer_shapes)."""
    indicator_id = (
        Assignment.objects.filter(
            round_id=questionnaire.round_id,
            department_id=questionnaire.department_id,
            indicator__code=code,
        )
        .values_list("indicator_id", flat=True)
        .first()
    )
    if indicator_id is None:
        raise Http404
    return answer_shape(indicator_id, questionnaire.round.edition)


def _area_url(questionnaire, area, indicator=None) -> str:
    url = reverse("questionnaires:area", args=[questionnaire.pk, area.code])
    return f"{url}#indicator-{indicator.pk}" if indicator is not None else url


def _last_event(questionnaire, kind):
    return (
        QuestionnaireEvent.objects.filter(questionnaire=questionnaire, kind=kind)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _with_open_data(questionnaire, forms) -> None:
    """Each form's suggested answer from open data, with its national and peer values."""
    suggestions = suggestions_for(questionnaire.round.municipality, [f.indicator for f in forms])
    for form in forms:
        form.open_data = suggestions.get(form.indicator.pk)


def _saved_text(answer, *, confirmed: bool = False) -> str:
    """The status line after a save; `confirmed`: it confirmed a carried-over answer."""
    when = answer.updated_at if answer is not None and answer.updated_at else timezone.now()
    time = timezone.localtime(when).strftime("%H:%M")
    if confirmed:
        return _("前年度から引き継いだ回答を確定しました（%(time)s）") % {"time": time}
    return _("保存しました（%(time)s）") % {"time": time}


# --- my questionnaires, overview, submission ---------------------------------------------


@login_required
@require_GET
def mine(request):
    return render(
        request,
        "assessments/answering/mine.html",
        {"items": my_questionnaires(request.user)},
    )


def _overview_context(request, questionnaire, sheet):
    returned = (
        _last_event(questionnaire, QuestionnaireEventKind.RETURNED)
        if questionnaire.status == QuestionnaireStatus.RETURNED
        else None
    )
    may_answer = _may_answer(request, questionnaire)
    return {
        "questionnaire": questionnaire,
        "sheet": sheet,
        "progress": sheet.progress,
        "returned_event": returned,
        "return_comments": list(return_comments(questionnaire).values()),
        "overdue": questionnaire_overdue(questionnaire, timezone.localdate()),
        "read_only_reason": _read_only_reason(request, questionnaire),
        "may_answer": may_answer,
        "may_submit": may_answer and is_editable(questionnaire),
        "lock_reason": lock_reason(questionnaire),
    }


@login_required
@require_GET
def overview(request, questionnaire_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=False)
    sheet = load_sheet(questionnaire)
    return render(
        request,
        "assessments/answering/overview.html",
        _overview_context(request, questionnaire, sheet),
    )


@login_required
@require_http_methods(["GET", "POST"])
def submit(request, questionnaire_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    error = ""
    if request.method == "POST":
        try:
            questionnaire_submit(questionnaire=questionnaire, user=request.user)
        except SubmitError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _("調査票を提出しました。DX推進担当の確認をお待ちください。"),
            )
            return redirect("questionnaires:detail", questionnaire.pk)
    sheet = load_sheet(questionnaire)
    context = _overview_context(request, questionnaire, sheet) | {"error": error}
    return render(
        request,
        "assessments/answering/submit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


# --- area page and saving -----------------------------------------------------------------


def _area_context(request, questionnaire, sheet, *, replace=None):
    """The area page (`sheet`: my_work.load_area_sheet): every assigned indicator's form,
    `replace` standing in for one of them."""
    read_only_reason = _read_only_reason(request, questionnaire)
    replace = replace or {}
    municipality = questionnaire.round.municipality
    forms = [
        replace.get(indicator.pk)
        or AnswerForm(
            indicator,
            fiscal_year=questionnaire.round.fiscal_year,
            municipality=municipality,
            answer=sheet.answers.get(indicator.pk),
        )
        for indicator in sheet.indicators
    ]
    answer_markup.prepare(forms)
    comments = return_comments(questionnaire)
    for form in forms:
        if form.indicator.pk in comments:
            form.return_comment = comments[form.indicator.pk].comment
    _with_open_data(questionnaire, forms)
    return {
        "questionnaire": questionnaire,
        "area": sheet.area,
        "forms": forms,
        "progress": sheet.progress,
        "area_progress": sheet.progress.for_area(sheet.area.pk),
        "previous_area": sheet.previous_area,
        "next_area": sheet.next_area,
        "editable": not read_only_reason,
        "read_only_reason": read_only_reason,
        "may_answer": _may_answer(request, questionnaire),
        "max_size": MAX_SIZE_LABEL,
        "allowed_types": allowed_extensions_label(),
    }


def _area_page(request, questionnaire, area_code: str, *, replace=None, status=200):
    sheet = load_area_sheet(questionnaire, area_code)
    if sheet is None:
        raise Http404
    context = _area_context(request, questionnaire, sheet, replace=replace)
    return render(request, AREA_PAGE, context, status=status)


@background.login_required
@require_GET
def area(request, questionnaire_id: int, area_code: str):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=False)
    return _area_page(request, questionnaire, area_code)


def _save_response(request, questionnaire, form, *, state, status_text, status=200, conflict=None):
    """The indicator's block for htmx (with the status line and progress out of band),
    or the whole area page with that block when the post came without JavaScript."""
    indicator = form.indicator
    form.state = state
    form.conflict = conflict
    form.status_text = status_text
    if not request.htmx:
        return _area_page(
            request, questionnaire, indicator.area.code, replace={indicator.pk: form}, status=status
        )
    # The block and the progress: counted in the database (the whole sheet, with every
    # answer of the questionnaire, would make each save cost more as it grows).
    progress = load_progress(questionnaire)
    _with_open_data(questionnaire, [form])
    response = render(
        request,
        f"{AREA_PAGE}#save_response",
        {
            "questionnaire": questionnaire,
            "form": form,
            "area": indicator.area,
            "progress": progress,
            "area_progress": progress.for_area(indicator.area_id),
            "editable": state == "normal",
            "oob": True,
        },
        status=status,
    )
    # autosave.js tells the portal's answers from anything else (a sign-in page after a
    # time-out) by this header, and reads the new version when it must not swap.
    response["DX-Answer-State"] = state
    response["DX-Answer-Version"] = str(form.base_version if form.base_version is not None else "")
    return response


@background.login_required
@require_POST
def save(request, questionnaire_id: int, indicator_code: str):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    indicator = _assigned_indicator(questionnaire, indicator_code)
    data, via = request.POST, "web"
    if data.get("open_data"):
        # 「この値を使う」: the value is the server's own (never the posted one), saved by the
        # normal path (version check, history and audit marked as from open data).
        suggestion = suggestions_for(questionnaire.round.municipality, [indicator]).get(
            indicator.pk
        )
        if suggestion is not None:
            data, via = data.copy(), "open_data"
            data["number"] = suggestion.fill
    form = AnswerForm(
        indicator,
        fiscal_year=questionnaire.round.fiscal_year,
        municipality=questionnaire.round.municipality,
        data=data,
    )
    locked_reason = _read_only_reason(request, questionnaire)
    if locked_reason:
        form.is_valid()
        return _save_response(
            request, questionnaire, form, state="locked", status_text=locked_reason, status=409
        )
    if not form.is_valid():
        return _save_response(
            request,
            questionnaire,
            form,
            state="normal",
            status_text=_("入力内容に誤りがあります。保存していません。"),
            status=400,
        )
    try:
        result = answer_save(
            questionnaire=questionnaire,
            indicator=indicator,
            values=form.values,
            base_version=form.base_version,
            user=request.user,
            via=via,
        )
    except QuestionnaireLocked as locked:
        return _save_response(
            request, questionnaire, form, state="locked", status_text=str(locked), status=409
        )
    if result.conflict:
        theirs = Answer.objects.select_related("choice", "updated_by").get(pk=result.answer.pk)
        return _save_response(
            request,
            questionnaire,
            form,
            state="conflict",
            status_text=_("他の人が先に保存しました。どちらの内容を残すか選んでください。"),
            status=409,
            conflict=Conflict(form, theirs),
        )
    saved = AnswerForm(
        indicator,
        fiscal_year=questionnaire.round.fiscal_year,
        municipality=questionnaire.round.municipality,
        answer=result.answer if result.answer.pk else None,
    )
    text = _saved_text(result.answer, confirmed=result.confirmed)
    if not request.htmx:
        messages.success(request, f"{indicator.code}: {text}")
        return redirect(_area_url(questionnaire, indicator.area, indicator))
    return _save_response(request, questionnaire, saved, state="normal", status_text=text)


# --- evidence files -----------------------------------------------------------------------


def _evidence_response(request, questionnaire, indicator, *, message="", error="", status=200):
    """The indicator's evidence block for htmx; without JavaScript, back to the area page
    (a redirect after success, the page with the message next to the file input otherwise)."""
    if not request.htmx:
        if not error:
            messages.success(request, f"{indicator.code}: {message}")
            return redirect(_area_url(questionnaire, indicator.area, indicator))
        sheet = load_area_sheet(questionnaire, indicator.area.code)
        form = AnswerForm(
            indicator,
            fiscal_year=questionnaire.round.fiscal_year,
            municipality=questionnaire.round.municipality,
            answer=sheet.answers.get(indicator.pk),
        )
        form.evidence_error = error
        context = _area_context(request, questionnaire, sheet, replace={indicator.pk: form})
        return render(request, AREA_PAGE, context, status=status)
    answer = (
        Answer.objects.filter(questionnaire=questionnaire, indicator=indicator)
        .prefetch_related("files")
        .first()
    )
    form = AnswerForm(
        indicator,
        fiscal_year=questionnaire.round.fiscal_year,
        municipality=questionnaire.round.municipality,
        answer=answer,
    )
    form.evidence_message = message
    form.evidence_error = error
    response = render(
        request,
        f"{AREA_PAGE}#evidence_block",
        {
            "questionnaire": questionnaire,
            "form": form,
            "editable": not _read_only_reason(request, questionnaire),
            "max_size": MAX_SIZE_LABEL,
            "allowed_types": allowed_extensions_label(),
        },
        status=status,
    )
    response["DX-Answer-State"] = "evidence"
    return response


@csrf_exempt  # checked by _upload below, once the size limit is in place
@background.login_required
@require_POST
def evidence_add(request, questionnaire_id: int, indicator_code: str):
    # Must come before anything reads request.POST or request.FILES (Django's
    # "modifying upload handlers on the fly"); the CSRF check therefore runs after it.
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
    return _upload(request, questionnaire_id, indicator_code)


@csrf_protect
def _upload(request, questionnaire_id: int, indicator_code: str):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    indicator = _assigned_indicator(questionnaire, indicator_code)
    upload = request.FILES.get("file")
    error = ""
    if getattr(request, "evidence_too_large", False):
        error = _("ファイルが大きすぎます。%(max)s以下にしてください。") % {"max": MAX_SIZE_LABEL}
    elif upload is None:
        error = _("添付するファイルを選んでください。")
    else:
        try:
            evidence = evidence_upload(
                questionnaire=questionnaire, indicator=indicator, upload=upload, user=request.user
            )
        except (EvidenceError, QuestionnaireLocked) as problem:
            error = str(problem)
    if error:
        return _evidence_response(request, questionnaire, indicator, error=error, status=400)
    return _evidence_response(
        request,
        questionnaire,
        indicator,
        message=_("「%(name)s」を添付しました。") % {"name": evidence.original_name},
    )


def _evidence_for(questionnaire, file_id: int) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("answer__indicator__area"),
        pk=file_id,
        answer__questionnaire=questionnaire,
    )


@background.login_required
@require_POST
def evidence_remove(request, questionnaire_id: int, file_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    evidence = _evidence_for(questionnaire, file_id)
    indicator = evidence.answer.indicator
    prefetch_related_objects([indicator], "levels", "choices")
    try:
        evidence_delete(evidence=evidence, user=request.user)
    except (EvidenceError, QuestionnaireLocked) as problem:
        return _evidence_response(request, questionnaire, indicator, error=str(problem), status=409)
    return _evidence_response(
        request,
        questionnaire,
        indicator,
        message=_("「%(name)s」を削除しました。") % {"name": evidence.original_name},
    )


@login_required
@require_GET
def evidence_download(request, questionnaire_id: int, file_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=False)
    evidence = _evidence_for(questionnaire, file_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- history ----------------------------------------------------------------------------


@login_required
@require_GET
def history(request, questionnaire_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=False)
    changes = (
        AnswerChange.objects.filter(answer__questionnaire=questionnaire)
        .select_related("answer__indicator", "changed_by")
        .order_by("-changed_at", "-id")
    )
    code = request.GET.get("indicator", "").strip()
    if code:
        changes = changes.filter(answer__indicator__code=code)
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = list(page.object_list)
    prefetch_related_objects([e.answer.indicator for e in entries], "levels", "choices")
    rows = [
        {
            "change": entry,
            "indicator": entry.answer.indicator,
            "fields": [
                {
                    "label": field_label(entry.answer.indicator, name),
                    "old": describe(entry.answer.indicator, name, old),
                    "new": describe(entry.answer.indicator, name, new),
                }
                for name, (old, new) in entry.changes.items()
            ],
        }
        for entry in entries
    ]
    return render(
        request,
        "assessments/answering/history.html",
        {
            "questionnaire": questionnaire,
            "page": page,
            "rows": rows,
            "indicator_code": code,
            "indicator_query": urlencode({"indicator": code}) if code else "",
            "indicators": assigned_indicators(questionnaire),
            "may_answer": _may_answer(request, questionnaire),
        },
    )
