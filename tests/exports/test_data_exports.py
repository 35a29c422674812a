"""Data exports of a round: CSV, XLSX and JSON of answers and scores."""

import csv
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from results.models import ScoreSnapshot
from tests.exports.support import HYPERLINK, make_answered_round
from tests.results.test_snapshots import answer, make_tiny_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_a(personas):
    return make_answered_round(personas)


def url(name, round_, **kwargs):
    return reverse(
        f"exports:{name}",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk, **kwargs},
    )


def get(client, user, address):
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())  # the BOM, for Excel
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_answers_csv_has_the_municipality_answer_then_each_department(client, personas, round_a):
    response = get(client, personas.consultant, url("table_csv", round_a, table="answers"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    m1 = [row for row in rows if row["指標コード"] == "M-1"]
    assert [(r["行の種類"], r["回答部署"], r["値"], r["得点"]) for r in m1] == [
        # The coordinator chose 税務課's answer: the municipality's score is 100.
        ("団体（採用された回答）", "税務課", "4", "100.0"),
        ("部署", "DX推進課", "2", "50.0"),
        ("部署", "税務課", "4", "100.0"),
    ]
    dx = m1[1]
    assert dx["主担当"] == "はい"
    assert dx["目標レベル"] == "3"
    assert dx["目標年度"] == "2029"
    assert dx["根拠資料のURL"] == "https://example.jp/plan.pdf"
    assert dx["分野コード"] == "std"
    assert dx["段階コード"] == "digitization"
    # The formula is kept as text behind an apostrophe.
    assert dx["コメント"] == "'" + HYPERLINK
    (m2, *_departments) = [row for row in rows if row["指標コード"] == "M-2"]
    assert (m2["該当しない"], m2["該当しない理由"], m2["得点"]) == ("はい", "'+対象の業務なし", "")


def test_scores_csv_has_overall_areas_and_stages_from_the_snapshot(client, personas, round_a):
    rows = csv_rows(get(client, personas.coordinator_a, url("table_csv", round_a, table="scores")))

    snapshot = ScoreSnapshot.objects.get(round=round_a, department=None)
    municipality = [row for row in rows if row["行の種類"] == "団体全体"]
    assert {row["部署"] for row in municipality} == {""}
    overall = municipality[0]
    assert overall["集計単位"] == "総合"
    assert float(overall["得点"]) == pytest.approx(snapshot.overall_score, abs=0.01)
    assert overall["到達段階コード"] == snapshot.stage_attained
    assert float(overall["回答率（%）"]) == snapshot.completeness
    kinds = {row["集計単位"] for row in municipality}
    assert kinds == {"総合", "段階別", "分野", "分野×段階"}
    areas = [row for row in municipality if row["集計単位"] == "分野"]
    assert [(row["分野コード"], row["分野"]) for row in areas] == [
        ("std", "標準化"),
        ("sec", "セキュリティ"),
    ]
    # Each department's own card follows the municipality's.
    departments = [row for row in rows if row["行の種類"] == "部署"]
    assert {row["部署"] for row in departments} == {"DX推進課", "税務課"}
    assert len(departments) + len(municipality) == len(rows)


def test_unknown_table_is_404(client, personas, round_a):
    client.force_login(personas.consultant)
    assert client.get(url("table_csv", round_a, table="people")).status_code == 404


def test_xlsx_has_no_formula_and_the_same_answers(client, personas, round_a):
    response = get(client, personas.coordinator_a, url("workbook", round_a))

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["概要", "回答", "得点"]
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    answers = workbook["回答"]
    header = [cell.value for cell in answers[1]]
    comments = [
        row[header.index("コメント")] for row in answers.iter_rows(min_row=2, values_only=True)
    ]
    assert "'" + HYPERLINK in comments
    assert HYPERLINK not in comments


def test_json_is_structured_and_documented(client, personas, round_a):
    response = get(client, personas.consultant, url("document", round_a))

    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert (data["format"], data["version"]) == ("dxportal.round-export", 1)
    assert data["municipality"]["code"] == personas.municipality_a.code
    assert data["round"]["fiscal_year"] == 2026
    m1 = next(i for i in data["indicators"] if i["code"] == "M-1")
    assert m1["municipality"]["department"] == "税務課"
    assert m1["municipality"]["answer"]["level"] == 4
    assert m1["municipality"]["score"] == 100.0
    assert [(d["department"], d["is_owner"]) for d in m1["departments"]] == [
        ("DX推進課", True),
        ("税務課", False),
    ]
    # JSON is data, not a spreadsheet: the comment is exactly what was typed.
    assert m1["departments"][0]["answer"]["comment"] == HYPERLINK
    target = m1["departments"][0]["answer"]
    assert (target["target_level"], target["target_fiscal_year"]) == (3, 2029)
    assert data["scores"][0]["department"] is None
    assert (
        data["scores"][0]["card"] == ScoreSnapshot.objects.get(round=round_a, department=None).card
    )


def test_a_round_without_answers_or_scores_still_exports(client, personas):
    round_ = make_tiny_round(personas, [("M-1", "std", 0)])
    rows = csv_rows(get(client, personas.coordinator_a, url("table_csv", round_, table="answers")))
    assert [(r["行の種類"], r["回答"], r["得点"]) for r in rows][0] == (
        "団体（採用された回答）",
        "未回答",
        "",
    )
    assert (
        csv_rows(get(client, personas.coordinator_a, url("table_csv", round_, table="scores")))
        == []
    )
    assert (
        json.loads(get(client, personas.coordinator_a, url("document", round_)).content)["scores"]
        == []
    )


@pytest.mark.parametrize(
    ("name", "kwargs", "extension"),
    [
        ("table_csv", {"table": "answers"}, "csv"),
        ("workbook", {}, "xlsx"),
        ("document", {}, "json"),
    ],
)
def test_file_names_are_japanese_with_an_ascii_fallback(
    client, personas, round_a, name, kwargs, extension
):
    response = get(client, personas.consultant, url(name, round_a, **kwargs))

    disposition = response["Content-Disposition"]
    code = personas.municipality_a.code
    assert disposition.startswith(f'attachment; filename="{code}_2026_')
    assert f".{extension}\"; filename*=UTF-8''" in disposition
    assert "%E5%B9%B4%E5%BA%A6" in disposition  # 年度
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )


# --- who may export ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["respondent_a", "coordinator_c", "respondent_c", "catalogue_editor", "admin"]
)
@pytest.mark.parametrize(
    ("view", "kwargs"),
    [("table_csv", {"table": "answers"}), ("workbook", {}), ("document", {})],
)
def test_other_people_get_404(client, personas, round_a, name, view, kwargs):
    client.force_login(personas.by_name(name))
    assert client.get(url(view, round_a, **kwargs)).status_code == 404


