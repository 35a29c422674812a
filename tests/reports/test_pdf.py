"""The PDF itself: embedded Japanese fonts, extractable text, tags, metadata, page furniture."""

import re

import pytest

from reports.rendering import html_to_pdf
from tests.reports import pdf_tools
from tests.reports.report_support import COMMENT

# django_db: the module-scoped `rendered` needs the test database set up.
pytestmark = [pdf_tools.needs_poppler, pytest.mark.django_db]

BIZ = {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}
FALLBACK = "Noto-Sans-CJK-JP-Fallback"


def snippet_pdf(text: str) -> bytes:
    """A page in the report's stylesheet (html_to_pdf applies it) with just this text."""
    return html_to_pdf(
        f'<html lang="ja"><head><title>t</title></head><body><p>{text}</p></body></html>'
    )


def test_only_the_projects_fonts_are_embedded_as_subsets(rendered):
    for pdf in (rendered.municipality_pdf, rendered.department_pdf):
        fonts = pdf_tools.fonts(pdf)
        assert {font.name for font in fonts} >= BIZ
        assert {font.name for font in fonts} <= BIZ | {FALLBACK}
        assert all(font.embedded and font.subset for font in fonts)


def test_the_fallback_font_is_used_for_kanji_biz_udpgothic_lacks(caplog):
    assert FALLBACK in {f.name for f in pdf_tools.fonts(snippet_pdf("𠮷田さん"))}
    # A space next to the rare kanji is set in the fallback face: it has the glyph.
    snippet_pdf("<b>a</b> 𠮷 田")
    assert "notdef" not in caplog.text
    # 髙 and 﨑 are in BIZ UDPGothic itself: no fallback needed.
    assert {f.name for f in pdf_tools.fonts(snippet_pdf("髙橋さんと山﨑さん"))} == {"BIZ-UDPGothic"}


def test_the_text_can_be_extracted(rendered):
    text = pdf_tools.text(rendered.municipality_pdf)
    assert rendered.municipality in text
    for name in rendered.area_names:
        assert name in text
    assert COMMENT in text
    assert "2026年度（令和8年度）" in text
    department = pdf_tools.text(rendered.department_pdf)
    assert rendered.department in department
    assert COMMENT in department


def test_what_people_typed_is_printed_as_text_not_markup(rendered):
    assert '<script>alert("x")</script><b>太字</b>' in pdf_tools.text(rendered.municipality_pdf)
    assert "<script>" not in rendered.municipality_html
    assert "&lt;script&gt;" in rendered.municipality_html


def test_tagged_pdf_with_title_and_language(rendered):
    info = pdf_tools.info(rendered.municipality_pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == f"{rendered.municipality} 2026年度（令和8年度） 自治体DX評価報告書"
    assert info["Page size"].endswith("(A4)")
    catalog = pdf_tools.catalog(rendered.municipality_pdf)
    assert b"/Lang (ja)" in catalog
    assert b"/StructTreeRoot" in catalog
    assert b"/MarkInfo <</Marked true>>" in catalog


def test_first_page_is_not_blank(rendered):
    cover = pdf_tools.page_image(rendered.municipality_pdf, 1)
    assert pdf_tools.ink(cover) > 500


def test_table_of_contents_points_at_the_right_pages(rendered):
    pages = int(pdf_tools.info(rendered.municipality_pdf)["Pages"])
    toc = pdf_tools.text(rendered.municipality_pdf, layout=True).split("\f")[1]
    entries = dict(re.findall(r"^\s*(付録 回答一覧|\d\. \S+)\s+(\d+)\s*$", toc, re.MULTILINE))
    assert set(entries) >= {"1. 概要", "4. 他団体との比較", "5. 行動計画", "付録 回答一覧"}
    page_texts = pdf_tools.text(rendered.municipality_pdf).split("\f")
    for heading, page in entries.items():
        assert 2 < int(page) <= pages
        # The heading is on that page, below the running header.
        assert heading in page_texts[int(page) - 1].split("\n", 2)[-1]


def test_running_headers_and_page_numbers(rendered):
    page_texts = pdf_tools.text(rendered.municipality_pdf).split("\f")
    pages = int(pdf_tools.info(rendered.municipality_pdf)["Pages"])
    running = f"{rendered.municipality} 2026年度（令和8年度） 評価報告書"
    assert running not in page_texts[0]  # not on the cover
    assert "1/" not in page_texts[0].replace(" ", "")
    for number in range(2, pages + 1):
        assert running in page_texts[number - 1]
        assert f"{number}/{pages}" in page_texts[number - 1].replace(" ", "")
    # The chapter is in the header too: on its first page it appears twice.
    assert page_texts[2].count("1. 概要") == 2


@pytest.mark.parametrize("text", ["自治体DX", "〜（）「」、。・―ー：／％"])
def test_japanese_punctuation_needs_no_other_font(text):
    assert {f.name for f in pdf_tools.fonts(snippet_pdf(text))} == {"BIZ-UDPGothic"}


def test_an_open_rounds_report_is_marked_provisional_on_the_cover_and_every_page(rendered):
    for pdf in (rendered.municipality_pdf, rendered.department_pdf):
        page_texts = pdf_tools.text(pdf).split("\f")
        pages = int(pdf_tools.info(pdf)["Pages"])
        assert pages > 2
        assert re.search(r"暫定（回答期間中）：回答率 \d+\.\d%", page_texts[0])
        for number in range(2, pages + 1):
            assert "【暫定・回答期間中】" in page_texts[number - 1]
