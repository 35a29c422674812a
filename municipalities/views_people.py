"""The coordinator's people page: who answers for which department.

Views stay thin: scoping helper, form, accounts.people service, redirect.
Only respondents are managed here; other roles are given by the system admin.
"""

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import Capability
from accounts.forms import RespondentAddForm
from accounts.models import Membership, MembershipInvitation
from accounts.people import (
    coordinators_of,
    invitation_send,
    membership_invitation_send,
    respondent_add,
    respondent_memberships,
    respondent_remove,
    respondents_by_department,
)
from dxportal.form_data import posted_or_none
from municipalities.models import Municipality
from municipalities.views import _get_municipality

logger = logging.getLogger(__name__)


def _get_respondent(request, code: str, membership_id: int) -> tuple[Municipality, Membership]:
    """A respondent membership of a municipality the user manages, else 404."""
    municipality = _get_municipality(request, code, Capability.MANAGE_DEPARTMENTS)
    membership = get_object_or_404(
        respondent_memberships(municipality=municipality), pk=membership_id
    )
    return municipality, membership


def _mailed(request, send, failure: str) -> bool:
    """Send an e-mail; a mail server failure is a message, not a 500 (what it is about is kept)."""
    try:
        send()
    except OSError:  # smtplib errors included
        logger.exception("e-mail from the people page failed")
        messages.warning(request, failure)
        return False
    return True


def _invite(request, user) -> bool:
    return _mailed(
        request,
        lambda: invitation_send(user=user, base_url=request.build_absolute_uri("/")),
        _("招待メールを送れませんでした。しばらくしてから「招待メールを再送」を押してください。"),
    )


def _send_membership_invitation(request, invitation: MembershipInvitation) -> bool:
    return _mailed(
        request,
        lambda: membership_invitation_send(
            invitation=invitation, base_url=request.build_absolute_uri("/")
        ),
        _(
            "招待メールを送れませんでした。"
            "しばらくしてから、もう一度同じメールアドレスで追加してください。"
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def people(request, code: str):
    municipality = _get_municipality(request, code, Capability.MANAGE_DEPARTMENTS)
    form = RespondentAddForm(posted_or_none(request), municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            added = respondent_add(
                municipality=municipality, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            # The same words whoever the address belongs to, and only those the
            # coordinator typed: an account elsewhere is not this page's to reveal.
            if not isinstance(added, MembershipInvitation) or _send_membership_invitation(
                request, added
            ):
                messages.success(
                    request,
                    _("%(name)s さん（%(email)s）を%(department)sの回答者として招待しました。")
                    % {
                        "name": form.cleaned_data["display_name"].strip(),
                        "email": form.cleaned_data["email"],
                        "department": form.cleaned_data["department"].name,
                    },
                )
            if isinstance(added, Membership) and not added.user.is_active:
                messages.warning(
                    request, _("このアカウントは利用停止中のため、ログインできません。")
                )
            return redirect("municipalities:people", code=code)
    return render(
        request,
        "municipalities/people.html",
        {
            "municipality": municipality,
            "groups": respondents_by_department(municipality=municipality),
            "coordinators": coordinators_of(municipality=municipality),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def respondent_remove_confirm(request, code: str, membership_id: int):
    municipality, membership = _get_respondent(request, code, membership_id)
    if request.method == "POST":
        respondent_remove(membership=membership, removed_by=request.user)
        messages.success(
            request,
            _("%(name)s さんを%(department)sの回答者から外しました。")
            % {
                "name": membership.user.display_name or membership.user.email,
                "department": membership.department.name,
            },
        )
        return redirect("municipalities:people", code=code)
    return render(
        request,
        "municipalities/respondent_remove.html",
        {"municipality": municipality, "membership": membership},
    )


@login_required
@require_POST
def invitation_resend(request, code: str, membership_id: int):
    _municipality, membership = _get_respondent(request, code, membership_id)
    user = membership.user
    try:
        sent = _invite(request, user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(
                request,
                _("%(email)s に招待メールを再送しました。") % {"email": user.email},
            )
    return redirect("municipalities:people", code=code)
