"""The default departments depend on the kind of body, and the catalogue still routes by them."""

import io

import pytest
from django.core.management import call_command

from assessments.models import Assignment
from frameworks.models import Edition
from municipalities.models import DepartmentKind as K
from municipalities.models import MunicipalityKind as M
from municipalities.services import departments_create_defaults
from tests.assessment_factories import open_round
from tests.factories import MunicipalityFactory, PrefectureFactory, UserFactory

# kind → (how many, the resident counter or None, names it must have, names it must not have)
EXPECTED = {
    M.PREFECTURE: (
        12,
        None,
        {"総務部": K.GENERAL_AFFAIRS, "税務課": K.TAXATION, "健康福祉部": K.WELFARE},
        {"市民課", "町民課", "区役所（窓口）"},
    ),
    M.DESIGNATED_CITY: (
        13,
        "区役所（窓口）",
        {
            "デジタル統括局": K.DX_PROMOTION,
            "総務局": K.GENERAL_AFFAIRS,
            "財政局": K.PLANNING_FINANCE,
            "健康福祉局": K.WELFARE,
            "こども青少年局": K.CHILDCARE,
        },
        {"市民課", "DX推進課", "総務部"},
    ),
    M.CORE_CITY: (13, "市民課", {"DX推進課": K.DX_PROMOTION, "総務部": K.GENERAL_AFFAIRS}, set()),
    M.FORMER_SPECIAL_CITY: (13, "市民課", {"DX推進課": K.DX_PROMOTION}, set()),
    M.CITY: (13, "市民課", {"DX推進課": K.DX_PROMOTION, "税務部": K.TAXATION}, set()),
    M.SPECIAL_WARD: (13, "区民課", {"DX推進課": K.DX_PROMOTION}, {"市民課"}),
    M.TOWN: (8, "町民課", {"総務課": K.GENERAL_AFFAIRS, "税務課": K.TAXATION}, {"住民課"}),
    M.VILLAGE: (8, "村民課", {"総務課": K.GENERAL_AFFAIRS}, {"住民課", "町民課"}),
}


def _body(kind):
    if kind == M.PREFECTURE:
        return PrefectureFactory()
    return MunicipalityFactory(kind=kind)


def test_every_kind_has_an_expectation():
    assert set(EXPECTED) == set(M.values)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", M.values)
def test_defaults_are_named_for_the_kind_of_body(kind):
    count, counter, present, absent = EXPECTED[kind]
    created = departments_create_defaults(municipality=_body(kind))
    kinds = {department.name: department.kind for department in created}

    assert len(created) == count
    assert {name: kinds.get(name) for name in present} == present
    assert not absent & set(kinds)
    counters = [
        name for name, department_kind in kinds.items() if department_kind == K.RESIDENT_SERVICES
    ]
    assert counters == ([counter] if counter else [])
    # One department per kind: every indicator keeps a single owner, and the DX office exists.
    assert len(set(kinds.values())) == len(created)
    assert K.DX_PROMOTION in kinds.values()


@pytest.mark.django_db
def test_a_towns_round_routes_the_resident_services_indicators_to_its_town_office():
    call_command(
        "import_framework", "frameworks/catalogue/jichitai-dx-2.0.yaml", stdout=io.StringIO()
    )
    edition = Edition.objects.get()
    town = MunicipalityFactory(kind=M.TOWN, name="葉山町")
    departments_create_defaults(municipality=town)

    round_ = open_round(town, UserFactory(), edition=edition)

    owners = {
        a.indicator.code: a.department.name
        for a in Assignment.objects.filter(round=round_, is_owner=True).select_related(
            "indicator", "department"
        )
    }
    resident_first = [
        i.code
        for i in edition.indicators.all()
        if i.department_kinds and i.department_kinds[0] == K.RESIDENT_SERVICES and i.code in owners
    ]
    assert len(resident_first) >= 5
    assert all(owners[code] == "町民課" for code in resident_first)
