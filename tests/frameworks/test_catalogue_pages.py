"""The public catalogue: editions as learning material, search, English, diff, query counts."""

from datetime import date
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dxportal.localized import localized_text
from frameworks.models import EditionStatus, Indicator, RubricLevel
from frameworks.services import edition_clone, edition_publish
from tests.frameworks.factories import EditionFactory, make_edition
from tests.frontend.page import Page

pytestmark = pytest.mark.django_db


def _url(edition, **query) -> str:
    url = reverse(
        "frameworks:edition",
        kwargs={"framework_code": edition.framework.code, "version": edition.version},
    )
    if query:
        url += "?" + urlencode(query)
    return url


def _page(client, url, status=200, **headers) -> Page:
    response = client.get(url, headers=headers)
    assert response.status_code == status
    return Page(response.content.decode())


# --- the list of editions ------------------------------------------------------------


def test_index_lists_published_and_retired_editions_newest_first(client):
    old = EditionFactory(version="1.0", published_on=date(2020, 12, 25), status="retired")
    current = EditionFactory(version="2.0", published_on=date(2022, 9, 2))
    draft = EditionFactory(version="3.0", published_on=date(2024, 4, 1), status="draft")
    page = _page(client, reverse("frameworks:index"))

    rows = [row.text for row in page.all("tr")[1:]]
    assert len(rows) == 2
    assert current.title in rows[0] and old.title in rows[1]
    assert draft.title not in page.html
    highlighted = page.one("tr", class_="table-primary")
    assert current.title in highlighted.text and "現在の版" in highlighted.text
    assert "廃止" in rows[1] and "2020年12月25日" in rows[1]
    assert old.title in page.html


def test_a_clone_published_without_a_source_date_counts_from_its_publication(client):
    EditionFactory(version="2.0", published_on=date(2022, 9, 2))
    newer = EditionFactory(version="2.1", published_on=None, published_at=timezone.now())
    page = _page(client, reverse("frameworks:index"))
    assert newer.title in page.one("tr", class_="table-primary").text


def test_index_offers_the_editor_only_to_editors(client, personas):
    assert "カタログを編集する" not in _page(client, reverse("frameworks:index")).html
    client.force_login(personas.catalogue_editor)
    assert "カタログを編集する" in _page(client, reverse("frameworks:index")).html


# --- one edition ------------------------------------------------------------------------


def test_edition_page_teaches_stages_areas_and_indicators(client):
    edition = make_edition(indicators=3)
    page = _page(client, _url(edition))

    stages = page.one("section", id="stages").text
    assert "デジタイゼーション" in stages and "紙や手作業をデジタルに置き換える段階。" in stages
    assert "到達の目安: 70点以上" in stages

    area = page.one("section", id="area-area-1")
    assert "取組分野1" in area.text and "この分野が何を指し、なぜ重要か。" in area.text
    assert "出典: 総務省「自治体DX推進計画」" in area.text

    maturity = page.one("article", id="indicator-STD-01")
    assert "指標1の取組状況を選んでください。" in maturity.text
    assert "成熟度レベル — レベル ÷ 最高レベル × 100" in maturity.text
    assert "未着手" in maturity.text and "継続的に改善の状態（STD-01）" in maturity.text
    assert "ルーブリック（5段階）を表示" in maturity.text
    assert "総務省「自治体DX・情報化推進概要」" in maturity.text
    assert "すべての団体" in maturity.text and "DX推進担当部署" in maturity.text

    choice = page.one("article", id="indicator-CHO-01").text
    assert "導入していない0" in choice and "全庁で導入100" in choice
    count = page.one("article", id="indicator-CNT-01").text
    assert "満点とする値 10人" in count
    assert "町、村" in count and "DX推進・情報政策、総務・人事" in count

    assert page.one("nav", **{"aria-labelledby": "toc-heading"})
    assert {a.attrs["href"] for a in toc_links(page)} >= {"#stages", "#area-area-1", "#area-area-2"}
    # Rubrics fold away so that the page stays scannable.
    assert len(page.all("details")) == 3


def toc_links(page: Page):
    return [a for a in page.all("a") if a.attrs.get("href", "").startswith("#")]


def test_indicators_are_grouped_by_stage_in_stage_order(client):
    edition = make_edition(indicators=6, areas=1, with_choice_and_count=False)
    page = _page(client, _url(edition))
    html = page.html
    positions = [html.index(f'id="indicator-STD-{n:02d}"') for n in (1, 4, 2, 5, 3, 6)]
    assert positions == sorted(positions)


def test_retired_edition_is_shown_with_a_note(client):
    edition = make_edition(status=EditionStatus.RETIRED)
    page = _page(client, _url(edition))
    assert "この版は廃止されました。" in page.html


def test_drafts_are_not_found_publicly(client):
    draft = make_edition(status=EditionStatus.DRAFT)
    _page(client, _url(draft), status=404)
    _page(
        client, reverse("frameworks:edition", kwargs={"framework_code": "x", "version": "9"}), 404
    )


# --- search -----------------------------------------------------------------------------


def test_search_by_question_text(client):
    edition = make_edition(indicators=3)
    page = _page(client, _url(edition, q="電子申請"))
    assert [a.attrs["id"] for a in page.all("article")] == ["indicator-CHO-01"]
    assert "「電子申請」に一致する指標は1件です。" in page.one("div", role="status").text
    assert "area-area-2" not in page.html  # areas without a hit are left out


def test_search_by_code_ignores_case_and_width(client):
    edition = make_edition(indicators=3)
    for query in ("std-02", "ＳＴＤ－０２", "STD-02"):
        page = _page(client, _url(edition, q=query))
        assert [a.attrs["id"] for a in page.all("article")] == ["indicator-STD-02"], query


