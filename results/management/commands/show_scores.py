"""python manage.py show_scores --municipality CODE --round ID [--format json|table]

Prints the municipality's stored results for a round (its ScoreSnapshot;
`recompute_scores` makes one if none is stored yet). `--format json` is for
scripts; its keys are English and stable:

    {
      "municipality": {"code": "141003", "name": "横浜市"},
      "round": {"id": 7, "fiscal_year": 2026, "status": "open",
                "edition": {"framework": "jichitai-dx", "version": "2.3", "title": "…"}},
      "computed_at": "2026-06-01T10:00:00+09:00",
      "trigger": "submitted",                      # submitted | approved | closed | recomputed
      "overall": {"score": 62.5, "stage_attained": "digitization",   # or "not_started"
                  "completeness": 80.0, "answered": 4, "total": 5},
      "stages": [                                  # in stage order, across all areas
        {"code": "digitization", "name": "デジタイゼーション", "name_en": "Digitization",
         "threshold": 60, "score": 55.0, "attained": true}, …],
      "areas": [                                   # in catalogue order
        {"code": "area-1", "name": "取組分野1", "name_en": "Area 1", "score": 50.0,
         "stage_attained": "not_started", "completeness": 50.0, "answered": 1, "total": 2,
         "stages": [{"code": "digitization", "score": 50.0, "attained": false}, …]}, …]
    }

An edition with a foundation area (推進体制, results.scoring rule 6) adds, only
then, the foundation beside the ladder: "overall", "stages" and "areas" leave
it out, and

      "foundation": {"score": 70.0,
                     "areas": [AREA as above, with "stage_attained": null], …]}

Scores are 0–100 rounded to one decimal, halves up as every page rounds them
(dxportal.number_format; null: nothing to score, e.g. every answer 該当しない);
whether a stage is attained is decided on the unrounded scores (results.scoring,
rule 4).
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.models import Round
from dxportal.localized import localized_text
from dxportal.number_format import percent_text, rounded, score_text
from dxportal.spreadsheet_text import display_width
from frameworks.models import PolicyArea, Stage
from municipalities.models import Municipality
from results.models import ScoreSnapshot, SnapshotTrigger
from results.scoring import NOT_STARTED, AreaResult
from results.snapshots import round_identity
from results.stage_names import stage_label, stage_names


def _attained(stage_codes: list[str], attained: str, code: str, by_stage: dict) -> bool:
    """At or below the stage attained, with something to score there: a stage with nothing to
    score is passed through, neither attained nor a wall (results.scoring, rule 4), as the
    dashboard's ladder and the report say."""
    group = by_stage.get(code)
    return (
        group is not None
        and group.score is not None
        and attained != NOT_STARTED
        and stage_codes.index(code) <= stage_codes.index(attained)
    )


def scores_document(
    snapshot: ScoreSnapshot, stages: list[Stage], areas: list[PolicyArea]
) -> dict[str, Any]:
    """The JSON document described in the module docstring."""
    round_ = snapshot.round
    card = snapshot.read.card
    codes = [stage.code for stage in stages]
    document = {
        **round_identity(round_),
        "computed_at": timezone.localtime(snapshot.computed_at).isoformat(timespec="seconds"),
        "trigger": snapshot.trigger,
        "overall": {
            "score": rounded(card.overall.score),
            "stage_attained": card.stage_attained,
            "completeness": rounded(card.completeness),
            "answered": card.answered,
            "total": card.total,
        },
        "stages": [
            {
                "code": stage.code,
                "name": stage.name,
                "name_en": stage.name_en,
                "threshold": stage.threshold,
                "score": rounded(card.by_stage[stage.code].score)
                if stage.code in card.by_stage
                else None,
                "attained": _attained(codes, card.stage_attained, stage.code, card.by_stage),
            }
            for stage in stages
        ],
        "areas": [
            _area_document(area, result, codes)
            for area in areas
            if (result := card.areas.get(area.code)) is not None and not result.is_foundation
        ],
    }
    if card.foundation is not None:
        document["foundation"] = {
            "score": rounded(card.foundation.score),
            "areas": [
                _area_document(area, result, codes)
                for area in areas
                if (result := card.areas.get(area.code)) is not None and result.is_foundation
            ],
        }
    return document


def _area_document(area: PolicyArea, result: AreaResult, codes: list[str]) -> dict[str, Any]:
    return {
        "code": area.code,
        "name": area.name,
        "name_en": area.name_en,
        "score": rounded(result.score),
        "stage_attained": result.stage_attained,  # None for a foundation: not on the ladder
        "completeness": rounded(result.completeness),
        "answered": result.answered,
        "total": result.total,
        "stages": [
            {
                "code": code,
                "score": rounded(result.by_stage[code].score) if code in result.by_stage else None,
                "attained": result.stage_attained is not None
                and _attained(codes, result.stage_attained, code, result.by_stage),
            }
            for code in codes
        ],
    }


