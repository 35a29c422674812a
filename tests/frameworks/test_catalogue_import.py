"""manage.py import_framework: a valid file becomes an edition; a bad one names file, line and
field, exits non-zero and writes nothing; bombs and oversized files are refused at once."""

import json
import time
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from frameworks.catalogue_io import CatalogueFileError, framework_import
from frameworks.catalogue_io.reading import MAX_FILE_BYTES
from frameworks.models import (
    Choice,
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    IndicatorLineage,
    LineageRelation,
    PolicyArea,
    RubricLevel,
    Stage,
)

pytestmark = pytest.mark.django_db

MINIMAL = """\
format: dxportal-catalogue/1
framework:
  code: jichitai-dx
  name: 自治体DX成熟度評価
edition:
  version: "2.0"
  title: 自治体DX推進計画 第2.0版に基づく評価
  status: published
  source: 総務省「自治体DX推進計画【第2.0版】」
stages:
  - code: digitization
    name: デジタイゼーション
    threshold: 60
  - code: digitalization
    name: デジタライゼーション
    threshold: 70
areas:
  - code: standardization
    name: 情報システムの標準化・共通化
  - code: online
    name: 行政手続のオンライン化
indicators:
  - code: STD-01
    area: standardization
    stage: digitization
    question: 標準準拠システムへの移行計画を策定していますか。
    answer_type: maturity
    weight: 1.0
    levels:
      - level: 0
        label: 未着手
        description: 検討していない。
      - level: 1
        label: 検討中
        description: 移行計画を検討している。
      - level: 2
        label: 策定済み
        description: 移行計画を策定した。
  - code: ONL-01
    area: online
    stage: digitalization
    question: オンラインで申請できる手続はいくつありますか。
    answer_type: count
    weight: 2.0
    unit: 件
    full_score_at: 27
  - code: ONL-02
    area: online
    stage: digitalization
    question: マイナポータルとの連携方法は。
    answer_type: choice
    weight: 1.0
    choices:
      - code: none
        label: 連携していない
        score: 0
      - code: partial
        label: 一部の手続で連携
        score: 50
      - code: full
        label: すべての手続で連携
        score: 100
"""

CATALOGUE_MODELS = (
    Framework,
    Edition,
    Stage,
    PolicyArea,
    Indicator,
    RubricLevel,
    Choice,
    IndicatorLineage,
)


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in CATALOGUE_MODELS}


def write(tmp_path, text: str, name: str = "catalogue.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_import(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_framework", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args) -> str:
    """Import that must fail; returns what was written to stderr."""
    err = StringIO()
    with pytest.raises(CommandError, match="取り込みを中止しました"):
        call_command("import_framework", *map(str, args), stdout=StringIO(), stderr=err)
    return err.getvalue()


def line_of(text: str, marker: str, *, last: bool = False) -> int:
    index = text.rindex(marker) if last else text.index(marker)
    return text.count("\n", 0, index) + 1


def previous_edition(tmp_path) -> None:
    """Edition 1.0 of the same framework, with the indicators STD-01, ONL-01 and ONL-02."""
    text = MINIMAL.replace('version: "2.0"', 'version: "1.0"')
    run_import(write(tmp_path, text, "jichitai-dx-1.0.yaml"))


# --- a valid file -------------------------------------------------------------------


def test_a_valid_file_becomes_a_published_edition_with_everything_in_order(tmp_path):
    out, err = run_import(write(tmp_path, MINIMAL))

    assert "「jichitai-dx 2.0」を取り込みました（段階 2・分野 2・指標 3）。" in out
    assert err == ""
    edition = Edition.objects.get(framework__code="jichitai-dx", version="2.0")
    assert edition.status == EditionStatus.PUBLISHED
    assert edition.published_at is not None
    assert [s.code for s in edition.stages.all()] == ["digitization", "digitalization"]
    assert [(i.area.code, i.order, i.code) for i in edition.indicators.all()] == [
        ("standardization", 1, "STD-01"),
        ("online", 1, "ONL-01"),
        ("online", 2, "ONL-02"),
    ]
    count = Indicator.objects.get(code="ONL-01")
    assert (count.unit, str(count.full_score_at), str(count.weight)) == ("件", "27.0", "2.0")
    assert [lv.level for lv in RubricLevel.objects.all()] == [0, 1, 2]
    assert [(c.order, c.code, c.score) for c in Choice.objects.all()] == [
        (1, "none", 0),
        (2, "partial", 50),
        (3, "full", 100),
    ]
    # No predecessor edition: there is nothing to relate the indicators to.
    assert not IndicatorLineage.objects.exists()


