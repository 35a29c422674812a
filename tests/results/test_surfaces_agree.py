"""Every surface states the same results: the dashboard, the department page, the data
export, `show_scores` and the PDF report, for rounds a municipality really has (partly
answered, an area all 該当しない, a stage with nothing applicable)."""

import re

import pytest
from django.template.defaultfilters import floatformat

from exports.tables import round_export
from frameworks.models import PolicyArea, Stage
from reports.rendering import html_to_pdf, municipality_report_html
from results.dashboard import dashboard_for, department_results_for
from results.management.commands.show_scores import scores_document
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from results.stage_names import stage_label, stage_names
from tests.reports import pdf_tools
from tests.results.test_snapshots import answer, make_tiny_round

# (indicators as (code, area, stage index), answers as code → values, and the stage each
# area attains: a stage index, or None for 未着手)
CASES = {
    "partly answered": (
        [("M-1", "std", 0), ("M-2", "std", 0), ("M-3", "std", 1), ("S-1", "sec", 0)],
        {"M-1": {"level": 4}, "M-3": {"level": 2}},
        {"std": None, "sec": None},  # M-2 unanswered counts 0: the first stage scores 50
    ),
    "an area all not applicable": (
        [("M-1", "std", 0), ("S-1", "sec", 0), ("S-2", "sec", 1)],
        {
            "M-1": {"level": 3},
            "S-1": {"not_applicable": True, "not_applicable_reason": "対象外"},
            "S-2": {"not_applicable": True, "not_applicable_reason": "対象外"},
        },
        {"std": 0, "sec": None},
    ),
    "a stage with nothing applicable": (
        [("M-1", "std", 0), ("M-2", "std", 1), ("S-1", "sec", 0)],
        {
            "M-1": {"not_applicable": True, "not_applicable_reason": "都道府県は対象外"},
            "M-2": {"level": 4},
            "S-1": {"level": 1},
        },
        {"std": 1, "sec": None},  # the first stage has nothing to score: passed through
    ),
}


def _score(value) -> str:
    return "—" if value is None else floatformat(value, 1)


@pytest.mark.parametrize("case", list(CASES))
def test_every_surface_states_the_same_scores_stages_and_gaps(personas, case):
    indicators, answers, attained = CASES[case]
    round_ = make_tiny_round(personas, indicators)
    for code, values in answers.items():
        answer(round_, personas.department_a, code, **values)
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    stages = list(Stage.objects.filter(edition=round_.edition).order_by("order"))
    areas = list(PolicyArea.objects.filter(edition=round_.edition).order_by("order"))
    names = stage_names(stages)

    board = dashboard_for(round_)
    shown = {row.code: (_score(row.score), row.stage) for row in board.areas}
    gaps = {row.code: [i.code for i in row.gaps] for row in board.areas}
    assert {code: stage for code, (_score_text, stage) in shown.items()} == {
        code: stage_label(stages[index].code if index is not None else "not_started", names)
        for code, index in attained.items()
    }

    # The department page: the one department answers everything here.
    department = department_results_for(round_, personas.department_a)
    assert {row.code: (_score(row.score), row.stage) for row in department.areas} == shown
    assert {row.code: [i.code for i in row.gaps] for row in department.areas} == gaps

    # The data export's municipality area rows.
    exported = {
        row.area_code: (_score(row.score), row.stage_attained_name)
        for row in round_export(round_).score_rows()
        if row.kind == "area" and row.department is None
    }
    assert exported == shown

    # show_scores (JSON): the stored card, the same stage names.
    snapshot = ScoreSnapshot.objects.get(round=round_, department__isnull=True)
    document = scores_document(snapshot, stages, areas)
    assert {
        a["code"]: (_score(a["score"]), stage_label(a["stage_attained"], names))
        for a in document["areas"]
        if a["total"]
    } == shown
    assert _score(document["overall"]["score"]) == _score(board.overall)

    # The PDF: each area section says its score and stage, and lists the same gaps.
    text = re.sub(r"\s+", "", pdf_tools.text(html_to_pdf(municipality_report_html(round_))))
    for area in areas:
        score, stage = shown[area.code]
        assert f"得点{score}点、到達段階{stage}" in text
    for code in [c for codes in gaps.values() for c in codes]:
        assert code in text
    # Nothing unanswered is ever a gap, anywhere.
    unanswered = {code for code, _a, _s in indicators} - set(answers)
    assert not unanswered & {c for codes in gaps.values() for c in codes}
