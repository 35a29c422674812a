"""Every audited action leaves exactly one event, which reads as a sentence a person would say
(audit.describing); an action that is refused or rolled back leaves none.

Each case sets up what it needs, then does the action through `acted`, which checks that
exactly one event of the action was recorded and returns it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role
from accounts.people import invitation_accept, respondent_add, respondent_remove
from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.coordination import CoordinationError, consolidation_set, round_close
from assessments.reminders import reminders_send
from assessments.rounds import RoundError
from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from frameworks.catalogue_io import framework_import
from frameworks.models import Edition, EditionStatus, Indicator, LineageRelation, PolicyArea
from frameworks.services import (
    CatalogueError,
    IndicatorData,
    LevelData,
    area_create,
    area_delete,
    area_move,
    area_update,
    edition_clone,
    edition_delete_draft,
    edition_publish,
    edition_retire,
    edition_update,
    indicator_create,
    indicator_delete,
    indicator_move,
    indicator_update,
    lineage_set,
)
from municipalities.default_departments import DEFAULT_DEPARTMENTS
from municipalities.models import Department
from municipalities.services import department_create
from plans.models import ActionStatus
from plans.services import action_item_create, action_item_status_set, action_item_update
from tests.assessment_factories import open_round
from tests.assessments.conftest import make_open_round, share_with_tax_office
from tests.factories import UserFactory
from tests.frameworks.factories import make_edition

pytestmark = pytest.mark.django_db

YEAR = "2026年度（令和8年度）"
ROUND = f"{YEAR}の評価ラウンド"
QUESTIONNAIRE = f"DX推進課の{YEAR}の調査票"
DEFAULT_CATALOGUE = "frameworks/catalogue/jichitai-dx-2.0.yaml"


def _last_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def acted(action: AuditAction, act: Callable) -> AuditEvent:
    """Do `act`; the one event of `action` it recorded (counted first)."""
    before = _last_pk()
    act()
    events = list(AuditEvent.objects.filter(pk__gt=before, action=action))
    assert len(events) == 1, events
    return events[0]


def none_of(action: AuditAction, act: Callable, refusal=None) -> None:
    """Do `act` (expecting `refusal`, an exception class); no event of `action` follows."""
    before = _last_pk()
    if refusal is None:
        act()
    else:
        with pytest.raises(refusal):
            act()
    assert not AuditEvent.objects.filter(pk__gt=before, action=action).exists()


def _person(user) -> str:
    return f"{user.display_name}（{user.email}）"


def _named(indicator) -> str:
    return f"{indicator.code} {indicator.question[:40]}"


def _edition(edition) -> str:
    return f"「{edition.title}」（{edition.version}）"


@dataclass
class World:
    personas: object
    client: Client

    def as_user(self, user) -> Client:
        self.client.force_login(user)
        return self.client

    @property
    def code(self) -> str:
        return self.personas.municipality_a.code


@pytest.fixture
def world(personas, client, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return World(personas, client)


# --- people and roles -----------------------------------------------------------------------


def respondent_added(w):
    p = w.personas  # respondent_other_a has roles in A only: added at once
    event = acted(
        AuditAction.MEMBERSHIP_ADDED,
        lambda: respondent_add(
            municipality=p.municipality_a,
            department=p.department_a,
            email=p.respondent_other_a.email,
            display_name="",
            invited_by=p.coordinator_a,
        ),
    )
    return event, f"{_person(p.respondent_other_a)}をDX推進課の回答者にしました。"


def respondent_invited(w):
    p = w.personas
    event = acted(
        AuditAction.MEMBERSHIP_INVITED,
        lambda: respondent_add(
            municipality=p.municipality_a,
            department=p.other_department_a,
            email="New.Person@Example.jp",
            display_name="新規 太郎",
            invited_by=p.coordinator_a,
        ),
    )
    return event, "new.person@example.jp を税務課の回答者として招待しました。"


def invitation_accepted(w):
    p = w.personas
    invitation = respondent_add(
        municipality=p.municipality_a,
        department=p.department_a,
        email=p.respondent_c.email,
        display_name="招待 花子",
        invited_by=p.coordinator_a,
    )
    event = acted(
        AuditAction.MEMBERSHIP_ACCEPTED,
        lambda: invitation_accept(invitation=invitation, user=p.respondent_c),
    )
    return event, "DX推進課の回答者への招待を承諾しました。"


def respondent_removed(w):
    p = w.personas
    membership = p.respondent_a.memberships.get()
    event = acted(
        AuditAction.MEMBERSHIP_REMOVED,
        lambda: respondent_remove(membership=membership, removed_by=p.coordinator_a),
    )
    return event, f"{_person(p.respondent_a)}をDX推進課の回答者から外しました。"


def role_granted_in_the_admin(w):
    p, person = w.personas, UserFactory()
    admin = w.as_user(p.admin)
    event = acted(
        AuditAction.MEMBERSHIP_ADDED,
        lambda: admin.post(
            reverse("admin:accounts_membership_add"),
            {"user": person.pk, "role": Role.COORDINATOR, "municipality": p.municipality_a.pk},
        ),
    )
    assert event.municipality == p.municipality_a
    return event, f"{_person(person)}にDX推進担当の役割を付与しました。"


def role_changed_in_the_admin(w):
    p = w.personas
    membership = p.respondent_a.memberships.get()
    admin = w.as_user(p.admin)
    event = acted(
        AuditAction.MEMBERSHIP_CHANGED,
        lambda: admin.post(
            reverse("admin:accounts_membership_change", args=[membership.pk]),
            {
                "user": p.respondent_a.pk,
                "role": Role.RESPONDENT,
                "municipality": p.municipality_a.pk,
                "department": p.other_department_a.pk,
            },
        ),
    )
    return event, f"{_person(p.respondent_a)}の役割を変更しました：部署：DX推進課 → 税務課"


def role_removed_in_the_admin(w):
    p = w.personas
    membership = p.coordinator_a.memberships.get()
    admin = w.as_user(p.admin)
    event = acted(
        AuditAction.MEMBERSHIP_REMOVED,
        lambda: admin.post(
            reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"}
        ),
    )
    assert not Membership.objects.filter(pk=membership.pk).exists()
    return event, f"{_person(p.coordinator_a)}のDX推進担当の役割を解除しました。"


# --- departments ------------------------------------------------------------------------------


def department_added(w):
    coordinator = w.as_user(w.personas.coordinator_a)
    event = acted(
        AuditAction.DEPARTMENT_CREATED,
        lambda: coordinator.post(
            reverse("municipalities:departments", args=[w.code]),
            {"name": "広報課", "kind": "general_affairs"},
        ),
    )
    return event, "部署を追加しました：広報課（総務・人事）"


def standard_departments_added(w):
    coordinator = w.as_user(w.personas.coordinator_a)
    event = acted(
        AuditAction.DEPARTMENT_CREATED,
        lambda: coordinator.post(reverse("municipalities:departments_add_defaults", args=[w.code])),
    )
    added = [
        (name, kind.label)
        for name, kind in DEFAULT_DEPARTMENTS[w.personas.municipality_a.kind]
        if name != "DX推進課"  # the municipality has it already
    ]
    names = "、".join(f"{name}（{label}）" for name, label in added)
    return event, f"標準の部署を{len(added)}件追加しました：{names}"


def department_changed(w):
    department = w.personas.other_department_a
    coordinator = w.as_user(w.personas.coordinator_a)
    event = acted(
        AuditAction.DEPARTMENT_CHANGED,
        lambda: coordinator.post(
            reverse("municipalities:department_edit", args=[w.code, department.pk]),
            {"name": "税務部", "kind": "taxation", "sort_order": department.sort_order},
        ),
    )
    return event, "部署「税務課」を変更しました：部署名：税務課 → 税務部／使用中：はい → いいえ"


# --- rounds -------------------------------------------------------------------------------------


def round_opened(w):
    p, edition = w.personas, make_edition(indicators=3, areas=2)
    opened = []
    event = acted(
        AuditAction.ROUND_OPENED,
        lambda: opened.append(
            open_round(p.municipality_a, p.coordinator_a, edition=edition, fiscal_year=2027)
        ),
    )
    (round_,) = opened
    departments = round_.questionnaires.count()
    indicators = round_.assignments.values("indicator").distinct().count()
    assert (departments, indicators) == (1, 4)
    return event, (
        f"2027年度（令和9年度）の評価ラウンドを始めました（版：{_edition(edition)}、"
        "回答期間：2027年6月1日〜2027年9月30日、部署1、指標4）。"
    )


def round_closed(w):
    round_ = make_open_round(w.personas)
    event = acted(
        AuditAction.ROUND_CLOSED,
        lambda: round_close(round=round_, user=w.personas.coordinator_a),
    )
    return event, f"{ROUND}を締め切りました。"


def reminders_sent(w):
    p, round_ = w.personas, make_open_round(w.personas)
    event = acted(
        AuditAction.REMINDERS_SENT,
        lambda: reminders_send(
            round=round_,
            base_url="https://dx.example.lg.jp/",
            user=p.coordinator_a,
            today=datetime.date(2026, 7, 1),
        ),
    )
    assert [m.to for m in mail.outbox] == [[p.respondent_a.email]]
    return event, f"{ROUND}の督促メールを1通送りました：DX推進課：{_person(p.respondent_a)}"


def reconciliation_decided(w):
    p = w.personas
    round_ = share_with_tax_office(make_open_round(p), p, ["STD-01"])
    indicator = round_.edition.indicators.prefetch_related("levels", "choices").get(code="STD-01")
    answer = answer_save(
        questionnaire=round_.questionnaires.get(department=p.other_department_a),
        indicator=indicator,
        values=AnswerValues(level=3),
        base_version=0,
        user=p.respondent_other_a,
    ).answer
    event = acted(
        AuditAction.CONSOLIDATION_SET,
        lambda: consolidation_set(
            round=round_,
            indicator=indicator,
            answer=answer,
            note="税務課の記録が正確",
            user=p.coordinator_a,
        ),
    )
    return event, (
        f"{ROUND}の{_named(indicator)}について、団体の回答を税務課の回答（3：全庁で実施）に"
        "しました。（理由：税務課の記録が正確）"
    )


def answer_changed_to_a_choice(w):
    p, round_ = w.personas, make_open_round(w.personas)
    indicator = round_.edition.indicators.prefetch_related("levels", "choices").get(code="CHO-01")
    event = acted(
        AuditAction.ANSWER_CHANGED,
        lambda: answer_save(
            questionnaire=round_.questionnaires.get(department=p.department_a),
            indicator=indicator,
            values=AnswerValues(choice_code="partial"),
            base_version=0,
            user=p.respondent_a,
        ),
    )
    return event, (
        f"{QUESTIONNAIRE}の{_named(indicator)}の回答を変更しました：選択肢：（なし） → 一部で導入"
    )


# --- the action plan ------------------------------------------------------------------------------


def _item(w, round_=None):
    round_ = round_ or make_open_round(w.personas)
    return action_item_create(
        round=round_,
        indicator=round_.edition.indicators.get(code="STD-01"),
        title="窓口の電子申請を広げる",
        department=w.personas.department_a,
        target_level=3,
        due_on=datetime.date(2026, 12, 25),
        user=w.personas.coordinator_a,
    )


def _item_named(item) -> str:
    return f"アクション「窓口の電子申請を広げる」（{_named(item.indicator)}）"


def action_item_created(w):
    created = []
    event = acted(AuditAction.ACTION_ITEM_CREATED, lambda: created.append(_item(w)))
    return event, (
        f"{_item_named(created[0])}を追加しました：担当部署：DX推進課／目標レベル：3／"
        "期限：2026年12月25日／状態：未着手"
    )


def action_item_changed(w):
    item = _item(w)
    event = acted(
        AuditAction.ACTION_ITEM_CHANGED,
        lambda: action_item_update(
            item=item,
            title=item.title,
            department=w.personas.other_department_a,
            target_level=3,
            due_on=datetime.date(2027, 1, 29),
            note="予算化済み",
            status=ActionStatus.NOT_STARTED,
            user=w.personas.coordinator_a,
        ),
    )
    return event, (
        f"{_item_named(item)}を変更しました：担当部署：DX推進課 → 税務課／"
        "期限：2026年12月25日 → 2027年1月29日／メモ：（なし） → 予算化済み"
    )


def action_item_status_changed(w):
    item = _item(w)
    event = acted(
        AuditAction.ACTION_ITEM_STATUS_CHANGED,
        lambda: action_item_status_set(
            item=item, status=ActionStatus.IN_PROGRESS, user=w.personas.coordinator_a
        ),
    )
    return event, f"{_item_named(item)}の状態を未着手から進行中にしました。"


# --- the catalogue ------------------------------------------------------------------------------


def _draft():
    return make_edition(status=EditionStatus.DRAFT, title="改訂案")


def edition_imported(w):
    results = []
    event = acted(
        AuditAction.CATALOGUE_EDITION_CREATED,
        lambda: results.append(framework_import(path=DEFAULT_CATALOGUE)),
    )
    (result,) = results
    edition = Edition.objects.get(framework__code=result.framework, version=result.version)
    assert event.municipality is None
    return event, (
        f"評価枠組みの版{_edition(edition)}をファイルから取り込みました"
        f"（段階{result.stages}、取組分野{result.areas}、指標{result.indicators}）。"
    )


def edition_cloned(w):
    published = make_edition(title="第3版")
    event = acted(
        AuditAction.CATALOGUE_EDITION_CLONED,
        lambda: edition_clone(edition=published, version="9.1", title="第3版の改訂案"),
    )
    return event, f"版{_edition(published)}を複製して、下書き「第3版の改訂案」（9.1）を作りました。"


def edition_changed(w):
    draft = _draft()
    event = acted(
        AuditAction.CATALOGUE_EDITION_CHANGED,
        lambda: edition_update(
            edition=draft, title="第4版の案", published_on=datetime.date(2027, 3, 31)
        ),
    )
    return event, (
        f"版「第4版の案」（{draft.version}）を変更しました：表題：改訂案 → 第4版の案／"
        "基づく資料の公表日：2022年9月2日 → 2027年3月31日"
    )


def edition_published(w):
    draft = _draft()
    event = acted(AuditAction.CATALOGUE_PUBLISHED, lambda: edition_publish(edition=draft))
    return event, f"評価枠組みの版{_edition(draft)}を公開しました。"


def edition_retired(w):
    published = make_edition(title="第1版")
    event = acted(AuditAction.CATALOGUE_RETIRED, lambda: edition_retire(edition=published))
    return event, f"評価枠組みの版{_edition(published)}を廃止しました。"


def draft_deleted(w):
    draft = _draft()
    event = acted(AuditAction.CATALOGUE_DRAFT_DELETED, lambda: edition_delete_draft(edition=draft))
    return event, f"評価枠組みの下書き{_edition(draft)}を削除しました。"


def area_added(w):
    draft = _draft()
    event = acted(
        AuditAction.CATALOGUE_AREA_CREATED,
        lambda: area_create(edition=draft, code="pr", name="広報・広聴", description="説明"),
    )
    return event, f"版{_edition(draft)}に取組分野「広報・広聴」を追加しました。"


def area_changed(w):
    draft = _draft()
    area = draft.areas.get(code="area-1")
    event = acted(
        AuditAction.CATALOGUE_AREA_CHANGED,
        lambda: area_update(area=area, name="行政手続", name_en=""),
    )
    return event, (
        f"版{_edition(draft)}の取組分野「取組分野1」を変更しました："
        "名称：取組分野1 → 行政手続／名称（英語）：Area 1 → （なし）"
    )


def area_deleted(w):
    draft = _draft()
    area = draft.areas.get(code="area-2")
    count = area.indicators.count()
    event = acted(AuditAction.CATALOGUE_AREA_DELETED, lambda: area_delete(area=area))
    return (
        event,
        f"版{_edition(draft)}から取組分野「取組分野2」を削除しました（指標{count}件とともに）。",
    )


def area_moved(w):
    draft = _draft()
    area = draft.areas.get(code="area-2")
    event = acted(AuditAction.CATALOGUE_AREA_MOVED, lambda: area_move(area=area, offset=-1))
    return event, f"版{_edition(draft)}の取組分野「取組分野2」を2番目から1番目に移しました。"


def indicator_added(w):
    draft = _draft()
    area = draft.areas.get(code="area-1")
    data = IndicatorData(
        code="PR-01",
        stage=draft.stages.first(),
        question="広報紙をウェブでも読めるようにしていますか。",
        answer_type="yes_no",
    )
    event = acted(
        AuditAction.CATALOGUE_INDICATOR_CREATED,
        lambda: indicator_create(area=area, data=data),
    )
    return event, (
        f"版{_edition(draft)}の取組分野「取組分野1」に指標PR-01 広報紙をウェブでも読めるように"
        "していますか。を追加しました。"
    )


def _data_of(indicator: Indicator, **changed) -> IndicatorData:
    """What the editor's form would send for the indicator, with `changed` fields."""
    fields = {
        name: getattr(indicator, name)
        for name in ("code", "stage", "question", "answer_type", "weight", "help_text", "source")
    }
    levels = [LevelData(lv.level, lv.label, lv.description) for lv in indicator.levels.all()]
    return IndicatorData(**{**fields, "levels": levels, **changed})


