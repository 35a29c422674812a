"""The default catalogue loaded by `make run` meets what the product promises."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command

from frameworks.models import AnswerType, Edition, IndicatorLineage, LineageRelation

CATALOGUE = Path(__file__).resolve().parents[2] / "frameworks" / "catalogue"
POLICY_AREAS_2_0 = {
    "standardization",
    "mynumber_card",
    "online_procedures",
    "ai_rpa",
    "telework",
    "security",
}


@pytest.fixture
def editions(db):
    call_command(
        "import_framework",
        str(CATALOGUE / "jichitai-dx-2.0.yaml"),
        str(CATALOGUE / "jichitai-dx-2.3.yaml"),
        str(CATALOGUE / "jichitai-dx-2026.yaml"),
        verbosity=0,
    )
    return {e.version: e for e in Edition.objects.all()}


def test_edition_2_0_has_six_policy_areas_plus_governance(editions):
    codes = set(editions["2.0"].areas.values_list("code", flat=True))
    assert codes == POLICY_AREAS_2_0 | {"governance"}


def test_edition_2_3_adds_frontyard_and_eltax_and_merges_my_number_with_online(editions):
    codes = set(editions["2.3"].areas.values_list("code", flat=True))
    assert {"frontyard", "eltax"} <= codes
    assert "online_procedures" not in codes
    assert len(codes - {"governance"}) == 7


@pytest.mark.parametrize("version", ["2.0", "2.3", "2026"])
def test_every_area_covers_all_three_stages(editions, version):
    edition = editions[version]
    covered = Counter(edition.indicators.values_list("area__code", "stage__code"))
    for area in edition.areas.all():
        for stage in edition.stages.all():
            assert covered[(area.code, stage.code)] >= 2, (area.code, stage.code)


@pytest.mark.parametrize("version", ["2.0", "2.3", "2026"])
def test_every_indicator_is_explained_scaled_assigned_and_sourced(editions, version):
    indicators = editions[version].indicators.prefetch_related("levels", "choices")
    assert len(indicators) >= 54
    for indicator in indicators:
        assert indicator.help_text.strip(), indicator.code
        assert indicator.source.strip(), indicator.code
        assert indicator.department_kinds, indicator.code
        if indicator.answer_type == AnswerType.MATURITY:
            assert [lv.level for lv in indicator.levels.all()] == list(range(5)), indicator.code
        if indicator.answer_type == AnswerType.CHOICE:
            assert len(indicator.choices.all()) >= 2, indicator.code
        if indicator.answer_type == AnswerType.COUNT:
            assert indicator.full_score_at and indicator.unit, indicator.code


def test_edition_2026_keeps_2_3s_areas_with_the_foundation_first_and_adds_related_measures(
    editions,
):
    codes = list(editions["2026"].areas.values_list("code", flat=True))
    assert codes[0] == "governance"
    assert set(codes) == set(editions["2.3"].areas.values_list("code", flat=True)) | {
        "related_measures"
    }


def test_edition_2_3_maps_every_carried_indicator_to_2_0(editions):
    newer = editions["2.3"]
    lineage = IndicatorLineage.objects.filter(indicator__edition=newer)
    relations = Counter(lineage.values_list("relation", flat=True))
    assert relations[LineageRelation.SAME] >= 70
    assert relations[LineageRelation.SPLIT] == 2  # 書かない窓口・行かない窓口
    assert relations[LineageRelation.NEW] >= 10
    assert not newer.indicators.filter(lineage__isnull=True).exists()
    assert set(
        lineage.exclude(predecessor=None).values_list("predecessor__edition", flat=True)
    ) == {editions["2.0"].pk}
