"""Checks on the default catalogue (issue 12): its files, read through the real reader and
validator, cite dated sources with https addresses, cite nothing dated after their own
edition, give every kind of local government a fair questionnaire in the newest edition,
and import cleanly, with the newest edition's lineage resolving to the editions before.

The files are the Makefile's DEFAULT_CATALOGUE, in its order. Everything but the import
reads plain data (no database), so the checks stay fast.
"""

import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from frameworks.catalogue_io import framework_import
from frameworks.catalogue_io.citations import citations
from frameworks.catalogue_io.reading import catalogue_read
from frameworks.catalogue_io.schema import Catalogue
from frameworks.catalogue_io.validating import catalogue_validate
from frameworks.lineage import lineage_graph
from frameworks.models import AnswerType, Edition, Indicator
from municipalities.models import MunicipalityKind

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("digitization", "digitalization", "transformation")
NEWEST = "2026"
# Indicators the FY2026 edition adds; every other one continues 2.3 under its code.
NEW_IN_2026 = {
    "STD-12",  # 特定移行支援システム
    "ONL-14",  # 52手続 online application rate
    "ONL-15",  # the prefectures' four car ownership procedures
    "FRN-11",  # forms and attachments reviewed
    "AIR-11",  # AI導入
    "AIR-12",  # RPA導入
    "TEL-11",  # 電子決裁率
    *(f"REL-0{n}" for n in range(1, 7)),  # アナログ規制, オープンデータ, 電子契約, デジタルデバイド
}
DROPPED_AFTER_2_3 = {"STD-08"}  # systems that would miss 31 March 2026: asked by STD-12 now


def default_catalogue_files() -> list[Path]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = re.search(r"^DEFAULT_CATALOGUE := (.+)$", makefile, re.M).group(1)
    return [ROOT / name for name in line.split()]


@cache
def catalogues() -> dict[str, Catalogue]:
    """version → the file as the validator hands it to the importer."""
    found = {}
    for path in default_catalogue_files():
        catalogue = catalogue_validate(document=catalogue_read(path=path), against_database=False)
        found[catalogue.edition.version] = catalogue
    return found