def test_the_service_returns_the_counts(tmp_path):
    result = framework_import(path=write(tmp_path, MINIMAL))

    assert (result.framework, result.version) == ("jichitai-dx", "2.0")
    assert (result.stages, result.areas, result.indicators) == (2, 2, 3)
    assert not result.dry_run and not result.skipped


def test_json_with_the_same_structure_is_accepted_tab_indentation_included(tmp_path):
    text = json.dumps(yaml.safe_load(MINIMAL), ensure_ascii=False, indent="\t")
    out, _ = run_import(write(tmp_path, text, "catalogue.json"))

    assert "段階 2・分野 2・指標 3" in out
    assert Indicator.objects.get(code="ONL-01").full_score_at == 27


def test_a_json_problem_names_its_line(tmp_path):
    text = json.dumps(yaml.safe_load(MINIMAL), ensure_ascii=False, indent=2)
    text = text.replace('"weight": 2.0', '"weight": 12')
    path = write(tmp_path, text, "catalogue.json")

    err = refused(path)

    line = line_of(text, '"weight": 12')
    assert f"{path}:{line}: indicators[1].weight: 重みは0.1以上10以下" in err


def test_broken_json_names_its_line(tmp_path):
    path = write(tmp_path, '{\n  "format": "dxportal-catalogue/1",\n  "framework": \n}\n', "c.json")

    err = refused(path)

    assert f"{path}:4: JSON として読めません" in err


def test_dry_run_checks_and_counts_but_writes_nothing(tmp_path):
    before = rows()
    out, _ = run_import(write(tmp_path, MINIMAL), "--dry-run")

    assert "【確認のみ】「jichitai-dx 2.0」を取り込めます（段階 2・分野 2・指標 3）" in out
    assert rows() == before


def test_dry_run_of_the_service_writes_nothing(tmp_path):
    result = framework_import(path=write(tmp_path, MINIMAL), dry_run=True)

    assert result.dry_run and result.indicators == 3
    assert not Framework.objects.exists()


def test_dry_run_of_several_files_sees_the_earlier_ones(tmp_path):
    first = write(tmp_path, MINIMAL.replace('version: "2.0"', 'version: "1.0"'), "a.yaml")
    second = write(
        tmp_path,
        MINIMAL.replace("status: published", 'status: published\n  predecessor: "1.0"'),
        "b.yaml",
    )

    out, _ = run_import(first, second, "--dry-run")

    assert out.count("【確認のみ】") == 2
    assert not Edition.objects.exists()


def test_skip_existing_makes_a_second_run_a_no_op(tmp_path):
    path = write(tmp_path, MINIMAL)
    run_import(path)
    before = rows()

    out, _ = run_import(path, "--skip-existing")

    assert "「jichitai-dx 2.0」は既にあるため、取り込みを省略しました。" in out
    assert rows() == before


def test_skip_existing_still_refuses_a_broken_file(tmp_path):
    run_import(write(tmp_path, MINIMAL))
    broken = write(tmp_path, MINIMAL.replace("weight: 2.0", "weight: 12"), "broken.yaml")

    err = refused(broken, "--skip-existing")

    assert "indicators[1].weight" in err


def test_several_files_are_imported_in_order_each_after_its_predecessor(tmp_path):
    first = write(tmp_path, MINIMAL.replace('version: "2.0"', 'version: "1.0"'), "a.yaml")
    second = write(
        tmp_path,
        MINIMAL.replace("status: published", 'status: published\n  predecessor: "1.0"'),
        "b.yaml",
    )

    out, _ = run_import(first, second)

    assert "「jichitai-dx 1.0」を取り込みました" in out
    assert "「jichitai-dx 2.0」を取り込みました" in out
    edition = Edition.objects.get(version="2.0")
    assert edition.predecessor.version == "1.0"
    # Without predecessors in the file, each indicator is new in this edition.
    assert set(
        IndicatorLineage.objects.filter(indicator__edition=edition).values_list(
            "relation", "predecessor"
        )
    ) == {(LineageRelation.NEW, None)}


