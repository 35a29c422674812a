"""Bulk export pages: choose municipalities, watch the job, download the ZIP.

The form is for consultants and system administrators (403 for anyone else
signed in). A job's pages and its ZIP are for the user who made it only
(404 for anyone else, administrators included).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.access import access_for
from dxportal.downloads import attachment_header
from exports.bulk import (
    export_job_create,
    export_job_resume_if_stale,
    exportable_municipalities,
    fiscal_years,
    job_zip,
    may_bulk_export,
    progress_counts,
)
from exports.forms import BulkExportForm
from exports.models import ExportItem, ExportJob, ItemStatus

RECENT_JOBS = 10


@login_required
@require_http_methods(["GET", "POST"])
def bulk_new(request):
    access = access_for(request.user)
    if not may_bulk_export(access):
        raise PermissionDenied
    municipalities = exportable_municipalities(access).select_related("prefecture")
    form = BulkExportForm(
        request.POST or None,
        municipalities=municipalities,
        years=fiscal_years(municipalities),
    )
    if request.method == "POST":
        if form.is_valid():
            job = export_job_create(
                owner=request.user,
                municipalities=form.cleaned_data["municipalities"],
                fiscal_year=form.cleaned_data["fiscal_year"],
            )
            messages.success(request, _("書き出しを開始しました。"))
            return redirect("exports:job", job_id=job.pk)
        status = 400
    else:
        status = 200
    jobs = ExportJob.objects.filter(owner=request.user)[:RECENT_JOBS]
    return render(request, "exports/bulk_new.html", {"form": form, "jobs": jobs}, status=status)


def _own_job(request, job_id: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=job_id, owner=request.user)


@login_required
@require_GET
def job_detail(request, job_id: int):
    job = _own_job(request, job_id)
    counts = progress_counts(job.pk)
    if counts[ItemStatus.PENDING]:
        # Every poll doubles as the watchdog: a run whose worker died is enqueued again.
        export_job_resume_if_stale(job)
    processed = counts["total"] - counts[ItemStatus.PENDING]
    context = {
        "job": job,
        "counts": counts,
        "processed": processed,
        "percent": round(100 * processed / counts["total"]) if counts["total"] else 100,
        "complete": not counts[ItemStatus.PENDING],
        "items": ExportItem.objects.filter(job=job)
        .select_related("municipality", "round")
        .defer("pdf"),
    }
    template = "exports/job.html#progress" if request.htmx else "exports/job.html"
    return render(request, template, context)


@login_required
@require_GET
def job_download(request, job_id: int):
    job = _own_job(request, job_id)
    if ExportItem.objects.filter(job=job, status=ItemStatus.PENDING).exists():
        raise Http404(_("書き出しはまだ終わっていません。"))
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    response = FileResponse(job_zip(job), content_type="application/zip")
    response["Content-Disposition"] = attachment_header(
        f"一括書き出し_{stamp}_{job.pk}.zip", f"dxportal-export-{stamp}-{job.pk}.zip"
    )
    return response
