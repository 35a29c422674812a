"""manage.py import_open_data: the report, a refusal naming the place, bad arguments."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from opendata.models import OpenDataValue
from tests.opendata.conftest import FILES


def _run(*args):
    out = StringIO()
    call_command("import_open_data", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_reports_what_it_read(bodies):
    out = _run(
        str(FILES / "dashboard.zip"),
        "--source", "デジタル庁「自治体DXダッシュボード」", "--as-of", "2026-09-30",
    )  # fmt: skip
    assert out.strip() == (
        "デジタル庁「自治体DXダッシュボード」（2026-09-30時点）: 14団体・52件の値を取り込みました（置き換えた値 0件）。"
    )
    assert OpenDataValue.objects.count() == 52


def test_a_bad_file_is_refused_with_the_place(bodies):
    with pytest.raises(CommandError) as refused:
        _run(str(FILES / "bad-number.csv"), "--source", "デジタル庁", "--as-of", "2026-09-30")
    assert "何も変更していません" in str(refused.value)
    assert "bad-number.csv、6行目、E列：「七十二%」は数値として読めません。" in str(refused.value)
    assert OpenDataValue.objects.count() == 0


def test_a_bad_date_or_a_missing_file_is_refused(bodies, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run(str(FILES / "codes.csv"), "--source", "デジタル庁", "--as-of", "2026/09/30")
    with pytest.raises(CommandError, match="ファイルがありません"):
        _run(str(tmp_path / "none.csv"), "--source", "デジタル庁", "--as-of", "2026-09-30")