def test_the_first_bad_file_stops_the_run_and_earlier_files_stay(tmp_path):
    first = write(tmp_path, MINIMAL.replace('version: "2.0"', 'version: "1.0"'), "a.yaml")
    bad = write(tmp_path, MINIMAL.replace("weight: 2.0", "weight: 12"), "b.yaml")
    never = write(tmp_path, MINIMAL.replace('version: "2.0"', 'version: "3.0"'), "c.yaml")

    with pytest.raises(CommandError, match="それより前のファイルは取り込み済み"):
        call_command(
            "import_framework",
            str(first),
            str(bad),
            str(never),
            stdout=StringIO(),
            stderr=StringIO(),
        )

    assert list(Edition.objects.values_list("version", flat=True)) == ["1.0"]


def test_a_new_edition_of_an_existing_framework_keeps_the_framework_name(tmp_path):
    run_import(write(tmp_path, MINIMAL.replace('version: "2.0"', 'version: "1.0"'), "a.yaml"))
    renamed = MINIMAL.replace("name: 自治体DX成熟度評価", "name: 別の名前")

    out, _ = run_import(write(tmp_path, renamed, "b.yaml"))

    assert "注意: フレームワーク「jichitai-dx」は既にあるため、name は" in out
    assert Framework.objects.get().name == "自治体DX成熟度評価"


# --- refused files: file, line, field; nothing written -----------------------------

