"""full_score_by_band: a count indicator's full score by 人口規模区分 (FORMAT.md, "Count
thresholds by size"): the rule, the file's checks, import, export, clone, diff, the editor
and citation corrections."""

from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from frameworks.catalogue_io import framework_export, framework_import
from frameworks.diff import edition_diff, snapshot
from frameworks.models import AnswerType, Edition, EditionStatus, Indicator
from frameworks.rules import full_score_for
from frameworks.selectors import edition_with_content
from frameworks.services import IndicatorData, edition_clone, indicator_update
from frameworks.views.presenting import diff_tables
from municipalities.models import Municipality, MunicipalityKind
from municipalities.size_bands import BAND_CODES
from tests.frameworks.test_catalogue_import import MINIMAL, line_of, refused, write

BY_BAND = {"town_village_1": 3.0, "designated_city": 60.0}


def _with_bands(text: str, bands: str) -> str:
    """MINIMAL with `bands` (YAML lines under full_score_by_band) on the count ONL-01."""
    return text.replace(
        "    full_score_at: 27\n", f"    full_score_at: 27\n    full_score_by_band:\n{bands}"
    )


SCALED = _with_bands(MINIMAL, "      designated_city: 60\n      town_village_1: 3\n")


# --- the rule ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("band_code", "expected"),
    [
        ("town_village_1", Decimal("3.0")),  # listed: its own value
        ("designated_city", Decimal("60.0")),
        ("city_2", Decimal("27")),  # not listed: the plain value
        ("prefecture", Decimal("27")),
        (None, Decimal("27")),  # no population, no band: the plain value
    ],
)
def test_a_listed_band_uses_its_value_any_other_body_the_plain_one(band_code, expected):
    value = full_score_for(
        full_score_at=Decimal("27"), full_score_by_band=BY_BAND, band_code=band_code
    )
    assert value == expected


def test_every_band_can_be_listed():
    by_band = {code: float(n + 1) for n, code in enumerate(BAND_CODES)}
    assert len(by_band) == 14
    assert [
        full_score_for(full_score_at=Decimal("99"), full_score_by_band=by_band, band_code=code)
        for code in BAND_CODES
    ] == [Decimal(n + 1) for n in range(14)]


def test_without_bands_every_body_uses_the_plain_value():
    for code in (*BAND_CODES, None):
        assert full_score_for(
            full_score_at=Decimal("5"), full_score_by_band={}, band_code=code
        ) == Decimal("5")


def test_the_indicator_asks_the_rule_with_the_bodys_band():
    indicator = Indicator(answer_type=AnswerType.COUNT, full_score_at=Decimal("27"))
    indicator.full_score_by_band = BY_BAND
    village = Municipality(kind=MunicipalityKind.VILLAGE, population=3_000)
    city = Municipality(kind=MunicipalityKind.DESIGNATED_CITY, population=3_700_000)
    town_unknown = Municipality(kind=MunicipalityKind.TOWN, population=None)
    mid_city = Municipality(kind=MunicipalityKind.CITY, population=80_000)

    assert indicator.full_score_for(village) == Decimal("3.0")
    assert indicator.full_score_for(city) == Decimal("60.0")
    assert indicator.full_score_for(town_unknown) == Decimal("27")
    assert indicator.full_score_for(mid_city) == Decimal("27")


# --- the file ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_file_refuses_bad_bands_with_file_line_and_field(tmp_path):
    text = _with_bands(
        MINIMAL,
        "      village_small: 3\n      city_1: 0\n      city_2: -1\n"
        "      city_3: many\n      city_4: 2.25\n",
    ).replace(  # and on an indicator that is not a count
        "    weight: 1.0\n    levels:",
        "    weight: 1.0\n    full_score_by_band:\n      city_1: 3\n    levels:",
    )
    path = write(tmp_path, text)

    problems = refused(path).splitlines()

    field = "indicators[1].full_score_by_band"
    expected = [
        f"{path}:{line_of(text, 'full_score_by_band')}: indicators[0].full_score_by_band: "
        "full_score_by_band は answer_type が count の指標にだけ書けます。",
        f"{path}:{line_of(text, 'village_small')}: {field}.village_small: "
        f"人口規模区分のコードではありません（書けるのは: {', '.join(BAND_CODES)}）。",
        f"{path}:{line_of(text, 'city_1: 0')}: {field}.city_1: "
        "満点とする値は0より大きい数にしてください。",
        f"{path}:{line_of(text, 'city_2: -1')}: {field}.city_2: "
        "満点とする値は0より大きい数にしてください。",
        f"{path}:{line_of(text, 'city_3: many')}: {field}.city_3: 数値で書いてください（現在: many）。",
        f"{path}:{line_of(text, 'city_4: 2.25')}: {field}.city_4: "
        "小数点以下は1桁までにしてください（現在: 2.25）。",
    ]
    assert problems == expected
    assert not Edition.objects.exists()


@pytest.mark.django_db
def test_bands_must_be_written_as_a_mapping(tmp_path):
    text = MINIMAL.replace(
        "    full_score_at: 27\n", "    full_score_at: 27\n    full_score_by_band: [city_1]\n"
    )
    path = write(tmp_path, text)

    err = refused(path)

    assert (
        f"{path}:{line_of(text, 'full_score_by_band')}: indicators[1].full_score_by_band: "
        "「区分のコード: 値」の形で書いてください（現在: 一覧）。"
    ) in err


