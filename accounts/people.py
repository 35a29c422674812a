"""Who answers for which department: what a coordinator does with respondents.

A coordinator adds respondents to their municipality's departments and
removes them; nobody gets any other role here. Only a person the
municipality already has (every role they hold is a respondent or
coordinator role of this municipality) becomes a respondent at once. Anyone
else is invited and decides themselves (MembershipInvitation): a new
address, an account of another municipality or of a consultant, a
portal-wide role, and an account with no role at all (whoever left it may
be another municipality). A new address gets an account without a password,
and the invitation e-mail also carries the link to set one (Django's
password-reset token, so the link stops working once a password is set).

The coordinator is told the same, in the words they typed, whichever case it
was, and a pending invitation is listed with the typed name and address:
the page never says whether an address has an account elsewhere, nor shows
what another municipality stored about it.

Removing a respondent removes the membership only: the account stays, as the
person may hold roles elsewhere.

Every service checks the acting user's capability itself, so a view that
forgot its scoping helper still cannot touch another municipality.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.access import Capability, access_for
from accounts.models import (
    INVITATION_VALID_DAYS,
    InvitationStatus,
    Membership,
    MembershipInvitation,
    Role,
    User,
)
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from municipalities.models import Department, Municipality

logger = logging.getLogger(__name__)


def _require_manager(user, municipality: Municipality) -> None:
    if not access_for(user).can(Capability.MANAGE_DEPARTMENTS, municipality):
        raise PermissionDenied


# --- reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRespondents:
    department: Department
    memberships: list[Membership]
    invitations: list[MembershipInvitation]  # pending, with what the coordinator typed


def respondents_by_department(*, municipality: Municipality) -> list[DepartmentRespondents]:
    """Active departments (and retired ones that still have respondents), each with its
    respondents and pending invitations: three queries whatever the number of people."""
    by_department: dict[int, list[Membership]] = defaultdict(list)
    for membership in respondent_memberships(municipality=municipality).order_by(
        "user__display_name", "user__email"
    ):
        by_department[membership.department_id].append(membership)
    invited: dict[int, list[MembershipInvitation]] = defaultdict(list)
    # No select_related("user"): the page shows the invitation's own name and address.
    for invitation in MembershipInvitation.objects.filter(
        municipality=municipality, status=InvitationStatus.PENDING
    ).order_by("display_name", "email"):
        invited[invitation.department_id].append(invitation)
    return [
        DepartmentRespondents(
            department, by_department.get(department.pk, []), invited.get(department.pk, [])
        )
        for department in municipality.departments.all()
        if department.is_active or department.pk in by_department
    ]


def respondent_memberships(*, municipality: Municipality):
    """The municipality's respondent memberships: what a coordinator may remove."""
    return Membership.objects.filter(
        role=Role.RESPONDENT, municipality=municipality, department__municipality=municipality
    ).select_related("user", "department")