def test_another_municipalitys_round_under_ones_own_code_is_404(client, personas, round_a):
    client.force_login(personas.coordinator_c)
    address = reverse(
        "exports:document",
        kwargs={"code": personas.municipality_c.code, "round_id": round_a.pk},
    )
    assert client.get(address).status_code == 404


def test_the_dashboard_links_to_the_exports(client, personas, round_a):
    response = get(
        client,
        personas.consultant,
        reverse("results:dashboard", args=[personas.municipality_a.code, round_a.pk]),
    )
    for address in (
        url("table_csv", round_a, table="answers"),
        url("table_csv", round_a, table="scores"),
        url("workbook", round_a),
        url("document", round_a),
    ):
        assert address in response.content.decode()


# --- constant queries ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("view", "kwargs"), [("table_csv", {"table": "answers"}), ("workbook", {}), ("document", {})]
)
def test_query_count_does_not_grow_with_the_round(
    client, personas, django_assert_num_queries, view, kwargs
):
    small = make_answered_round(personas, fiscal_year=2025)
    large = make_answered_round(personas, extra_indicators=25, fiscal_year=2026)
    client.force_login(personas.consultant)
    counts = []
    for round_ in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(view, round_, **kwargs)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Signed-in overhead (3: session, user, memberships) + the round + the export's
    # eight reads + the audit event.
    with django_assert_num_queries(3 + 1 + 8 + 1):
        client.get(url(view, large, **kwargs))


def test_a_carried_answer_not_yet_confirmed_exports_no_value(client, personas):
    """It counts as unanswered everywhere (Answer.is_answered), so the exports say
    前年度から引き継ぎ（未確認） and leave its values empty; the comment still goes out."""
    from assessments.models import Answer

    earlier = make_tiny_round(personas, [("M-1", "std", 0)], fiscal_year=2025)
    source = answer(earlier, personas.department_a, "M-1", level=3)
    round_ = make_tiny_round(personas, [("M-1", "std", 0)])
    carried = answer(round_, personas.department_a, "M-1", level=3, comment="昨年度の根拠")
    Answer.objects.filter(pk=carried.pk).update(carried_from=source)

    rows = csv_rows(get(client, personas.coordinator_a, url("table_csv", round_, table="answers")))
    assert len(rows) == 2  # the municipality's answer, then the DX office's
    assert {r["回答"] for r in rows} == {"前年度から引き継ぎ（未確認）"}
    document = json.loads(get(client, personas.coordinator_a, url("document", round_)).content)
    (m1,) = document["indicators"]
    assert m1["municipality"]["answer"]["level"] is None
    assert m1["departments"][0]["answer"]["comment"] == "昨年度の根拠"
