"""What the report says: the dashboard's numbers, the municipality's answers, the plan, in few queries."""

import datetime

import pytest
from django.template.defaultfilters import floatformat

from assessments.models import Answer, EvidenceFile
from reports.content import department_report, municipality_report
from reports.rendering import department_report_html, municipality_report_html
from results.benchmarks import peer_benchmark
from results.dashboard import dashboard_for, department_results_for
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.reports.report_support import COMMENT, EVIDENCE_URL, TAX_COMMENT, report_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(personas):
    return report_round(personas)


def lines_by_code(appendix):
    return {line.code: line for area in appendix for line in area.lines}


def test_numbers_are_the_dashboards(round_):
    report = municipality_report(round_)
    board = dashboard_for(round_)

    assert report.dashboard == board
    current = report.scores.columns[0]
    assert current.values == [area.score for area in board.areas]
    assert [row.name for row, _values in report.scores.table] == [a.name for a in board.areas]
    html = municipality_report_html(round_)
    for area in board.areas:
        assert f'<td class="number">{floatformat(area.score, 1)}</td>' in html
        for step in area.ladder:
            if step.score is not None:
                # The stage chart prints each bar's value (trailing zeros dropped).
                assert f">{floatformat(step.score, -1)}</text>" in html
    assert f'<p class="value">{floatformat(board.overall, 1)}</p>' in html


def test_the_benchmark_is_the_benchmark_pages(round_):
    report = municipality_report(round_)
    assert report.benchmark == peer_benchmark(round_)
    # Alone in its groups: every statistic is hidden (k-anonymity).
    assert not any(stat.shown for row in report.benchmark.rows for stat in row.groups)
    assert "5団体未満のため非表示" in municipality_report_html(round_)


def test_appendix_lists_the_municipalitys_answers(round_, personas):
    lines = lines_by_code(municipality_report(round_).appendix)

    assigned = set(round_.assignments.values_list("indicator__code", flat=True))
    assert set(lines) == assigned
    # The coordinator took 税務課's answer to STD-01.
    assert lines["STD-01"].department == "税務課"
    assert lines["STD-01"].comment == TAX_COMMENT
    assert lines["STD-01"].answer == "4：継続的に改善"
    assert lines["STD-01"].score == 100.0
    others = [line for code, line in lines.items() if code != "STD-01"]
    assert {line.department for line in others} == {personas.department_a.name}
    assert {line.comment for line in others} == {COMMENT}
    assert {line.evidence_url for line in others} == {EVIDENCE_URL}
    assert lines["CHO-01"].answer == "一部で導入"


def test_department_report_shows_its_own_answers_only(round_, personas):
    report = department_report(round_, personas.other_department_a)

    lines = lines_by_code(report.appendix)
    assert set(lines) == {"STD-01"}
    assert lines["STD-01"].comment == TAX_COMMENT
    assert report.results == department_results_for(round_, personas.other_department_a)
    dx_office = lines_by_code(department_report(round_, personas.department_a).appendix)
    assert dx_office["STD-01"].comment == COMMENT  # its own answer, not the municipality's


def test_evidence_files_are_listed_with_a_link_to_the_portal(round_, personas, settings):
    settings.PORTAL_BASE_URL = "https://dx.example.lg.jp/"
    answer = round_.questionnaires.get(department=personas.department_a).answers.get(
        indicator__code="STD-02"
    )
    evidence = EvidenceFile.objects.create(
        answer=answer,
        file="evidence/x",
        original_name="計画書.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=personas.respondent_a,
    )

    line = lines_by_code(municipality_report(round_).appendix)["STD-02"]

    (link,) = line.evidence_files
    assert link.name == "計画書.pdf"
    assert link.url == (
        f"https://dx.example.lg.jp/questionnaires/{answer.questionnaire_id}/evidence/{evidence.pk}/"
    )