def coordinators_of(*, municipality: Municipality) -> list[Membership]:
    return list(
        Membership.objects.filter(role=Role.COORDINATOR, municipality=municipality)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


# --- writes ------------------------------------------------------------------------


def _is_ours(user: User, municipality: Municipality) -> bool:
    """Whether every role the account holds is a respondent or coordinator role of this
    municipality, and it holds one: a person the coordinator already works with."""
    roles = list(user.memberships.values_list("role", "municipality_id"))
    return bool(roles) and all(
        role in (Role.RESPONDENT, Role.COORDINATOR) and municipality_id == municipality.pk
        for role, municipality_id in roles
    )


@transaction.atomic
def respondent_add(
    *,
    municipality: Municipality,
    department: Department,
    email: str,
    display_name: str,
    invited_by: User,
) -> Membership | MembershipInvitation:
    """Make the person with this e-mail a respondent of the department, or invite them.

    Returns the membership of a person the municipality already has (see the
    module's docstring), else the invitation, new or renewed, which the caller
    e-mails once this has committed. An existing account's name is left as it
    is. Only a person who is already a respondent of this department is
    refused: the coordinator's page lists them anyway.
    """
    _require_manager(invited_by, municipality)
    if department.municipality_id != municipality.pk:
        raise ValidationError({"department": _("部署は同じ団体のものを選んでください。")})
    if not department.is_active:
        raise ValidationError({"department": _("使用停止中の部署には追加できません。")})

    email = User.objects.normalize_email(email.strip()).lower()
    display_name = display_name.strip()
    user = User.objects.filter(email__iexact=email).first()
    if (
        user is not None
        and user.memberships.filter(role=Role.RESPONDENT, department=department).exists()
    ):
        raise ValidationError(
            _("%(email)s はすでに%(department)sの回答者です。")
            % {"email": email, "department": department.name},
            code="duplicate",
        )
    if user is not None and _is_ours(user, municipality):
        membership = Membership(
            user=user, role=Role.RESPONDENT, municipality=municipality, department=department
        )
        membership.full_clean()
        membership.save()
        record(
            AuditAction.MEMBERSHIP_ADDED,
            user=invited_by,
            municipality=municipality,
            target=f"membership {membership.pk}",
            detail=membership_detail(membership),
        )
        logger.info(
            "respondent added: user=%s department=%s by=%s",
            user.pk,
            department.pk,
            invited_by.pk,
        )
        return membership

    if user is None:
        user = User(email=email, display_name=display_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    # Inviting again renews a pending invitation (and the caller sends it again).
    invitation = (
        MembershipInvitation.objects.select_for_update()
        .filter(user=user, department=department, status=InvitationStatus.PENDING)
        .first()
    ) or MembershipInvitation(user=user, municipality=municipality, department=department)
    now = timezone.now()
    invitation.email = email
    invitation.display_name = display_name
    invitation.invited_by = invited_by
    invitation.created_at = now
    invitation.expires_at = now + datetime.timedelta(days=INVITATION_VALID_DAYS)
    invitation.full_clean()
    invitation.save()
    # The same event whoever the address belongs to: coordinators read this log.
    record(
        AuditAction.MEMBERSHIP_INVITED,
        user=invited_by,
        municipality=municipality,
        target=f"invitation {invitation.pk}",
        detail={"email": email, "department": department.name},
    )
    logger.info(
        "respondent invited: invitation=%s user=%s department=%s by=%s",
        invitation.pk,
        user.pk,
        department.pk,
        invited_by.pk,
    )
    return invitation


def membership_detail(membership: Membership) -> dict:
    """An audit event's detail naming a role as it is: the person, the role, its department."""
    return {
        "person": detail.person(membership.user),
        "role": detail.word(Role(membership.role).label),
        "department": membership.department.name if membership.department_id else "",
    }


@transaction.atomic
def respondent_remove(*, membership: Membership, removed_by: User) -> None:
    """Take a respondent off their department; the account stays.

    Takes effect on the person's next request (accounts.access reads the
    memberships anew for each request).
    """
    if membership.role != Role.RESPONDENT or membership.municipality is None:
        raise PermissionDenied
    _require_manager(removed_by, membership.municipality)
    record(
        AuditAction.MEMBERSHIP_REMOVED,
        user=removed_by,
        municipality=membership.municipality,
        target=f"membership {membership.pk}",
        detail=membership_detail(membership),
    )
    logger.info(
        "respondent removed: user=%s department=%s by=%s",
        membership.user_id,
        membership.department_id,
        removed_by.pk,
    )
    membership.delete()


def password_set_path(user: User) -> str:
    """The one-use link to set a password (Django's password-reset token)."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def invitation_send(*, user: User, base_url: str) -> int:
    """E-mail the person a link to set their password; the number of e-mails sent (1).

    Only for people who have never signed in: anyone else uses 「パスワードを忘れた方」.
    Always in Japanese, like every e-mail of the portal.
    """
    if user.last_login is not None:
        raise ValidationError(
            _(
                "%(name)s さんはすでにログインしたことがあるため、招待メールは送れません。"
                "パスワードを忘れた場合は、ログイン画面の「パスワードを忘れた方」から再設定できます。"
            )
            % {"name": user.display_name or user.email}
        )
    if not user.is_active:
        raise ValidationError(_("利用停止中のアカウントには招待メールを送れません。"))
    memberships = (
        user.memberships.filter(role=Role.RESPONDENT)
        .select_related("municipality__prefecture", "department")
        .order_by("municipality__code", "department__sort_order")
    )
    context = {
        "user": user,
        "memberships": memberships,
        "link": base_url.rstrip("/") + password_set_path(user),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    with translation.override("ja"):
        subject = "".join(
            render_to_string("accounts/emails/invitation_subject.txt", context).splitlines()
        )
        body = render_to_string("accounts/emails/invitation.txt", context)
    return send_mail(subject, body, None, [user.email])


def membership_invitation_send(*, invitation: MembershipInvitation, base_url: str) -> int:
    """E-mail the invited person the link to accept; the number of e-mails sent (1).

    Someone without a password yet (a new address) also gets the link to set
    one. Always in Japanese, like every e-mail of the portal.
    """
    user = invitation.user
    base_url = base_url.rstrip("/")
    context = {
        "invitation": invitation,
        "link": base_url + reverse("accounts:invitation", kwargs={"pk": invitation.pk}),
        "password_link": None if user.has_usable_password() else base_url + password_set_path(user),
    }
    with translation.override("ja"):
        subject = "".join(
            render_to_string(
                "accounts/emails/membership_invitation_subject.txt", context
            ).splitlines()
        )
        body = render_to_string("accounts/emails/membership_invitation.txt", context)
    return send_mail(subject, body, None, [invitation.email])


# --- the invited person --------------------------------------------------------------


def invitations_of(*, user: User):
    """The user's own invitations: the only way to reach one."""
    return MembershipInvitation.objects.filter(user=user).select_related(
        "municipality__prefecture", "department", "invited_by"
    )


def pending_invitations_of(*, user: User) -> list[MembershipInvitation]:
    """The user's invitations still waiting for an answer and in time, oldest first."""
    return list(
        invitations_of(user=user)
        .filter(status=InvitationStatus.PENDING, expires_at__gt=timezone.now())
        .order_by("created_at", "pk")
    )


def _answerable(invitation: MembershipInvitation, user: User) -> MembershipInvitation:
    """The invitation, locked, if it is the user's, still pending and in time."""
    locked = (
        invitations_of(user=user).select_for_update(of=("self",)).filter(pk=invitation.pk).first()
    )
    if locked is None:
        raise PermissionDenied
    if locked.status != InvitationStatus.PENDING:
        raise ValidationError(_("この招待にはすでに回答済みです。"), code="spent")
    if locked.is_expired:
        raise ValidationError(
            _(
                "この招待は有効期限が切れています。"
                "もう一度招待するよう、%(municipality)sのDX推進担当にご依頼ください。"
            )
            % {"municipality": locked.municipality},
            code="expired",
        )
    return locked


@transaction.atomic
def invitation_accept(*, invitation: MembershipInvitation, user: User) -> Membership:
    """The invited person becomes a respondent of the department (if it is still in use)."""
    invitation = _answerable(invitation, user)
    department = invitation.department
    if not department.is_active or department.municipality_id != invitation.municipality_id:
        raise ValidationError(
            _("招待された部署は使用停止になったため、承諾できません。"), code="retired"
        )
    membership = Membership.objects.filter(
        user=user, role=Role.RESPONDENT, department=department
    ).first()
    if membership is None:
        membership = Membership(
            user=user,
            role=Role.RESPONDENT,
            municipality=invitation.municipality,
            department=department,
        )
        membership.full_clean()
        membership.save()
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    record(
        AuditAction.MEMBERSHIP_ACCEPTED,
        user=user,
        municipality=invitation.municipality,
        target=f"invitation {invitation.pk}",
        detail={"department": department.name},
    )
    logger.info("invitation accepted: invitation=%s user=%s", invitation.pk, user.pk)
    return membership


@transaction.atomic
def invitation_decline(*, invitation: MembershipInvitation, user: User) -> None:
    """The invited person says no; the coordinator may invite them again later."""
    invitation = _answerable(invitation, user)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    logger.info("invitation declined: invitation=%s user=%s", invitation.pk, user.pk)
