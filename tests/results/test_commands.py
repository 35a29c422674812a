"""recompute_scores and show_scores: rebuilding the stored results and reading them out."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Answer
from results.models import ScoreSnapshot, SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.results.surfaces_support import body_a, build_round
from tests.results.test_snapshots import answer, make_tiny_round
from tests.results.test_surfaces_agree import FOUNDATION_ITEMS


def _run(name, *args) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def scored(personas):
    """Two areas, three stages (thresholds 60, 60, 70), worked out by hand:

    std: S-1 (digitization) 4/4 = 100, S-2 (digitalization) 2/4 = 50
         → 75; digitization 100 ≥ 60, digitalization 50 < 60 → attained digitization.
    sec: E-1 (digitization) 1/4 = 25, E-2 (digitalization) N/A, E-3 (transformation) unanswered = 0
         → (25 + 0) ÷ 2 = 12.5; digitization 25 < 60 → not started; 2 of 3 answered.
    All: digitization (100 + 25) ÷ 2 = 62.5 ✓, digitalization 50 ✗, transformation 0
         → attained digitization; overall (100 + 50 + 25 + 0) ÷ 4 = 43.75; 4 of 5 answered.
    """
    round_ = make_tiny_round(
        personas,
        [
            ("S-1", "std", 0),
            ("S-2", "std", 1),
            ("E-1", "sec", 0),
            ("E-2", "sec", 1),
            ("E-3", "sec", 2),
        ],
    )
    department = personas.department_a
    answer(round_, department, "S-1", level=4)
    answer(round_, department, "S-2", level=2)
    answer(round_, department, "E-1", level=1)
    answer(round_, department, "E-2", not_applicable=True, not_applicable_reason="対象外")
    return round_


def _stored():
    return sorted(
        (
            s.pk,
            s.round_id,
            s.department_id,
            s.overall_score,
            s.stage_attained,
            s.completeness,
            s.card,
        )
        for s in ScoreSnapshot.objects.all()
    )


# --- recompute_scores ----------------------------------------------------------------------


def test_recompute_scores_builds_and_is_idempotent(scored, personas):
    out = _run("recompute_scores")
    assert "1ラウンドの評価結果を2件計算し直しました" in out and "秒" in out
    first = _stored()
    assert len(first) == 2
    assert {s.trigger for s in ScoreSnapshot.objects.all()} == {SnapshotTrigger.RECOMPUTED}

    _run("recompute_scores")
    _run("recompute_scores", "--round", str(scored.pk))
    assert _stored() == first


def test_recompute_scores_replaces_what_a_submission_stored(scored):
    snapshots_refresh(round=scored, trigger=SnapshotTrigger.SUBMITTED)
    before = _stored()
    _run("recompute_scores", "--round", str(scored.pk))
    assert _stored() == before
    assert ScoreSnapshot.objects.get(department=None).trigger == SnapshotTrigger.RECOMPUTED


def test_recompute_scores_covers_every_round_or_just_one(scored, personas):
    other = open_round(
        personas.municipality_a, personas.coordinator_a, edition=scored.edition, fiscal_year=2027
    )
    out = _run("recompute_scores", "--round", str(other.pk), "--verbosity", "2")
    assert f"ラウンド {other.pk}" in out and "2件" in out
    assert set(ScoreSnapshot.objects.values_list("round_id", flat=True)) == {other.pk}
    assert "2ラウンドの評価結果を4件" in _run("recompute_scores")


def test_recompute_scores_stores_the_targets_of_a_card_kept_without_them(scored):
    """A card stored before targets were kept gains them on the next recompute."""
    Answer.objects.filter(indicator__code="S-2").update(target_level=4)  # std: 50 → 100
    snapshots_refresh(round=scored, trigger=SnapshotTrigger.SUBMITTED)
    snapshot = ScoreSnapshot.objects.get(department=None)
    del snapshot.card["targets"]
    snapshot.save()

    _run("recompute_scores", "--round", str(scored.pk))

    snapshot.refresh_from_db()
    assert snapshot.card["targets"]["areas"] == [{"area": "std", "score": 100.0}]


def test_recompute_scores_refuses_an_unknown_round(db):
    with pytest.raises(CommandError, match="ラウンド 999999 はありません"):
        _run("recompute_scores", "--round", "999999")


# --- show_scores ----------------------------------------------------------------------------


def _show(round_, code, *extra) -> str:
    return _run("show_scores", "--municipality", code, "--round", str(round_.pk), *extra)


def test_show_scores_json_has_the_hand_worked_numbers(scored, personas):
    _run("recompute_scores")
    data = json.loads(_show(scored, personas.municipality_a.code, "--format", "json"))

    assert data["municipality"] == {
        "code": personas.municipality_a.code,
        "name": personas.municipality_a.name,
    }
    assert data["round"]["id"] == scored.pk and data["round"]["fiscal_year"] == 2026
    assert data["round"]["status"] == "open"
    assert data["round"]["edition"]["version"] == scored.edition.version
    assert data["trigger"] == "recomputed" and data["computed_at"].endswith("+09:00")
    assert data["overall"] == {
        "score": 43.8,  # 43.75, to one decimal
        "stage_attained": "digitization",
        "completeness": 80.0,
        "answered": 4,
        "total": 5,
    }
    assert data["stages"] == [
        {
            "code": "digitization",
            "name": "デジタイゼーション",
            "name_en": "Digitization",
            "threshold": 60,
            "score": 62.5,
            "attained": True,
        },
        {
            "code": "digitalization",
            "name": "デジタライゼーション",
            "name_en": "Digitalization",
            "threshold": 60,
            "score": 50.0,
            "attained": False,
        },
        {
            "code": "transformation",
            "name": "デジタルトランスフォーメーション",
            "name_en": "Digital transformation",
            "threshold": 70,
            "score": 0.0,
            "attained": False,
        },
    ]
    std, sec = data["areas"]
    assert {k: std[k] for k in ("code", "name", "name_en", "score", "stage_attained")} == {
        "code": "std",
        "name": "標準化",
        "name_en": "Standardisation",
        "score": 75.0,
        "stage_attained": "digitization",
    }
    assert (std["completeness"], std["answered"], std["total"]) == (100.0, 2, 2)
    assert std["stages"] == [
        {"code": "digitization", "score": 100.0, "attained": True},
        {"code": "digitalization", "score": 50.0, "attained": False},
        {"code": "transformation", "score": None, "attained": False},
    ]
    assert (sec["code"], sec["score"], sec["stage_attained"]) == ("sec", 12.5, "not_started")
    assert (sec["completeness"], sec["answered"], sec["total"]) == (66.7, 2, 3)
    assert [cell["score"] for cell in sec["stages"]] == [25.0, None, 0.0]


def test_show_scores_json_keys_are_stable(scored, personas):
    _run("recompute_scores")
    data = json.loads(_show(scored, personas.municipality_a.code, "--format", "json"))
    assert list(data) == [
        "municipality",
        "round",
        "computed_at",
        "trigger",
        "overall",
        "stages",
        "areas",
    ]
    assert list(data["areas"][0]) == [
        "code",
        "name",
        "name_en",
        "score",
        "stage_attained",
        "completeness",
        "answered",
        "total",
        "stages",
    ]


def test_show_scores_table_names_the_areas_and_stages(scored, personas):
    _run("recompute_scores")
    out = _show(scored, personas.municipality_a.code)  # table is the default
    assert "総合得点 43.8" in out and "到達段階 デジタイゼーション" in out
    assert "回答率 80.0%（4/5）" in out
    assert "再計算" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("取組分野"))
    assert "デジタライゼーション" in header and "デジタルトランスフォーメーション" in header
    std = next(line for line in lines if line.startswith("標準化"))
    assert std.split() == ["標準化", "75.0", "デジタイゼーション", "100.0%", "100.0", "50.0", "—"]
    sec = next(line for line in lines if line.startswith("セキュリティ"))
    assert sec.split() == ["セキュリティ", "12.5", "未着手", "66.7%", "25.0", "—", "0.0"]
    assert next(line for line in lines if line.startswith("到達の目安")).split()[-3:] == [
        "60",
        "60",
        "70",
    ]


def test_show_scores_refuses_unknown_and_mismatched(scored, personas):
    code_a, code_c = personas.municipality_a.code, personas.municipality_c.code
    with pytest.raises(CommandError, match="団体コード 999999 の団体はありません"):
        _show(scored, "999999")
    with pytest.raises(CommandError, match="ラウンド 999999 はありません"):
        _run("show_scores", "--municipality", code_a, "--round", "999999")
    with pytest.raises(
        CommandError, match=f"ラウンド {scored.pk} は団体 {code_c} のラウンドではありません"
    ):
        _show(scored, code_c)
    with pytest.raises(CommandError, match=f"recompute_scores --round {scored.pk}"):
        _show(scored, code_a)  # nothing stored yet


def test_show_scores_table_puts_the_foundation_beside_the_ladder(personas):
    round_ = build_round(body_a(personas), FOUNDATION_ITEMS)
    out = _show(round_, personas.municipality_a.code)
    assert "総合得点 58.3" in out  # the ladder's answers only
    assert "推進体制（基盤） 33.3" in out
    lines = out.splitlines()
    gov = [line for line in lines if line.startswith("推進体制")][-1]  # the first is the headline
    assert gov.split() == ["推進体制（基盤）", "33.3", "—", "66.7%", "75.0", "25.0", "0.0"]
    # after the whole ladder: it is no row of 全分野
    assert lines.index(gov) > lines.index(next(line for line in lines if line.startswith("全分野")))