def test_search_finds_rubric_text_and_help_text(client):
    edition = make_edition(indicators=2, with_choice_and_count=False)
    RubricLevel.objects.filter(indicator__code="STD-02", level=3).update(
        description="庁内のすべての窓口でキャッシュレス決済を使える。"
    )
    Indicator.objects.filter(code="STD-01").update(help_text="ガバメントクラウドへの移行を含む。")
    page = _page(client, _url(edition, q="キャッシュレス"))
    assert [a.attrs["id"] for a in page.all("article")] == ["indicator-STD-02"]
    page = _page(client, _url(edition, q="ガバメントクラウド"))
    assert [a.attrs["id"] for a in page.all("article")] == ["indicator-STD-01"]


def test_search_without_hits_says_so(client):
    edition = make_edition(indicators=3)
    page = _page(client, _url(edition, q="存在しない言葉"))
    assert page.all("article") == []
    assert "「存在しない言葉」に一致する指標はありません。" in page.one("div", role="status").text
    assert page.one("input", name="q").attrs["value"] == "存在しない言葉"


# --- English ----------------------------------------------------------------------------


def test_english_text_when_there_is_some_else_japanese(client):
    edition = make_edition(indicators=2, with_choice_and_count=False, title_en="DX plan edition")
    Indicator.objects.filter(code="STD-01").update(question_en="How far have you got?")
    page = _page(client, _url(edition), **{"Accept-Language": "en"})
    assert page.one("h1").text == "DX plan edition"
    assert "How far have you got?" in page.one("article", id="indicator-STD-01").text
    # No English question: the Japanese one is shown rather than nothing.
    assert "指標2の取組状況を選んでください。" in page.one("article", id="indicator-STD-02").text
    assert "Area 1" in page.html and "Digitization" in page.html

    japanese = _page(client, _url(edition), **{"Accept-Language": "ja"})
    assert "How far have you got?" not in japanese.html


def test_localized_text_falls_back_field_by_field():
    edition = EditionFactory.build(title="日本語の表題", title_en="")
    with translation.override("en"):
        assert localized_text(edition, "title") == "日本語の表題"
        edition.title_en = "English title"
        assert localized_text(edition, "title") == "English title"
    with translation.override("ja"):
        assert localized_text(edition, "title") == "日本語の表題"


# --- comparing editions -------------------------------------------------------------------


def test_public_diff_shows_a_changed_question(client):
    old = make_edition(version="1.0", indicators=2)
    new = make_edition(version="2.0", indicators=3)
    Indicator.objects.filter(edition=new, code="STD-01").update(question="新しい設問の文言")
    page = _page(client, reverse("frameworks:diff") + f"?old={old.pk}&new={new.pk}")
    changed = next(t for t in page.all("table") if "変更された指標" in t.text)
    assert "STD-01" in changed.text and "設問" in changed.text
    assert (
        "指標1の取組状況を選んでください。" in changed.text and "新しい設問の文言" in changed.text
    )
    added = next(t for t in page.all("table") if "追加された指標" in t.text)
    assert "STD-03" in added.text


def test_public_diff_refuses_drafts(client):
    published = make_edition(version="1.0")
    draft = make_edition(version="2.0", status=EditionStatus.DRAFT)
    page = _page(client, reverse("frameworks:diff") + f"?old={published.pk}&new={draft.pk}", 400)
    assert "変更された指標" not in page.html
    assert draft.title not in page.html  # not even offered as a choice


def test_diff_without_a_choice_shows_the_form(client):
    make_edition()
    page = _page(client, reverse("frameworks:diff"))
    assert page.one("select", name="old") and page.one("select", name="new")


# --- query counts -------------------------------------------------------------------------

# The look-up of the edition, the edition with its framework and predecessor,
# then one query each for stages, areas, indicators (with their stage), levels,
# choices, lineage and the lineage's predecessor indicators.
EDITION_PAGE_QUERIES = 9


@pytest.mark.parametrize("indicators", [3, 30])
def test_edition_page_queries_do_not_grow_with_indicators(
    client, django_assert_num_queries, indicators
):
    first = make_edition(indicators=indicators)
    edition = edition_clone(edition=first, version="9.0", title="第9.0版")  # with lineage
    edition_publish(edition=edition)
    with django_assert_num_queries(EDITION_PAGE_QUERIES):
        response = client.get(_url(edition))
    assert response.content.decode().count("<article") == indicators + 2
    with django_assert_num_queries(EDITION_PAGE_QUERIES):
        client.get(_url(edition, q="STD-01"))


@pytest.mark.parametrize("editions", [1, 5])
def test_index_is_one_query(client, django_assert_num_queries, editions):
    for _ in range(editions):
        make_edition(indicators=1, with_choice_and_count=False)
    with django_assert_num_queries(1):
        client.get(reverse("frameworks:index"))


def test_diff_queries_do_not_grow_with_indicators(client, django_assert_max_num_queries):
    old = make_edition(version="1.0", indicators=20)
    new = make_edition(version="2.0", indicators=30)
    with django_assert_max_num_queries(20):
        client.get(reverse("frameworks:diff") + f"?old={old.pk}&new={new.pk}")


def test_diff_names_the_area_an_indicator_moved_to(client):
    old = make_edition(version="1.0", indicators=2, with_choice_and_count=False)
    new = make_edition(version="2.0", indicators=2, with_choice_and_count=False)
    moved = Indicator.objects.get(edition=new, code="STD-01")
    moved.area = new.areas.get(code="area-2")
    moved.save()
    page = _page(client, reverse("frameworks:diff") + f"?old={old.pk}&new={new.pk}")
    changed = next(t for t in page.all("table") if "変更された指標" in t.text)
    assert "取組分野1（area-1）" in changed.text and "取組分野2（area-2）" in changed.text
