"""/results/rules/: the scoring rules in plain words, for anyone."""

import pytest
from django.urls import reverse

from frameworks.models import AnswerType, EditionStatus, Indicator, Stage
from tests.frameworks.factories import make_edition
from tests.frontend.page import Page

pytestmark = pytest.mark.django_db

URL = "/results/rules/"


def _page(client, **headers) -> Page:
    response = client.get(reverse("results:rules"), headers=headers)
    assert response.status_code == 200
    return Page(response.content.decode())


def test_the_url_is_results_rules():
    assert reverse("results:rules") == URL


def test_the_six_rules_are_there_in_plain_words(client):
    page = _page(client)
    assert page.one("h1").text == "採点のしかた"
    rules = [page.one("li", id=f"rule-{n}").text for n in range(1, 7)]
    assert "0〜100点に換算" in rules[0]
    for rule in [
        "レベル ÷ 最高レベル × 100",
        "はい = 100点、いいえ = 0点",
        "回答した割合がそのまま得点",
        "回答値 ÷ 満点とする値 × 100",
        "選んだ選択肢に設定された得点",
    ]:
        assert rule in rules[0]
    assert "計算から除き、0点にはしません" in rules[1] and "0点として数えます" in rules[1]
    assert "Σ（重み × 得点）÷ Σ（重み）" in rules[2] and "得点なし" in rules[2]
    assert "それより前の段階にもすべて到達" in rules[3] and "未着手" in rules[3]
    assert "回答率" in rules[4]
    assert (
        "総合得点、団体全体の到達段階には含めず" in rules[5] and "到達段階はありません" in rules[5]
    )


def test_the_foundation_areas_of_published_editions_are_named(client):
    with_one = make_edition(title="基盤のある版", version="2026")
    with_one.areas.filter(order=1).update(is_foundation=True, name="推進体制")
    make_edition(title="基盤のない版", version="2.3")
    foundations = _page(client).one("section", id="foundations").text
    assert "基盤のある版（版 2026）：推進体制" in foundations
    assert "基盤のない版" not in foundations


def test_stage_gating_is_shown_with_an_example(client):
    page = _page(client)
    rows = [page.one("tr", id=f"gating-{n}").text for n in (1, 2, 3)]
    assert rows[0] == "第1段階 80 60点以上 到達"
    assert rows[1] == "第2段階 55 60点以上 未到達"
    # The third stage scores 90 (≥ 70) but is not attained: the second is not.
    assert rows[2] == "第3段階 90 70点以上 未到達（前の段階が未到達）"


def test_the_worked_example_is_computed_by_the_rules(client):
    example = _page(client).one("section", id="example")
    assert "(1 × 50 + 2 × 100 + 1 × 0) ÷ (1 + 2 + 1) = 250 ÷ 4 = 62.5" in example.text
    assert "62.5点は目安の60点以上なので、この段階に到達しています。" in example.text
    assert "5指標中4指標に回答 = 80%" in example.text
    assert "該当しないため計算から除きます" in example.text
    assert "未回答は0点として数えます" in example.text


def test_thresholds_are_shown_for_published_editions_only(client):
    published = make_edition(title="公開中の版", version="2.0")
    Stage.objects.filter(edition=published, code="transformation").update(threshold=75)
    draft = make_edition(title="下書きの版", version="3.0", status=EditionStatus.DRAFT)
    Stage.objects.filter(edition=draft).update(threshold=99)
    make_edition(title="廃止の版", version="1.0", status=EditionStatus.RETIRED)

    thresholds = _page(client).one("section", id="thresholds").text
    assert "公開中の版" in thresholds and "版 2.0" in thresholds
    assert "1. デジタイゼーション 60点以上" in thresholds
    assert "3. デジタルトランスフォーメーション 75点以上" in thresholds
    assert "下書きの版" not in thresholds and "99点以上" not in thresholds
    assert "廃止の版" not in thresholds


def test_without_a_published_edition_the_page_says_so(client):
    assert "公開されている版はまだありません。" in _page(client).html


def test_stage_names_follow_the_language(client):
    make_edition()
    english = _page(client, accept_language="en").one("section", id="thresholds").text
    assert "Digitization" in english and "デジタイゼーション" not in english


def test_only_get(client):
    assert client.post(URL).status_code == 405


# The published editions, their stages, their foundation areas and their count indicators
# scaled by size band: four queries, however many editions.
RULES_PAGE_QUERIES = 4


@pytest.mark.parametrize("editions", [1, 3])
def test_rules_page_queries_do_not_grow(client, django_assert_num_queries, editions):
    for n in range(editions):
        make_edition(version=f"{n + 1}.0")
    with django_assert_num_queries(RULES_PAGE_QUERIES):
        page = _page(client)
    tables = [t for t in page.all("table") if t.attrs.get("id", "").startswith("thresholds-")]
    assert len(tables) == editions


def test_count_thresholds_by_size_band_are_listed_per_published_edition(client):
    published = make_edition(title="公開中の版", version="2.0")
    draft = make_edition(title="下書きの版", version="3.0", status=EditionStatus.DRAFT)
    for edition in (published, draft):
        Indicator.objects.filter(edition=edition, answer_type=AnswerType.COUNT).update(
            full_score_by_band={"designated_city": 20.0, "town_village_1": 2.0}
        )
    count = Indicator.objects.get(edition=published, answer_type=AnswerType.COUNT)

    page = _page(client)
    section = page.one("section", id="count-thresholds")

    tables = [t for t in page.all("table") if t.attrs.get("id", "").startswith("count-")]
    assert [t.attrs["id"] for t in tables] == ["count-thresholds-jichitai-dx-2.0"]  # published
    row = page.one("tr", id=f"count-threshold-{published.pk}-{count.code}")
    full = f"{count.full_score_at.normalize():f}{count.unit}"  # 10.0 → "10"
    assert row.text == (
        f"{count.code} {count.question} "
        f"政令指定都市: 20{count.unit}、町村 I（5千人未満）: 2{count.unit} {full}"
    )
    assert "下書きの版" not in section.text


def test_without_scaled_counts_the_rules_page_says_so(client):
    make_edition()
    section = _page(client).one("section", id="count-thresholds")
    assert "人口規模区分ごとに満点とする値を決めた指標はありません" in section.text
