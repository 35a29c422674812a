from django.shortcuts import render

from accounts.access import Capability, access_for
from accounts.people import pending_invitations_of
from assessments.my_work import my_questionnaires
from exports.bulk import may_bulk_export


def home(request):
    """Landing page: what the portal is; once signed in, where the user works."""
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
            "my_questionnaires": my_questionnaires(request.user),
            "invitations": pending_invitations_of(user=request.user),
        }
    return render(request, "portal/home.html", context)