def test_evidence_files_are_listed_in_the_order_they_were_uploaded(round_, personas):
    # Not in the database's order (which differs between PostgreSQL and SQLite): the
    # plan, uploaded first, is dated after the minutes here, so it is listed second.
    answer = round_.questionnaires.get(department=personas.department_a).answers.get(
        indicator__code="STD-02"
    )
    files = [
        EvidenceFile.objects.create(
            answer=answer,
            file=f"evidence/{name}",
            original_name=name,
            content_type="application/pdf",
            size=9,
            uploaded_by=personas.respondent_a,
        )
        for name in ("計画書.pdf", "議事録.pdf")
    ]
    EvidenceFile.objects.filter(pk=files[0].pk).update(
        uploaded_at=files[1].uploaded_at + datetime.timedelta(minutes=1)
    )

    line = lines_by_code(municipality_report(round_).appendix)["STD-02"]

    assert [link.name for link in line.evidence_files] == ["議事録.pdf", "計画書.pdf"]


def test_an_evidence_location_is_printed_as_text_never_as_a_link(round_, personas):
    """A file-share path is where the municipality keeps the document: the report states
    it, and links only to the portal's own downloads."""
    share = r"\\fileserver\dx\計画書.pdf"
    answers = round_.questionnaires.get(department=personas.department_a).answers
    assert answers.filter(evidence_url=EVIDENCE_URL).update(evidence_url=share) > 0

    html = municipality_report_html(round_)

    assert f"根拠資料の場所：{share}" in html
    assert f'href="{share}"' not in html


def test_areas_have_strengths_gaps_and_next_steps(round_):
    report = municipality_report(round_)

    assert len(report.sections) > 0
    for section in report.sections:
        gaps = {item.code for item in section.area.gaps}
        assert not gaps & {item.code for item in section.area.strengths}
        assert all(item.score < 100 for item in section.area.gaps)
        for suggestion in section.next_steps:
            assert suggestion.step.area == section.area.code
            assert suggestion.step.next.level == suggestion.step.current.level + 1
    steps = {s.step.code for section in report.sections for s in section.next_steps}
    assert "STD-02" not in steps  # it has an open action item: the plan shows it instead
    assert [row.item.title for row in report.plan] == ["庁内の手続きを棚卸しする"]
    assert "庁内の手続きを棚卸しする" in municipality_report_html(round_)


def test_a_round_without_results_still_makes_a_report(personas):
    from tests.assessments.conftest import make_open_round

    round_ = make_open_round(personas)
    report = municipality_report(round_)
    assert report.dashboard is None
    assert report.sections == []
    html = municipality_report_html(round_)
    assert "まだ結果はありません" in html
    assert "未回答" in html  # the appendix lists every assigned indicator


# Whatever the number of indicators, areas, answers and departments: the round, then the
# selectors' own fixed counts (results.dashboard, results.benchmarks, plans.selectors) and
# reports.content's score card and answers. The peers are read once and cached
# (results.peer_groups: their stamp, the edition's area count, their scores; the benchmark
# then asks for the stamp again and its own round's scores).
MUNICIPALITY_QUERIES = 22
DEPARTMENT_QUERIES = 11


@pytest.mark.parametrize(("indicators", "areas"), [(3, 1), (40, 6)])
def test_queries_do_not_grow_with_the_round(personas, django_assert_num_queries, indicators, areas):
    round_ = report_round(personas, indicators=indicators, areas=areas)
    with django_assert_num_queries(MUNICIPALITY_QUERIES):
        municipality_report_html(round_)
    with django_assert_num_queries(DEPARTMENT_QUERIES):
        department_report_html(round_, personas.department_a)


def test_an_unanswered_indicator_is_neither_a_gap_nor_a_next_step_from_level_0(personas):
    from plans.selectors import suggestions_for
    from tests.plans.plans_support import scored_round

    round_ = scored_round(personas, levels={"M-1": 1, "M-2": 4})  # S-1 not answered
    report = municipality_report(round_)
    sections = {section.area.code: section for section in report.sections}
    assert set(sections) == {"std", "sec"}
    security = sections["sec"]
    assert security.area.gaps == [] and security.area.strengths == []
    assert security.area.unanswered == 1
    assert "S-1" not in {s.step.code for s in suggestions_for(round_)}
    assert [item.code for item in sections["std"].area.gaps] == ["M-1"]
    assert [item.code for item in sections["std"].area.strengths] == ["M-2"]
    line = next(line for area in report.appendix for line in area.lines if line.code == "S-1")
    assert line.score is None
    html = municipality_report_html(round_)
    assert "未回答の指標が1件あります" in html
    assert "S-1：レベル0から" not in html


