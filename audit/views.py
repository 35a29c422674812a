"""The audit logs: a municipality's for its coordinators, the catalogue's for its editors.

A municipality's log (Capability.VIEW_AUDIT_LOG) holds its events and its
people's sign-ins (accounts.access.account_events_of_people); the
catalogue's log (Capability.EDIT_CATALOGUE: catalogue editors and system
admins) holds the changes to the portal-wide catalogue. Anyone else gets a
404. System admins read the whole log in the read-only Django admin.
Exporting a log is itself logged. Every event reads as one sentence
(audit.describing), on the page and in the CSV alike.
"""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for, account_events_of_people
from audit.describing import describe
from audit.forms import EventFilterForm
from audit.models import CATALOGUE_ACTIONS, MUNICIPALITY_ACTIONS, AuditAction
from audit.recording import record
from audit.selectors import catalogue_events, municipality_events
from dxportal.downloads import attachment
from dxportal.spreadsheet_text import safe_text

PAGE_SIZE = 50


def _filtered(request, actions, select):
    """The filter form and the events it selects (None when the form is refused)."""
    form = EventFilterForm(request.GET or None, actions=actions)
    if form.is_bound and not form.is_valid():
        return form, None
    return form, select(**(form.cleaned_data if form.is_bound else {}))


def _actor(event) -> str:
    if event.actor is not None and event.actor.display_name:
        return f"{event.actor.display_name}（{event.actor_email}）"
    return event.actor_email


def _page(request, form, events, context: dict):
    page = None
    if events is not None:
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        for event in page:
            event.actor_text = _actor(event)
            event.description = describe(event)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/events.html",
        {**context, "form": form, "page": page, "query": query.urlencode()},
        status=400 if events is None else 200,
    )


def _csv(events, *, filename: str, fallback: str):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel opens UTF-8 CSV correctly only with it
    writer = csv.writer(buffer)
    writer.writerow([_("日時"), _("操作"), _("利用者"), _("内容"), _("IPアドレス")])
    for event in events.iterator():
        writer.writerow(
            [
                timezone.localtime(event.time).strftime("%Y-%m-%d %H:%M:%S"),
                event.get_action_display(),
                safe_text(_actor(event)),
                safe_text(describe(event)),
                event.ip_address or "",
            ]
        )
    return attachment(
        buffer.getvalue().encode("utf-8"),
        content_type="text/csv; charset=utf-8",
        filename=filename,
        fallback=fallback,
    )


# --- a municipality's log ---------------------------------------------------------------


def _municipality_log(request, code: str):
    municipality = access_for(request.user).get_municipality(code, Capability.VIEW_AUDIT_LOG)

    def select(**filters):
        return municipality_events(
            municipality, people=account_events_of_people(municipality), **filters
        )

    return municipality, *_filtered(request, MUNICIPALITY_ACTIONS, select)


def _municipality_context(municipality) -> dict:
    return {
        "municipality": municipality,
        "intro": _(
            "この団体での操作と、この団体の方のサインインの記録です。"
            "記録は変更も削除もできません。時刻は日本時間です。"
        ),
        "csv_url": reverse("audit:events_csv", args=[municipality.code]),
    }


@login_required
@require_GET
def event_list(request, code: str):
    municipality, form, events = _municipality_log(request, code)
    return _page(request, form, events, _municipality_context(municipality))


@login_required
@require_GET
def event_csv(request, code: str):
    municipality, form, events = _municipality_log(request, code)
    if events is None:  # the page with the form's message, status 400
        return _page(request, form, events, _municipality_context(municipality))
    filename = f"{municipality.name}_{_('監査ログ')}.csv"
    response = _csv(events, filename=filename, fallback=f"{municipality.code}_audit_log.csv")
    record(
        AuditAction.EXPORT, request=request, municipality=municipality, detail={"file": filename}
    )
    return response


# --- the catalogue's log ----------------------------------------------------------------


def _catalogue_log(request):
    if not access_for(request.user).has_global(Capability.EDIT_CATALOGUE):
        raise Http404
    return _filtered(request, CATALOGUE_ACTIONS, catalogue_events)


def _catalogue_context() -> dict:
    return {
        "municipality": None,
        "intro": _(
            "評価枠組み（カタログ）の変更の記録です。どの団体にも属さないため、"
            "カタログ編集者とシステム管理者が読みます。記録は変更も削除もできません。時刻は日本時間です。"
        ),
        "csv_url": reverse("audit:catalogue_events_csv"),
    }


@login_required
@require_GET
def catalogue_event_list(request):
    form, events = _catalogue_log(request)
    return _page(request, form, events, _catalogue_context())


@login_required
@require_GET
def catalogue_event_csv(request):
    form, events = _catalogue_log(request)
    if events is None:
        return _page(request, form, events, _catalogue_context())
    filename = f"{_('評価枠組みの監査ログ')}.csv"
    response = _csv(events, filename=filename, fallback="catalogue_audit_log.csv")
    record(AuditAction.EXPORT, request=request, detail={"file": filename})
    return response
