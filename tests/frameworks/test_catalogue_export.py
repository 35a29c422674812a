"""manage.py export_framework: deterministic YAML in the key order of FORMAT.md, and
export → import into an empty database → export gives the same bytes."""

import re
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from frameworks.catalogue_io import framework_export, framework_import
from frameworks.catalogue_io import schema as keys
from frameworks.models import (
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    IndicatorLineage,
    LineageRelation,
)
from frameworks.services import edition_clone
from tests.frameworks.factories import make_edition

pytestmark = pytest.mark.django_db

FRAMEWORKS_DIR = Path(__file__).resolve().parents[2] / "frameworks"

# Every optional key, every answer type, multi-line and quoted text, long lines, YAML
# words that must stay strings: written exactly as the exporter writes it.
FULL = """\
format: dxportal-catalogue/1
framework:
  code: jichitai-dx
  name: 自治体DX成熟度評価
  name_en: Municipal DX maturity
  description: 総務省の自治体DX推進計画に沿って、取組の到達度を自己評価します。
  description_en: A self-assessment along the national plan.
edition:
  version: "2.0"
  title: 自治体DX推進計画 第2.0版に基づく評価
  title_en: Assessment based on the plan, edition 2.0
  published_on: 2022-09-02
  status: draft
  source: 総務省「自治体DX推進計画【第2.0版】」（2022年9月2日）
  source_url: https://www.soumu.go.jp/main_content/000835167.pdf
stages:
  - code: digitization
    name: デジタイゼーション
    name_en: Digitization
    description: |-
      紙や手作業をデジタルに置き換える段階。
      例: 申請書の電子化。
    description_en: Paper to digital.
    threshold: 60
  - code: transformation
    name: DX
    threshold: 80
areas:
  - code: standardization
    name: 情報システムの標準化・共通化
    name_en: Standardization
    description: 基幹業務システムを国の標準仕様に準拠したシステムへ移行することで、自治体ごとの個別開発をなくし、費用と手間を減らします。移行は2025年度末までが目標とされています。
    description_en: 'Moving core systems to the national standard: less cost.'
    source: 総務省「自治体情報システムの標準化・共通化に係る手順書」
  - code: online
    name: 行政手続のオンライン化
    foundation: true
indicators:
  - code: STD-01
    area: standardization
    stage: digitization
    question: 標準準拠システムへの移行計画を策定していますか。
    question_en: Has a migration plan been drawn up?
    help: |
      移行計画とは、対象となる20業務それぞれの移行時期を定めたものです。
      「検討中」は、庁内で検討を始めた段階を指します。
    help_en: The plan sets a date for each of the 20 services.
    answer_type: maturity
    weight: 1.5
    municipality_kinds: [city, town, village]
    department_kinds: [dx_promotion, general_affairs]
    source: 総務省「自治体DX・情報化推進概要」令和5年度
    source_url: https://www.soumu.go.jp/denshijiti/
    levels:
      - level: 0
        label: 未着手
        label_en: Not started
        description: 検討していない。
        description_en: Nothing yet.
      - level: 1
        label: 検討中
        description: 'いいえ: 移行計画を検討している。'
      - level: 2
        label: 策定済み
        description: 移行計画を策定した。
  - code: STD-02
    area: standardization
    stage: transformation
    question: ガバメントクラウドを利用していますか。
    answer_type: yes_no
    weight: 10.0
  - code: ONL-01
    area: online
    stage: digitization
    question: オンラインで申請できる手続はいくつありますか。
    answer_type: count
    weight: 0.1
    unit: 件
    full_score_at: 27.5
    full_score_by_band:
      designated_city: 60.0
      town_village_1: 5.5
  - code: ONL-02
    area: online
    stage: transformation
    question: マイナポータルとの連携方法は。
    answer_type: choice
    weight: 1.0
    choices:
      - code: 'no'
        label: 連携していない
        label_en: Not linked
        score: 0
      - code: partial
        label: 一部の手続で連携
        score: 50
      - code: 'yes'
        label: すべての手続で連携
        score: 100
  - code: ONL-03
    area: online
    stage: transformation
    question: オンライン申請の利用率（％）は。
    answer_type: percentage
    weight: 2.0
  - code: ONL-04
    area: online
    stage: transformation
    question: 課題を自由に書いてください。
    answer_type: text
    weight: 1.0
"""


def import_text(tmp_path, text: str, name: str) -> Edition:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = framework_import(path=path)
    return Edition.objects.get(framework__code=result.framework, version=result.version)


def empty_the_catalogue() -> None:
    IndicatorLineage.objects.all().delete()
    Indicator.objects.all().delete()  # with their levels and choices
    Edition.objects.update(predecessor=None)
    Edition.objects.all().delete()  # with their stages and areas
    Framework.objects.all().delete()


