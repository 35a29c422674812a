"""Who answers for which department: what a coordinator does with respondents.

A coordinator adds respondents to their municipality's departments and
removes them; nobody gets any other role here. A new person gets an account
without a password and an invitation e-mail with a link to set one (Django's
password-reset token, so the link stops working once a password is set).
Removing a respondent removes the membership only: the account stays, as the
person may hold roles elsewhere.

Every service checks the acting user's capability itself, so a view that
forgot its scoping helper still cannot touch another municipality.
"""

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
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.access import Capability, access_for
from accounts.models import Membership, Role, User
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


def respondents_by_department(*, municipality: Municipality) -> list[DepartmentRespondents]:
    """Active departments (and retired ones that still have respondents), each with its
    respondents: two queries whatever the number of people."""
    by_department: dict[int, list[Membership]] = defaultdict(list)
    for membership in respondent_memberships(municipality=municipality).order_by(
        "user__display_name", "user__email"
    ):
        by_department[membership.department_id].append(membership)
    return [
        DepartmentRespondents(department, by_department.get(department.pk, []))
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


@transaction.atomic
def respondent_add(
    *,
    municipality: Municipality,
    department: Department,
    email: str,
    display_name: str,
    invited_by: User,
) -> tuple[User, bool]:
    """Make the person with this e-mail a respondent of the department.

    An existing user only gains the membership (their name is left as it is:
    it may be another municipality's record); otherwise a user without a usable
    password is created. Returns the user and whether it was created; the caller
    sends the invitation once this has committed.
    """
    _require_manager(invited_by, municipality)
    if department.municipality_id != municipality.pk:
        raise ValidationError({"department": _("部署は同じ団体のものを選んでください。")})
    if not department.is_active:
        raise ValidationError({"department": _("使用停止中の部署には追加できません。")})

    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email, display_name=display_name.strip())
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif user.memberships.filter(role=Role.RESPONDENT, department=department).exists():
        raise ValidationError(
            _("%(email)s はすでに%(department)sの回答者です。")
            % {"email": user.email, "department": department.name},
            code="duplicate",
        )
    membership = Membership(
        user=user, role=Role.RESPONDENT, municipality=municipality, department=department
    )
    membership.full_clean()
    membership.save()
    logger.info(
        "respondent added: user=%s department=%s by=%s new_user=%s",
        user.pk,
        department.pk,
        invited_by.pk,
        created,
    )
    return user, created


@transaction.atomic
def respondent_remove(*, membership: Membership, removed_by: User) -> None:
    """Take a respondent off their department; the account stays.

    Takes effect on the person's next request (accounts.access reads the
    memberships anew for each request).
    """
    if membership.role != Role.RESPONDENT or membership.municipality is None:
        raise PermissionDenied
    _require_manager(removed_by, membership.municipality)
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