def indicator_changed(w):
    draft = _draft()
    indicator = draft.indicators.get(code="STD-01")
    before = _named(indicator)
    levels = [LevelData(n, label, "状態") for n, label in enumerate(["なし", "あり"])]
    event = acted(
        AuditAction.CATALOGUE_INDICATOR_CHANGED,
        lambda: indicator_update(
            indicator=indicator,
            data=_data_of(
                indicator,
                weight=Decimal("2.0"),
                municipality_kinds=["town", "village"],
                levels=levels,
            ),
        ),
    )
    return event, (
        f"版{_edition(draft)}の指標{before}を変更しました：重み：1 → 2／"
        "対象とする団体の区分：（なし） → 町、村／"
        "ルーブリック：0：未着手、1：検討中、2：一部で実施、3：全庁で実施、4：継続的に改善 → "
        "0：なし、1：あり"
    )


def indicator_deleted(w):
    draft = _draft()
    indicator = draft.indicators.get(code="STD-02")
    event = acted(
        AuditAction.CATALOGUE_INDICATOR_DELETED, lambda: indicator_delete(indicator=indicator)
    )
    return event, f"版{_edition(draft)}から指標{_named(indicator)}を削除しました。"


def indicator_moved(w):
    draft = _draft()
    indicator = draft.indicators.get(code="STD-01")
    event = acted(
        AuditAction.CATALOGUE_INDICATOR_MOVED,
        lambda: indicator_move(indicator=indicator, offset=1),
    )
    return event, (
        f"版{_edition(draft)}の取組分野「取組分野1」で、指標{_named(indicator)}を1番目から"
        "2番目に移しました。"
    )