def _cell(text: str, width: int, *, right: bool = False) -> str:
    padding = " " * max(0, width - display_width(text))
    return padding + text if right else text + padding


def scores_table(document: dict[str, Any], stages: list[Stage], areas: list[PolicyArea]) -> str:
    names = stage_names(stages)
    area_names = {area.code: localized_text(area, "name") for area in areas}
    overall = document["overall"]
    round_ = document["round"]
    lines = [
        f"{document['municipality']['name']}（{document['municipality']['code']}）"
        f" {round_['fiscal_year']}年度 ラウンド {round_['id']}"
        f" ・ {round_['edition']['title']}（版 {round_['edition']['version']}）",
        f"記録: {document['computed_at']}（{SnapshotTrigger(document['trigger']).label}）",
        f"総合得点 {score_text(overall['score'])} ・ 到達段階 {stage_label(overall['stage_attained'], names)}"
        f" ・ 回答率 {percent_text(overall['completeness'])}（{overall['answered']}/{overall['total']}）",
        "",
    ]
    rows = [["取組分野", "得点", "到達段階", "回答率", *(names[s.code] for s in stages)]]
    for area in document["areas"]:
        rows.append(
            [
                area_names[area["code"]],
                score_text(area["score"]),
                stage_label(area["stage_attained"], names),
                percent_text(area["completeness"]),
                *(score_text(cell["score"]) for cell in area["stages"]),
            ]
        )
    rows.append(
        [
            "全分野",
            score_text(overall["score"]),
            stage_label(overall["stage_attained"], names),
            percent_text(overall["completeness"]),
            *(score_text(stage["score"]) for stage in document["stages"]),
        ]
    )
    rows.append(
        ["到達の目安", "", "", "", *(str(stage["threshold"]) for stage in document["stages"])]
    )
    foundation = document.get("foundation")
    if foundation is not None:
        # Beside the ladder (results.scoring rule 6): after it, with no stage attained.
        lines.insert(
            3,
            f"推進体制（基盤） {score_text(foundation['score'])}"
            " ・ 段階の外の土台として別に計算し、総合得点と到達段階には含めません",
        )
        for area in foundation["areas"]:
            rows.append(
                [
                    f"{area_names[area['code']]}（基盤）",
                    score_text(area["score"]),
                    "—",
                    percent_text(area["completeness"]),
                    *(score_text(cell["score"]) for cell in area["stages"]),
                ]
            )
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [_cell(text, widths[i], right=i in {1, 3} or i >= 4) for i, text in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = (
        "団体の評価結果（総合得点・到達段階・回答率、取組分野ごと・段階ごとの得点）を表示します。"
        "--format json はスクリプト向けで、キーは英語です（形式はこのコマンドの説明文を参照）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipality", metavar="CODE", required=True, help="団体コード（6桁）"
        )
        parser.add_argument(
            "--round", type=int, dest="round_id", required=True, help="ラウンドのID"
        )
        parser.add_argument(
            "--format",
            dest="output_format",
            choices=["json", "table"],
            default="table",
            help="出力形式（既定: table）",
        )

    def handle(self, *args, municipality, round_id, output_format, **options):
        if not Municipality.objects.filter(code=municipality).exists():
            raise CommandError(f"団体コード {municipality} の団体はありません。")
        try:
            round_ = Round.objects.select_related("municipality", "edition__framework").get(
                pk=round_id
            )
        except Round.DoesNotExist:
            raise CommandError(f"ラウンド {round_id} はありません。") from None
        if round_.municipality.code != municipality:
            raise CommandError(
                f"ラウンド {round_id} は団体 {municipality} のラウンドではありません"
                f"（{round_.municipality.name}のラウンドです）。"
            )
        snapshot = (
            ScoreSnapshot.objects.filter(round=round_, department__isnull=True)
            .select_related("round__municipality", "round__edition__framework")
            .first()
        )
        if snapshot is None:
            raise CommandError(
                f"ラウンド {round_id} の評価結果はまだ記録されていません。"
                f"python manage.py recompute_scores --round {round_id} で計算できます。"
            )
        stages = list(round_.edition.stages.order_by("order"))
        areas = list(round_.edition.areas.order_by("order"))
        document = scores_document(snapshot, stages, areas)
        if output_format == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(scores_table(document, stages, areas))
