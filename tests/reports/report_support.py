"""A round worth a report: every kind of answer, a shared indicator, a plan item (shared by the report tests)."""

from assessments.coordination import consolidation_set
from assessments.models import Answer, Assignment, Round
from frameworks.models import AnswerType
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh
from tests.assessment_factories import open_round
from tests.assessments.conftest import share_with_tax_office
from tests.frameworks.factories import make_edition
from tests.plans.plans_support import make_item
from tests.results.test_snapshots import answer

COMMENT = "窓口の電子申請を拡大中。髙橋さんと𠮷田さんが担当。"
TAX_COMMENT = "税務課では全庁で実施済み。"
EVIDENCE_URL = "https://www.example.lg.jp/dx/plan.pdf"


def report_round(personas, *, indicators: int = 6, areas: int = 2, comment: str = COMMENT) -> Round:
    """Municipality A's round, answered by DX推進課 (and 税務課 for STD-01), scored, with a plan.

    Maturity levels cycle 0..4 in catalogue order (ordered: the database's own order differs
    between PostgreSQL and SQLite, and so would every score); every answer of DX推進課 has `comment`
    and an evidence link. The coordinator takes 税務課's answer to STD-01 as the
    municipality's. STD-02 has an action item.
    """
    edition = make_edition(indicators=indicators, areas=areas)
    round_ = open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    share_with_tax_office(round_, personas, ["STD-01"])
    assigned = (
        Assignment.objects.filter(round=round_, department=personas.department_a)
        .select_related("indicator")
        .order_by("indicator__order")
    )
    for n, assignment in enumerate(assigned):
        indicator = assignment.indicator
        values = {"comment": comment, "evidence_url": EVIDENCE_URL}
        if indicator.answer_type == AnswerType.MATURITY:
            values["level"] = n % 5
        elif indicator.answer_type == AnswerType.CHOICE:
            values["choice"] = indicator.choices.get(code="partial")
        else:
            values["number"] = 3
        answer(round_, personas.department_a, indicator.code, **values)
    tax = answer(round_, personas.other_department_a, "STD-01", level=4, comment=TAX_COMMENT)
    consolidation_set(
        round=round_,
        indicator=tax.indicator,
        answer=tax,
        note="税務課の回答を団体の回答とする",
        user=personas.coordinator_a,
    )
    snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
    make_item(round_, personas, code="STD-02", title="庁内の手続きを棚卸しする")
    return round_


def municipality_answer(round_: Round, code: str) -> Answer:
    return Answer.objects.get(questionnaire__round=round_, indicator__code=code, comment=COMMENT)