def sources_of(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(where, source) of the edition, every area and every indicator."""
    return (
        [("edition", catalogue.edition.source)]
        + [(area.code, area.source) for area in catalogue.areas]
        + [(indicator.code, indicator.source) for indicator in catalogue.indicators]
    )


def texts_of(catalogue: Catalogue) -> list[tuple[str, str]]:
    """(where, text) of everything a respondent or reader is shown, sources included."""
    texts = sources_of(catalogue)
    for area in catalogue.areas:
        texts += [(area.code, area.name), (area.code, area.description)]
        texts += [(area.code, area.name_en), (area.code, area.description_en)]
    for indicator in catalogue.indicators:
        texts += [
            (indicator.code, text)
            for text in (
                indicator.question,
                indicator.question_en,
                indicator.help_text,
                indicator.help_text_en,
                *(level.description for level in indicator.levels),
                *(level.label for level in indicator.levels),
                *(choice.label for choice in indicator.choices),
            )
        ]
    return texts


def test_the_makefile_loads_every_catalogue_file_oldest_first():
    files = default_catalogue_files()
    assert {path.name for path in files} == {
        path.name for path in (ROOT / "frameworks" / "catalogue").glob("*.yaml")
    }
    assert [catalogue.edition.version for catalogue in catalogues().values()] == [
        "2.0",
        "2.3",
        NEWEST,
    ]
    dates = [catalogue.edition.published_on for catalogue in catalogues().values()]
    assert dates == sorted(dates) and None not in dates
    # The FY2026 edition is dated within FY2026, on or before the day it was written.
    assert date(2026, 4, 1) <= catalogues()[NEWEST].edition.published_on <= date(2026, 12, 3)
    assert catalogues()[NEWEST].edition.predecessor == "2.3"


def test_every_indicator_cites_dated_sources_with_an_https_address():
    indicators = [i for c in catalogues().values() for i in c.indicators]
    assert len(indicators) == 80 + 96 + 108
    for indicator in indicators:
        cited = citations(indicator.source)
        assert cited, (indicator.code, indicator.source)  # 発行者「表題」（日付）, parsed
        assert all(c.publisher and c.title for c in cited), indicator.code
        assert indicator.source_url.startswith("https://"), (indicator.code, indicator.source_url)
    # Editions and areas cite theirs in the same form (they have no address of their own).
    for catalogue in catalogues().values():
        for where, source in sources_of(catalogue)[: 1 + len(catalogue.areas)]:
            assert citations(source), (catalogue.edition.version, where, source)


def test_no_edition_cites_a_document_dated_after_its_own_date():
    checked = 0
    for catalogue in catalogues().values():
        published_on = catalogue.edition.published_on
        for where, source in sources_of(catalogue):
            for citation in citations(source):
                checked += 1
                assert citation.earliest <= published_on, (
                    catalogue.edition.version,
                    where,
                    citation.text,
                )
    assert checked > 300


def test_no_text_names_a_guideline_or_plan_edition_later_than_its_own():
    """Help texts and descriptions too: 「令和6年10月版」 in a 2022 edition, or 第2.3版 in 2.0,
    would ask a past round about a document that did not exist yet."""
    plan_dates = {c.edition.version: c.edition.published_on for c in catalogues().values()}
    mentions = 0
    for catalogue in catalogues().values():
        published_on = catalogue.edition.published_on
        for where, text in texts_of(catalogue):
            for year, month in re.findall(r"令和([0-9]+)年([0-9]+)月版", text):
                mentions += 1
                assert date(2018 + int(year), int(month), 1) <= published_on, (where, text)
            for version in re.findall(r"第([0-9]+\.[0-9]+)版", text):
                if version in plan_dates:  # 第1.0版 of a 手順書 is no edition of the plan
                    mentions += 1
                    assert plan_dates[version] <= published_on, (where, version)
    assert mentions > 100


def test_indicators_cite_their_own_edition_of_the_plan_not_an_earlier_one():
    """2.3's indicators cite 第2.3版 (or the survey or guideline itself), never 第2.0版."""
    for catalogue in catalogues().values():
        (plan,) = [
            c.title for c in citations(catalogue.edition.source) if "推進計画【第" in c.title
        ]
        plan_citations = [
            c.title
            for indicator in catalogue.indicators
            for c in citations(indicator.source)
            if "推進計画【第" in c.title
        ]
        assert len(plan_citations) > 20, catalogue.edition.version
        assert set(plan_citations) == {plan}, catalogue.edition.version


def test_titles_are_the_documents_own():
    texts = [text for c in catalogues().values() for _where, text in texts_of(c)]
    assert any("地方自治体におけるAI・RPAの実証実験・導入状況等調査" in t for t in texts)
    assert not any("地方公共団体におけるAI・RPAの実証実験" in t for t in texts)
    newest = {i.code: i for i in catalogues()[NEWEST].indicators}
    assert "情報化統括責任者（CIO）" in newest["GOV-01"].question


def test_in_the_newest_edition_every_kind_of_body_has_two_scored_indicators_per_area_and_stage():
    catalogue = catalogues()[NEWEST]
    kinds = MunicipalityKind.values
    counts = Counter(
        (kind, indicator.area, indicator.stage)
        for indicator in catalogue.indicators
        if AnswerType(indicator.answer_type).is_scored
        for kind in (indicator.municipality_kinds or kinds)
    )
    assessed = {(kind, area) for kind, area, _stage in counts}
    cells = [
        (kind, area.code, stage)
        for kind in kinds
        for area in catalogue.areas
        if (kind, area.code) in assessed
        for stage in STAGES
    ]
    # Every kind, prefectures and 特別区 included, is assessed in every area.
    assert len(cells) == len(kinds) * len(catalogue.areas) * len(STAGES) == 8 * 9 * 3
    assert all(counts[cell] >= 2 for cell in cells), [c for c in cells if counts[c] < 2]


def test_the_newest_standardization_indicators_ask_each_body_about_its_own_business():
    """Prefectures run standard systems too (生活保護, 児童扶養手当; 東京都's 固定資産税), and
    the denominator is the body's own 所管する標準化対象業務, never a fixed 20."""
    standardization = [i for i in catalogues()[NEWEST].indicators if i.area == "standardization"]
    assert len(standardization) == 11
    assert all(not i.municipality_kinds for i in standardization)
    percentages = [i for i in standardization if i.answer_type == AnswerType.PERCENTAGE]
    assert [i.code for i in percentages] == ["STD-03", "STD-05"]
    for indicator in percentages:
        assert "所管する標準化対象業務のうち" in indicator.question
        assert "20で割" not in indicator.help_text
        assert "都道府県" in indicator.help_text and "特別区" in indicator.help_text


def test_the_newest_edition_is_not_framed_on_past_deadlines():
    newest = {i.code: i for i in catalogues()[NEWEST].indicators}
    assert DROPPED_AFTER_2_3.isdisjoint(newest)
    assert "特定移行支援システム" in newest["STD-12"].question
    texts = " ".join(text for _where, text in texts_of(catalogues()[NEWEST]))
    assert "2026年3月31日" not in texts
    assert "始まる" not in newest["ELT-03"].question
    assert "資格確認書" in newest["MNC-03"].question
    assert "マイナ保険証" in newest["MNC-03"].question


def test_the_procedure_indicators_name_their_procedures_or_the_official_list():
    newest = {i.code: i for i in catalogues()[NEWEST].indicators}
    twenty_six = newest["ONL-05"].help_text
    listed = re.findall(
        r"（([^（）]*(?:（[^（）]*）[^（）]*)*)）と、介護関係11手続（(.*?)）です", twenty_six
    )
    assert listed, twenty_six
    childcare, care = (part.split("、") for part in listed[0])
    assert (len(childcare), len(care)) == (15, 11)
    assert "妊娠の届出" in childcare and "要介護・要支援認定の申請" in care
    for code in ("ONL-06", "ONL-14"):
        assert "データの定義" in newest[code].help_text, code
        assert newest[code].source_url.endswith("/govdashboard/local-government-dx/description")


def test_the_newest_edition_asks_what_the_review_found_missing():
    newest = {i.code: i for i in catalogues()[NEWEST].indicators}
    expected = {
        "ONL-14": "52手続",
        "AIR-11": "AI",
        "AIR-12": "RPA",
        "REL-01": "アナログ規制",
        "REL-02": "オープンデータ",
        "REL-03": "電子契約",
        "REL-04": "デジタル推進委員",
        "TEL-11": "電子決裁",
    }
    for code, word in expected.items():
        assert word in newest[code].question, code
    assert newest["ONL-14"].answer_type == AnswerType.PERCENTAGE
    assert {c.code for c in newest["AIR-11"].choices} == {c.code for c in newest["AIR-12"].choices}


def test_the_foundation_sits_beside_the_ladder_with_the_governance_and_legal_items():
    for version in ("2.0", "2.3"):
        assert not any(area.is_foundation for area in catalogues()[version].areas)
    catalogue = catalogues()[NEWEST]
    assert [a.code for a in catalogue.areas if a.is_foundation] == ["governance"]
    governance = {i.code for i in catalogue.indicators if i.area == "governance"}
    assert {"GOV-01", "SEC-04", "SEC-10"} <= governance  # CIO, CISO, サイバーセキュリティ方針
    assert not {i.code for i in catalogue.indicators if i.area == "security"} & {"SEC-04", "SEC-10"}


@pytest.mark.django_db
def test_the_files_import_into_a_fresh_database_and_the_newest_lineage_resolves():
    results = [framework_import(path=path) for path in default_catalogue_files()]
    assert [(r.version, r.indicators) for r in results] == [("2.0", 80), ("2.3", 96), (NEWEST, 108)]
    editions = {e.version: e for e in Edition.objects.all()}
    newest, previous, first = editions[NEWEST], editions["2.3"], editions["2.0"]
    assert newest.predecessor == previous
    assert newest.areas.get(code="governance").is_foundation

    graph = lineage_graph(newest.framework_id)
    codes = dict(Indicator.objects.values_list("pk", "code"))
    continued = [node for node in graph.indicators_of(newest.pk) if node.code not in NEW_IN_2026]
    assert len(continued) == 96 - len(DROPPED_AFTER_2_3)
    for node in continued:
        # Recorded explicitly (not by the same-code fallback), one to one, same code.
        assert [codes[pk] for pk in graph.ancestors(node.pk, previous.pk)] == [node.code]
    new = [node for node in graph.indicators_of(newest.pk) if node.code in NEW_IN_2026]
    assert len(new) == len(NEW_IN_2026)
    assert all(graph.ancestors(node.pk, previous.pk) == [] for node in new)
    assert not newest.indicators.filter(lineage__isnull=True).exists()
    # Every 2.3 indicator goes on but the one dropped; 2.0's reach the newest through 2.3.
    dropped = [
        node.code
        for node in graph.indicators_of(previous.pk)
        if not graph.successors(node.pk, newest.pk)
    ]
    assert dropped == sorted(DROPPED_AFTER_2_3)
    cio_2_0 = first.indicators.get(code="GOV-01")
    assert [codes[pk] for pk in graph.successors(cio_2_0.pk, newest.pk)] == ["GOV-01"]