def round_trip(tmp_path, editions: list[Edition]) -> tuple[list[str], list[str]]:
    """Export, empty the database, import the exports in order, export again."""
    first = [framework_export(edition=edition) for edition in editions]
    empty_the_catalogue()
    again = [import_text(tmp_path, text, f"export-{n}.yaml") for n, text in enumerate(first)]
    return first, [framework_export(edition=edition) for edition in again]


def test_the_export_is_exactly_the_documented_form(tmp_path):
    edition = import_text(tmp_path, FULL, "full.yaml")

    assert framework_export(edition=edition) == FULL


def test_export_import_export_is_byte_identical(tmp_path):
    edition = import_text(tmp_path, FULL, "full.yaml")

    first, second = round_trip(tmp_path, [edition])

    assert second == first


def test_optional_keys_are_left_out_when_empty(tmp_path):
    from tests.frameworks.test_catalogue_import import MINIMAL

    edition = import_text(tmp_path, MINIMAL, "minimal.yaml")

    # Only the number form differs: one decimal place, always.
    assert framework_export(edition=edition) == MINIMAL.replace(
        "full_score_at: 27\n", "full_score_at: 27.0\n"
    )


def _edition_text(version: str, indicators: str, predecessor: str = "") -> str:
    predecessor_line = f'  predecessor: "{predecessor}"\n' if predecessor else ""
    return (
        "format: dxportal-catalogue/1\n"
        "framework:\n  code: jichitai-dx\n  name: 自治体DX\n"
        f'edition:\n  version: "{version}"\n  title: 第{version}版\n  status: published\n'
        f"{predecessor_line}"
        "stages:\n  - code: digitization\n    name: デジタイゼーション\n    threshold: 60\n"
        "areas:\n  - code: standardization\n    name: 標準化\n"
        f"indicators:\n{indicators}"
    )


def _indicator(code: str, links: list[tuple[str, str]] = ()) -> str:
    text = (
        f"  - code: {code}\n    area: standardization\n    stage: digitization\n"
        f"    question: {code}に取り組んでいますか。\n    answer_type: yes_no\n    weight: 1.0\n"
    )
    if links:
        text += "    predecessors:\n" + "".join(
            f"      - code: {old}\n        relation: {relation}\n" for old, relation in links
        )
    return text


def test_lineage_same_split_merged_and_new_round_trips(tmp_path):
    old = import_text(
        tmp_path,
        _edition_text(
            "1.0", "".join(_indicator(code) for code in ["A-01", "A-02", "A-03", "A-04"])
        ),
        "1.0.yaml",
    )
    new = import_text(
        tmp_path,
        _edition_text(
            "2.0",
            _indicator("A-01", [("A-01", "same")])
            + _indicator("A-02a", [("A-02", "split")])
            + _indicator("A-02b", [("A-02", "split")])
            + _indicator("A-34", [("A-03", "merged"), ("A-04", "merged")])
            + _indicator("N-01"),
            predecessor="1.0",
        ),
        "2.0.yaml",
    )
    assert sorted(
        IndicatorLineage.objects.filter(indicator__edition=new).values_list(
            "indicator__code", "predecessor__code", "relation"
        ),
        key=str,
    ) == sorted(
        [
            ("A-01", "A-01", LineageRelation.SAME),
            ("A-02a", "A-02", LineageRelation.SPLIT),
            ("A-02b", "A-02", LineageRelation.SPLIT),
            ("A-34", "A-03", LineageRelation.MERGED),
            ("A-34", "A-04", LineageRelation.MERGED),
            ("N-01", None, LineageRelation.NEW),
        ],
        key=str,
    )

    first, second = round_trip(tmp_path, [old, new])

    assert second == first
    exported = yaml.safe_load(first[1])
    assert exported["edition"]["predecessor"] == "1.0"
    by_code = {item["code"]: item for item in exported["indicators"]}
    assert by_code["A-34"]["predecessors"] == [
        {"code": "A-03", "relation": "merged"},
        {"code": "A-04", "relation": "merged"},
    ]
    assert "predecessors" not in by_code["N-01"]  # new: no key at all


def test_an_edition_made_in_the_editor_round_trips(tmp_path):
    published = make_edition(indicators=5, areas=2)
    draft = edition_clone(edition=published, version="9.0", title="次の版")
    indicators = draft.indicators.count()

    first, second = round_trip(tmp_path, [published, draft])

    assert second == first
    assert first[1].count("relation: same") == indicators