def test_a_closed_rounds_report_is_not_provisional(personas):
    from assessments.models import Round, RoundStatus

    round_ = report_round(personas, indicators=3, areas=1)
    assert "暫定" in municipality_report_html(round_)
    Round.objects.filter(pk=round_.pk).update(status=RoundStatus.CLOSED)
    round_.refresh_from_db()
    for html in (
        municipality_report_html(round_),
        department_report_html(round_, personas.department_a),
    ):
        assert "暫定" not in html


def test_the_target_series_is_named_with_its_years(round_, personas):
    Answer.objects.filter(
        questionnaire__department=personas.department_a, indicator__code__in=["STD-02", "STD-03"]
    ).update(target_level=4, target_fiscal_year=2030)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)

    for report, html in (
        (municipality_report(round_), municipality_report_html(round_)),
        (
            department_report(round_, personas.department_a),
            department_report_html(round_, personas.department_a),
        ),
    ):
        assert report.scores.columns[-1].label == "目標（2030年度）"
        assert (
            '<th scope="col" class="number"><span class="nowrap">目標</span><wbr><span class="nowrap">（2030年度）</span></th>'
            in html
        )


def _board_with(departments: int):
    """What department_tables reads of a Dashboard: the areas' names, each department's
    name and scores in the areas' order."""
    from types import SimpleNamespace

    return SimpleNamespace(
        areas=[SimpleNamespace(name=f"分野{a}") for a in range(3)],
        departments=[
            SimpleNamespace(name=f"部署{d}", scores=[float(d * 10 + a) for a in range(3)])
            for d in range(departments)
        ],
    )


@pytest.mark.parametrize(
    ("departments", "sizes"),
    [(1, [1]), (6, [6]), (7, [4, 3]), (8, [4, 4]), (13, [5, 5, 3]), (20, [5, 5, 5, 5])],
)
def test_the_department_comparison_is_cut_into_balanced_tables_of_at_most_six(departments, sizes):
    from reports.content import DEPARTMENTS_PER_TABLE, department_tables

    board = _board_with(departments)
    tables = department_tables(board)
    assert [len(table.departments) for table in tables] == sizes
    assert max(sizes) <= DEPARTMENTS_PER_TABLE
    # Every department once, in order; each table has every area with that department's scores.
    names = [name for table in tables for name in table.departments]
    assert names == [f"部署{d}" for d in range(departments)]
    seen = {}
    for table in tables:
        assert [name for name, _values in table.rows] == ["分野0", "分野1", "分野2"]
        for area_index, (_name, values) in enumerate(table.rows):
            assert len(values) == len(table.departments)
            for name, value in zip(table.departments, values, strict=True):
                seen[(name, area_index)] = value
    assert len(seen) == departments * 3
    assert all(seen[(f"部署{d}", a)] == d * 10 + a for d in range(departments) for a in range(3))


def test_the_department_tables_name_each_area_whole_in_their_first_column(round_):
    import re

    from django.utils.html import strip_tags

    board = dashboard_for(round_)
    assert board.departments and board.areas
    html = municipality_report_html(round_)
    section = html[html.index('id="departments"') : html.index('id="benchmark"')]
    tables = re.findall(r"<table>.*?</table>", section, flags=re.S)
    assert len(tables) == len(municipality_report(round_).department_tables) >= 1
    departments = []
    for table in tables:
        heads = [strip_tags(h) for h in re.findall(r'<th scope="row">(.*?)</th>', table, re.S)]
        assert heads == [area.name for area in board.areas]
        columns = re.findall(r'<th scope="col" class="number">(.*?)</th>', table, re.S)
        departments += [strip_tags(c) for c in columns]
    assert departments == [department.name for department in board.departments]
