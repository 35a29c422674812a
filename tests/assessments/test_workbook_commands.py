"""export_questionnaire and import_questionnaire: the workbook round trip from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Answer, AnswerChange, QuestionnaireStatus
from assessments.workbooks.layout import IDENTIFIER_LABEL, INSTRUCTIONS_TITLE, identifier_read
from tests.assessments.workbook_support import cell, fill, load, make_workbook_round


@pytest.fixture
def questionnaire(personas):
    return make_workbook_round(personas)


def _run(name, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _identifier(path) -> int:
    sheet = load(path.read_bytes())[INSTRUCTIONS_TITLE]
    facts = dict(sheet.iter_rows(min_col=1, max_col=2, values_only=True))
    return identifier_read(facts[IDENTIFIER_LABEL]).questionnaire_id


def test_export_by_questionnaire_id(questionnaire, tmp_path):
    path = tmp_path / "調査票.xlsx"
    out, _ = _run("export_questionnaire", "--questionnaire", str(questionnaire.pk), "-o", str(path))
    assert str(path) in out
    assert _identifier(path) == questionnaire.pk


def test_export_by_municipality_round_and_department(questionnaire, personas, tmp_path):
    path = tmp_path / "out.xlsx"
    _run(
        "export_questionnaire",
        "--municipality",
        personas.municipality_a.code,
        "--round",
        str(questionnaire.round_id),
        "--department",
        "DX推進課",
        "-o",
        str(path),
    )
    assert _identifier(path) == questionnaire.pk


def test_export_refuses_what_it_cannot_find(questionnaire, personas, tmp_path):
    path = str(tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match="調査票 999999 はありません"):
        _run("export_questionnaire", "--questionnaire", "999999", "-o", path)
    with pytest.raises(CommandError, match="足りないもの: --round"):
        _run(
            "export_questionnaire",
            "--municipality",
            personas.municipality_a.code,
            "--department",
            "DX推進課",
            "-o",
            path,
        )
    with pytest.raises(CommandError, match="部署「広報課」の調査票はありません"):
        _run(
            "export_questionnaire",
            "--municipality",
            personas.municipality_a.code,
            "--round",
            str(questionnaire.round_id),
            "--department",
            "広報課",
            "-o",
            path,
        )


@pytest.fixture
def filled(questionnaire, tmp_path):
    exported = tmp_path / "exported.xlsx"
    _run("export_questionnaire", "--questionnaire", str(questionnaire.pk), "-o", str(exported))
    path = tmp_path / "filled.xlsx"
    path.write_bytes(
        fill(exported.read_bytes(), {"STD-01": {"level": "３"}, "YES-01": {"answer": "はい"}})
    )
    return path


def test_import_dry_run_prints_the_changes_and_saves_nothing(filled, personas):
    out, err = _run(
        "import_questionnaire", str(filled), "--user", personas.respondent_a.email, "--dry-run"
    )
    assert "STD-01 現在値: （空欄） → 3: 全庁で実施" in out
    assert "YES-01 回答: （空欄） → はい" in out
    assert "書き込みはしていません" in out and not err
    assert not Answer.objects.exists()


def test_import_saves_every_change_as_excel(filled, questionnaire, personas):
    out, _ = _run(
        "import_questionnaire", str(filled), "--user", personas.respondent_a.email.upper()
    )
    assert "2件の回答を反映しました" in out
    assert Answer.objects.get(indicator__code="STD-01").level == 3
    assert Answer.objects.get(indicator__code="YES-01").yes is True
    assert set(AnswerChange.objects.values_list("via", flat=True)) == {"excel"}


def test_import_with_problems_exits_non_zero_and_saves_nothing(filled, personas, tmp_path):
    broken = tmp_path / "broken.xlsx"
    workbook = load(filled.read_bytes())
    cell(workbook, "PCT-01", "answer").value = 250
    workbook.save(broken)
    err = io.StringIO()
    with pytest.raises(CommandError, match="問題が1件あるため"):
        call_command(
            "import_questionnaire",
            str(broken),
            "--user",
            personas.respondent_a.email,
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "PCT-01 回答: 0から100までの数値" in err.getvalue()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator_a", "respondent_c", "admin"])
def test_import_requires_a_user_who_may_answer(filled, personas, persona):
    with pytest.raises(CommandError, match="回答できません"):
        _run("import_questionnaire", str(filled), "--user", getattr(personas, persona).email)
    assert not Answer.objects.exists()


def test_import_refuses_unknown_users_submitted_questionnaires_and_hostile_files(
    filled, questionnaire, personas, tmp_path
):
    with pytest.raises(CommandError, match="はいません"):
        _run("import_questionnaire", str(filled), "--user", "nobody@example.jp")
    png = tmp_path / "image.xlsx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(CommandError, match="Excelブック（.xlsx）ではありません"):
        _run("import_questionnaire", str(png), "--user", personas.respondent_a.email)
    questionnaire.status = QuestionnaireStatus.SUBMITTED
    questionnaire.save()
    with pytest.raises(CommandError, match="提出済み"):
        _run("import_questionnaire", str(filled), "--user", personas.respondent_a.email)
    assert not Answer.objects.exists()
