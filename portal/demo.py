"""Demo organisations and sign-ins for `seed_demo` (development only).

Municipalities are chosen to cover the kinds peers are grouped by: a prefecture,
a designated city, a core city, a town and a village, all from the official
master (imported first). With a catalogue loaded, each has two closed rounds of
the earlier fiscal years and this year's open one, answered in realistic
proportions (portal.synthetic_answers), and enough peers with results for
every benchmark group (`demo_peers`). Running it again changes nothing.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from assessments.coordination import (
    consolidation_set,
    questionnaire_approve,
    questionnaire_return,
    round_close,
)
from assessments.models import Answer, Assignment, QuestionnaireStatus, Round
from dxportal.japanese_calendar import fiscal_year_of
from municipalities.models import Municipality
from municipalities.services import departments_create_defaults
from opendata.importing import open_data_import
from plans.demo import demo_action_items_seed
from plans.models import ActionItem, ActionStatus
from plans.services import action_item_status_set
from portal.national_data import NoCatalogue, national_data_generate, published_editions
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh_many

DEMO_PASSWORD = "demo-password-2026"

# 神奈川県, 横浜市, 船橋市, 葉山町, 清川村
DEMO_MUNICIPALITY_CODES = ["140007", "141003", "122041", "143014", "144029"]


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: Role
    municipality_codes: tuple[str, ...] = ()
    department_name: str | None = None


DEMO_USERS = [
    DemoUser("admin@example.jp", "管理 太郎", Role.SYSTEM_ADMIN),
    DemoUser("editor@example.jp", "編集 花子", Role.CATALOGUE_EDITOR),
    DemoUser("coordinator@example.jp", "推進 一郎", Role.COORDINATOR, ("141003",)),
    DemoUser("respondent@example.jp", "回答 次郎", Role.RESPONDENT, ("141003",), "デジタル統括局"),
    DemoUser("consultant@example.jp", "支援 三子", Role.CONSULTANT, ("141003", "143014", "144029")),
    DemoUser("hayama@example.jp", "葉山 四郎", Role.COORDINATOR, ("143014",)),
    DemoUser("kanagawa@example.jp", "神奈 五郎", Role.COORDINATOR, ("140007",)),
    DemoUser("funabashi@example.jp", "船橋 六美", Role.COORDINATOR, ("122041",)),
    DemoUser("kiyokawa@example.jp", "清川 七海", Role.COORDINATOR, ("144029",)),
]


class DemoDataMissing(Exception):
    pass


@transaction.atomic
def demo_seed() -> list[DemoUser]:
    municipalities = Municipality.objects.in_bulk(DEMO_MUNICIPALITY_CODES, field_name="code")
    missing = sorted(set(DEMO_MUNICIPALITY_CODES) - set(municipalities))
    if missing:
        raise DemoDataMissing(", ".join(missing))
    for municipality in municipalities.values():
        departments_create_defaults(municipality=municipality)

    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=demo.email, defaults={"display_name": demo.display_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for code in demo.municipality_codes or (None,):
            municipality = municipalities[code] if code else None
            department = (
                municipality.departments.get(name=demo.department_name)
                if demo.department_name
                else None
            )
            Membership.objects.get_or_create(
                user=user, role=demo.role, municipality=municipality, department=department
            )
    _demo_rounds(municipalities)
    return DEMO_USERS


# Each demo body's coordinator: they open, review, reconcile and close its rounds.
DEMO_COORDINATORS = {
    "140007": "kanagawa@example.jp",
    "141003": "coordinator@example.jp",
    "122041": "funabashi@example.jp",
    "143014": "hayama@example.jp",
    "144029": "kiyokawa@example.jp",
}
DEMO_SEED = 2026
# Other bodies per peer group of each demo body (same kind, size band, prefecture): with the
# body itself, one more than the benchmark's minimum group (results.benchmarks.K_ANONYMITY).
PEERS_PER_GROUP = 5
OPEN_DATA_SOURCE = "デモ用データ（実際の統計ではありません）"
RETURN_NOTE = "数値の基準日（4月1日）と根拠資料の場所を確認して、もう一度提出してください。"
CONSOLIDATION_NOTE = "所管課の実態調査の結果に合わせ、こちらの回答を団体の回答とします。"


def _demo_rounds(municipalities: dict[str, Municipality]) -> None:
    """Two closed rounds and this year's open one for each demo body, and peers with results.

    Peers and the demo bodies' answers are drawn in bulk (portal.national_data); the demo
    bodies' reviews, reconciliation, action items and closing go through the product's
    services, so their history reads as a real round's. A body that already has a round is
    left as it is (running again changes nothing).
    """
    try:
        published_editions()
    except NoCatalogue:
        return
    fresh = [m for m in municipalities.values() if not m.rounds.exists()]
    if not fresh:
        return
    admin = User.objects.get(email="admin@example.jp")
    national_data_generate(
        municipalities=demo_peers(municipalities.values()), seed=DEMO_SEED, user=admin
    )
    for municipality in fresh:
        coordinator = User.objects.get(email=DEMO_COORDINATORS[municipality.code])
        national_data_generate(
            municipalities=[municipality],
            seed=DEMO_SEED,
            user=coordinator,
            open_rounds=True,
            refresh_scores=False,
        )
        _demo_workflow(municipality, coordinator)
    _demo_open_data(municipalities)


def demo_peers(demo_bodies) -> list[Municipality]:
    """Bodies that put every demo body in peer groups large enough to show figures."""
    demo_ids = {m.pk for m in demo_bodies}
    everyone = list(Municipality.objects.current().order_by("code"))
    chosen: dict[int, Municipality] = {}
    for body in demo_bodies:
        band = body.size_band
        region = body.pk if body.prefecture_id is None else body.prefecture_id
        groups = [
            lambda m, body=body: m.kind == body.kind,
            lambda m, band=band: band is not None and m.size_band == band,
            lambda m, region=region: region in (m.pk, m.prefecture_id),
        ]
        for belongs in groups:
            members = [m for m in everyone if m.pk not in demo_ids and belongs(m)]
            for member in members[:PEERS_PER_GROUP]:
                chosen[member.pk] = member
    return list(chosen.values())


def _demo_workflow(municipality: Municipality, coordinator: User) -> None:
    """Earlier rounds: approve, reconcile, plan, close. This year's: some approved, one
    returned, the rest submitted or in progress as drawn."""
    rounds = list(municipality.rounds.order_by("fiscal_year"))
    *earlier, current = rounds
    for index, round_ in enumerate(earlier):
        for questionnaire in round_.questionnaires.filter(status=QuestionnaireStatus.SUBMITTED):
            questionnaire_approve(questionnaire=questionnaire, user=coordinator)
        _demo_consolidations(round_, coordinator)
        if index == 0:
            demo_action_items_seed(round=round_, user=coordinator)
        else:
            # One step done last year; the other is carried into this year's plan.
            first = ActionItem.objects.filter(municipality=municipality).order_by("pk").first()
            if first is not None:
                action_item_status_set(item=first, status=ActionStatus.DONE, user=coordinator)
        round_close(round=round_, user=coordinator)
    submitted = list(
        current.questionnaires.filter(status=QuestionnaireStatus.SUBMITTED)
        .select_related("department")
        .order_by("department__sort_order")
    )
    respondent_department = next(
        (d.department_name for d in DEMO_USERS if d.role == Role.RESPONDENT), None
    )
    for position, questionnaire in enumerate(submitted):
        if questionnaire.department.name == respondent_department or position == 1:
            questionnaire_return(questionnaire=questionnaire, user=coordinator, comment=RETURN_NOTE)
        elif position % 3 != 2:
            questionnaire_approve(questionnaire=questionnaire, user=coordinator)
    _demo_consolidations(current, coordinator)
    snapshots_refresh_many(
        Round.objects.filter(pk=current.pk).select_related("municipality"),
        trigger=SnapshotTrigger.RECOMPUTED,
    )


def _demo_consolidations(round_: Round, coordinator: User, limit: int = 2) -> None:
    """Where departments answered one indicator differently, the coordinator decides: the
    owner's answer for the first, another department's (with a reason) for the second."""
    by_indicator: dict[int, list[Answer]] = {}
    for answer in (
        Answer.objects.filter(questionnaire__round=round_)
        .select_related("indicator", "questionnaire__department", "choice")
        .order_by("indicator__area__order", "indicator__order", "pk")
    ):
        by_indicator.setdefault(answer.indicator_id, []).append(answer)
    owners = set(
        Assignment.objects.filter(round=round_, is_owner=True).values_list(
            "indicator_id", "department_id"
        )
    )
    decided = 0
    for indicator_id, answers in by_indicator.items():
        if decided == limit:
            break
        if len({(a.level, a.choice_id, a.yes, a.number) for a in answers}) < 2:
            continue
        owner = next(
            (a for a in answers if (indicator_id, a.questionnaire.department_id) in owners), None
        )
        other = next((a for a in answers if a is not owner), None)
        if owner is None or other is None:
            continue
        chosen, note = (owner, "") if decided == 0 else (other, CONSOLIDATION_NOTE)
        consolidation_set(
            round=round_, indicator=chosen.indicator, answer=chosen, note=note, user=coordinator
        )
        decided += 1


def _demo_open_data(municipalities: dict[str, Municipality]) -> None:
    """A small open-data file of made-up values for the demo bodies and their peers, so the
    answering page shows suggested answers; labelled as demo values, never statistics."""
    bodies = list(municipalities.values()) + demo_peers(municipalities.values())
    rows = ["団体コード,団体名,マイナンバーカード保有枚数率,52手続オンライン申請率"]
    for body in bodies:
        rng = random.Random(f"{DEMO_SEED}:{body.code}:open-data")
        rows.append(f"{body.code},{body.name},{rng.uniform(72, 88):.1f},{rng.uniform(20, 60):.1f}")
    open_data_import(
        data=("\n".join(rows) + "\n").encode("utf-8-sig"),
        file_name="demo-open-data.csv",
        source=OPEN_DATA_SOURCE,
        as_of=datetime.date(fiscal_year_of(timezone.localdate()), 4, 1),
    )