# (id, replace this, with this, field, the line is the one holding this text, message)
MALFORMED = [
    (
        "unknown key",
        "    weight: 2.0\n",
        "    weight: 2.0\n    colour: red\n",
        "indicators[1].colour",
        "colour: red",
        "不明な項目です",
    ),
    (
        "missing required field",
        "    question: 標準準拠システムへの移行計画を策定していますか。\n",
        "",
        "indicators[0].question",
        "- code: STD-01",
        "必須の項目がありません",
    ),
    (
        "wrong type",
        "threshold: 70",
        "threshold: high",
        "stages[1].threshold",
        "threshold: high",
        "整数で書いてください（現在: high）",
    ),
    (
        "wrong type for a text",
        "label: 検討中",
        "label: 12",
        "indicators[0].levels[1].label",
        "label: 12",
        "文字列で書いてください",
    ),
    (
        "a list where a mapping belongs",
        "framework:\n  code: jichitai-dx\n  name: 自治体DX成熟度評価\n",
        "framework:\n  - jichitai-dx\n",
        "framework",
        "framework:",
        "「項目名: 値」の形で書いてください",
    ),
    (
        "format",
        "format: dxportal-catalogue/1",
        "format: dxportal-catalogue/2",
        "format",
        "format:",
        "この形式は読み込めません",
    ),
    (
        "unknown area",
        "area: online\n    stage: digitalization\n    question: オンライン",
        "area: offline\n    stage: digitalization\n    question: オンライン",
        "indicators[1].area",
        "area: offline",
        "分野「offline」は areas にありません",
    ),
    (
        "unknown stage",
        "stage: digitization\n    question: 標準",
        "stage: dx\n    question: 標準",
        "indicators[0].stage",
        "stage: dx",
        "段階「dx」は stages にありません",
    ),
    (
        "duplicate stage code",
        "code: digitalization",
        "code: digitization",
        "stages[1].code",
        "- code: digitization",
        "段階のコード「digitization」が重複しています（11行目と同じ）",
    ),
    (
        "duplicate area code",
        "code: online",
        "code: standardization",
        "areas[1].code",
        "- code: standardization",
        "分野のコード「standardization」が重複しています",
    ),
    (
        "duplicate indicator code",
        "code: ONL-02",
        "code: ONL-01",
        "indicators[2].code",
        "- code: ONL-01",
        "指標のコード「ONL-01」が重複しています",
    ),
    (
        "duplicate choice code",
        "code: partial",
        "code: none",
        "indicators[2].choices[1].code",
        "- code: none",
        "選択肢のコード「none」が重複しています",
    ),
    (
        "gap in rubric levels",
        "      - level: 2",
        "      - level: 3",
        "indicators[0].levels",
        "    levels:",
        "ルーブリックのレベルは0から順に欠番なく並べてください（現在: 0, 1, 3）",
    ),
    (
        "weight out of range",
        "weight: 2.0",
        "weight: 12",
        "indicators[1].weight",
        "weight: 12",
        "重みは0.1以上10以下にしてください（現在: 12）。",
    ),
    (
        "weight with two decimals",
        "weight: 2.0",
        "weight: 2.25",
        "indicators[1].weight",
        "weight: 2.25",
        "小数点以下は1桁までにしてください",
    ),
    (
        "choice score out of range",
        "score: 100",
        "score: 120",
        "indicators[2].choices",
        "    choices:",
        "選択肢の得点は0〜100にしてください",
    ),
    (
        "count without full_score_at",
        "    full_score_at: 27\n",
        "",
        "indicators[1].full_score_at",
        "- code: ONL-01",
        "満点とする値",
    ),
    (
        "invalid municipality kind",
        "    weight: 2.0\n",
        "    weight: 2.0\n    municipality_kinds: [town, hamlet]\n",
        "indicators[1].municipality_kinds[1]",
        "municipality_kinds:",
        "（現在: hamlet）",
    ),
    (
        "invalid department kind",
        "    weight: 2.0\n",
        "    weight: 2.0\n    department_kinds: [dx_promotion, it]\n",
        "indicators[1].department_kinds[1]",
        "department_kinds:",
        "（現在: it）",
    ),
    (
        "levels on a non-maturity indicator",
        "    full_score_at: 27\n",
        "    full_score_at: 27\n    levels:\n      - level: 0\n        label: a\n        description: b\n",
        "indicators[1].levels",
        "    levels:\n      - level: 0\n        label: a",
        "levels は answer_type が maturity の指標にだけ書けます",
    ),
    (
        "choices on a non-choice indicator",
        "answer_type: choice",
        "answer_type: yes_no",
        "indicators[2].choices",
        "    choices:",
        "choices は answer_type が choice の指標にだけ書けます",
    ),
    (
        "unit on a non-count indicator",
        "    weight: 1.0\n    levels:",
        "    weight: 1.0\n    unit: 件\n    levels:",
        "indicators[0].unit",
        "unit: 件",
        "unit は answer_type が count の指標にだけ書けます",
    ),
    (
        "predecessors without edition.predecessor",
        "  - code: ONL-01\n",
        "    predecessors:\n      - code: STD-01\n        relation: same\n  - code: ONL-01\n",
        "indicators[0].predecessors",
        "    predecessors:",
        "edition.predecessor（前の版）が書かれていないため",
    ),
    (
        "predecessor edition missing from the database",
        "  status: published\n",
        '  status: published\n  predecessor: "1.5"\n',
        "edition.predecessor",
        "predecessor:",
        "前の版「jichitai-dx 1.5」がデータベースにありません",
    ),
    (
        "threshold below 1",
        "threshold: 60",
        "threshold: 0",
        "stages[0].threshold",
        "threshold: 0",
        "1以上100以下の整数にしてください（現在: 0）",
    ),
    (
        "threshold above 100",
        "threshold: 70",
        "threshold: 101",
        "stages[1].threshold",
        "threshold: 101",
        "1以上100以下の整数にしてください（現在: 101）",
    ),
    (
        "status",
        "status: published",
        "status: final",
        "edition.status",
        "status: final",
        "draft / published / retired のいずれかにしてください（現在: final）",
    ),
    (
        "answer type",
        "answer_type: count",
        "answer_type: number",
        "indicators[1].answer_type",
        "answer_type: number",
        "maturity / yes_no / percentage / count / choice / text のいずれか",
    ),
    (
        "unquoted version",
        'version: "2.0"',
        "version: 2.0",
        "edition.version",
        "version: 2.0",
        "引用符で囲んで",
    ),
    (
        "code that is not a slug",
        "code: digitalization",
        "code: デジタル化",
        "stages[1].code",
        "code: デジタル化",
        "半角英数字・ハイフン・アンダースコアだけで",
    ),
    (
        "text too long",
        "name: デジタイゼーション",
        "name: " + "あ" * 81,
        "stages[0].name",
        "name: ああ",
        "80文字以内にしてください（現在: 81文字）",
    ),
    (
        "invalid date",
        "  status: published\n",
        "  status: published\n  published_on: 2022-02-30\n",
        "edition.published_on",
        "published_on:",
        "存在しない日付です（現在: 2022-02-30）",
    ),
    (
        "invalid URL",
        "  status: published\n",
        "  status: published\n  source_url: soumu.go.jp\n",
        "edition.source_url",
        "source_url:",
        "URLの形式ではありません",
    ),
    (
        "no stages",
        "stages:\n  - code: digitization\n    name: デジタイゼーション\n    threshold: 60\n"
        "  - code: digitalization\n    name: デジタライゼーション\n    threshold: 70\n",
        "stages: []\n",
        "stages",
        "stages: []",
        "1つ以上必要です",
    ),
    (
        "foundation not true or false",
        "    name: 行政手続のオンライン化\n",
        "    name: 行政手続のオンライン化\n    foundation: はい\n",
        "areas[1].foundation",
        "foundation: はい",
        "true か false で書いてください",
    ),
    (
        "source dated after the edition",
        "  source: 総務省「自治体DX推進計画【第2.0版】」\n",
        "  published_on: 2022-09-02\n  source: 総務省「自治体DX推進計画【第2.3版】」（2024年2月5日）\n",
        "edition.source",
        "source: 総務省「自治体DX推進計画【第2.3版】」",
        "総務省「自治体DX推進計画【第2.3版】」（2024年2月5日） は版の日付（published_on: 2022-09-02）"
        "より後の資料です",
    ),
    (
        "key written twice",
        "  name: 自治体DX成熟度評価\n",
        "  name: 自治体DX成熟度評価\n  name: 別名\n",
        "framework.name",
        "name: 別名",
        "同じ項目が2回書かれています（4行目にもあります）",
    ),
]


