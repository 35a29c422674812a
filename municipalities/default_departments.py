"""The departments a new municipality starts with, by kind of local government.

A prefecture is organised in large 部, a city in 部 with DX offices of their own,
a town or village in a handful of 課. The coordinator edits them afterwards.
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
    ("商工労働部", K.INDUSTRY),
    ("県土整備部", K.INFRASTRUCTURE),
    ("危機管理部", K.DISASTER_MANAGEMENT),
    ("会計局", K.ACCOUNTING),
    ("教育委員会", K.EDUCATION),
]

_CITY = [
    ("DX推進課", K.DX_PROMOTION),
    ("総務部", K.GENERAL_AFFAIRS),
    ("企画財政部", K.PLANNING_FINANCE),
    ("市民課", K.RESIDENT_SERVICES),
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

_SPECIAL_WARD = [(name.replace("市民課", "区民課"), kind) for name, kind in _CITY]

_TOWN_OR_VILLAGE = [
    ("総務課", K.GENERAL_AFFAIRS),
    ("企画情報課", K.DX_PROMOTION),
    ("住民課", K.RESIDENT_SERVICES),
    ("税務課", K.TAXATION),
    ("保健福祉課", K.WELFARE),
    ("産業建設課", K.INDUSTRY),
    ("教育委員会", K.EDUCATION),
]

DEFAULT_DEPARTMENTS: dict[str, list[tuple[str, K]]] = {
    M.PREFECTURE: _PREFECTURE,
    M.DESIGNATED_CITY: _CITY,
    M.CORE_CITY: _CITY,
    M.FORMER_SPECIAL_CITY: _CITY,
    M.CITY: _CITY,
    M.SPECIAL_WARD: _SPECIAL_WARD,
    M.TOWN: _TOWN_OR_VILLAGE,
    M.VILLAGE: _TOWN_OR_VILLAGE,
}
