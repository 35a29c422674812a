"""The audit log of one municipality, for its coordinators (Capability.VIEW_AUDIT_LOG).

Anyone else gets a 404 (accounts.access). System admins read the whole log
in the read-only Django admin. Exporting the log is itself logged.
"""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for
from audit.forms import EventFilterForm
from audit.models import AuditAction
from audit.recording import record
from audit.selectors import detail_text, municipality_events
from dxportal.downloads import attachment
from dxportal.spreadsheet_text import safe_text

PAGE_SIZE = 50


def _filtered(request, code: str):
    municipality = access_for(request.user).get_municipality(code, Capability.VIEW_AUDIT_LOG)
    form = EventFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return municipality, form, None
    filters = form.cleaned_data if form.is_bound else {}
    events = municipality_events(municipality, **filters)
    return municipality, form, events


@login_required
@require_GET
def event_list(request, code: str):
    municipality, form, events = _filtered(request, code)
    page = None
    if events is not None:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        for event in page:
            event.detail_text = detail_text(event.detail)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {"municipality": municipality, "form": form, "page": page, "query": query.urlencode()},
        status=400 if events is None else 200,
    )


@login_required
@require_GET
def event_csv(request, code: str):
    municipality, form, events = _filtered(request, code)
    if events is None:
        return event_list(request, code)  # the page with the form's message, status 400
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 CSV correctly only with it
    writer = csv.writer(buffer)
    writer.writerow([_("日時"), _("操作"), _("利用者"), _("対象"), _("詳細"), _("IPアドレス")])
    for event in events.iterator():
        writer.writerow(
            [
                timezone.localtime(event.time).strftime("%Y-%m-%d %H:%M:%S"),
                event.get_action_display(),
                safe_text(event.actor_email),
                safe_text(event.target),
                safe_text(detail_text(event.detail)),
                event.ip_address or "",
            ]
        )
    record(AuditAction.EXPORT, request=request, municipality=municipality, target="audit log CSV")
    return attachment(
        buffer.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        filename=f"{municipality.name}_{_('監査ログ')}.csv",
        fallback=f"{municipality.code}_audit_log.csv",
    )