@pytest.mark.parametrize(
    ("change_from", "change_to", "field", "marker", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in MALFORMED],
)
def test_a_malformed_file_names_file_line_and_field_and_writes_nothing(
    tmp_path, change_from, change_to, field, marker, message
):
    previous_edition(tmp_path)  # something in the database that must stay as it is
    assert MINIMAL.count(change_from) == 1, "the change must be unambiguous"
    text = MINIMAL.replace(change_from, change_to)
    path = write(tmp_path, text)
    before = rows()

    err = refused(path)

    line = line_of(text, marker, last=marker.startswith("- code:"))
    assert f"{path}:{line}: {field}: " in err
    problem = next(row for row in err.splitlines() if f": {field}: " in row)
    assert message in problem
    assert rows() == before


def test_a_published_edition_needs_an_indicator_in_every_area(tmp_path):
    text = MINIMAL.replace("area: online", "area: standardization")
    path = write(tmp_path, text)

    err = refused(path)

    assert f"{path}:{line_of(text, '- code: online')}: areas[1]: 公開する版では" in err
    # A draft may still be incomplete.
    run_import(write(tmp_path, text.replace("status: published", "status: draft"), "draft.yaml"))
    assert Edition.objects.get().status == EditionStatus.DRAFT


def test_a_foundation_area_is_imported_as_one(tmp_path):
    text = MINIMAL.replace(
        "    name: 行政手続のオンライン化\n",
        "    name: 行政手続のオンライン化\n    foundation: true\n",
    )
    run_import(write(tmp_path, text))
    assert dict(PolicyArea.objects.values_list("code", "is_foundation")) == {
        "standardization": False,
        "online": True,
    }


def test_not_every_area_can_be_a_foundation(tmp_path):
    text = MINIMAL.replace(
        "    name: 行政手続のオンライン化\n",
        "    name: 行政手続のオンライン化\n    foundation: true\n",
    )
    text = text.replace(
        "    name: 情報システムの標準化・共通化\n",
        "    name: 情報システムの標準化・共通化\n    foundation: true\n",
    )
    err = refused(write(tmp_path, text))
    assert "areas: すべての分野が foundation: true です" in err
    assert not Edition.objects.exists()


def test_an_indicator_citing_a_later_document_is_refused_and_its_line_named(tmp_path):
    later = "総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン（令和6年10月版）」（2024年10月）"
    text = MINIMAL.replace(
        "  status: published\n", "  published_on: 2022-09-02\n  status: published\n"
    )
    text = text.replace(
        "    answer_type: count\n",
        f"    answer_type: count\n    source: 総務省「A」（2022年9月2日）、{later}\n",
    )
    path = write(tmp_path, text)

    err = refused(path)

    assert (
        f"{path}:{line_of(text, 'source: 総務省「A」')}: indicators[1].source: {later} は版の日付"
        in err
    )
    assert not Edition.objects.exists()
    # The same citation in an edition dated after it, or a source that is not written as
    # citations, is accepted.
    run_import(write(tmp_path, text.replace("2022-09-02", "2024-10-31"), "later.yaml"))
    assert Edition.objects.get().published_on.isoformat() == "2024-10-31"


