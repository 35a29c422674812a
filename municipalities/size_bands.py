"""人口規模区分（類似団体区分の人口段階）: the one rule that puts a body in a size band.

総務省's 類似団体区分 (類似団体別市町村財政指数表) groups municipalities by
population and by industrial structure. The portal has no industry figures, so
it uses the population part only, and names it so wherever the band is shown:

- 政令指定都市, 中核市, 施行時特例市 and 特別区 are each a group of their own, as
  in 類似団体区分; prefectures are a group of their own;
- その他の市: I under 50,000, II 50,000–99,999, III 100,000–149,999, IV 150,000 and over;
- 町 and 村 together (町村): I under 5,000, II 5,000–9,999, III 10,000–14,999,
  IV 15,000–19,999, V 20,000 and over.

A city, town or village without a population figure has no band (None), never
a guessed one. The master's pages, the benchmarks and the scoring input all
call `size_band`.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from municipalities.models import MunicipalityKind


@dataclass(frozen=True)
class SizeBand:
    code: str  # "city_2", "town_village_1", "core_city": also the catalogue's key
    label: str | Promise
    lower: int = 0  # population from (inclusive) ...
    upper: int | None = None  # ... to (exclusive); None: no upper bound

    def __str__(self) -> str:
        return str(self.label)


_OWN_GROUPS = [
    SizeBand(kind.value, kind.label)
    for kind in (
        MunicipalityKind.PREFECTURE,
        MunicipalityKind.DESIGNATED_CITY,
        MunicipalityKind.CORE_CITY,
        MunicipalityKind.FORMER_SPECIAL_CITY,
        MunicipalityKind.SPECIAL_WARD,
    )
]
_CITY_BANDS = [
    SizeBand("city_1", _("その他の市 I（5万人未満）"), 0, 50_000),
    SizeBand("city_2", _("その他の市 II（5万人以上10万人未満）"), 50_000, 100_000),
    SizeBand("city_3", _("その他の市 III（10万人以上15万人未満）"), 100_000, 150_000),
    SizeBand("city_4", _("その他の市 IV（15万人以上）"), 150_000, None),
]
_TOWN_VILLAGE_BANDS = [
    SizeBand("town_village_1", _("町村 I（5千人未満）"), 0, 5_000),
    SizeBand("town_village_2", _("町村 II（5千人以上1万人未満）"), 5_000, 10_000),
    SizeBand("town_village_3", _("町村 III（1万人以上1.5万人未満）"), 10_000, 15_000),
    SizeBand("town_village_4", _("町村 IV（1.5万人以上2万人未満）"), 15_000, 20_000),
    SizeBand("town_village_5", _("町村 V（2万人以上）"), 20_000, None),
]
ALL_BANDS = (*_OWN_GROUPS, *_CITY_BANDS, *_TOWN_VILLAGE_BANDS)
BAND_CODES = tuple(band.code for band in ALL_BANDS)
_BY_CODE = {band.code: band for band in ALL_BANDS}


def band_by_code(code: str) -> SizeBand:
    return _BY_CODE[code]


def size_band(kind: str, population: int | None) -> SizeBand | None:
    """The body's band, or None for a city, town or village whose population is unknown."""
    if kind in _BY_CODE:
        return _BY_CODE[kind]
    if population is None:
        return None
    steps = _CITY_BANDS if kind == MunicipalityKind.CITY else _TOWN_VILLAGE_BANDS
    for band in steps:
        if band.upper is None or population < band.upper:
            return band
    raise AssertionError("the top step has no upper bound")
