"""Excel round trip pages: download the workbook, upload it, check the preview, apply.

Download: anyone who may see the questionnaire. Upload and apply: only
people who may answer it (questionnaire_for(to_answer=True)), while it is
neither submitted nor in a closed round. The validated changes wait in the
session between the preview and the apply, so the file is uploaded once and
nothing from the browser but a token decides what is saved.
"""

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.locking import QuestionnaireLocked, lock_reason
from assessments.models import Questionnaire
from assessments.selectors import questionnaire_for
from assessments.workbooks.importing import Preview, RowChange, import_apply, import_preview
from assessments.workbooks.reading import MAX_FILE_BYTES, WorkbookRejected, workbook_open
from assessments.workbooks.writing import (
    XLSX_CONTENT_TYPE,
    content_disposition,
    workbook_build,
)

SESSION_KEY = "workbook_import"
TOO_LARGE = gettext_lazy("ファイルが大きすぎます（上限は 5 MB です）。")


@login_required
@require_GET
def download(request, questionnaire_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=False)
    response = HttpResponse(
        workbook_build(questionnaire, exported_at=timezone.now()),
        content_type=XLSX_CONTENT_TYPE,
    )
    response["Content-Disposition"] = content_disposition(questionnaire)
    response["Cache-Control"] = "no-store"
    return response


class _SizeLimit(FileUploadHandler):
    """Stops receiving a file past the limit, so a huge upload is never kept in memory or on disk."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excelファイル"),
        help_text=gettext_lazy("この調査票から書き出した .xlsx ファイル（5 MB まで）"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:
            # The upload handler dropped the file; say why rather than "required".
            self.fields["file"].required = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload is None:
            return None
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(TOO_LARGE)
        try:
            return workbook_open(upload.read())
        except WorkbookRejected as rejected:
            raise forms.ValidationError(rejected.message) from None

    def clean(self):
        if self.too_large:
            self.add_error("file", TOO_LARGE)
        return super().clean()


def _closed_reason(questionnaire: Questionnaire) -> str | None:
    return lock_reason(questionnaire) or None


def _upload_page(request, questionnaire, form, *, status: int, notice: str | None = None):
    return render(
        request,
        "assessments/workbooks/upload.html",
        {
            "questionnaire": questionnaire,
            "round": questionnaire.round,
            "form": form,
            "closed_reason": _closed_reason(questionnaire),
            "notice": notice,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@csrf_exempt
def upload(request, questionnaire_id: int):
    # The size limit must be in place before anything reads the body, and the
    # CSRF check reads it; so CSRF is checked in _upload instead (Django's
    # documented pattern for custom upload handlers).
    limit = _SizeLimit(request, MAX_FILE_BYTES)
    request.upload_handlers.insert(0, limit)
    return _upload(request, questionnaire_id, limit)


@csrf_protect
def _upload(request, questionnaire_id: int, limit: _SizeLimit):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    if request.method == "GET":
        return _upload_page(request, questionnaire, WorkbookUploadForm(), status=200)
    if _closed_reason(questionnaire):
        return _upload_page(request, questionnaire, WorkbookUploadForm(), status=409)
    form = WorkbookUploadForm(request.POST, request.FILES, too_large=limit.exceeded)
    if not form.is_valid():
        return _upload_page(request, questionnaire, form, status=400)
    try:
        preview = import_preview(questionnaire=questionnaire, workbook=form.cleaned_data["file"])
    except WorkbookRejected as rejected:
        form.add_error("file", rejected.message)
        return _upload_page(request, questionnaire, form, status=400)
    token = None
    if preview.ok and preview.changes:
        token = secrets.token_urlsafe(16)
        request.session[SESSION_KEY] = {
            "questionnaire": questionnaire.pk,
            "token": token,
            "changes": [change.to_json() for change in preview.changes],
        }
    else:
        request.session.pop(SESSION_KEY, None)
    return _preview_page(request, questionnaire, preview, token=token)


def _preview_page(request, questionnaire, preview, *, token=None, conflicts=None, status=None):
    problems = conflicts if conflicts is not None else preview.problems
    return render(
        request,
        "assessments/workbooks/preview.html",
        {
            "questionnaire": questionnaire,
            "round": questionnaire.round,
            "preview": preview,
            "problems": problems,
            "after_apply": conflicts is not None,
            "token": token,
        },
        status=status or (200 if not problems else 400),
    )


@login_required
@require_POST
def apply(request, questionnaire_id: int):
    questionnaire = questionnaire_for(request, questionnaire_id, to_answer=True)
    if _closed_reason(questionnaire):
        return _upload_page(request, questionnaire, WorkbookUploadForm(), status=409)
    pending = request.session.get(SESSION_KEY) or {}
    if (
        pending.get("questionnaire") != questionnaire.pk
        or not request.POST.get("token")
        or not secrets.compare_digest(str(pending.get("token", "")), request.POST["token"])
    ):
        return _upload_page(
            request,
            questionnaire,
            WorkbookUploadForm(),
            status=400,
            notice=_(
                "反映する内容が見つかりません（時間が経ったか、別のファイルをアップロードしました）。"
                "もう一度ファイルをアップロードしてください。"
            ),
        )
    del request.session[SESSION_KEY]
    changes = [RowChange.from_json(data) for data in pending["changes"]]
    try:
        conflicts = import_apply(questionnaire=questionnaire, changes=changes, user=request.user)
    except QuestionnaireLocked as locked:
        return _upload_page(
            request, questionnaire, WorkbookUploadForm(), status=409, notice=str(locked)
        )
    if conflicts:
        return _preview_page(
            request, questionnaire, Preview(changes=changes), conflicts=conflicts, status=409
        )
    messages.success(
        request,
        _("Excelファイルから %(count)d 件の回答を反映しました。") % {"count": len(changes)},
    )
    return redirect("workbooks:upload", questionnaire_id=questionnaire.pk)
