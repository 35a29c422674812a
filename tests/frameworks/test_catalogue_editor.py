"""The catalogue editor: every change goes through frameworks.services; frozen editions stay frozen."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from frameworks.diff import snapshot
from frameworks.models import (
    AnswerType,
    Edition,
    EditionStatus,
    Indicator,
    IndicatorLineage,
    LineageRelation,
    PolicyArea,
)
from frameworks.selectors import edition_with_content
from frameworks.services import edition_clone
from tests.factories import MembershipFactory
from tests.frameworks.factories import PolicyAreaFactory, make_edition
from tests.frontend.page import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = MembershipFactory(role=Role.CATALOGUE_EDITOR, municipality=None).user
    client.force_login(user)
    return client


@pytest.fixture
def draft():
    return make_edition(status=EditionStatus.DRAFT, indicators=3)


@pytest.fixture
def published():
    return make_edition(indicators=3)


# What the confirmation page's button posts (frameworks.forms.ConfirmForm).
CONFIRMED = {"confirm": "True"}


def _url(name: str, **kwargs) -> str:
    return reverse(f"frameworks:{name}", kwargs=kwargs)


def _state(edition: Edition) -> dict:
    """Everything an editor can change, to prove that a refused request changed nothing."""
    edition = edition_with_content(edition)
    orders = {
        "areas": [(a.code, a.order) for a in edition.areas.all()],
        "indicators": sorted(
            (i.code, i.order) for a in edition.areas.all() for i in a.indicators.all()
        ),
    }
    meta = {f: getattr(edition, f) for f in ("title", "status", "source", "published_on")}
    return {"content": snapshot(edition), "orders": orders, "meta": meta}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _formset(prefix: str, rows: list[dict], *, total: int | None = None, initial: int = 0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(total if total is not None else len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data


LEVELS = [
    {"level": 0, "label": "未着手", "description": "取り組んでいない。"},
    {"level": 1, "label": "検討中", "description": "検討を始めた。"},
    {"level": 2, "label": "実施", "description": "全庁で実施している。"},
]


def _indicator_post(edition: Edition, /, *, levels=LEVELS, choices=(), lineage=None, **fields):
    data = {
        "code": "NEW-01",
        "stage": str(edition.stages.order_by("order").first().pk),
        "question": "オンライン申請の対象手続はどこまで広がっていますか。",
        "help_text": "主な手続を対象に答えてください。",
        "answer_type": AnswerType.MATURITY,
        "weight": "2.0",
        "municipality_kinds": ["town", "village"],
        "department_kinds": ["resident_services"],
        "source": "総務省「自治体DX推進計画」",
    } | fields
    data |= _formset("levels", list(levels), total=max(len(levels), 5))
    data |= _formset("choices", list(choices), total=max(len(choices), 3))
    if lineage is not None:
        data |= _formset("lineage", list(lineage), total=max(len(lineage), 2))
    return data


# --- who may edit ---------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client, draft):
    for url in (_url("editor"), _url("editor_edition", edition_id=draft.pk)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_other_signed_in_users_are_refused(client, draft, personas):
    before = _state(draft)
    for user in (personas.coordinator_a, personas.consultant, personas.respondent_a):
        client.force_login(user)
        assert client.get(_url("editor")).status_code == 403
        response = client.post(_url("editor_area_create", edition_id=draft.pk), {"code": "x"})
        assert response.status_code == 403
        assert client.post(_url("editor_publish", edition_id=draft.pk)).status_code == 403
    assert _state(draft) == before


def test_system_admins_may_edit(client, personas, draft):
    client.force_login(personas.admin)
    assert client.get(_url("editor_edition", edition_id=draft.pk)).status_code == 200


# --- the list of editions ----------------------------------------------------------------


def test_editor_index_lists_drafts_with_their_actions(editor, draft, published):
    page = Page(editor.get(_url("editor")).content.decode())
    assert draft.title in page.html and published.title in page.html
    # Publishing and retiring are links to their confirmation pages, not one-click forms.
    links = {a.attrs.get("href") for a in page.all("a")}
    assert _url("editor_publish", edition_id=draft.pk) in links
    assert _url("editor_retire", edition_id=published.pk) in links
    assert _url("editor_publish", edition_id=published.pk) not in links
    actions = {form.attrs.get("action") for form in page.all("form")}
    assert _url("editor_publish", edition_id=draft.pk) not in actions


# --- areas --------------------------------------------------------------------------------


def test_editor_adds_edits_moves_and_deletes_an_area(editor, draft):
    response = editor.post(
        _url("editor_area_create", edition_id=draft.pk),
        {"code": "workstyle", "name": "テレワークの推進", "description": "働き方を変える。"},
    )
    area = PolicyArea.objects.get(edition=draft, code="workstyle")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#area-{area.pk}")
    assert area.order == 3

    response = editor.post(
        _url("editor_area_edit", area_id=area.pk),
        {"code": "workstyle", "name": "テレワーク等の推進", "source": "推進計画 4.2"},
    )
    area.refresh_from_db()
    assert (area.name, area.source, area.description) == ("テレワーク等の推進", "推進計画 4.2", "")

    editor.post(_url("editor_area_move", area_id=area.pk), {"direction": "up"})
    assert list(draft.areas.order_by("order").values_list("code", flat=True)) == [
        "area-1",
        "workstyle",
        "area-2",
    ]
    editor.post(_url("editor_area_move", area_id=area.pk), {"direction": "down"})
    editor.post(_url("editor_area_move", area_id=area.pk), {"direction": "down"})  # stays last
    assert list(draft.areas.order_by("order").values_list("code", flat=True))[-1] == "workstyle"

    assert editor.get(_url("editor_area_delete", area_id=area.pk)).status_code == 200
    response = editor.post(_url("editor_area_delete", area_id=area.pk), follow=True)
    assert "取組分野「テレワーク等の推進」を削除しました。" in _messages(response)
    assert not PolicyArea.objects.filter(pk=area.pk).exists()


def test_area_form_reports_a_duplicate_code_and_missing_name(editor, draft):
    response = editor.post(_url("editor_area_create", edition_id=draft.pk), {"code": "area-1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "この版には同じコードの取組分野がすでにあります。" in html
    assert draft.areas.count() == 2


def test_moving_needs_a_direction(editor, draft):
    area = draft.areas.first()
    response = editor.post(_url("editor_area_move", area_id=area.pk), {"direction": "left"})
    assert response.status_code == 400


# --- indicators --------------------------------------------------------------------------


def test_editor_adds_a_maturity_indicator_with_its_rubric(editor, draft):
    area = draft.areas.get(code="area-2")
    response = editor.post(_url("editor_indicator_create", area_id=area.pk), _indicator_post(draft))
    assert response.status_code == 302, response.content.decode()
    indicator = Indicator.objects.get(edition=draft, code="NEW-01")
    assert indicator.area == area
    assert indicator.weight == Decimal("2.0")
    assert indicator.municipality_kinds == ["town", "village"]
    assert indicator.department_kinds == ["resident_services"]
    assert [(lv.level, lv.label) for lv in indicator.levels.all()] == [
        (0, "未着手"),
        (1, "検討中"),
        (2, "実施"),
    ]
    assert list(area.indicators.order_by("order"))[-1] == indicator


def test_rows_of_a_section_the_answer_type_does_not_use_are_ignored(editor, draft):
    area = draft.areas.first()
    half_filled = [{"level": "", "label": "書きかけ", "description": ""}]
    response = editor.post(
        _url("editor_indicator_create", area_id=area.pk),
        _indicator_post(draft, answer_type=AnswerType.YES_NO, levels=half_filled),
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(edition=draft, code="NEW-01")
    assert indicator.answer_type == AnswerType.YES_NO
    assert not indicator.levels.exists()


def test_editor_adds_a_choice_indicator(editor, draft):
    area = draft.areas.first()
    choices = [
        {"code": "none", "label": "なし", "score": 0},
        {"code": "some", "label": "一部", "score": 60},
    ]
    response = editor.post(
        _url("editor_indicator_create", area_id=area.pk),
        _indicator_post(draft, answer_type=AnswerType.CHOICE, choices=choices),
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(edition=draft, code="NEW-01")
    assert [(c.code, c.score, c.order) for c in indicator.choices.all()] == [
        ("none", 0, 1),
        ("some", 60, 2),
    ]
    assert not indicator.levels.exists()


def test_editor_edits_an_indicator_and_its_rubric(editor, draft):
    indicator = Indicator.objects.get(edition=draft, code="STD-01")
    page = Page(
        editor.get(_url("editor_indicator_edit", indicator_id=indicator.pk)).content.decode()
    )
    assert page.one("textarea", name="question").text == indicator.question
    assert page.one("input", name="levels-4-label").attrs["value"] == "継続的に改善"

    response = editor.post(
        _url("editor_indicator_edit", indicator_id=indicator.pk),
        _indicator_post(draft, code="STD-01", question="改めた設問"),
    )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.question == "改めた設問"
    assert indicator.levels.count() == 3


def test_a_rubric_with_a_gap_is_refused_and_nothing_changes(editor, draft):
    indicator = Indicator.objects.get(edition=draft, code="STD-01")
    before = _state(draft)
    gap = [LEVELS[0], LEVELS[2]]
    response = editor.post(
        _url("editor_indicator_edit", indicator_id=indicator.pk),
        _indicator_post(draft, code="STD-01", question="保存されないはずの設問", levels=gap),
    )
    assert response.status_code == 400
    assert "ルーブリックのレベルは0から順に欠番なく並べてください（現在: 0, 2）。" in (
        response.content.decode()
    )
    assert _state(draft) == before


def test_a_maturity_indicator_without_a_rubric_is_refused(editor, draft):
    area = draft.areas.first()
    response = editor.post(
        _url("editor_indicator_create", area_id=area.pk), _indicator_post(draft, levels=[])
    )
    assert response.status_code == 400
    assert "ルーブリックには2つ以上のレベルが必要です。" in response.content.decode()
    assert not Indicator.objects.filter(edition=draft, code="NEW-01").exists()


def test_a_half_filled_rubric_row_is_reported_next_to_its_field(editor, draft):
    area = draft.areas.first()
    rows = [*LEVELS, {"level": 3, "label": "", "description": "説明だけ"}]
    response = editor.post(
        _url("editor_indicator_create", area_id=area.pk), _indicator_post(draft, levels=rows)
    )
    assert response.status_code == 400
    assert "この行を使うときは入力してください。" in response.content.decode()


def test_the_stage_must_belong_to_the_same_edition(editor, draft, published):
    area = draft.areas.first()
    foreign_stage = published.stages.first()
    response = editor.post(
        _url("editor_indicator_create", area_id=area.pk),
        _indicator_post(draft, stage=str(foreign_stage.pk)),
    )
    assert response.status_code == 400
    assert not Indicator.objects.filter(edition=draft, code="NEW-01").exists()


def test_editor_moves_and_deletes_an_indicator(editor, draft):
    area = draft.areas.get(code="area-1")
    codes = lambda: list(area.indicators.order_by("order").values_list("code", flat=True))  # noqa: E731
    first, second = codes()[:2]
    moving = Indicator.objects.get(edition=draft, code=second)
    editor.post(_url("editor_indicator_move", indicator_id=moving.pk), {"direction": "up"})
    assert codes()[:2] == [second, first]

    response = editor.post(_url("editor_indicator_delete", indicator_id=moving.pk), follow=True)
    assert f"指標{second}を削除しました。" in _messages(response)
    assert second not in codes()


def test_lineage_is_recorded_and_an_unknown_predecessor_undoes_the_save(editor, published):
    draft = edition_clone(edition=published, version="2.1", title="第2.1版")
    indicator = Indicator.objects.get(edition=draft, code="STD-02")
    url = _url("editor_indicator_edit", indicator_id=indicator.pk)
    page = Page(editor.get(url).content.decode())
    assert page.one("input", name="lineage-0-predecessor").attrs["value"] == "STD-02"

    lineage = [
        {"predecessor": "STD-02", "relation": "merged"},
        {"predecessor": "STD-03", "relation": "merged"},
    ]
    response = editor.post(url, _indicator_post(draft, code="STD-02", lineage=lineage))
    assert response.status_code == 302
    assert sorted(indicator.lineage.values_list("predecessor__code", "relation")) == [
        ("STD-02", "merged"),
        ("STD-03", "merged"),
    ]

    before = _state(draft)
    unknown = [{"predecessor": "NOPE-99", "relation": "same"}]
    response = editor.post(
        url, _indicator_post(draft, code="STD-02", question="取り消されるはず", lineage=unknown)
    )
    assert response.status_code == 400
    assert "NOPE-99" in response.content.decode()
    assert _state(draft) == before
    assert indicator.lineage.count() == 2

    # No predecessor rows: the indicator is new in this edition.
    response = editor.post(url, _indicator_post(draft, code="STD-02", lineage=[]))
    assert response.status_code == 302, response.content.decode()
    assert list(indicator.lineage.values_list("relation", flat=True)) == [LineageRelation.NEW]


# --- frozen editions ---------------------------------------------------------------------


def test_every_change_to_a_published_edition_is_refused(editor, published):
    area = published.areas.first()
    indicator = area.indicators.first()
    before = _state(published)
    attempts = [
        (_url("editor_edition", edition_id=published.pk), {"title": "新しい表題"}),
        (_url("editor_area_create", edition_id=published.pk), {"code": "new", "name": "新"}),
        (_url("editor_area_edit", area_id=area.pk), {"code": area.code, "name": "改"}),
        (_url("editor_area_move", area_id=area.pk), {"direction": "down"}),
        (_url("editor_area_delete", area_id=area.pk), {}),
        (
            _url("editor_indicator_create", area_id=area.pk),
            _indicator_post(published),
        ),
        (
            _url("editor_indicator_edit", indicator_id=indicator.pk),
            _indicator_post(published, code=indicator.code, question="改"),
        ),
        (_url("editor_indicator_move", indicator_id=indicator.pk), {"direction": "down"}),
        (_url("editor_indicator_delete", indicator_id=indicator.pk), {}),
        (_url("editor_delete", edition_id=published.pk), {}),
        (_url("editor_publish", edition_id=published.pk), {}),
    ]
    for url, data in attempts:
        response = editor.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == _url("editor_edition", edition_id=published.pk)
        assert "公開済みの版は変更できません。複製して新しい下書きを作成してください。" in (
            _messages(response)
        ), url
    assert _state(published) == before


def test_a_published_edition_is_shown_read_only_with_a_clone_button(editor, published):
    page = Page(editor.get(_url("editor_edition", edition_id=published.pk)).content.decode())
    assert "公開済みの版は変更できません。複製して新しい下書きを作成してください。" in page.html
    assert not [f for f in page.all("form") if "/catalogue/editor/" in f.attrs.get("action", "")]
    clone = _url("editor_clone", edition_id=published.pk)
    assert any(a.attrs.get("href") == clone for a in page.all("a"))


def test_editing_forms_of_a_frozen_edition_are_not_shown(editor, published):
    area = published.areas.first()
    response = editor.get(_url("editor_area_edit", area_id=area.pk))
    assert response.status_code == 302


# --- clone, publish, retire, delete ---------------------------------------------------------


def test_clone_creates_a_draft_with_the_same_content_linked_as_same(editor, published):
    response = editor.post(
        _url("editor_clone", edition_id=published.pk), {"version": "2.1", "title": "第2.1版"}
    )
    clone = Edition.objects.get(framework=published.framework, version="2.1")
    assert response.status_code == 302
    assert response["Location"] == _url("editor_edition", edition_id=clone.pk)
    assert clone.status == EditionStatus.DRAFT and clone.predecessor == published
    assert clone.title == "第2.1版"
    for relation in ("stages", "areas", "indicators"):
        assert getattr(clone, relation).count() == getattr(published, relation).count()
    lineage = IndicatorLineage.objects.filter(indicator__edition=clone)
    assert lineage.count() == published.indicators.count()
    assert set(lineage.values_list("relation", flat=True)) == {LineageRelation.SAME}
    assert all(link.indicator.code == link.predecessor.code for link in lineage)


def test_clone_refuses_a_version_that_exists_or_is_not_url_safe(editor, published):
    for version in (published.version, "2.1/x", ""):
        response = editor.post(
            _url("editor_clone", edition_id=published.pk), {"version": version, "title": "T"}
        )
        assert response.status_code == 400, version
    assert Edition.objects.count() == 1


def test_publish_refuses_a_draft_with_an_empty_area_and_lists_the_problem(editor, draft):
    PolicyAreaFactory(edition=draft, name="空の分野", order=9)
    before = _state(draft)
    response = editor.post(_url("editor_publish", edition_id=draft.pk), CONFIRMED)
    assert response.status_code == 400
    page = Page(response.content.decode())
    alert = page.one("div", role="alert")
    assert "公開できませんでした" in alert.text
    assert "「空の分野」に指標がありません。" in alert.text
    assert _state(draft) == before


def test_publish_and_retire(editor, draft):
    response = editor.post(_url("editor_publish", edition_id=draft.pk), CONFIRMED, follow=True)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.PUBLISHED and draft.published_at is not None
    assert f"版{draft.version}を公開しました。" in _messages(response)

    editor.post(_url("editor_retire", edition_id=draft.pk), CONFIRMED)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.RETIRED


def test_retiring_a_draft_is_refused(editor, draft):
    for method in (editor.get, editor.post):
        response = method(_url("editor_retire", edition_id=draft.pk), CONFIRMED, follow=True)
        assert "廃止できるのは公開中の版だけです。" in _messages(response)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT


def test_deleting_a_draft_asks_first(editor, draft):
    response = editor.get(_url("editor_delete", edition_id=draft.pk))
    assert response.status_code == 200
    assert "この操作は取り消せません。" in response.content.decode()
    assert Edition.objects.filter(pk=draft.pk).exists()
    response = editor.post(_url("editor_delete", edition_id=draft.pk))
    assert response.status_code == 302
    assert not Edition.objects.filter(pk=draft.pk).exists()


def test_a_draft_that_another_draft_was_cloned_from_is_not_deleted(editor, draft):
    edition_clone(edition=draft, version="9.9", title="複製の複製")
    response = editor.post(_url("editor_delete", edition_id=draft.pk), follow=True)
    assert response.status_code == 200
    assert any("参照されている" in m for m in _messages(response))
    assert Edition.objects.filter(pk=draft.pk).exists()


# --- what the client cannot set ------------------------------------------------------------


def test_status_edition_and_order_are_not_client_writable(editor, draft, published):
    editor.post(
        _url("editor_edition", edition_id=draft.pk),
        {
            "title": "表題を変更",
            "status": EditionStatus.PUBLISHED,
            "framework": "other",
            "predecessor": str(published.pk),
            "published_at": "2020-01-01T00:00",
        },
    )
    draft.refresh_from_db()
    assert draft.title == "表題を変更"
    assert draft.status == EditionStatus.DRAFT
    assert draft.predecessor is None and draft.published_at is None

    editor.post(
        _url("editor_area_create", edition_id=draft.pk),
        {"code": "sneaky", "name": "分野", "edition": str(published.pk), "order": "1"},
    )
    area = PolicyArea.objects.get(code="sneaky")
    assert area.edition == draft and area.order == 3

    indicator = Indicator.objects.get(edition=draft, code="STD-01")
    other_area = published.areas.first()
    editor.post(
        _url("editor_indicator_edit", indicator_id=indicator.pk),
        _indicator_post(
            draft, code="STD-01", edition=str(published.pk), area=str(other_area.pk), order="99"
        ),
    )
    indicator.refresh_from_db()
    assert (indicator.edition, indicator.area.edition, indicator.order) == (draft, draft, 1)


# --- comparing ------------------------------------------------------------------------------


def test_editor_diff_compares_a_draft_with_its_predecessor(editor, published):
    draft = edition_clone(edition=published, version="2.1", title="第2.1版")
    Indicator.objects.filter(edition=draft, code="STD-02").update(question="下書きで変えた設問")
    response = editor.get(_url("editor_diff") + f"?old={published.pk}&new={draft.pk}")
    page = Page(response.content.decode())
    changed = next(t for t in page.all("table") if "変更された指標" in t.text)
    assert "STD-02" in changed.text and "下書きで変えた設問" in changed.text


# --- query counts ------------------------------------------------------------------------


@pytest.mark.parametrize("indicators", [3, 30])
def test_editor_edition_page_queries_do_not_grow(editor, django_assert_num_queries, indicators):
    published = make_edition(indicators=indicators)
    draft = edition_clone(edition=published, version="9.0", title="下書き")  # with lineage
    url = _url("editor_edition", edition_id=draft.pk)
    # Session, user and memberships (3; the session is not written), then the edition
    # with framework and predecessor, stages, areas, indicators, levels, choices, lineage
    # and the lineage's predecessors (8).
    with django_assert_num_queries(11):
        response = editor.get(url)
    assert response.content.decode().count('<tr id="indicator-') == indicators + 2


def test_editor_index_queries(editor, django_assert_num_queries):
    for _ in range(4):
        make_edition(indicators=1, with_choice_and_count=False)
    # 3 for the signed-in request (see above), 1 for every edition with its framework.
    with django_assert_num_queries(4):
        editor.get(_url("editor"))
