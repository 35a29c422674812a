"""opendata.suggestions: the municipality's newest value, the national median and mean, the
same-kind median with the minimum group size, in two queries whatever the size."""

import datetime
from decimal import Decimal

from frameworks.models import AnswerType
from municipalities.models import MunicipalityKind
from opendata import suggestions
from opendata.items import Item
from opendata.suggestions import suggestions_for
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import IndicatorFactory
from tests.opendata.support import MYNUMBER, ONLINE32, add_values, municipality_a_with_peers


def _indicator(code="MNC-01", answer_type=AnswerType.PERCENTAGE):
    return IndicatorFactory(code=code, answer_type=answer_type)


def test_national_and_peer_values(personas, django_assert_num_queries):
    add_values(municipality_a_with_peers(personas))
    mnc, onl = _indicator("MNC-01"), _indicator("ONL-06")
    with django_assert_num_queries(2):
        found = suggestions_for(personas.municipality_a, [mnc, onl])
    s = found[mnc.pk]
    assert (s.value, s.value_text, s.fill) == (Decimal("72.3"), "72.3%", "72.3")
    assert s.citation == "デジタル庁「自治体DXダッシュボード」2026年9月30日時点"
    assert (s.national_median, s.national_count) == (Decimal("80.5"), 8)
    assert s.national_mean_text == "75.4%"
    assert (s.peer_median, s.peer_count) == (Decimal("81.5"), 6)
    assert s.peer_label == "同じ区分（その他の市）"
    assert found[onl.pk].peer_median is None  # one city: below the minimum group size


def test_a_peer_group_of_five_is_shown_and_of_four_is_not(personas):
    mnc = _indicator()
    values = {personas.municipality_a: {MYNUMBER: "70"}}
    for n in range(3):
        values[MunicipalityFactory(kind=MunicipalityKind.CITY)] = {MYNUMBER: str(71 + n)}
    add_values(values)
    assert suggestions_for(personas.municipality_a, [mnc])[mnc.pk].peer_count == 4
    assert suggestions_for(personas.municipality_a, [mnc])[mnc.pk].peer_median is None
    add_values(
        {**values, MunicipalityFactory(kind=MunicipalityKind.CITY): {MYNUMBER: "90"}},
        as_of=datetime.date(2026, 10, 31),
    )
    s = suggestions_for(personas.municipality_a, [mnc])[mnc.pk]
    assert (s.peer_count, s.peer_median, s.as_of) == (5, Decimal("72"), datetime.date(2026, 10, 31))


def test_the_newest_date_wins_and_its_own_import_gives_the_statistics(personas):
    mnc = _indicator()
    other = MunicipalityFactory(kind=MunicipalityKind.TOWN)
    add_values({personas.municipality_a: {MYNUMBER: "60"}, other: {MYNUMBER: "10"}},
               as_of=datetime.date(2026, 4, 1))  # fmt: skip
    add_values({personas.municipality_a: {MYNUMBER: "65"}}, as_of=datetime.date(2026, 9, 30))
    s = suggestions_for(personas.municipality_a, [mnc])[mnc.pk]
    assert (s.value, s.national_count, s.national_median) == (Decimal("65"), 1, Decimal("65"))


def test_nothing_to_suggest_costs_no_query(personas, django_assert_num_queries):
    add_values({personas.municipality_a: {MYNUMBER: "60", ONLINE32: "50"}})
    unmapped = _indicator("PCT-01")
    choice = _indicator("MNC-01", AnswerType.CHOICE)  # only numbers are suggested
    with django_assert_num_queries(0):
        assert suggestions_for(personas.municipality_a, [unmapped, choice]) == {}


def test_a_count_is_filled_as_an_integer(personas, monkeypatch):
    count = _indicator("CNT-09", AnswerType.COUNT)
    staff = Item(key="職員数", kind="count", names=("職員数",), indicators=("CNT-09",))
    monkeypatch.setattr(suggestions, "items_by_indicator", lambda: {"CNT-09": staff})
    add_values({personas.municipality_a: {"職員数": "1234"}})
    s = suggestions_for(personas.municipality_a, [count])[count.pk]
    assert (s.value_text, s.fill) == ("1234", "1234")
