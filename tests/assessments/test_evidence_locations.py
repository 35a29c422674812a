"""Evidence locations (issue 11, point 9): an http(s) URL or a place on a file share, checked
by one rule (assessments.evidence_links), stored as typed, shown as text and never linked."""

import pytest
from django.core.exceptions import ValidationError

from assessments.answer_values import IndicatorSpec, parse_answer
from assessments.evidence_links import check_evidence_location
from assessments.models import Answer
from dxportal.text_limits import URL_MAX
from tests.assessments.answering_support import open_all_types
from tests.frontend.page import Page

MATURITY = IndicatorSpec(answer_type="maturity", max_level=4)


@pytest.mark.parametrize(
    "location",
    [
        r"\\fileserver01\dx推進課\令和8年度\計画.pdf",
        r"\\10.0.0.5\共有 フォルダ",
        "\\\\fs\\share\\folder\\",  # a folder, with the trailing separator
        r"S:\DX推進課\計画.xlsx",
        "s:\\",
        r"Z:\ＤＸ推進課\全角の名前.docx",
        "https://docs.example.lg.jp/dx/plan?id=1#p2",
        "http://bunsho.city.example.lg.jp/",
    ],
)
def test_file_share_paths_and_web_addresses_are_accepted_as_typed(location):
    assert check_evidence_location(f"  {location} ") == location
    parsed = parse_answer(MATURITY, {"evidence_url": location})
    assert parsed.ok and parsed.values.evidence_url == location  # no NFKC: the path is exact


@pytest.mark.parametrize(
    "location",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://x/y",
        "example.jp/x",
        "https://",
        "https://docs example/x",
        r"\\server",  # no share
        r"\\server\share\a<b.pdf",
        r"\\server\share\a|b",
        "C:/Users/x",  # a drive path with / is not what Explorer copies
        "S:",
        r"..\計画.pdf",
        "S:\\計画\u202e.pdf",  # a right-to-left override would disguise the name
        "https://example.jp/\x00",
    ],
)
def test_anything_else_is_refused_with_one_message(location):
    with pytest.raises(
        ValueError, match="http:// または https:// で始まるURLか、ファイル共有の場所"
    ):
        check_evidence_location(location)
    assert "evidence_url" in parse_answer(MATURITY, {"evidence_url": location}).errors


def test_the_limit_is_counted_and_said():
    with pytest.raises(ValueError, match=f"{URL_MAX}文字以内"):
        check_evidence_location("S:\\" + "あ" * URL_MAX)


def test_the_model_refuses_what_the_pages_refuse():
    others = [f.name for f in Answer._meta.fields if f.name != "evidence_url"]
    with pytest.raises(ValidationError) as refused:
        Answer(evidence_url="javascript:alert(1)").clean_fields(exclude=others)
    assert "evidence_url" in refused.value.message_dict
    Answer(evidence_url=r"\\fs\share\x.pdf").clean_fields(exclude=others)


def test_the_answering_page_saves_a_share_path_and_shows_it_back(client, personas):
    all_types = open_all_types(personas)
    client.force_login(personas.respondent_a)
    location = r"\\fileserver01\dx推進課\令和8年度\計画.pdf"
    response = client.post(
        all_types.save_url("MAT-01"), {"base_version": 0, "level": "2", "evidence_url": location}
    )
    assert response.status_code == 302
    answer = Answer.objects.get(questionnaire=all_types.questionnaire, indicator__code="MAT-01")
    assert answer.evidence_url == location
    page = Page(client.get(all_types.area_url()).content.decode())
    field = page.one("input", id=f"a{answer.indicator_id}-evidence_url")
    assert field.attrs["value"] == location
    assert field.attrs["type"] == "text"  # not type=url, which would refuse the path
    hint = page.one("p", id=f"a{answer.indicator_id}-evidence_url-hint").text
    assert r"\\サーバー名\共有名\…" in hint and r"S:\…" in hint