@pytest.mark.django_db
def test_import_stores_the_bands_and_export_writes_them_in_band_order(tmp_path):
    framework_import(path=write(tmp_path, SCALED))
    indicator = Indicator.objects.get(code="ONL-01")
    assert indicator.full_score_by_band == {"designated_city": 60.0, "town_village_1": 3.0}

    exported = framework_export(edition=indicator.edition)

    # The file listed designated_city first; the export follows the bands' own order.
    assert (
        "    full_score_at: 27.0\n"
        "    full_score_by_band:\n"
        "      designated_city: 60.0\n"
        "      town_village_1: 3.0\n"
    ) in exported
    again = exported.replace('version: "2.0"', 'version: "2.1"')
    framework_import(path=write(tmp_path, again, "again.yaml"))
    second = Edition.objects.get(version="2.1")
    assert framework_export(edition=second) == again


@pytest.mark.django_db
def test_an_indicator_without_bands_has_no_key_in_the_export(tmp_path):
    framework_import(path=write(tmp_path, MINIMAL))
    exported = yaml.safe_load(framework_export(edition=Edition.objects.get()))
    count = next(i for i in exported["indicators"] if i["code"] == "ONL-01")
    assert "full_score_by_band" not in count


# --- clone, diff, the editor, corrections ------------------------------------------


@pytest.fixture
def scaled(tmp_path) -> Edition:
    framework_import(path=write(tmp_path, SCALED))
    return Edition.objects.get()


@pytest.mark.django_db
def test_a_clone_keeps_the_bands(scaled):
    draft = edition_clone(edition=scaled, version="3.0", title="次の版")

    copy = draft.indicators.get(code="ONL-01")
    assert copy.full_score_by_band == {"designated_city": 60.0, "town_village_1": 3.0}
    assert draft.indicators.exclude(full_score_by_band={}).count() == 1


@pytest.mark.django_db
def test_the_diff_names_a_change_of_bands(scaled):
    draft = edition_clone(edition=scaled, version="3.0", title="次の版")
    Indicator.objects.filter(edition=draft, code="ONL-01").update(
        full_score_by_band={"town_village_1": 5.0}
    )

    old = snapshot(edition_with_content(scaled))
    new = snapshot(edition_with_content(draft))
    changed = edition_diff(old, new).indicators_changed

    assert len(changed) == 1
    assert [(c.field, c.old, c.new) for c in changed[0].changes] == [
        ("full_score_by_band", "designated_city: 60, town_village_1: 3", "town_village_1: 5")
    ]
    rows = diff_tables(old, new).indicator_changes
    assert [(row.field, row.old, row.new) for row in rows] == [
        (
            "人口規模区分ごとの満点とする値",
            "政令指定都市: 60、町村 I（5千人未満）: 3",
            "町村 I（5千人未満）: 5",
        )
    ]


def _data(indicator: Indicator, **changes) -> IndicatorData:
    values = {
        "code": indicator.code,
        "stage": indicator.stage,
        "question": indicator.question,
        "answer_type": indicator.answer_type,
        "weight": indicator.weight,
        "unit": indicator.unit,
        "full_score_at": indicator.full_score_at,
    }
    return IndicatorData(**{**values, **changes})


@pytest.mark.django_db
def test_an_edit_in_the_editor_keeps_the_bands_unless_the_type_stops_being_a_count(scaled):
    draft = edition_clone(edition=scaled, version="3.0", title="次の版")
    indicator = draft.indicators.get(code="ONL-01")

    indicator_update(indicator=indicator, data=_data(indicator, question="言い換えた設問"))
    indicator.refresh_from_db()
    assert indicator.full_score_by_band == {"designated_city": 60.0, "town_village_1": 3.0}

    indicator_update(
        indicator=indicator, data=_data(indicator, answer_type="percentage", full_score_at=None)
    )
    indicator.refresh_from_db()
    assert indicator.full_score_by_band == {}


@pytest.mark.django_db
def test_correcting_citations_leaves_the_bands_alone(tmp_path, scaled):
    changed = _with_bands(MINIMAL, "      town_village_1: 9\n")
    out = StringIO()

    call_command(
        "import_framework",
        "--skip-existing",
        "--correct-sources",
        str(write(tmp_path, changed, "corrected.yaml")),
        stdout=out,
        stderr=StringIO(),
        verbosity=2,
    )

    indicator = Indicator.objects.get(code="ONL-01")
    assert indicator.full_score_by_band == {"designated_city": 60.0, "town_village_1": 3.0}
    assert indicator.edition.status == EditionStatus.PUBLISHED
    assert "    ONL-01: full_score_by_band" in out.getvalue()  # named, left alone


def test_the_bands_in_their_order_with_the_value_the_rule_gives():
    indicator = Indicator(answer_type=AnswerType.COUNT, full_score_at=Decimal("27"))
    indicator.full_score_by_band = BY_BAND  # designated_city after town_village_1 here
    assert [(band.code, value) for band, value in indicator.full_scores_by_band()] == [
        ("designated_city", Decimal("60.0")),
        ("town_village_1", Decimal("3.0")),
    ]


@pytest.mark.django_db
def test_the_catalogue_page_shows_the_bands(client, scaled):
    response = client.get(f"/catalogue/{scaled.framework.code}/{scaled.version}/")

    html = response.content.decode()
    assert "人口規模区分ごとの満点とする値" in html
    assert "政令指定都市: 60件、町村 I（5千人未満）: 3件" in html
