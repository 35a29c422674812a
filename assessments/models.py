"""Assessment rounds, department questionnaires and their answers.

A Round is one municipality's assessment in one fiscal year against one
published catalogue edition. Indicators are assigned to departments
(Assignment); each department answers its own Questionnaire. Answers carry
a version so that two people never overwrite each other silently; every
change is kept in AnswerChange. Where several departments answer the same
indicator, the coordinator's Consolidation says which answer is the
municipality's (the owner department's by default).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.evidence_links import validate_evidence_location
from dxportal.text_limits import COMMENT_MAX, URL_MAX, LimitedTextField
from frameworks.models import Choice, Edition, Indicator
from municipalities.models import Department, Municipality


class Survey(models.Model):
    """A national or prefectural survey: one round per municipality, opened at once."""

    name = models.CharField(_("名称"), max_length=120)
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("一斉調査")
        verbose_name_plural = _("一斉調査")

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    OPEN = "open", _("実施中")
    CLOSED = "closed", _("締切済み")


class Round(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="rounds")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="rounds")
    fiscal_year = models.PositiveSmallIntegerField(_("年度（西暦）"))
    opens_on = models.DateField(_("回答開始日"))
    closes_on = models.DateField(_("回答締切日"))
    # The day the answers describe (「…現在で回答」): 4月1日 of the fiscal year unless the
    # coordinator chose another (assessments.rounds.default_reference_date).
    reference_date = models.DateField(_("基準日"))
    status = models.CharField(
        _("状態"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="rounds", null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["municipality", "-fiscal_year"]
        verbose_name = _("評価ラウンド")
        verbose_name_plural = _("評価ラウンド")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "fiscal_year"], name="round_one_per_fiscal_year"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="round_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.fiscal_year}年度"

    @property
    def is_provisional(self) -> bool:
        """Results of an open round are provisional: answers may still change (暫定)."""
        return self.status == RoundStatus.OPEN


class Assignment(models.Model):
    """An indicator a department answers in a round; one department per indicator owns it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    is_owner = models.BooleanField(_("主担当"), default=False)

    class Meta:
        verbose_name = _("指標の割当")
        verbose_name_plural = _("指標の割当")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "indicator", "department"], name="assignment_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "indicator"],
                condition=models.Q(is_owner=True),
                name="assignment_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.department}"


class QuestionnaireStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("回答中")
    SUBMITTED = "submitted", _("提出済み")
    APPROVED = "approved", _("承認済み")
    RETURNED = "returned", _("差戻し")


# A department has done its part: read-only until a coordinator reopens it.
DONE_STATUSES = (QuestionnaireStatus.SUBMITTED, QuestionnaireStatus.APPROVED)


def is_overdue(*, closes_on, status: str, today) -> bool:
    return today > closes_on and status not in DONE_STATUSES


class Questionnaire(models.Model):
    """One department's answers in one round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questionnaires")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="questionnaires"
    )
    status = models.CharField(
        _("状態"),
        max_length=12,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.IN_PROGRESS,
    )
    review_comment = LimitedTextField(
        _("DX推進担当からのコメント"), blank=True, max_length=COMMENT_MAX
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "department__sort_order"]
        verbose_name = _("調査票")
        verbose_name_plural = _("調査票")
        constraints = [
            models.UniqueConstraint(fields=["round", "department"], name="questionnaire_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.department}"

    @property
    def is_locked(self) -> bool:
        """Submitted and approved questionnaires are read-only."""
        return self.status in DONE_STATUSES


class QuestionnaireEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提出")
    APPROVED = "approved", _("承認")
    RETURNED = "returned", _("差戻し")
    REOPENED = "reopened", _("再開")


class QuestionnaireEvent(models.Model):
    """Submission, review and reopening, with who and when (append-only)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=12, choices=QuestionnaireEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = LimitedTextField(blank=True, max_length=COMMENT_MAX)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class IndicatorComment(models.Model):
    """The coordinator's comment on one indicator, sent with a return (append-only, as the event).

    The respondent sees the comments of the latest return beside the indicators
    while the questionnaire is returned (assessments.return_comments).
    """

    event = models.ForeignKey(
        QuestionnaireEvent, on_delete=models.CASCADE, related_name="indicator_comments"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    comment = LimitedTextField(_("指標へのコメント"), max_length=COMMENT_MAX)

    class Meta:
        verbose_name = _("指標へのコメント")
        verbose_name_plural = _("指標へのコメント")
        constraints = [
            models.UniqueConstraint(fields=["event", "indicator"], name="indicator_comment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.comment[:40]}"


class AnswerQuerySet(models.QuerySet):
    def answered(self):
        """Answer.is_answered, as a filter."""
        return self.filter(carried_from__isnull=True).filter(
            models.Q(not_applicable=True)
            | models.Q(level__isnull=False)
            | models.Q(yes__isnull=False)
            | models.Q(number__isnull=False)
            | models.Q(choice__isnull=False)
            | ~models.Q(text="")
        )


class Answer(models.Model):
    """A department's answer to one indicator. Which value field is used depends on the answer type.

    `version` rises by one with every saved change; a save names the version it
    started from and is refused as a conflict when someone saved in between.

    `carried_from` is set while the answer is a starting point copied from the
    department's answer in an earlier round (assessments.carry_over) that the
    respondent has not yet confirmed or changed: until then it does not count as
    answered (progress, scoring, submission). Any save clears it.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="answers"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("現在値"), null=True, blank=True)
    target_level = models.PositiveSmallIntegerField(_("目標値"), null=True, blank=True)
    # The fiscal year the target is for (西暦; assessments.answer_values.target_fiscal_years).
    # Null on a target set before years were asked, and always without a target level.
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"), null=True, blank=True)
    yes = models.BooleanField(_("はい／いいえ"), null=True, blank=True)
    number = models.DecimalField(_("数値"), max_digits=12, decimal_places=2, null=True, blank=True)
    choice = models.ForeignKey(
        Choice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = LimitedTextField(_("記述"), blank=True, max_length=COMMENT_MAX)
    not_applicable = models.BooleanField(_("該当しない"), default=False)
    not_applicable_reason = LimitedTextField(
        _("該当しない理由"), blank=True, max_length=COMMENT_MAX
    )
    comment = LimitedTextField(_("コメント"), blank=True, max_length=COMMENT_MAX)
    # A URL or a file-share path (assessments.evidence_links), shown as text, never as a link.
    evidence_url = models.CharField(
        _("根拠資料の場所"),
        blank=True,
        max_length=URL_MAX,
        validators=[validate_evidence_location],
    )
    # PROTECT: deleting the earlier round must not silently turn unconfirmed answers into
    # confirmed ones. Cleared on confirmation, so only unconfirmed answers hold it.
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("引き継ぎ元の回答（未確認）"),
    )
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("回答")
        verbose_name_plural = _("回答")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "indicator"], name="answer_unique"),
            models.CheckConstraint(
                condition=models.Q(target_fiscal_year__isnull=True)
                | models.Q(target_level__isnull=False),
                name="answer_target_year_needs_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version}"

    @property
    def is_answered(self) -> bool:
        """Given a value or marked 該当しない, and not an unconfirmed carried answer."""
        if self.carried_from_id is not None:
            return False
        return self.not_applicable or any(
            value not in (None, "")
            for value in (self.level, self.yes, self.number, self.choice_id, self.text)
        )

    @property
    def is_carried(self) -> bool:
        """Copied from an earlier round and not yet confirmed or changed by the respondent."""
        return self.carried_from_id is not None


class AnswerChange(models.Model):
    """One saved change of an answer: the fields that changed, old → new (append-only)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(help_text="{field: [old, new]}")
    via = models.CharField(max_length=12, default="web", help_text="web / excel")

    class Meta:
        ordering = ["answer", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "version"], name="answer_change_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version}: {', '.join(self.changes)}"


def _evidence_path(instance, filename: str) -> str:
    # A random name: the uploader's file name is kept in original_name only.
    return f"evidence/{uuid.uuid4().hex}"


class EvidenceFile(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Every list of an answer's files (answering, review, report, exports) in the order
        # they were uploaded, the same on every database.
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Consolidation(models.Model):
    """The municipality's answer to an indicator, chosen by the coordinator among the departments'."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="consolidations")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="+")
    note = LimitedTextField(_("判断の理由"), blank=True, max_length=COMMENT_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="consolidation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.answer}"
