"""import_framework --correct-sources: how a corrected file reaches an installation that
already has the edition (issue 12, point 6). Only the citation fields change, each change
is audited, every other difference is named and left alone, and a file of another shape
is refused without writing anything."""

from io import StringIO

import pytest
from django.core.management import call_command

from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from frameworks.catalogue_io import framework_import
from frameworks.models import Edition, EditionStatus, Indicator, PolicyArea
from tests.frameworks.test_catalogue_import import MINIMAL, refused, rows, write

pytestmark = pytest.mark.django_db

CITED = "総務省「自治体DX推進計画【第2.0版】」（2022年9月2日）"
URL = "https://www.soumu.go.jp/denshijiti/index_00001.html"
CORRECTED = (
    MINIMAL.replace(
        "  source: 総務省「自治体DX推進計画【第2.0版】」\n",
        f"  published_on: 2022-09-02\n  source: {CITED}\n  source_url: {URL}\n",
    )
    .replace(
        "    name: 行政手続のオンライン化\n",
        f"    name: 行政手続のオンライン化\n    source: {CITED}\n",
    )
    .replace(
        "    answer_type: count\n",
        f"    answer_type: count\n    source: {CITED}\n    source_url: {URL}\n",
    )
    # Not a citation: reworded wording an installation keeps.
    .replace("オンラインで申請できる手続はいくつありますか。", "オンライン申請できる手続の数は。")
)


def run(*args, verbosity=1) -> str:
    out = StringIO()
    call_command(
        "import_framework", *map(str, args), stdout=out, stderr=StringIO(), verbosity=verbosity
    )
    return out.getvalue()


@pytest.fixture
def installed(tmp_path) -> Edition:
    """The edition as an earlier release of the file put it into the database."""
    framework_import(path=write(tmp_path, MINIMAL, "old.yaml"))
    return Edition.objects.get()


def test_the_citations_of_an_installed_edition_are_corrected_and_nothing_else(tmp_path, installed):
    question = Indicator.objects.get(code="ONL-01").question
    path = write(tmp_path, CORRECTED)

    out = run("--skip-existing", "--correct-sources", path, verbosity=2)

    installed.refresh_from_db()
    assert (installed.source, installed.source_url) == (CITED, URL)
    assert installed.published_on is None  # not a citation field: left alone
    assert PolicyArea.objects.get(code="online").source == CITED
    onl = Indicator.objects.get(code="ONL-01")
    assert (onl.source, onl.source_url) == (CITED, URL)
    assert onl.question == question  # the wording its answers were given against
    assert Edition.objects.count() == 1 and installed.status == EditionStatus.PUBLISHED
    assert "出典・出典URLを5件訂正しました:" in out
    assert "    ONL-01: source_url" in out
    assert "出典以外でファイルと異なる項目（2件）は、回答の前提を変えないよう" in out
    assert "    edition: published_on" in out and "    ONL-01: question" in out


def test_each_correction_is_in_the_audit_log(tmp_path, installed):
    run("--correct-sources", write(tmp_path, CORRECTED))

    events = AuditEvent.objects.order_by("pk")
    assert [e.action for e in events.filter(action__startswith="catalogue_")][-3:] == [
        AuditAction.CATALOGUE_EDITION_CHANGED,
        AuditAction.CATALOGUE_AREA_CHANGED,
        AuditAction.CATALOGUE_INDICATOR_CHANGED,
    ]
    indicator_event = events.get(action=AuditAction.CATALOGUE_INDICATOR_CHANGED)
    sentence = describe(indicator_event)
    assert "ONL-01" in sentence and CITED in sentence


def test_a_second_run_changes_nothing(tmp_path, installed):
    path = write(tmp_path, CORRECTED)
    run("--correct-sources", path)
    before = AuditEvent.objects.count()

    out = run("--correct-sources", path)

    assert AuditEvent.objects.count() == before
    assert "訂正しました" not in out and "（一覧は -v 2 で表示します）" in out


def test_a_dry_run_says_what_would_be_corrected_and_writes_nothing(tmp_path, installed):
    out = run("--dry-run", "--correct-sources", write(tmp_path, CORRECTED))

    assert "出典・出典URLを5件訂正できます（確認のみ。書き込みはしていません）" in out
    installed.refresh_from_db()
    assert installed.source_url == ""
    assert not AuditEvent.objects.filter(action=AuditAction.CATALOGUE_INDICATOR_CHANGED).exists()


def test_without_correct_sources_an_installed_edition_is_only_skipped(tmp_path, installed):
    out = run("--skip-existing", write(tmp_path, CORRECTED))

    assert "取り込みを省略しました" in out and "訂正" not in out
    installed.refresh_from_db()
    assert installed.source_url == ""


def test_a_file_whose_codes_differ_is_refused_and_writes_nothing(tmp_path, installed):
    other = CORRECTED.replace("code: ONL-02", "code: ONL-09")
    before = rows()

    err = refused("--correct-sources", write(tmp_path, other))

    assert "indicators: データベースの版と指標のコードが一致しないため、出典を訂正できません" in err
    assert "ファイルだけにある: ONL-09、データベースだけにある: ONL-02" in err
    assert rows() == before
    installed.refresh_from_db()
    assert installed.source_url == ""


def test_a_draft_is_left_to_the_editor(tmp_path):
    framework_import(path=write(tmp_path, MINIMAL.replace("status: published", "status: draft")))

    out = run(
        "--correct-sources",
        write(tmp_path, CORRECTED.replace("status: published", "status: draft"), "d.yaml"),
    )

    assert "下書きの版の出典は、目録の編集画面で直してください。" in out
    assert Edition.objects.get().source_url == ""


def test_a_new_edition_in_the_same_run_is_imported(tmp_path, installed):
    newer = CORRECTED.replace('version: "2.0"', 'version: "2.1"').replace(
        "  status: published\n", '  status: published\n  predecessor: "2.0"\n'
    )
    run("--correct-sources", write(tmp_path, CORRECTED), write(tmp_path, newer, "newer.yaml"))

    assert sorted(Edition.objects.values_list("version", flat=True)) == ["2.0", "2.1"]
    assert Edition.objects.get(version="2.0").source_url == URL