def test_keys_follow_the_order_of_format_md(tmp_path):
    documented = _documented_keys()
    assert documented == {
        "": list(keys.TOP_KEYS),
        "framework": list(keys.FRAMEWORK_KEYS),
        "edition": list(keys.EDITION_KEYS),
        "stages": list(keys.STAGE_KEYS),
        "areas": list(keys.AREA_KEYS),
        "indicators": list(keys.INDICATOR_KEYS),
        "levels": list(keys.LEVEL_KEYS),
        "choices": list(keys.CHOICE_KEYS),
        "predecessors": list(keys.PREDECESSOR_KEYS),
    }
    edition = import_text(tmp_path, FULL, "full.yaml")
    exported = yaml.safe_load(framework_export(edition=edition))

    def assert_in_documented_order(item: dict, section: str):
        written = list(item)
        assert written == [key for key in documented[section] if key in written], section

    assert_in_documented_order(exported, "")
    assert_in_documented_order(exported["framework"], "framework")
    assert_in_documented_order(exported["edition"], "edition")
    for section in ("stages", "areas", "indicators"):
        for item in exported[section]:
            assert_in_documented_order(item, section)
    for indicator in exported["indicators"]:
        for section in ("levels", "choices", "predecessors"):
            for item in indicator.get(section, []):
                assert_in_documented_order(item, section)


def _documented_keys() -> dict[str, list[str]]:
    """The keys of each part of the example in FORMAT.md, in the order shown."""
    text = (FRAMEWORKS_DIR / "FORMAT.md").read_text(encoding="utf-8")
    example = yaml.safe_load(re.search(r"```yaml\n(.*?)```", text, re.S).group(1))
    indicator = example["indicators"][0]
    return {
        "": list(example),
        "framework": list(example["framework"]),
        "edition": list(example["edition"]),
        "stages": list(example["stages"][0]),
        "areas": list(example["areas"][0]),
        "indicators": list(indicator),
        "levels": list(indicator["levels"][0]),
        "choices": list(indicator["choices"][0]),
        "predecessors": list(indicator["predecessors"][0]),
    }


def test_the_export_takes_the_same_few_queries_however_large_the_edition(
    django_assert_num_queries,
):
    small = make_edition(indicators=2, areas=1)
    large = make_edition(indicators=40, areas=4)
    draft = edition_clone(edition=large, version="99.0", title="次")

    for edition in (small, large, draft):
        with django_assert_num_queries(7):
            framework_export(edition=edition)


# --- the command --------------------------------------------------------------------


def run_export(*args) -> str:
    out = StringIO()
    call_command("export_framework", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_the_file_without_o(tmp_path):
    import_text(tmp_path, FULL, "full.yaml")

    assert run_export("jichitai-dx:2.0") == FULL
    assert run_export("2.0") == FULL  # the version alone is enough when it is unambiguous


def test_the_command_writes_a_utf8_file_with_o(tmp_path):
    import_text(tmp_path, FULL, "full.yaml")
    target = tmp_path / "out.yaml"

    out = run_export("jichitai-dx:2.0", "-o", target)

    assert target.read_bytes() == FULL.encode("utf-8")
    assert f"「jichitai-dx 2.0」を {target} に書き出しました。" in out


def test_an_unknown_edition_is_a_command_error(tmp_path):
    import_text(tmp_path, FULL, "full.yaml")

    with pytest.raises(
        CommandError, match=r"版「jichitai-dx:3\.0」はありません（あるのは: jichitai-dx:2\.0）"
    ):
        run_export("jichitai-dx:3.0")


def test_a_version_in_two_frameworks_needs_the_framework_code(tmp_path):
    import_text(tmp_path, FULL, "full.yaml")
    import_text(tmp_path, FULL.replace("code: jichitai-dx", "code: other"), "other.yaml")

    with pytest.raises(CommandError, match="複数のフレームワークにあります"):
        run_export("2.0")
    assert "code: other" in run_export("other:2.0")


def test_the_editor_status_survives(tmp_path):
    edition = import_text(tmp_path, FULL.replace("status: draft", "status: retired"), "r.yaml")

    assert edition.status == EditionStatus.RETIRED
    assert "  status: retired\n" in framework_export(edition=edition)


# --- the default catalogue ------------------------------------------------------------


def test_default_catalogue_round_trips(tmp_path):
    files = sorted((FRAMEWORKS_DIR / "catalogue").glob("*.yaml"))
    assert files, "frameworks/catalogue/*.yaml: the default catalogue is missing"

    editions = []
    for file in files:
        result = framework_import(path=file)
        editions.append(
            Edition.objects.get(framework__code=result.framework, version=result.version)
        )

    first, second = round_trip(tmp_path, editions)

    assert second == first
