"""Suggested answers from open data, with the national and peer values beside them.

`suggestions_for(municipality, indicators)` is the one selector: for each
percentage or count indicator whose code items.yaml maps to an item, the
municipality's newest value (the latest as-of date, then the latest import), the
median and mean over every body with a value in that same import, and the median of
the bodies of the same kind (results.benchmarks.K_ANONYMITY: a group of fewer is not
shown). Two queries at most, whatever the number of indicators and bodies; none when
no indicator on the page is mapped.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dxportal.number_format import compact_number, percent_text, rounded_decimal
from frameworks.models import AnswerType
from municipalities.models import Municipality
from opendata.items import items_by_indicator
from opendata.models import OpenDataValue
from results.benchmarks import K_ANONYMITY

SUGGESTED_TYPES = (AnswerType.PERCENTAGE, AnswerType.COUNT)


@dataclass(frozen=True)
class Suggestion:
    item: str
    kind: str
    value: Decimal
    source: str
    as_of: date
    national_median: Decimal
    national_mean: Decimal
    national_count: int
    peer_label: str
    peer_median: Decimal | None  # None: fewer than K_ANONYMITY bodies of the kind
    peer_count: int

    def text(self, value) -> str:
        """A value as the page shows it (number_format's one rounding rule)."""
        if value is None:
            return "—"
        return percent_text(value) if self.kind == "percent" else compact_number(value)

    @property
    def value_text(self) -> str:
        return self.text(self.value)

    @property
    def fill(self) -> str:
        """What 「この値を使う」 puts in the answer: the number as shown, without the sign."""
        number = rounded_decimal(self.value) if self.kind == "percent" else self.value
        text = f"{number.to_integral_value() if self.kind != 'percent' else number:f}"
        # As the answer form shows a stored number (forms_answering.format_number): 80, not 80.0.
        return text.rstrip("0").rstrip(".") if "." in text else text

    @property
    def citation(self) -> str:
        return _("%(source)s%(day)s時点") % {
            "source": self.source,
            "day": date_format(self.as_of),
        }

    @property
    def national_text(self) -> str:
        return self.text(self.national_median)

    @property
    def national_mean_text(self) -> str:
        return self.text(self.national_mean)

    @property
    def peer_text(self) -> str:
        return self.text(self.peer_median)

    @property
    def min_group(self) -> int:
        return K_ANONYMITY


def _median(values: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(values))


def suggestions_for(municipality: Municipality, indicators) -> dict[int, Suggestion]:
    """Indicator pk → its suggestion, for the indicators that have one for `municipality`."""
    mapping = items_by_indicator()
    wanted = {
        indicator.pk: mapping[indicator.code]
        for indicator in indicators
        if indicator.answer_type in SUGGESTED_TYPES and indicator.code in mapping
    }
    if not wanted:
        return {}
    own = {}
    for value in (
        OpenDataValue.objects.filter(
            municipality=municipality, item__in={item.key for item in wanted.values()}
        )
        .select_related("source_import")
        .order_by("item", "-source_import__as_of", "-source_import__imported_at", "-pk")
    ):
        own.setdefault(value.item, value)  # the first of each item is its newest
    if not own:
        return {}
    groups: dict[tuple[int, str], list[tuple[str, Decimal]]] = defaultdict(list)
    for import_id, item, kind, number in OpenDataValue.objects.filter(
        source_import_id__in={value.source_import_id for value in own.values()},
        item__in=own.keys(),
    ).values_list("source_import_id", "item", "municipality__kind", "value"):
        groups[(import_id, item)].append((kind, number))
    peer_label = _("同じ区分（%(kind)s）") % {"kind": municipality.get_kind_display()}
    result = {}
    for indicator_pk, item in wanted.items():
        value = own.get(item.key)
        if value is None:
            continue
        members = groups[(value.source_import_id, item.key)]
        everyone = [number for _kind, number in members]
        peers = [number for kind, number in members if kind == municipality.kind]
        result[indicator_pk] = Suggestion(
            item=item.key,
            kind=item.kind,
            value=value.value,
            source=value.source_import.source,
            as_of=value.source_import.as_of,
            national_median=_median(everyone),
            national_mean=sum(everyone) / len(everyone),
            national_count=len(everyone),
            peer_label=peer_label,
            peer_median=_median(peers) if len(peers) >= K_ANONYMITY else None,
            peer_count=len(peers),
        )
    return result
