"""python manage.py render_report: the same PDF as the download, or a clear error."""

import pytest
from django.core.management import CommandError, call_command

from tests.reports import pdf_tools
from tests.reports.report_support import report_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(personas):
    return report_round(personas, indicators=3, areas=1)


def test_writes_the_municipality_report(round_, tmp_path, capsys):
    output = tmp_path / "report.pdf"

    call_command(
        "render_report",
        "--municipality",
        round_.municipality.code,
        "--round",
        str(round_.pk),
        "-o",
        str(output),
    )

    assert output.read_bytes().startswith(b"%PDF")
    assert "report.pdf を作成しました" in capsys.readouterr().out
    if pdf_tools.HAVE_POPPLER:
        assert str(round_.municipality) in pdf_tools.text(output.read_bytes())


def test_writes_a_department_report(round_, personas, tmp_path):
    output = tmp_path / "department.pdf"
    call_command(
        "render_report",
        "--municipality",
        round_.municipality.code,
        "--round",
        str(round_.pk),
        "--department",
        str(personas.other_department_a.pk),
        "-o",
        str(output),
    )
    assert output.read_bytes().startswith(b"%PDF")
    if pdf_tools.HAVE_POPPLER:
        assert "税務課" in pdf_tools.text(output.read_bytes())


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--municipality", "999999", "--round", "{round}"], "のラウンドではありません"),
        (["--municipality", "{code}", "--round", "0"], "ラウンド 0 はありません"),
        (["--municipality", "{code}", "--round", "{round}", "--department", "{other}"], "部署"),
    ],
)
def test_mistakes_are_reported_and_nothing_is_written(
    round_, personas, tmp_path, arguments, message
):
    output = tmp_path / "report.pdf"
    values = {
        "round": round_.pk,
        "code": round_.municipality.code,
        "other": personas.department_c.pk,  # a department of another municipality
    }
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *[a.format(**values) for a in arguments], "-o", str(output))
    assert not output.exists()
