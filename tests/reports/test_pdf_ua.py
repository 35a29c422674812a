"""What PDF/UA asks of the rendered report beyond WeasyPrint's tags (reports.pdf_ua), read with pikepdf."""

import io

import pikepdf
import pytest

from reports import glyphs


def _elements(pdf: pikepdf.Pdf):
    def walk(element, parents):
        if not isinstance(element, pikepdf.Dictionary) or "/S" not in element:
            return
        yield element, parents
        kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
        for kid in kids:
            yield from walk(kid, (*parents, str(element.S)))

    root = pdf.Root.StructTreeRoot.K
    for top in root if isinstance(root, pikepdf.Array) else [root]:
        yield from walk(top, ())


@pytest.fixture(scope="module")
def tagged(rendered) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(rendered.municipality_pdf))


def test_every_table_header_cell_has_a_scope(tagged):
    headers = [e for e, _ in _elements(tagged) if e.S == "/TH"]
    scopes = {str(e.A.get("/Scope")) for e in headers}
    assert len(headers) > 10
    assert all("/Scope" in e.A for e in headers)
    assert scopes == {"/Row", "/Column"}


def test_running_headers_and_page_numbers_are_artifacts(tagged):
    for page in list(tagged.pages)[1:]:
        marked = [op for op in pikepdf.parse_content_stream(page) if str(op.operator) == "BDC"]
        pagination = [
            op
            for op in marked
            if op.operands[0] == "/Artifact" and op.operands[1].get("/Type") == "/Pagination"
        ]
        assert len(pagination) >= 2  # the running header (and chapter) and the page number


def test_contents_links_are_not_nested_and_read_their_titles(tagged):
    links = [(e, parents) for e, parents in _elements(tagged) if e.S == "/Link"]
    assert len(links) >= 6
    assert all("/Link" not in parents for _, parents in links)
    names = [
        str(a.Contents)
        for page in tagged.pages
        for a in page.get("/Annots", [])
        if a.Subtype == "/Link"
    ]
    assert "1. 概要" in names and "付録 回答一覧" in names
    assert not {"summary", "appendix", "#summary"} & set(names)


def test_chart_alternative_text_states_the_figures(tagged):
    alts = [str(e.Alt) for e, _ in _elements(tagged) if e.S == "/Figure"]
    assert len(alts) >= 2
    assert all("：" in alt and "点" in alt or "は" in alt for alt in alts[:2])


def test_characters_the_fonts_lack_are_replaced_visibly():
    assert 0x1F600 not in glyphs.covered() and 0x30000 not in glyphs.covered()
    assert glyphs.printable("ok😀\ufe0f\U00030000𠮷\n") == "ok〓〓𠮷\n"
