"""The audit log: who did what, where, from which address, and when.

Append-only at three levels: the model refuses save() of an existing row and
delete(), its QuerySet refuses update() and delete(), and a database trigger
(migration 0002) refuses UPDATE and DELETE issued in raw SQL. The one update
allowed is Django setting `actor` to NULL when the account is deleted; the
e-mail in `actor_email` keeps saying who it was.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted."""

    def __init__(self):
        super().__init__("audit events are append-only")


class AuditAction(models.TextChoices):
    LOGIN = "login", _("サインイン")
    LOGIN_FAILED = "login_failed", _("サインインの失敗")
    LOCKOUT = "lockout", _("サインインのロック")
    TWO_FACTOR_VERIFIED = "two_factor_verified", _("二要素認証の確認")
    TWO_FACTOR_FAILED = "two_factor_failed", _("二要素認証の失敗")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("認証アプリの登録")
    TWO_FACTOR_REMOVED = "two_factor_removed", _("認証アプリの削除")
    LOGOUT = "logout", _("サインアウト")
    SESSION_EXPIRED = "session_expired", _("セッションの期限切れ")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("パスワード再設定の申請")
    PASSWORD_RESET_THROTTLED = "password_reset_throttled", _("パスワード再設定の申請の制限")
    PASSWORD_SET = "password_set", _("パスワードの設定")
    ACCESS_DENIED = "access_denied", _("アクセスの拒否")
    MEMBERSHIP_INVITED = "membership_invited", _("団体への招待")
    MEMBERSHIP_ACCEPTED = "membership_accepted", _("団体への招待の承諾")
    MEMBERSHIP_REMOVED = "membership_removed", _("役割の解除")
    ANSWER_CHANGED = "answer_changed", _("回答の変更")
    ASSIGNMENT_CHANGED = "assignment_changed", _("担当部署の変更")
    EVIDENCE_DELETED = "evidence_deleted", _("根拠資料の削除")
    QUESTIONNAIRE_SUBMITTED = "questionnaire_submitted", _("調査票の提出")
    QUESTIONNAIRE_APPROVED = "questionnaire_approved", _("調査票の承認")
    QUESTIONNAIRE_RETURNED = "questionnaire_returned", _("調査票の差戻し")
    QUESTIONNAIRE_REOPENED = "questionnaire_reopened", _("調査票の再開")
    EXPORT = "export", _("データの書き出し")
    REPORT_DOWNLOADED = "report_downloaded", _("報告書のダウンロード")
    BULK_EXPORT_STARTED = "bulk_export_started", _("一括書き出しの開始")
    UPLOAD = "upload", _("ファイルの取り込み")
    CATALOGUE_PUBLISHED = "catalogue_published", _("評価枠組みの版の公開")
    CATALOGUE_RETIRED = "catalogue_retired", _("評価枠組みの版の廃止")
    CATALOGUE_DRAFT_DELETED = "catalogue_draft_deleted", _("評価枠組みの下書きの削除")
    MEMBERSHIP_ADDED = "membership_added", _("役割の付与")
    MEMBERSHIP_CHANGED = "membership_changed", _("役割の変更")
    DEPARTMENT_CREATED = "department_created", _("部署の追加")
    DEPARTMENT_CHANGED = "department_changed", _("部署の変更")
    ROUND_OPENED = "round_opened", _("評価ラウンドの開始")
    ROUND_CLOSED = "round_closed", _("評価ラウンドの締切")
    REMINDERS_SENT = "reminders_sent", _("督促メールの送信")
    CONSOLIDATION_SET = "consolidation_set", _("団体の回答の決定")
    ACTION_ITEM_CREATED = "action_item_created", _("アクションの追加")
    ACTION_ITEM_CHANGED = "action_item_changed", _("アクションの変更")
    ACTION_ITEM_STATUS_CHANGED = "action_item_status_changed", _("アクションの状態の変更")
    CATALOGUE_EDITION_CREATED = "catalogue_edition_created", _("評価枠組みの版の取り込み")
    CATALOGUE_EDITION_CLONED = "catalogue_edition_cloned", _("評価枠組みの版の複製")
    CATALOGUE_EDITION_CHANGED = "catalogue_edition_changed", _("評価枠組みの版の変更")
    CATALOGUE_AREA_CREATED = "catalogue_area_created", _("取組分野の追加")
    CATALOGUE_AREA_CHANGED = "catalogue_area_changed", _("取組分野の変更")
    CATALOGUE_AREA_DELETED = "catalogue_area_deleted", _("取組分野の削除")
    CATALOGUE_AREA_MOVED = "catalogue_area_moved", _("取組分野の並べ替え")
    CATALOGUE_INDICATOR_CREATED = "catalogue_indicator_created", _("指標の追加")
    CATALOGUE_INDICATOR_CHANGED = "catalogue_indicator_changed", _("指標の変更")
    CATALOGUE_INDICATOR_DELETED = "catalogue_indicator_deleted", _("指標の削除")
    CATALOGUE_INDICATOR_MOVED = "catalogue_indicator_moved", _("指標の並べ替え")
    OPEN_DATA_IMPORTED = "open_data_imported", _("オープンデータの取り込み")


