"""The departments a new body starts with, by kind of local government — the one table.

Each default names a department the way that kind of body does, and carries the
DepartmentKind the catalogue's indicators route by (assessments.rounds
default_assignments gives an indicator to the departments of its
`department_kinds`, the first one owning it). One department per kind keeps
every indicator with a single owner; the coordinator edits the list afterwards.

- 都道府県: 部 and 課 of a prefecture. No resident counter (住民票・戸籍 are the
  municipalities' work), so resident-services indicators fall back to the DX
  office; 県税 is a 税務課, and 国保 is a prefecture's task since 2018
  (財政運営の責任主体), hence 国保医療課.
- 政令指定都市: 局, with the counters in the wards' 区役所. One 「区役所（窓口）」
  stands for every ward's counter; it is the resident-services department, so
  no 市民局 beside it (it would take every counter indicator as a second owner).
- 中核市・施行時特例市・その他の市: 部 and 課 with a 市民課 counter.
- 特別区: as a city, with 区民課.
- 町・村: a handful of 課, the counter being 町民課 / 村民課.
"""

from municipalities.models import DepartmentKind as K
from municipalities.models import MunicipalityKind as M

_PREFECTURE = [
    ("デジタル推進課", K.DX_PROMOTION),
    ("総務部", K.GENERAL_AFFAIRS),
    ("政策企画部", K.PLANNING_FINANCE),
    ("税務課", K.TAXATION),
    ("健康福祉部", K.WELFARE),
    ("子ども政策部", K.CHILDCARE),
    ("国保医療課", K.HEALTH_INSURANCE),
    ("商工労働部", K.INDUSTRY),
    ("土木部", K.INFRASTRUCTURE),
    ("危機管理部", K.DISASTER_MANAGEMENT),
    ("会計局", K.ACCOUNTING),
    ("教育委員会", K.EDUCATION),
]

_DESIGNATED_CITY = [
    ("デジタル統括局", K.DX_PROMOTION),
    ("総務局", K.GENERAL_AFFAIRS),
    ("財政局", K.PLANNING_FINANCE),
    ("財政局税務部", K.TAXATION),
    ("区役所（窓口）", K.RESIDENT_SERVICES),
    ("健康福祉局", K.WELFARE),
    ("こども青少年局", K.CHILDCARE),
    ("健康福祉局保険年金課", K.HEALTH_INSURANCE),
    ("経済局", K.INDUSTRY),
    ("都市整備局", K.INFRASTRUCTURE),
    ("危機管理局", K.DISASTER_MANAGEMENT),
    ("会計室", K.ACCOUNTING),
    ("教育委員会事務局", K.EDUCATION),
]


def _city(counter: str) -> list[tuple[str, K]]:
    return [
        ("DX推進課", K.DX_PROMOTION),
        ("総務部", K.GENERAL_AFFAIRS),
        ("企画財政部", K.PLANNING_FINANCE),
        (counter, K.RESIDENT_SERVICES),
        ("税務部", K.TAXATION),
        ("福祉部", K.WELFARE),
        ("子ども未来部", K.CHILDCARE),
        ("保険年金課", K.HEALTH_INSURANCE),
        ("経済観光部", K.INDUSTRY),
        ("都市整備部", K.INFRASTRUCTURE),
        ("危機管理課", K.DISASTER_MANAGEMENT),
        ("会計課", K.ACCOUNTING),
        ("教育委員会", K.EDUCATION),
    ]


def _town_or_village(counter: str) -> list[tuple[str, K]]:
    return [
        ("総務課", K.GENERAL_AFFAIRS),
        ("企画情報課", K.DX_PROMOTION),
        (counter, K.RESIDENT_SERVICES),
        ("税務課", K.TAXATION),
        ("保健福祉課", K.WELFARE),
        ("産業建設課", K.INDUSTRY),
        ("会計課", K.ACCOUNTING),
        ("教育委員会", K.EDUCATION),
    ]


DEFAULT_DEPARTMENTS: dict[str, list[tuple[str, K]]] = {
    M.PREFECTURE: _PREFECTURE,
    M.DESIGNATED_CITY: _DESIGNATED_CITY,
    M.CORE_CITY: _city("市民課"),
    M.FORMER_SPECIAL_CITY: _city("市民課"),
    M.CITY: _city("市民課"),
    M.SPECIAL_WARD: _city("区民課"),
    M.TOWN: _town_or_village("町民課"),
    M.VILLAGE: _town_or_village("村民課"),
}
