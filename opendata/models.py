"""Imported official statistics: one row per import, one per (municipality, item) value.

An import's values replace those of an earlier import of the same source, as-of date and
items (opendata.importing); values of other items or dates stay.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OpenDataImport(models.Model):
    source = models.CharField(
        _("出典"),
        max_length=200,
        help_text=_("発行者「表題」。例：デジタル庁「自治体DXダッシュボード」"),
    )
    as_of = models.DateField(_("時点"))
    file_name = models.CharField(_("ファイル名"), max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("取り込んだ人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("取り込み日時"), auto_now_add=True)
    value_count = models.PositiveIntegerField(_("値の数"), default=0)
    municipality_count = models.PositiveIntegerField(_("団体の数"), default=0)
    replaced_count = models.PositiveIntegerField(_("置き換えた値の数"), default=0)

    class Meta:
        verbose_name = _("オープンデータの取り込み")
        verbose_name_plural = _("オープンデータの取り込み")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source}（{self.as_of:%Y-%m-%d}）"


class OpenDataValue(models.Model):
    source_import = models.ForeignKey(
        OpenDataImport, on_delete=models.CASCADE, related_name="values"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    # The item's key in opendata/items.yaml (its name as the dashboard prints it).
    item = models.CharField(_("項目"), max_length=100)
    value = models.DecimalField(_("値"), max_digits=14, decimal_places=4)

    class Meta:
        verbose_name = _("オープンデータの値")
        verbose_name_plural = _("オープンデータの値")
        constraints = [
            models.UniqueConstraint(
                fields=["source_import", "municipality", "item"], name="opendata_value_unique"
            )
        ]
        indexes = [models.Index(fields=["municipality", "item"], name="opendata_value_lookup")]

    def __str__(self) -> str:
        return f"{self.item}: {self.value}"
