"""The assessment catalogue: versioned editions of stages, policy areas and indicators.

The catalogue is data: 総務省's plan has changed its priority areas between
editions, so nothing here names an area or a stage in code. A published
edition is frozen (frameworks.services refuses every change); editors clone
it into a new draft. Lineage rows tie an indicator to its predecessors in an
earlier edition so that trends survive a new edition.

How an answer maps to a 0–100 score is stated per answer type in
`AnswerType.scoring_rule` and implemented by the scoring module.
"""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxportal.text_limits import DESCRIPTION_MAX, SENTENCE_MAX, LimitedTextField
from frameworks.rules import full_score_for

if TYPE_CHECKING:
    from municipalities.size_bands import SizeBand


class Framework(models.Model):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("名称（英語）"), max_length=120, blank=True)
    description = LimitedTextField(_("説明"), blank=True, max_length=DESCRIPTION_MAX)
    description_en = LimitedTextField(_("説明（英語）"), blank=True, max_length=DESCRIPTION_MAX)

    class Meta:
        ordering = ["code"]
        verbose_name = _("フレームワーク")
        verbose_name_plural = _("フレームワーク")

    def __str__(self) -> str:
        return self.name


class EditionStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    PUBLISHED = "published", _("公開中")
    RETIRED = "retired", _("廃止")


class EditionQuerySet(models.QuerySet):
    def visible_to_public(self):
        return self.exclude(status=EditionStatus.DRAFT)


