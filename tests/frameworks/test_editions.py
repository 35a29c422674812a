"""Edition life cycle: immutability once published, cloning with lineage, publishing rules, diff."""

from decimal import Decimal

import pytest

from frameworks.diff import edition_diff, snapshot
from frameworks.models import (
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    IndicatorLineage,
    LineageRelation,
    Stage,
)
from frameworks.rules import rubric_problems
from frameworks.selectors import edition_with_content
from frameworks.services import (
    CatalogueError,
    ChoiceData,
    IndicatorData,
    LevelData,
    area_create,
    area_move,
    edition_clone,
    edition_publish,
    edition_retire,
    indicator_create,
    indicator_update,
    lineage_set,
)

LEVELS = [LevelData(n, f"L{n}", f"レベル{n}の状態") for n in range(5)]


def _draft(version="1.0", predecessor=None) -> Edition:
    framework, _ = Framework.objects.get_or_create(
        code="jichitai-dx", defaults={"name": "自治体DX"}
    )
    edition = Edition.objects.create(
        framework=framework, version=version, title=f"第{version}版", predecessor=predecessor
    )
    for order, code in enumerate(["digitization", "digitalization", "transformation"], start=1):
        Stage.objects.create(edition=edition, code=code, order=order, name=code)
    return edition


def _maturity(code, stage, levels=LEVELS) -> IndicatorData:
    return IndicatorData(
        code=code, stage=stage, question=f"{code}の設問", answer_type="maturity", levels=levels
    )


@pytest.fixture
def published(db) -> Edition:
    edition = _draft()
    area = area_create(edition=edition, code="security", name="セキュリティ")
    stage = edition.stages.get(code="digitization")
    indicator_create(area=area, data=_maturity("SEC-01", stage))
    indicator_create(
        area=area,
        data=IndicatorData(
            code="SEC-02",
            stage=stage,
            question="CSIRTを設置していますか",
            answer_type="choice",
            choices=[ChoiceData("no", "いいえ", 0), ChoiceData("yes", "はい", 100)],
        ),
    )
    return edition_publish(edition=edition)


def test_published_edition_refuses_every_change(published):
    area = published.areas.get()
    stage = published.stages.first()
    before = Indicator.objects.count()
    with pytest.raises(CatalogueError, match="複製して新しい下書き"):
        area_create(edition=published, code="ai", name="AI")
    with pytest.raises(CatalogueError):
        indicator_create(area=area, data=_maturity("SEC-03", stage))
    with pytest.raises(CatalogueError):
        indicator_update(indicator=area.indicators.first(), data=_maturity("SEC-01", stage))
    with pytest.raises(CatalogueError):
        area_move(area=area, offset=1)
    assert Indicator.objects.count() == before


def test_clone_copies_everything_into_a_draft_linked_as_same(published):
    clone = edition_clone(edition=published, version="2.0", title="第2.0版")
    assert clone.status == EditionStatus.DRAFT and clone.predecessor == published
    assert clone.indicators.count() == published.indicators.count() == 2
    copied = clone.indicators.get(code="SEC-01")
    assert [lv.label for lv in copied.levels.all()] == [f"L{n}" for n in range(5)]
    assert list(clone.indicators.get(code="SEC-02").choices.values_list("score", flat=True)) == [
        0,
        100,
    ]
    assert {
        (link.predecessor.edition_id, link.relation) for link in IndicatorLineage.objects.all()
    } == {(published.pk, LineageRelation.SAME)}
    # The original is untouched and can still be retired.
    assert edition_retire(edition=published).status == EditionStatus.RETIRED


def test_clone_keeps_a_foundation_area_a_foundation(published):
    published.areas.filter(code="security").update(is_foundation=True)
    clone = edition_clone(edition=published, version="2.0", title="第2.0版")
    assert list(clone.areas.values_list("code", "is_foundation")) == list(
        published.areas.values_list("code", "is_foundation")
    )
    assert clone.areas.get(code="security").is_foundation


def test_clone_refuses_an_existing_version(published):
    with pytest.raises(CatalogueError, match="すでにあります"):
        edition_clone(edition=published, version="1.0", title="x")


def test_publish_lists_what_is_missing_and_changes_nothing(db):
    edition = _draft()
    area_create(edition=edition, code="empty", name="空の分野")
    with pytest.raises(CatalogueError) as refused:
        edition_publish(edition=edition)
    assert any("空の分野" in message for message in refused.value.messages)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.DRAFT


def test_rubric_with_a_gap_is_refused(db):
    edition = _draft()
    area = area_create(edition=edition, code="ai", name="AI")
    gap = [LEVELS[0], LEVELS[1], LEVELS[3]]
    with pytest.raises(CatalogueError, match="欠番"):
        indicator_create(area=area, data=_maturity("AI-01", edition.stages.first(), gap))
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    ("levels", "ok"), [([0, 1], True), ([0, 1, 2, 3, 4, 5], True), ([1, 2], False), ([0], False)]
)
def test_rubric_rule(levels, ok):
    assert (rubric_problems(levels) == []) is ok


def test_weight_out_of_range_is_refused(db):
    edition = _draft()
    area = area_create(edition=edition, code="ai", name="AI")
    data = _maturity("AI-01", edition.stages.first())
    data.weight = Decimal("12")
    with pytest.raises(CatalogueError, match="重み"):
        indicator_create(area=area, data=data)


def test_lineage_split_merged_and_new(published):
    successor = edition_clone(edition=published, version="2.0", title="第2.0版")
    split_a = successor.indicators.get(code="SEC-01")
    lineage_set(indicator=split_a, links=[("SEC-01", LineageRelation.SPLIT)])
    merged = successor.indicators.get(code="SEC-02")
    lineage_set(
        indicator=merged,
        links=[("SEC-01", LineageRelation.MERGED), ("SEC-02", LineageRelation.MERGED)],
    )
    assert merged.lineage.count() == 2
    assert lineage_set(indicator=split_a, links=[])[0].relation == LineageRelation.NEW
    with pytest.raises(CatalogueError, match="SEC-99"):
        lineage_set(indicator=merged, links=[("SEC-99", LineageRelation.SAME)])


def test_diff_names_added_removed_and_changed(published):
    successor = edition_clone(edition=published, version="2.0", title="第2.0版")
    stage = successor.stages.first()
    changed = successor.indicators.get(code="SEC-01")
    data = _maturity("SEC-01", stage)
    data.question = "新しい設問"
    indicator_update(indicator=changed, data=data)
    successor.indicators.get(code="SEC-02").delete()
    indicator_create(area=successor.areas.get(), data=_maturity("SEC-09", stage))

    diff = edition_diff(
        snapshot(edition_with_content(published)), snapshot(edition_with_content(successor))
    )
    assert [item.code for item in diff.indicators_added] == ["SEC-09"]
    assert [item.code for item in diff.indicators_removed] == ["SEC-02"]
    [item] = diff.indicators_changed
    assert item.code == "SEC-01"
    assert [(c.field, c.old, c.new) for c in item.changes] == [
        ("question", "SEC-01の設問", "新しい設問")
    ]
    same = edition_diff(
        snapshot(edition_with_content(published)), snapshot(edition_with_content(published))
    )
    assert same.is_empty
