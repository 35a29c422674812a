from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from municipalities.models import Department, Municipality


class Role(models.TextChoices):
    RESPONDENT = "respondent", _("回答者")
    COORDINATOR = "coordinator", _("DX推進担当")
    CONSULTANT = "consultant", _("コンサルタント")
    CATALOGUE_EDITOR = "catalogue_editor", _("カタログ編集者")
    SYSTEM_ADMIN = "system_admin", _("システム管理者")


# Which roles are held within one municipality, and which across the portal.
MUNICIPAL_ROLES = frozenset({Role.RESPONDENT, Role.COORDINATOR, Role.CONSULTANT})
GLOBAL_ROLES = frozenset({Role.CATALOGUE_EDITOR, Role.SYSTEM_ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        """`createsuperuser`: a system administrator (the portal's only admin role)."""
        user = self.create_user(email, password, **fields)
        Membership.objects.create(user=user, role=Role.SYSTEM_ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address.

    What they may do comes from their memberships (accounts.access), not from
    Django's is_staff/is_superuser flags, which stay unused.
    """

    email = models.EmailField(_("メールアドレス"), unique=True)
    display_name = models.CharField(_("氏名"), max_length=60)
    is_active = models.BooleanField(_("有効"), default=True)
    date_joined = models.DateTimeField(_("登録日時"), default=timezone.now)
    # Part of the session auth hash (get_session_auth_hash): raising it ends every
    # session of the person at its next request, without a query of its own
    # (the user row is read on each request anyway). Raised when an authenticator
    # is removed, so a session verified with it cannot go on.
    session_epoch = models.PositiveIntegerField(_("セッション世代"), default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_staff(self) -> bool:
        """Django admin is for system administrators only."""
        from accounts.access import access_for

        return self.is_active and access_for(self).is_system_admin

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_staff or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return self.is_staff or super().has_module_perms(app_label)

    def _get_session_auth_hash(self, secret=None):
        # Django's hash covers the password only; session_epoch is added so that
        # raising it signs the person out everywhere. Overriding the private
        # method keeps Django's SECRET_KEY_FALLBACKS handling, which calls it too.
        return salted_hmac(
            "accounts.User.get_session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Membership(models.Model):
    """A role a user holds: within a municipality (and department), or portal-wide."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("団体"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("部署"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("付与日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("役割の付与")
        verbose_name_plural = _("役割の付与")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    models.Q(
                        role="respondent", municipality__isnull=False, department__isnull=False
                    )
                    | models.Q(
                        role__in=["coordinator", "consultant"],
                        municipality__isnull=False,
                        department__isnull=True,
                    )
                    | models.Q(
                        role__in=["catalogue_editor", "system_admin"],
                        municipality__isnull=True,
                        department__isnull=True,
                    )
                ),
            ),
            # One row per role and scope; NULL scopes need their own partial constraints.
            models.UniqueConstraint(
                fields=["user", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="membership_unique_department_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                condition=models.Q(department__isnull=True, municipality__isnull=False),
                name="membership_unique_municipal_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(municipality__isnull=True),
                name="membership_unique_global_role",
            ),
        ]

    def __str__(self) -> str:
        scope = self.department or self.municipality
        label = self.get_role_display()
        return f"{label}（{scope}）" if scope else str(label)

    def clean(self) -> None:
        super().clean()
        if self.role == Role.RESPONDENT and not self.department_id:
            raise ValidationError({"department": _("回答者には部署が必要です。")})
        if self.role in MUNICIPAL_ROLES and not self.municipality_id:
            raise ValidationError({"municipality": _("この役割には団体が必要です。")})
        if self.role in GLOBAL_ROLES and (self.municipality_id or self.department_id):
            raise ValidationError(_("この役割は団体や部署に属しません。"))
        if self.role != Role.RESPONDENT and self.department_id:
            raise ValidationError({"department": _("部署は回答者にのみ指定します。")})
        if self.department_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("部署は同じ団体のものを選んでください。")})


# How long an invitation to a department can be accepted.
INVITATION_VALID_DAYS = 14


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("承諾待ち")
    ACCEPTED = "accepted", _("承諾済み")
    DECLINED = "declined", _("辞退")


class MembershipInvitation(models.Model):
    """An offer of a respondent role, which the person accepts or declines once signed in.

    A coordinator may not hand a role in their municipality to an account that
    is not theirs (accounts.people): that person decides. The e-mail address
    and name are what the coordinator typed; the people page shows these and
    never the account's own record, which may be another municipality's.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("団体"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("部署"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("メールアドレス"))
    display_name = models.CharField(_("氏名"), max_length=60)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("招待した人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("招待日時"), default=timezone.now)
    expires_at = models.DateTimeField(_("有効期限"))
    status = models.CharField(
        _("状態"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    responded_at = models.DateTimeField(_("回答日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("部署への招待")
        verbose_name_plural = _("部署への招待")
        constraints = [
            # Inviting again renews the pending invitation instead of adding another.
            models.UniqueConstraint(
                fields=["user", "department"],
                condition=models.Q(status="pending"),
                name="membership_invitation_unique_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.department}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def clean(self) -> None:
        super().clean()
        if self.department_id and self.department.municipality_id != self.municipality_id:
            raise ValidationError({"department": _("部署は同じ団体のものを選んでください。")})