def test_free_text_sources_are_not_checked_for_dates(tmp_path):
    text = MINIMAL.replace(
        "  status: published\n", "  published_on: 2022-09-02\n  status: published\n"
    )
    text = text.replace(
        "    answer_type: count\n",
        "    answer_type: count\n    source: 総務省の調査（2024年10月公表）\n",
    )
    run_import(write(tmp_path, text))
    assert Indicator.objects.get(code="ONL-01").source == "総務省の調査（2024年10月公表）"


def test_every_problem_is_reported_at_once(tmp_path):
    text = (
        MINIMAL.replace("weight: 2.0", "weight: 12")
        .replace("threshold: 70", "threshold: 0")
        .replace("    weight: 1.0\n    levels:", "    weight: 1.0\n    colour: red\n    levels:")
    )
    path = write(tmp_path, text)

    problems = refused(path).splitlines()

    assert problems == [
        f"{path}:{line_of(text, 'threshold: 0')}: stages[1].threshold: 1以上100以下の整数にしてください（現在: 0）。",
        f"{path}:{line_of(text, 'colour: red')}: indicators[0].colour: 不明な項目です"
        "（書ける項目: code, area, stage, question, question_en, help, help_en, answer_type, "
        "weight, unit, full_score_at, full_score_by_band, municipality_kinds, department_kinds, "
        "source, "
        "source_url, levels, choices, predecessors）。",
        f"{path}:{line_of(text, 'weight: 12')}: indicators[1].weight: 重みは0.1以上10以下にしてください（現在: 12）。",
    ]


def test_the_number_of_problems_shown_is_limited(tmp_path):
    indicator = MINIMAL[MINIMAL.index("  - code: ONL-01") : MINIMAL.index("  - code: ONL-02")]
    many = "".join(
        indicator.replace("ONL-01", f"X-{n:03d}").replace("weight: 2.0", "weight: 99")
        for n in range(80)
    )
    path = write(tmp_path, MINIMAL.replace("  - code: ONL-02", many + "  - code: ONL-02"))

    err = refused(path)

    assert err.count("重みは0.1以上10以下") == 50
    assert "最初の50件だけ表示しています" in err


def test_an_existing_published_edition_is_immutable(tmp_path):
    path = write(tmp_path, MINIMAL)
    run_import(path)
    before = rows()

    err = refused(path)

    assert (
        f"{path}:{line_of(MINIMAL, 'version:')}: edition.version: 版「jichitai-dx 2.0」は既に公開されています。"
        "公開済みの版は変更できません" in err
    )
    assert rows() == before


def test_an_existing_draft_is_not_replaced_either(tmp_path):
    run_import(write(tmp_path, MINIMAL.replace("status: published", "status: draft"), "d.yaml"))

    err = refused(write(tmp_path, MINIMAL))

    assert "edition.version: 版「jichitai-dx 2.0」は既にあります（下書き）" in err


def test_a_predecessor_indicator_missing_from_that_edition_is_named(tmp_path):
    previous_edition(tmp_path)
    text = MINIMAL.replace("status: published", 'status: published\n  predecessor: "1.0"').replace(
        "  - code: ONL-01\n",
        "    predecessors:\n      - code: STD-01\n        relation: same\n"
        "      - code: STD-99\n        relation: merged\n  - code: ONL-01\n",
    )
    path = write(tmp_path, text)
    before = rows()

    err = refused(path)

    assert (
        f"{path}:{line_of(text, '- code: STD-99')}: indicators[0].predecessors[1].code: "
        "前の版（1.0）に指標「STD-99」はありません。" in err
    )
    assert rows() == before


def test_a_relation_other_than_same_split_merged_is_refused(tmp_path):
    previous_edition(tmp_path)
    text = MINIMAL.replace("status: published", 'status: published\n  predecessor: "1.0"').replace(
        "  - code: ONL-01\n",
        "    predecessors:\n      - code: STD-01\n        relation: new\n  - code: ONL-01\n",
    )
    path = write(tmp_path, text)

    err = refused(path)

    assert (
        f"{path}:{line_of(text, 'relation: new')}: indicators[0].predecessors[0].relation: "
        "same / split / merged のいずれかにしてください（現在: new）" in err
    )


