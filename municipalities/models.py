from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dxportal.kana import kana_search_key
from municipalities.codes import is_valid_code


def validate_code(value: str) -> None:
    if not is_valid_code(value):
        raise ValidationError(
            _("%(code)s は正しい地方公共団体コードではありません（6桁・検査数字）。"),
            params={"code": value},
            code="invalid_code",
        )


class MunicipalityKind(models.TextChoices):
    PREFECTURE = "prefecture", _("都道府県")
    DESIGNATED_CITY = "designated_city", _("政令指定都市")
    CORE_CITY = "core_city", _("中核市")
    FORMER_SPECIAL_CITY = "former_special_city", _("施行時特例市")
    CITY = "city", _("その他の市")
    SPECIAL_WARD = "special_ward", _("特別区")
    TOWN = "town", _("町")
    VILLAGE = "village", _("村")


class MunicipalityQuerySet(models.QuerySet):
    def current(self):
        """Bodies that exist today (not merged away or abolished)."""
        return self.filter(abolished_on__isnull=True)

    def search(self, term: str):
        """Bodies whose code or name contains `term`, or whose reading does.

        The reading is compared by kana_search_key on both sides, so 「ぎょうだ」,
        「ｷﾞｮｳﾀﾞ」 and the list's own 「ギヨウダ」 all find 行田市.
        """
        term = term.strip()
        if not term:
            return self
        condition = models.Q(code__contains=term) | models.Q(name__icontains=term)
        if key := kana_search_key(term):
            condition |= models.Q(name_kana_search__contains=key)
        return self.filter(condition)


class Municipality(models.Model):
    """A local government (地方公共団体): a prefecture or a municipality.

    Attributes hold the current state; MunicipalityChange keeps what they were
    before, with the date each change took effect.
    """

    code = models.CharField(_("団体コード"), max_length=6, unique=True, validators=[validate_code])
    name = models.CharField(_("名称"), max_length=50)
    name_kana = models.CharField(_("ふりがな（カナ）"), max_length=100)
    # name_kana folded by kana_search_key, so a reading is found however it is
    # typed; kept in step by save() and by the importer's bulk writes.
    name_kana_search = models.CharField(max_length=100, editable=False, default="")
    kind = models.CharField(_("区分"), max_length=24, choices=MunicipalityKind.choices)
    prefecture = models.ForeignKey(
        "self",
        verbose_name=_("都道府県"),
        on_delete=models.PROTECT,
        related_name="members",
        null=True,
        blank=True,
        help_text=_("都道府県自身は空欄"),
    )
    abolished_on = models.DateField(_("廃止日"), null=True, blank=True)
    # Set only by import_population from an official table (never typed in,
    # never estimated): a body the table has no figure for keeps None (不明).
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    population_as_of = models.DateField(_("人口の基準日"), null=True, blank=True)
    population_source = models.CharField(_("人口の出典"), max_length=200, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("承継団体"),
        on_delete=models.PROTECT,
        related_name="predecessors",
        null=True,
        blank=True,
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("地方公共団体")
        verbose_name_plural = _("地方公共団体")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="prefecture", prefecture__isnull=True)
                    | (~models.Q(kind="prefecture") & models.Q(prefecture__isnull=False))
                ),
                name="municipality_prefecture_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.prefecture_id is None:
            return self.name
        return f"{self.prefecture.name}{self.name}"

    def save(self, *args, **kwargs):
        self.name_kana_search = kana_search_key(self.name_kana)
        if (fields := kwargs.get("update_fields")) is not None and "name_kana" in fields:
            kwargs["update_fields"] = {*fields, "name_kana_search"}
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def size_band(self):
        """人口規模区分 (municipalities.size_bands), None when the population is unknown."""
        from municipalities.size_bands import size_band

        return size_band(self.kind, self.population)


class MunicipalityChange(models.Model):
    """One recorded change of a body's attribute, effective from a date."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="changes")
    effective_on = models.DateField(_("施行日"))
    field = models.CharField(_("項目"), max_length=32)
    old_value = models.CharField(_("変更前"), max_length=100, blank=True)
    new_value = models.CharField(_("変更後"), max_length=100, blank=True)
    source = models.CharField(_("出典"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        ordering = ["municipality", "effective_on", "id"]
        verbose_name = _("団体の変更履歴")
        verbose_name_plural = _("団体の変更履歴")

    def __str__(self) -> str:
        return f"{self.municipality.code} {self.field}: {self.old_value} → {self.new_value}"


class DepartmentKind(models.TextChoices):
    """What a department does; catalogue indicators name the kinds they apply to."""

    DX_PROMOTION = "dx_promotion", _("DX推進・情報政策")
    GENERAL_AFFAIRS = "general_affairs", _("総務・人事")
    PLANNING_FINANCE = "planning_finance", _("企画・財政")
    RESIDENT_SERVICES = "resident_services", _("住民窓口・戸籍")
    TAXATION = "taxation", _("税務")
    WELFARE = "welfare", _("福祉")
    CHILDCARE = "childcare", _("子ども・子育て")
    HEALTH_INSURANCE = "health_insurance", _("保健・国保・年金")
    INDUSTRY = "industry", _("産業・観光")
    INFRASTRUCTURE = "infrastructure", _("都市整備・建設")
    DISASTER_MANAGEMENT = "disaster_management", _("危機管理・防災")
    EDUCATION = "education", _("教育委員会")
    ACCOUNTING = "accounting", _("会計")


SORT_ORDER_MAX = 32767  # PositiveSmallIntegerField on every database


class Department(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments"
    )
    name = models.CharField(_("部署名"), max_length=60)
    kind = models.CharField(_("部署の種類"), max_length=24, choices=DepartmentKind.choices)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["municipality", "sort_order", "id"]
        verbose_name = _("部署")
        verbose_name_plural = _("部署")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="department_name_unique_in_municipality"
            ),
        ]

    def __str__(self) -> str:
        return self.name