CASES = [
    respondent_added,
    respondent_invited,
    invitation_accepted,
    respondent_removed,
    role_granted_in_the_admin,
    role_changed_in_the_admin,
    role_removed_in_the_admin,
    department_added,
    standard_departments_added,
    department_changed,
    round_opened,
    round_closed,
    reminders_sent,
    reconciliation_decided,
    answer_changed_to_a_choice,
    action_item_created,
    action_item_changed,
    action_item_status_changed,
    edition_imported,
    edition_cloned,
    edition_changed,
    edition_published,
    edition_retired,
    draft_deleted,
    area_added,
    area_changed,
    area_deleted,
    area_moved,
    indicator_added,
    indicator_changed,
    indicator_deleted,
    indicator_moved,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_each_action_leaves_one_event_that_reads_as_a_sentence(world, case):
    event, words = case(world)
    assert describe(event) == words


# --- refused and rolled back: nothing recorded ------------------------------------------------


def test_refused_changes_to_people_record_nothing(world):
    p = world.personas

    def add(user):
        return respondent_add(
            municipality=p.municipality_a,
            department=p.department_a,
            email=p.respondent_other_a.email,
            display_name="",
            invited_by=user,
        )

    none_of(AuditAction.MEMBERSHIP_ADDED, lambda: add(p.respondent_a), PermissionDenied)
    none_of(AuditAction.MEMBERSHIP_ADDED, lambda: add(p.coordinator_c), PermissionDenied)
    membership = p.respondent_a.memberships.get()
    none_of(
        AuditAction.MEMBERSHIP_REMOVED,
        lambda: respondent_remove(membership=membership, removed_by=p.coordinator_c),
        PermissionDenied,
    )
    admin = world.as_user(p.admin)
    # A coordinator role with a department breaks the role's scope: the form refuses it.
    none_of(
        AuditAction.MEMBERSHIP_ADDED,
        lambda: admin.post(
            reverse("admin:accounts_membership_add"),
            {
                "user": UserFactory().pk,
                "role": Role.COORDINATOR,
                "municipality": p.municipality_a.pk,
                "department": p.department_a.pk,
            },
        ),
    )


def test_refused_department_changes_record_nothing(world):
    coordinator = world.as_user(world.personas.coordinator_a)
    url = reverse("municipalities:departments", args=[world.code])
    none_of(
        AuditAction.DEPARTMENT_CREATED,
        lambda: coordinator.post(url, {"name": "DX推進課", "kind": "dx_promotion"}),
    )
    department = world.personas.other_department_a
    edit = reverse("municipalities:department_edit", args=[world.code, department.pk])
    none_of(
        AuditAction.DEPARTMENT_CHANGED,
        lambda: coordinator.post(edit, {"name": "税務部", "kind": "taxation", "sort_order": -1}),
    )
    unchanged = {"name": "税務課", "kind": "taxation", "sort_order": department.sort_order}
    none_of(
        AuditAction.DEPARTMENT_CHANGED,
        lambda: coordinator.post(edit, {**unchanged, "is_active": "on"}),
    )
    assert Department.objects.get(pk=department.pk).name == "税務課"


def test_a_rolled_back_action_records_nothing(world):
    """The event is written in the action's transaction: when it rolls back, so does the event."""

    def create_then_fail():
        with transaction.atomic():
            department_create(
                municipality=world.personas.municipality_a, name="広報課", kind="industry"
            )
            raise RuntimeError("something after the department went wrong")

    none_of(AuditAction.DEPARTMENT_CREATED, create_then_fail, RuntimeError)
    assert not Department.objects.filter(name="広報課").exists()

    # The catalogue editor saves an indicator and its lineage together; a refused lineage
    # takes the indicator's change back, and its event with it.
    draft = make_edition(status=EditionStatus.DRAFT)
    indicator = draft.indicators.prefetch_related("levels").get(code="STD-01")

    def save_with_refused_lineage():
        with transaction.atomic():
            indicator_update(indicator=indicator, data=_data_of(indicator, weight=Decimal("3.0")))
            lineage_set(indicator=indicator, links=[("NONE-99", LineageRelation.SAME)])

    none_of(AuditAction.CATALOGUE_INDICATOR_CHANGED, save_with_refused_lineage, CatalogueError)
    assert Indicator.objects.get(pk=indicator.pk).weight == Decimal("1.0")


def test_refused_round_actions_record_nothing(world):
    p = world.personas
    none_of(
        AuditAction.ROUND_OPENED,
        lambda: open_round(
            p.municipality_a,
            p.coordinator_a,
            edition=make_edition(status=EditionStatus.DRAFT),
            fiscal_year=2027,
        ),
        RoundError,
    )
    round_ = make_open_round(p)
    none_of(
        AuditAction.ROUND_CLOSED,
        lambda: round_close(round=round_, user=p.respondent_a),
        PermissionDenied,
    )
    # Everyone has submitted: no reminder to send, nothing to record.
    round_.questionnaires.update(status="submitted")
    none_of(
        AuditAction.REMINDERS_SENT,
        lambda: reminders_send(round=round_, base_url="http://x", user=p.coordinator_a),
    )
    round_close(round=round_, user=p.coordinator_a)
    none_of(
        AuditAction.REMINDERS_SENT,
        lambda: reminders_send(round=round_, base_url="http://x", user=p.coordinator_a),
        CoordinationError,
    )
    assert mail.outbox == []


def test_a_refused_reconciliation_decision_records_nothing(world):
    p = world.personas
    round_ = share_with_tax_office(make_open_round(p), p, ["STD-01"])
    indicator = round_.edition.indicators.prefetch_related("levels", "choices").get(code="STD-01")
    answer = answer_save(
        questionnaire=round_.questionnaires.get(department=p.other_department_a),
        indicator=indicator,
        values=AnswerValues(level=1),
        base_version=0,
        user=p.respondent_other_a,
    ).answer
    decide = {"round": round_, "indicator": indicator, "answer": answer}
    # Not the owner's answer: a reason is needed.
    none_of(
        AuditAction.CONSOLIDATION_SET,
        lambda: consolidation_set(**decide, note="", user=p.coordinator_a),
        CoordinationError,
    )
    none_of(
        AuditAction.CONSOLIDATION_SET,
        lambda: consolidation_set(**decide, note="理由", user=p.consultant),
        PermissionDenied,
    )


def test_refused_or_empty_action_item_changes_record_nothing(world):
    round_ = make_open_round(world.personas)
    none_of(
        AuditAction.ACTION_ITEM_CREATED,
        lambda: action_item_create(
            round=round_,
            indicator=round_.edition.indicators.get(code="STD-01"),
            title="前倒し",
            department=world.personas.department_a,
            target_level=3,
            due_on=datetime.date(2026, 1, 1),  # before the round opens
            user=world.personas.coordinator_a,
        ),
        ValidationError,
    )
    item = _item(world, round_)
    none_of(
        AuditAction.ACTION_ITEM_CHANGED,
        lambda: action_item_update(
            item=item,
            title=item.title,
            department=item.department,
            target_level=item.target_level,
            due_on=item.due_on,
            note=item.note,
            status=item.status,
            user=world.personas.coordinator_a,
        ),
    )
    none_of(
        AuditAction.ACTION_ITEM_STATUS_CHANGED,
        lambda: action_item_status_set(
            item=item, status=ActionStatus.NOT_STARTED, user=world.personas.coordinator_a
        ),
    )


def test_refused_catalogue_changes_record_nothing(world):
    published = make_edition()
    area = published.areas.get(code="area-1")
    for action, act in [
        (
            AuditAction.CATALOGUE_EDITION_CHANGED,
            lambda: edition_update(edition=published, title="x"),
        ),
        (AuditAction.CATALOGUE_AREA_CHANGED, lambda: area_update(area=area, name="x")),
        (AuditAction.CATALOGUE_AREA_DELETED, lambda: area_delete(area=area)),
        (
            AuditAction.CATALOGUE_AREA_CREATED,
            lambda: area_create(edition=published, code="x", name="x"),
        ),
        (
            AuditAction.CATALOGUE_EDITION_CLONED,
            lambda: edition_clone(edition=published, version=published.version, title="x"),
        ),
    ]:
        none_of(action, act, CatalogueError)
    empty = make_edition(status=EditionStatus.DRAFT, indicators=0, with_choice_and_count=False)
    none_of(AuditAction.CATALOGUE_PUBLISHED, lambda: edition_publish(edition=empty), CatalogueError)
    draft = _draft()
    first = PolicyArea.objects.filter(edition=draft).order_by("order").first()
    none_of(AuditAction.CATALOGUE_AREA_MOVED, lambda: area_move(area=first, offset=-1))


def test_roles_changed_on_a_persons_admin_page_are_recorded(world):
    """The user's admin page edits their roles inline: each grant and removal is one event."""
    p = world.personas
    person, membership = p.respondent_other_a, p.respondent_other_a.memberships.get()
    admin = world.as_user(p.admin)
    before = _last_pk()
    response = admin.post(
        reverse("admin:accounts_user_change", args=[person.pk]),
        {
            "email": person.email,
            "display_name": person.display_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": membership.pk,
            "memberships-0-user": person.pk,
            "memberships-0-role": Role.RESPONDENT,
            "memberships-0-municipality": p.municipality_a.pk,
            "memberships-0-department": p.other_department_a.pk,
            "memberships-0-DELETE": "on",
            "memberships-1-user": person.pk,
            "memberships-1-role": Role.COORDINATOR,
            "memberships-1-municipality": p.municipality_a.pk,
        },
    )
    assert response.status_code == 302
    events = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    assert [describe(event) for event in events] == [
        f"{_person(person)}にDX推進担当の役割を付与しました。",
        f"{_person(person)}を税務課の回答者から外しました。",
    ]
    assert {event.municipality for event in events} == {p.municipality_a}


def test_a_role_moved_to_another_municipality_is_told_on_both_sides(world):
    p = world.personas
    membership = p.respondent_a.memberships.get()
    admin = world.as_user(p.admin)
    before = _last_pk()
    admin.post(
        reverse("admin:accounts_membership_change", args=[membership.pk]),
        {
            "user": p.respondent_a.pk,
            "role": Role.RESPONDENT,
            "municipality": p.municipality_c.pk,
            "department": p.department_c.pk,
        },
    )
    events = AuditEvent.objects.filter(pk__gt=before).order_by("pk")
    assert [(e.action, e.municipality) for e in events] == [
        (AuditAction.MEMBERSHIP_REMOVED, p.municipality_a),
        (AuditAction.MEMBERSHIP_ADDED, p.municipality_c),
    ]
