"""Data exports of one round: answers and scores as CSV, XLSX and JSON.

For the municipality's coordinators and consultants (Capability.VIEW_RESULTS
through assessments.selectors.round_for: 404 for anyone else). Each export
costs the same number of queries whatever the size of the round
(exports.tables.round_export).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.access import Capability
from assessments.selectors import round_for
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from dxportal.downloads import attachment
from exports.tables import round_export
from exports.writers import TABLES, csv_bytes, json_bytes, xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABLE_NAMES = {"answers": gettext_lazy("回答"), "scores": gettext_lazy("得点")}


def _names(round_, japanese: str, english: str, extension: str) -> dict[str, str]:
    municipality = round_.municipality
    year = round_.fiscal_year
    return {
        "filename": f"{municipality.name}_{year}年度_{japanese}.{extension}",
        "fallback": f"{municipality.code}_{year}_{english}.{extension}",
    }


def _record_export(request, round_, what: str, names: dict[str, str]) -> dict[str, str]:
    """Audit the export (the round by its fiscal year, the file by the name it is given)."""
    record(
        AuditAction.EXPORT,
        request=request,
        municipality=round_.municipality,
        target=f"round {round_.pk} {what}",
        detail={"round": detail.fiscal_year(round_), "file": names["filename"]},
    )
    return names


@login_required
@require_GET
def table_csv(request, code: str, round_id: int, table: str):
    if table not in TABLES:
        raise Http404
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    content = csv_bytes(TABLES[table](round_export(round_)))
    names = _names(round_, str(TABLE_NAMES[table]), table, "csv")
    return attachment(
        content,
        content_type="text/csv; charset=utf-8",
        **_record_export(request, round_, f"{table}.csv", names),
    )


@login_required
@require_GET
def workbook(request, code: str, round_id: int):
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    content = xlsx_bytes(round_export(round_))
    return attachment(
        content,
        content_type=XLSX,
        **_record_export(request, round_, "xlsx", _names(round_, _("評価結果"), "results", "xlsx")),
    )


@login_required
@require_GET
def document(request, code: str, round_id: int):
    round_ = round_for(request, code, round_id, Capability.VIEW_RESULTS)
    content = json_bytes(round_export(round_))
    return attachment(
        content,
        content_type="application/json",
        **_record_export(request, round_, "json", _names(round_, _("評価結果"), "results", "json")),
    )
