"""PDF report downloads, with the same permissions as the pages they print.

The municipality report is for those who may see the round's dashboard
(Capability.VIEW_RESULTS: the municipality's coordinators and consultants);
a department's report for those who may see the department's results page
(Capability.VIEW_DEPARTMENT_RESULTS: also that department's respondents).
Anyone else, and objects of another municipality, get a 404.
"""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from accounts.access import Capability
from assessments.selectors import round_department_for, round_for
from audit.models import AuditAction
from audit.recording import record
from dxportal.downloads import attachment
from reports.rendering import (
    render_department_report,
    render_municipality_report,
    report_filenames,
)

PDF = "application/pdf"


def _pdf(request, round_, content: bytes, names: tuple[str, str]):
    filename, fallback = names
    record(
        AuditAction.REPORT_DOWNLOADED,
        request=request,
        municipality=round_.municipality,
        target=filename,
    )
    response = attachment(content, content_type=PDF, filename=filename, fallback=fallback)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def municipality_report(request, code: str, round_id: int):
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    return _pdf(request, round_, render_municipality_report(round_), report_filenames(round_))


@login_required
@require_GET
def department_report(request, code: str, round_id: int, department_id: int):
    round_, department = round_department_for(request, code, round_id, department_id)
    return _pdf(
        request,
        round_,
        render_department_report(round_, department),
        report_filenames(round_, department),
    )