class Edition(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="editions")
    version = models.CharField(_("版"), max_length=20)
    title = models.CharField(_("表題"), max_length=200)
    title_en = models.CharField(_("表題（英語）"), max_length=200, blank=True)
    published_on = models.DateField(_("基づく資料の公表日"), null=True, blank=True)
    status = models.CharField(
        _("状態"), max_length=12, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    source = LimitedTextField(_("出典"), blank=True, max_length=SENTENCE_MAX)
    source_url = models.URLField(_("出典URL"), blank=True)
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("前の版"),
        on_delete=models.PROTECT,
        related_name="successors",
        null=True,
        blank=True,
        help_text=_("指標の対応関係（系譜）はこの版に対して記録します。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("公開日時"), null=True, blank=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["framework", "published_on", "version"]
        verbose_name = _("版")
        verbose_name_plural = _("版")
        constraints = [
            models.UniqueConstraint(fields=["framework", "version"], name="edition_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    @property
    def is_draft(self) -> bool:
        return self.status == EditionStatus.DRAFT


class Stage(models.Model):
    """A maturity stage (デジタイゼーション → デジタライゼーション → DX), ordered."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("コード"), max_length=40)
    order = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("名称（英語）"), max_length=80, blank=True)
    description = LimitedTextField(_("説明"), blank=True, max_length=DESCRIPTION_MAX)
    description_en = LimitedTextField(_("説明（英語）"), blank=True, max_length=DESCRIPTION_MAX)
    threshold = models.PositiveSmallIntegerField(
        _("到達とみなす得点"),
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_(
            "この段階の得点（0〜100）がこの値以上で、前の段階も到達していれば到達とします。"
        ),
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("段階")
        verbose_name_plural = _("段階")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="stage_code_unique"),
            models.UniqueConstraint(fields=["edition", "order"], name="stage_order_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyArea(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("コード"), max_length=40)
    order = models.PositiveSmallIntegerField(_("順序"))
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("名称（英語）"), max_length=80, blank=True)
    description = LimitedTextField(
        _("説明"), blank=True, help_text=_("何を指し、なぜ重要か"), max_length=DESCRIPTION_MAX
    )
    description_en = LimitedTextField(_("説明（英語）"), blank=True, max_length=DESCRIPTION_MAX)
    source = LimitedTextField(_("出典"), blank=True, max_length=SENTENCE_MAX)
    # The plan's 推進体制 (organisation, people, planning) is what every stage rests on,
    # not a step of digitization: such an area is scored beside the stage ladder.
    is_foundation = models.BooleanField(
        _("段階の土台（推進体制）"),
        default=False,
        help_text=_("段階（デジタイゼーション〜DX）の外で、土台として評価する分野"),
    )

    class Meta:
        ordering = ["edition", "order"]
        verbose_name = _("取組分野")
        verbose_name_plural = _("取組分野")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="area_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AnswerType(models.TextChoices):
    MATURITY = "maturity", _("成熟度レベル")
    YES_NO = "yes_no", _("はい／いいえ")
    PERCENTAGE = "percentage", _("割合（%）")
    COUNT = "count", _("件数・人数")
    CHOICE = "choice", _("選択肢")
    TEXT = "text", _("自由記述")

    @property
    def scoring_rule(self) -> str:
        return _SCORING_RULES[self]

    @property
    def is_scored(self) -> bool:
        return self != AnswerType.TEXT


_SCORING_RULES = {
    AnswerType.MATURITY: _("レベル ÷ 最高レベル × 100（例: 5段階中3 → 60点）"),
    AnswerType.YES_NO: _("はい = 100点、いいえ = 0点"),
    AnswerType.PERCENTAGE: _("回答した割合がそのまま得点（0〜100）"),
    AnswerType.COUNT: _("回答値 ÷ 満点とする値 × 100（満点とする値以上は100点）"),
    AnswerType.CHOICE: _("選んだ選択肢に設定された得点（0〜100）"),
    AnswerType.TEXT: _("得点には含めません"),
}


class Indicator(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="indicators")
    area = models.ForeignKey(PolicyArea, on_delete=models.CASCADE, related_name="indicators")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(
        _("指標コード"), max_length=20, help_text=_("版をまたいで変えない識別子")
    )
    order = models.PositiveSmallIntegerField(_("順序"))
    question = LimitedTextField(_("設問"), max_length=SENTENCE_MAX)
    question_en = LimitedTextField(_("設問（英語）"), blank=True, max_length=SENTENCE_MAX)
    help_text = LimitedTextField(_("解説"), blank=True, max_length=DESCRIPTION_MAX)
    help_text_en = LimitedTextField(_("解説（英語）"), blank=True, max_length=DESCRIPTION_MAX)
    answer_type = models.CharField(_("回答形式"), max_length=12, choices=AnswerType.choices)
    weight = models.DecimalField(
        _("重み"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0.1), MaxValueValidator(10)],
    )
    unit = models.CharField(_("単位"), max_length=20, blank=True, help_text=_("件数・人数の単位"))
    full_score_at = models.DecimalField(
        _("満点とする値"),
        max_digits=10,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("件数・人数で、この値以上を100点とします。"),
    )
    # {size band code: value}: overrides full_score_at for a body in that band
    # (frameworks.rules.full_score_for; FORMAT.md, "Count thresholds by size").
    full_score_by_band = models.JSONField(
        _("人口規模区分ごとの満点とする値"), default=dict, blank=True
    )
    municipality_kinds = models.JSONField(
        _("対象とする団体の区分"), default=list, blank=True, help_text=_("空欄はすべての区分")
    )
    department_kinds = models.JSONField(
        _("回答する部署の種類"), default=list, blank=True, help_text=_("空欄はDX推進担当部署")
    )
    source = LimitedTextField(_("出典"), blank=True, max_length=SENTENCE_MAX)
    source_url = models.URLField(_("出典URL"), blank=True)

    class Meta:
        ordering = ["edition", "area__order", "order"]
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0.1, weight__lte=10), name="indicator_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.question[:40]}"

    def full_scores_by_band(self) -> list[tuple["SizeBand", Decimal | None]]:
        """Each size band the indicator lists, in the bands' order, with its full score."""
        from municipalities.size_bands import ALL_BANDS

        return [
            (
                band,
                full_score_for(
                    full_score_at=self.full_score_at,
                    full_score_by_band=self.full_score_by_band,
                    band_code=band.code,
                ),
            )
            for band in ALL_BANDS
            if band.code in self.full_score_by_band
        ]

    def full_score_for(self, municipality) -> Decimal | None:
        """The value that scores 100 for `municipality` (a count indicator; rules.full_score_for)."""
        band = municipality.size_band
        return full_score_for(
            full_score_at=self.full_score_at,
            full_score_by_band=self.full_score_by_band,
            band_code=band.code if band else None,
        )


class RubricLevel(models.Model):
    """One level of a maturity indicator's rubric; levels run 0..N without gaps."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(_("レベル"))
    label = models.CharField(_("見出し"), max_length=80)
    label_en = models.CharField(_("見出し（英語）"), max_length=80, blank=True)
    description = LimitedTextField(_("状態の説明"), max_length=DESCRIPTION_MAX)
    description_en = LimitedTextField(
        _("状態の説明（英語）"), blank=True, max_length=DESCRIPTION_MAX
    )

    class Meta:
        ordering = ["indicator", "level"]
        verbose_name = _("ルーブリックのレベル")
        verbose_name_plural = _("ルーブリックのレベル")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "level"], name="rubric_level_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.label}"


class Choice(models.Model):
    """One option of a single-choice indicator, with its score."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="choices")
    code = models.SlugField(_("コード"), max_length=40)
    order = models.PositiveSmallIntegerField(_("順序"))
    label = models.CharField(_("選択肢"), max_length=120)
    label_en = models.CharField(_("選択肢（英語）"), max_length=120, blank=True)
    score = models.PositiveSmallIntegerField(
        _("得点"), validators=[MaxValueValidator(100)], help_text=_("0〜100")
    )

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name = _("選択肢")
        verbose_name_plural = _("選択肢")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="choice_code_unique"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="choice_score_range"),
        ]

    def __str__(self) -> str:
        return self.label


class LineageRelation(models.TextChoices):
    SAME = "same", _("同一")
    SPLIT = "split", _("分割")
    MERGED = "merged", _("統合")
    NEW = "new", _("新設")


class IndicatorLineage(models.Model):
    """How an indicator relates to the indicators of its edition's predecessor.

    same: one old → one new; split: one old → several new; merged: several
    old → one new; new: no predecessor (predecessor is empty).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="lineage")
    predecessor = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="successors", null=True, blank=True
    )
    relation = models.CharField(_("関係"), max_length=8, choices=LineageRelation.choices)

    class Meta:
        verbose_name = _("指標の系譜")
        verbose_name_plural = _("指標の系譜")
        constraints = [
            models.CheckConstraint(
                name="lineage_predecessor_matches_relation",
                condition=(
                    models.Q(relation="new", predecessor__isnull=True)
                    | (~models.Q(relation="new") & models.Q(predecessor__isnull=False))
                ),
            ),
            models.UniqueConstraint(
                fields=["indicator", "predecessor"], name="lineage_unique_pair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} ← {self.predecessor.code if self.predecessor else '—'}"
