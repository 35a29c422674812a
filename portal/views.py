import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.access import Capability, access_for
from accounts.people import pending_invitations_of
from assessments.notifications import notices_for
from exports.bulk import may_bulk_export
from portal.todo import (
    catalogue_drafts,
    consultant_municipalities,
    coordinator_work,
    respondent_work,
)

# How far back the home page's 「お知らせ」 reaches: older events are history, not news.
NOTICES_SINCE = datetime.timedelta(days=30)


def home(request):
    """Landing page: what the portal is; once signed in, what the user has to do."""
    context = {}
    if request.user.is_authenticated:
        access = access_for(request.user)
        context = {
            "memberships": access.memberships,
            "municipalities": access.municipalities().order_by("code"),
            "can_edit_catalogue": access.has_global(Capability.EDIT_CATALOGUE),
            "can_compare": bool(access.municipality_ids(Capability.COMPARE_MUNICIPALITIES)),
            "can_bulk_export": may_bulk_export(access),
            "is_system_admin": access.is_system_admin,
            "respondent_work": respondent_work(request.user),
            "coordinator_work": coordinator_work(request.user),
            "consultant_municipalities": consultant_municipalities(request.user),
            "drafts": catalogue_drafts(request.user),
            "notices": notices_for(request.user, since=timezone.now() - NOTICES_SINCE),
            "invitations": pending_invitations_of(user=request.user),
        }
    return render(request, "portal/home.html", context)


@require_GET
def help_page(request):
    """How the portal is used, role by role, and what its words mean (public)."""
    return render(request, "portal/help.html")
