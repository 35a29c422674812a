"""Catalogue test data: factories for each model and `make_edition` for a whole edition.

`make_edition` builds what a real edition has (three stages, areas, maturity
indicators with a 0..4 rubric, a choice indicator and a count indicator), so a
draft made with it can be published as it is.
"""

from datetime import date
from decimal import Decimal

import factory

from frameworks.models import (
    AnswerType,
    Choice,
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    PolicyArea,
    RubricLevel,
    Stage,
)

STAGES = [
    (
        "digitization",
        "デジタイゼーション",
        "Digitization",
        "紙や手作業をデジタルに置き換える段階。",
        60,
    ),
    (
        "digitalization",
        "デジタライゼーション",
        "Digitalization",
        "業務の流れをデジタル前提で見直す段階。",
        60,
    ),
    (
        "transformation",
        "デジタルトランスフォーメーション",
        "Digital transformation",
        "住民サービスと組織を変える段階。",
        70,
    ),
]
LEVELS = ["未着手", "検討中", "一部で実施", "全庁で実施", "継続的に改善"]


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ["code"]

    code = "jichitai-dx"
    name = "自治体DX成熟度評価"
    name_en = "Municipal DX maturity"
    description = "自治体DX推進計画に沿って成熟度を測ります。"


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition

    framework = factory.SubFactory(FrameworkFactory)
    version = factory.Sequence(lambda n: f"{n + 1}.0")
    title = factory.LazyAttribute(lambda o: f"自治体DX推進計画 第{o.version}版に基づく評価")
    published_on = date(2022, 9, 2)
    status = EditionStatus.PUBLISHED
    source = "総務省「自治体DX推進計画」"


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"stage-{n}")
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"段階{n}")
    threshold = 60


class PolicyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyArea

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"area-{n}")
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"取組分野{n}")
    description = "この分野が何を指し、なぜ重要か。"
    source = "総務省「自治体DX推進計画」"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    area = factory.SubFactory(PolicyAreaFactory)
    edition = factory.SelfAttribute("area.edition")
    stage = factory.SubFactory(StageFactory, edition=factory.SelfAttribute("..edition"))
    code = factory.Sequence(lambda n: f"IND-{n:03d}")
    order = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"設問{n}について、どこまで取り組んでいますか。")
    help_text = "回答の手引き。"
    answer_type = AnswerType.MATURITY
    weight = Decimal("1.0")
    source = "総務省「自治体DX・情報化推進概要」"

    @factory.post_generation
    def levels(self, create, extracted, **kwargs):
        """A 0..4 rubric for maturity indicators unless `levels=[...]` (labels) is given."""
        if not create or self.answer_type != AnswerType.MATURITY:
            return
        labels = LEVELS if extracted is None else extracted
        RubricLevel.objects.bulk_create(
            RubricLevel(
                indicator=self,
                level=level,
                label=label,
                description=f"{label}の状態（{self.code}）",
            )
            for level, label in enumerate(labels)
        )


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    indicator = factory.SubFactory(IndicatorFactory, answer_type=AnswerType.CHOICE)
    code = factory.Sequence(lambda n: f"choice-{n}")
    order = factory.Sequence(lambda n: n + 1)
    label = factory.Sequence(lambda n: f"選択肢{n}")
    score = 50


def make_stages(edition: Edition) -> list[Stage]:
    return [
        Stage.objects.create(
            edition=edition,
            code=code,
            order=order,
            name=name,
            name_en=name_en,
            description=description,
            threshold=threshold,
        )
        for order, (code, name, name_en, description, threshold) in enumerate(STAGES, start=1)
    ]


def make_edition(
    *,
    indicators: int = 3,
    areas: int = 2,
    status: str = EditionStatus.PUBLISHED,
    with_choice_and_count: bool = True,
    **edition_fields,
) -> Edition:
    """A complete edition: stages, `areas` areas and `indicators` maturity indicators spread
    over them (codes STD-01, …), plus one choice and one count indicator in the first area."""
    edition = EditionFactory(status=status, **edition_fields)
    stages = make_stages(edition)
    area_objects = [
        PolicyAreaFactory(
            edition=edition,
            code=f"area-{n + 1}",
            order=n + 1,
            name=f"取組分野{n + 1}",
            name_en=f"Area {n + 1}",
        )
        for n in range(areas)
    ]
    for n in range(indicators):
        IndicatorFactory(
            area=area_objects[n % areas],
            stage=stages[n % len(stages)],
            code=f"STD-{n + 1:02d}",
            order=n + 1,
            question=f"指標{n + 1}の取組状況を選んでください。",
        )
    if with_choice_and_count:
        choice = IndicatorFactory(
            area=area_objects[0],
            stage=stages[1],
            code="CHO-01",
            order=indicators + 1,
            answer_type=AnswerType.CHOICE,
            question="電子申請システムの導入状況を選んでください。",
        )
        for order, (code, label, score) in enumerate(
            [
                ("none", "導入していない", 0),
                ("partial", "一部で導入", 50),
                ("all", "全庁で導入", 100),
            ],
            start=1,
        ):
            ChoiceFactory(indicator=choice, code=code, order=order, label=label, score=score)
        IndicatorFactory(
            area=area_objects[0],
            stage=stages[0],
            code="CNT-01",
            order=indicators + 2,
            answer_type=AnswerType.COUNT,
            unit="人",
            full_score_at=Decimal("10"),
            question="DX推進を担う専門人材は何人いますか。",
            municipality_kinds=["town", "village"],
            department_kinds=["dx_promotion", "general_affairs"],
        )
    return edition