# Who reads which events. A municipality's coordinators read the events recorded with it,
# and its people's ACCOUNT_ACTIONS, which have no municipality (accounts.access decides who
# its people are). CATALOGUE_ACTIONS have no municipality either: catalogue editors and
# system admins read them on the catalogue's log. PORTAL_ACTIONS are for system admins
# only (the Django admin): a password reset names an address, not a person of anywhere,
# and removing an authenticator is an administrator's act.
ACCOUNT_ACTIONS = frozenset(
    {
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.LOCKOUT,
        AuditAction.TWO_FACTOR_VERIFIED,
        AuditAction.TWO_FACTOR_FAILED,
        AuditAction.TWO_FACTOR_ENROLLED,
        AuditAction.LOGOUT,
        AuditAction.SESSION_EXPIRED,
        AuditAction.PASSWORD_SET,
    }
)
CATALOGUE_ACTIONS = frozenset(
    {
        AuditAction.CATALOGUE_EDITION_CREATED,
        AuditAction.CATALOGUE_EDITION_CLONED,
        AuditAction.CATALOGUE_EDITION_CHANGED,
        AuditAction.CATALOGUE_PUBLISHED,
        AuditAction.CATALOGUE_RETIRED,
        AuditAction.CATALOGUE_DRAFT_DELETED,
        AuditAction.CATALOGUE_AREA_CREATED,
        AuditAction.CATALOGUE_AREA_CHANGED,
        AuditAction.CATALOGUE_AREA_DELETED,
        AuditAction.CATALOGUE_AREA_MOVED,
        AuditAction.CATALOGUE_INDICATOR_CREATED,
        AuditAction.CATALOGUE_INDICATOR_CHANGED,
        AuditAction.CATALOGUE_INDICATOR_DELETED,
        AuditAction.CATALOGUE_INDICATOR_MOVED,
    }
)
PORTAL_ACTIONS = frozenset(
    {
        AuditAction.PASSWORD_RESET_REQUESTED,
        AuditAction.PASSWORD_RESET_THROTTLED,
        AuditAction.TWO_FACTOR_REMOVED,
        AuditAction.BULK_EXPORT_STARTED,
        # Official statistics for every body at once: no one municipality's event.
        AuditAction.OPEN_DATA_IMPORTED,
    }
)
MUNICIPALITY_ACTIONS = frozenset(AuditAction) - CATALOGUE_ACTIONS - PORTAL_ACTIONS


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError

    def delete(self):
        raise AppendOnlyError

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError


class AuditEvent(models.Model):
    time = models.DateTimeField(_("日時"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept as text so the log still says who it was after the account is deleted,
    # and for failed sign-ins, which have no account.
    actor_email = models.CharField(_("利用者のメールアドレス"), max_length=254, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("団体"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target = models.CharField(_("対象"), max_length=200, blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IPアドレス"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("監査イベント")
        verbose_name_plural = _("監査イベント")
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["municipality", "-time"], name="audit_municipality_time")]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M} {self.action} {self.actor_email}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError
