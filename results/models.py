"""Stored results: the current score card of a round, for the municipality and each department.

A ScoreSnapshot is derived data: results.snapshots recomputes it from the
answers with the pure rules of results.scoring whenever a questionnaire is
submitted or approved and when a round closes (and on demand with
`recompute_scores`). There is exactly one current snapshot per round and
department (department empty: the municipality as a whole), updated in
place, so a page reads one row instead of scoring every answer again.
"""

from typing import TYPE_CHECKING

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from assessments.models import Round
from municipalities.models import Department

if TYPE_CHECKING:
    from results.cards import StoredCard


class SnapshotTrigger(models.TextChoices):
    SUBMITTED = "submitted", _("調査票の提出")
    APPROVED = "approved", _("調査票の承認")
    CLOSED = "closed", _("ラウンドの締切")
    CONSOLIDATED = "consolidated", _("団体としての回答の決定")
    RECOMPUTED = "recomputed", _("再計算")


class ScoreSnapshot(models.Model):
    """One round's scores for a department, or for the municipality when department is empty.

    `card` holds the whole score card (results.snapshots.card_to_json); the
    columns beside it repeat its headline numbers so that lists can filter
    and sort without reading JSON.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="score_snapshots")
    # Derived data: it goes with its department rather than keeping the department alive.
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="score_snapshots",
        null=True,
        blank=True,
        help_text=_("空欄は団体全体"),
    )
    trigger = models.CharField(_("計算のきっかけ"), max_length=12, choices=SnapshotTrigger.choices)
    computed_at = models.DateTimeField(_("計算日時"))
    overall_score = models.FloatField(
        _("総合得点"), null=True, blank=True, help_text=_("0〜100。採点する指標がなければ空欄")
    )
    stage_attained = models.CharField(
        _("到達段階"), max_length=40, help_text=_("段階のコード、または not_started（未着手）")
    )
    completeness = models.FloatField(_("回答率（%）"))
    card = models.JSONField(_("評価結果の詳細"))

    class Meta:
        verbose_name = _("評価結果")
        verbose_name_plural = _("評価結果")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=models.Q(department__isnull=False),
                name="score_snapshot_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(department__isnull=True),
                name="score_snapshot_one_per_municipality",
            ),
            models.CheckConstraint(
                condition=models.Q(completeness__gte=0, completeness__lte=100),
                name="score_snapshot_completeness_range",
            ),
            models.CheckConstraint(
                condition=models.Q(overall_score__isnull=True)
                | models.Q(overall_score__gte=0, overall_score__lte=100),
                name="score_snapshot_overall_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.department or _('団体全体')}"

    @property
    def is_municipality(self) -> bool:
        return self.department_id is None

    @cached_property
    def read(self) -> "StoredCard":
        """The stored card read back (results.cards): how every reader gets at the scores."""
        from results.cards import StoredCard  # results.cards reads this model's JSON

        return StoredCard.from_json(self.card)
