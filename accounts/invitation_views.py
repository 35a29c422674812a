"""The invited person's page: accept or decline an invitation to a department.

Only the invitee reaches an invitation; for anyone else it does not exist (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import InvitationStatus
from accounts.people import invitation_accept, invitation_decline, invitations_of


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, pk: int):
    invitation = get_object_or_404(invitations_of(user=request.user), pk=pk)
    errors = []
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "accept":
                invitation_accept(invitation=invitation, user=request.user)
                messages.success(
                    request,
                    _("%(municipality)s %(department)sの回答者になりました。")
                    % {
                        "municipality": invitation.municipality,
                        "department": invitation.department.name,
                    },
                )
                return redirect("municipalities:overview", code=invitation.municipality.code)
            if decision == "decline":
                invitation_decline(invitation=invitation, user=request.user)
                messages.info(request, _("招待を辞退しました。"))
                return redirect("portal:home")
            errors = [_("承諾するか辞退するかを選んでください。")]
        except ValidationError as error:
            errors = error.messages
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "answerable": invitation.status == InvitationStatus.PENDING
            and not invitation.is_expired,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