def test_an_edition_cannot_be_its_own_predecessor(tmp_path):
    text = MINIMAL.replace("status: published", 'status: published\n  predecessor: "2.0"')

    err = refused(write(tmp_path, text))

    assert "edition.predecessor: 自分自身を前の版にはできません。" in err


# --- what YAML allows and a catalogue must not ----------------------------------------


def test_bad_yaml_names_the_line_and_the_parser_problem(tmp_path):
    text = MINIMAL.replace("name: 自治体DX成熟度評価", "name: 自治体DX: 成熟度: 評価")
    path = write(tmp_path, text)

    err = refused(path)

    assert f"{path}:4: YAML として読めません: mapping values are not allowed here" in err


def test_an_empty_file_is_refused(tmp_path):
    assert "ファイルが空です" in refused(write(tmp_path, "# nothing\n"))


def test_a_file_that_is_not_utf8_is_refused_with_the_line(tmp_path):
    path = tmp_path / "sjis.yaml"
    path.write_bytes(MINIMAL.encode("shift_jis"))

    assert f"{path}:4: UTF-8 として読めない文字があります" in refused(path)


def test_anchors_and_aliases_are_refused(tmp_path):
    text = MINIMAL.replace("weight: 1.0\n    levels:", "weight: &w 1.0\n    levels:")
    path = write(tmp_path, text)

    assert f"{path}:{line_of(text, '&w')}: アンカー・エイリアス（& と *）は使えません" in refused(
        path
    )


def test_a_merge_key_is_refused(tmp_path):
    text = MINIMAL.replace(
        "  name: 自治体DX成熟度評価\n", "  name: 自治体DX成熟度評価\n  <<: {name_en: DX}\n"
    )

    assert "framework.<<: 「<<」（マージキー）は使えません" in refused(write(tmp_path, text))


def test_python_tags_are_refused(tmp_path):
    text = MINIMAL.replace(
        "name: 自治体DX成熟度評価", "name: !!python/object/apply:os.system ['true']"
    )

    assert "YAML として読めません" in refused(write(tmp_path, text))


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_billion_laughs_file_is_refused_at_once(tmp_path):
    path = write(tmp_path, BILLION_LAUGHS)

    started = time.perf_counter()
    err = refused(path)
    elapsed = time.perf_counter() - started

    assert f"{path}:1: アンカー・エイリアス" in err
    assert elapsed < 1


def test_an_oversized_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "huge.yaml"
    # Valid YAML all the way: only the size can refuse it.
    comment = "# " + "x" * 97 + "\n"
    path.write_text(MINIMAL + comment * (3 * 1024 * 1024 // 100), encoding="utf-8")
    assert path.stat().st_size >= 3 * 1024 * 1024

    started = time.perf_counter()
    err = refused(path)
    elapsed = time.perf_counter() - started

    assert f"{path}: ファイルが大きすぎます（2 MB まで" in err
    assert elapsed < 1


def test_a_file_just_under_the_limit_is_read(tmp_path):
    padding = MAX_FILE_BYTES - len(MINIMAL.encode()) - 10
    path = write(tmp_path, MINIMAL + "#" * padding + "\n")

    out, _ = run_import(path)

    assert "指標 3" in out


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 200_000, id="flow"),
        pytest.param(
            "".join(f"{'  ' * n}k{n}:\n" for n in range(12)) + "  " * 12 + "v\n", id="block"
        ),
    ],
)
def test_deep_nesting_is_refused_at_once(tmp_path, text):
    path = write(tmp_path, text)

    started = time.perf_counter()
    err = refused(path)
    elapsed = time.perf_counter() - started

    assert "入れ子が深すぎます（10段まで）" in err
    assert elapsed < 1


def test_deep_json_is_refused(tmp_path):
    path = write(tmp_path, "[" * 50 + "]" * 50, "deep.json")

    assert "入れ子が深すぎます（10段まで）" in refused(path)


def test_a_missing_file_is_refused(tmp_path):
    assert "ファイルを読めません" in refused(tmp_path / "missing.yaml")


def test_the_error_carries_every_problem_for_other_callers(tmp_path):
    with pytest.raises(CatalogueFileError) as caught:
        framework_import(path=write(tmp_path, MINIMAL.replace("weight: 2.0", "weight: 12")))

    (problem,) = caught.value.problems
    assert (problem.field, problem.line) == (
        "indicators[1].weight",
        line_of(MINIMAL, "weight: 2.0"),
    )
