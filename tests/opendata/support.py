"""Shared data for the suggestion tests (no tests here): a round whose area asks two indicators
the dashboard publishes (MNC-01, ONL-06) and one it does not, and open-data values."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from assessments.models import Questionnaire, Round
from frameworks.models import AnswerType, Edition, Indicator, PolicyArea
from municipalities.models import MunicipalityKind
from opendata.models import OpenDataImport, OpenDataValue
from tests.assessment_factories import open_round
from tests.factories import MunicipalityFactory
from tests.frameworks.factories import (
    EditionFactory,
    IndicatorFactory,
    PolicyAreaFactory,
    make_stages,
)

SOURCE = "デジタル庁「自治体DXダッシュボード」"
AS_OF = datetime.date(2026, 9, 30)
MYNUMBER = "マイナンバーカード保有枚数率"
ONLINE32 = "よく使う32手続オンライン化率"


@dataclass
class OpenDataRound:
    edition: Edition
    round: Round
    questionnaire: Questionnaire
    area: PolicyArea

    def indicator(self, code: str) -> Indicator:
        return Indicator.objects.get(edition=self.edition, code=code)

    def area_url(self) -> str:
        return reverse("questionnaires:area", args=[self.questionnaire.pk, self.area.code])

    def save_url(self, code: str) -> str:
        return reverse("questionnaires:answer_save", args=[self.questionnaire.pk, code])


def open_data_round(personas) -> OpenDataRound:
    edition = EditionFactory()
    stages = make_stages(edition)
    area = PolicyAreaFactory(
        edition=edition, code="mynumber_card", order=1, name="マイナンバーカード"
    )
    for order, (code, question) in enumerate(
        [
            ("MNC-01", "マイナンバーカード保有枚数率は何%ですか。"),
            ("ONL-06", "よく使う32手続のうちオンライン申請できる割合は。"),
            ("PCT-01", "窓口の予約制を導入した手続の割合は。"),
        ],
        start=1,
    ):
        IndicatorFactory(
            area=area,
            stage=stages[0],
            code=code,
            order=order,
            answer_type=AnswerType.PERCENTAGE,
            question=question,
        )
    round_ = open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=edition,
        closes_on=datetime.date(2099, 9, 30),
    )
    return OpenDataRound(
        edition=edition,
        round=round_,
        questionnaire=round_.questionnaires.get(department=personas.department_a),
        area=area,
    )


def add_values(values: dict, *, source: str = SOURCE, as_of: datetime.date = AS_OF):
    """One import of {municipality: {item: value}}, written as the importer writes it."""
    imported = OpenDataImport.objects.create(source=source, as_of=as_of, file_name="test.csv")
    OpenDataValue.objects.bulk_create(
        OpenDataValue(source_import=imported, municipality=m, item=item, value=Decimal(v))
        for m, items in values.items()
        for item, v in items.items()
    )
    return imported


def municipality_a_with_peers(personas, *, cities: int = 5, towns: int = 2) -> dict:
    """municipality_a (a city) at 72.3%, `cities` other cities and `towns` towns with values."""
    values = {personas.municipality_a: {MYNUMBER: "72.3", ONLINE32: "50"}}
    for n in range(cities):
        values[MunicipalityFactory(kind=MunicipalityKind.CITY)] = {MYNUMBER: str(80 + n)}
    for n in range(towns):
        values[MunicipalityFactory(kind=MunicipalityKind.TOWN)] = {
            MYNUMBER: str(60 + n),
            ONLINE32: "25",
        }
    return values
