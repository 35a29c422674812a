"""Shared data for the answering tests (no tests here): a round whose first area has one
indicator of every answer type, and helpers to post answers as the browser does.

Each test module makes its `all_types` fixture with `open_all_types(personas)`.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from assessments.models import Questionnaire, Round
from frameworks.models import AnswerType, Edition, Indicator, PolicyArea
from tests.assessment_factories import open_round
from tests.frameworks.factories import (
    ChoiceFactory,
    EditionFactory,
    IndicatorFactory,
    PolicyAreaFactory,
    make_stages,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class AllTypes:
    edition: Edition
    round: Round
    questionnaire: Questionnaire
    area: PolicyArea
    other_area: PolicyArea

    def indicator(self, code: str) -> Indicator:
        return Indicator.objects.get(edition=self.edition, code=code)

    def area_url(self, area=None) -> str:
        return reverse(
            "questionnaires:area", args=[self.questionnaire.pk, (area or self.area).code]
        )

    def save_url(self, code: str) -> str:
        return reverse("questionnaires:answer_save", args=[self.questionnaire.pk, code])


def make_all_types_edition(*, extra_maturity: int = 0) -> Edition:
    """Area "area-1": MAT-01, YES-01, PCT-01, CNT-01, CHO-01, TXT-01 (+ `extra_maturity`
    maturity indicators EXT-nn); area "area-2": MAT-02."""
    edition = EditionFactory()
    stages = make_stages(edition)
    first = PolicyAreaFactory(
        edition=edition, code="area-1", order=1, name="行政手続のオンライン化"
    )
    second = PolicyAreaFactory(edition=edition, code="area-2", order=2, name="情報システムの標準化")
    specs = [
        ("MAT-01", AnswerType.MATURITY, "庁内の業務のデジタル化はどこまで進んでいますか。"),
        ("YES-01", AnswerType.YES_NO, "DX推進計画を策定していますか。"),
        ("PCT-01", AnswerType.PERCENTAGE, "オンラインで申請できる手続の割合は。"),
        ("CNT-01", AnswerType.COUNT, "DX推進を担う専門人材は何人いますか。"),
        ("CHO-01", AnswerType.CHOICE, "電子申請システムの導入状況を選んでください。"),
        ("TXT-01", AnswerType.TEXT, "取組の課題を記述してください。"),
    ]
    specs += [
        (f"EXT-{n:02d}", AnswerType.MATURITY, f"追加の指標{n}の状況は。")
        for n in range(1, extra_maturity + 1)
    ]
    for order, (code, answer_type, question) in enumerate(specs, start=1):
        indicator = IndicatorFactory(
            area=first,
            stage=stages[order % 3],
            code=code,
            order=order,
            answer_type=answer_type,
            question=question,
            unit="人" if answer_type == AnswerType.COUNT else "",
            full_score_at=Decimal("10") if answer_type == AnswerType.COUNT else None,
        )
        if answer_type == AnswerType.CHOICE:
            for n, (choice_code, label, score) in enumerate(
                [
                    ("none", "導入していない", 0),
                    ("partial", "一部で導入", 50),
                    ("all", "全庁で導入", 100),
                ],
                start=1,
            ):
                ChoiceFactory(
                    indicator=indicator, code=choice_code, order=n, label=label, score=score
                )
    IndicatorFactory(
        area=second,
        stage=stages[0],
        code="MAT-02",
        order=1,
        question="標準準拠システムへの移行は。",
    )
    return edition


def open_all_types(personas, *, extra_maturity: int = 0, **round_fields) -> AllTypes:
    edition = make_all_types_edition(extra_maturity=extra_maturity)
    round_fields.setdefault("closes_on", datetime.date(2099, 9, 30))  # not overdue
    round_ = open_round(
        personas.municipality_a, personas.coordinator_a, edition=edition, **round_fields
    )
    return AllTypes(
        edition=edition,
        round=round_,
        questionnaire=round_.questionnaires.get(department=personas.department_a),
        area=edition.areas.get(code="area-1"),
        other_area=edition.areas.get(code="area-2"),
    )
