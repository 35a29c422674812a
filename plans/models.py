"""Action items: what a municipality plans to do next about an indicator, planned in a round.

An item is planned in one round on an indicator of that round's edition. It
stays where it was planned: a later round of the municipality shows the
items still open (plans.selectors, 「前回から継続」) rather than copying them,
so an item has one status wherever it is seen. Nothing is deleted: an item
that is dropped is set to 中止 (cancelled).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from assessments.models import Round
from dxportal.text_limits import COMMENT_MAX, DESCRIPTION_MAX, LimitedTextField
from frameworks.models import AnswerType, Indicator
from municipalities.models import Department, Municipality


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未着手")
    IN_PROGRESS = "in_progress", _("進行中")
    DONE = "done", _("完了")
    CANCELLED = "cancelled", _("中止")


# Still to be done: these are carried into the municipality's later rounds.
OPEN_STATUSES = (ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS)


class ActionItem(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="action_items"
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("計画した評価ラウンド"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.PROTECT, related_name="+"
    )
    # The code as it was in the round's edition: later editions may renumber it.
    indicator_code = models.CharField(_("指標コード"), max_length=20)
    title = LimitedTextField(_("次の一歩"), max_length=DESCRIPTION_MAX)
    department = models.ForeignKey(
        Department,
        verbose_name=_("担当部署"),
        on_delete=models.PROTECT,
        related_name="action_items",
    )
    target_level = models.PositiveSmallIntegerField(_("目標レベル"), null=True, blank=True)
    due_on = models.DateField(_("期限"))
    status = models.CharField(
        _("状態"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    note = LimitedTextField(_("メモ"), blank=True, max_length=COMMENT_MAX)
    # When it was set to 完了 or 中止 (empty while open).
    closed_at = models.DateTimeField(_("完了・中止の日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["municipality", "due_on", "pk"]
        verbose_name = _("アクション")
        verbose_name_plural = _("アクション")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=[s.value for s in ActionStatus]),
                name="action_item_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__isnull=True) | models.Q(target_level__gte=1),
                name="action_item_target_level_positive",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self) -> str:
        return f"{self.indicator_code} {self.title[:40]}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self) -> None:
        """Everything must belong to the round's municipality and edition.

        A maturity indicator needs a target level within its rubric; the
        due date cannot precede the round. Whether the target lies above the
        current level and the due date ahead of today depend on when the
        item is planned: plans.forms checks those.
        """
        errors: dict[str, str] = {}
        round_ = self.round if self.round_id else None
        if round_ is not None and self.municipality_id != round_.municipality_id:
            errors["municipality"] = _("評価ラウンドと同じ団体にしてください。")
        if self.indicator_id and round_ is not None:
            if self.indicator.edition_id != round_.edition_id:
                errors["indicator"] = _("評価ラウンドの版の指標を選んでください。")
            elif self.indicator_code != self.indicator.code:
                errors["indicator"] = _("指標コードが指標と一致しません。")
            elif (
                self.target_level is not None and self.indicator.answer_type != AnswerType.MATURITY
            ):
                errors["target_level"] = _("目標レベルは成熟度レベルの指標にだけ設定できます。")
        if self.indicator_id and self.indicator.answer_type == AnswerType.MATURITY:
            errors.update(self._target_level_errors())
        if round_ is not None and self.due_on and self.due_on < round_.opens_on:
            errors["due_on"] = _(
                "期限は評価ラウンドの回答開始日（%(date)s）以降にしてください。"
            ) % {"date": date_format(round_.opens_on, "DATE_FORMAT")}
        if self.department_id and self.department.municipality_id != self.municipality_id:
            errors["department"] = _("担当部署はこの団体の部署から選んでください。")
        if errors:
            raise ValidationError(errors)

    def _target_level_errors(self) -> dict[str, str]:
        if self.target_level is None:
            return {"target_level": _("目標レベルを選んでください。")}
        top = self.indicator.levels.aggregate(top=Max("level"))["top"] or 0
        if self.target_level > top:
            return {
                "target_level": _("目標レベルは最高レベル（%(top)d）以下にしてください。")
                % {"top": top}
            }
        return {}
