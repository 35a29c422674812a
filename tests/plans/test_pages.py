"""The action plan pages: who sees what, adding from a suggestion, editing, status, the dashboard."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import ActionItem, ActionStatus
from tests.assessment_factories import open_round
from tests.assessments.conftest import make_open_round
from tests.plans.plans_support import in_days, make_item, scored_round
from tests.plans.test_carrying import next_round


def plan_url(round_):
    return reverse("plans:plan", kwargs={"code": round_.municipality.code, "round_id": round_.pk})


def new_url(round_, indicator=None):
    url = reverse(
        "plans:item_new", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )
    return f"{url}?indicator={indicator}" if indicator else url


def item_url(round_, item, name="item_edit"):
    return reverse(
        f"plans:{name}",
        kwargs={"code": round_.municipality.code, "round_id": round_.pk, "item_id": item.pk},
    )


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def round_(personas):
    return scored_round(personas)


def posted(personas, **values):
    return {
        "indicator": "M-1",
        "title": "共通化した様式で申請を受け付ける",
        "department": personas.other_department_a.pk,
        "target_level": "2",
        "due_on": in_days(60).isoformat(),
        "status": ActionStatus.NOT_STARTED,
        "note": "",
        **values,
    }


def test_the_plan_lists_suggestions_with_an_add_button(client, personas, round_):
    client.force_login(personas.coordinator_a)
    page = text(client.get(plan_url(round_)))

    assert page.index("S-1") < page.index("M-1")  # the lowest area first
    assert (
        '<td class="prose-cell">レベル1：検討中</td> <td class="prose-cell">レベル2：一部で実施<br>'
        in page
    )
    assert f'href="{new_url(round_, "S-1")}">計画に追加' in page
    assert "一部で実施の状態（M-1）" in page  # the next level's description


def test_adding_a_suggestion_prefills_the_form(client, personas, round_):
    client.force_login(personas.coordinator_a)
    response = client.get(new_url(round_, "M-1"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["title"] == "一部で実施の状態（M-1）"
    assert form.initial["target_level"] == 2
    assert form.initial["department"] == personas.department_a.pk  # the owner department
    assert response.context["current_level"] == 1


def test_a_coordinator_adds_an_item(client, personas, round_):
    client.force_login(personas.coordinator_a)
    response = client.post(
        new_url(round_),
        posted(personas, municipality=personas.municipality_c.pk, created_by=personas.admin.pk),
    )

    assert response.status_code == 302
    assert response["Location"] == plan_url(round_)
    item = ActionItem.objects.get()
    assert (item.indicator_code, item.department, item.target_level) == (
        "M-1",
        personas.other_department_a,
        2,
    )
    # Posted municipality and author are not read.
    assert item.municipality == personas.municipality_a
    assert item.created_by == personas.coordinator_a
    page = text(client.get(plan_url(round_)))
    assert "共通化した様式で申請を受け付ける" in page
    # Planned: no longer suggested.
    assert f'href="{new_url(round_, "M-1")}"' not in page


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"target_level": "1"}, "目標レベルは現在のレベル（1）より上にしてください。"),
        ({"target_level": "5"}, "目標レベルは最高レベル（4）以下にしてください。"),
        ({"due_on": in_days(-1).isoformat()}, "期限は今日"),
        ({"department": "999999"}, "担当部署はこの団体の部署から選んでください。"),
    ],
)
def test_bad_input_gets_a_message_and_changes_nothing(client, personas, round_, values, message):
    client.force_login(personas.coordinator_a)
    response = client.post(new_url(round_), posted(personas, **values))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionItem.objects.exists()


def test_another_municipality_s_department_is_refused(client, personas, round_):
    client.force_login(personas.coordinator_a)
    response = client.post(new_url(round_), posted(personas, department=personas.department_c.pk))
    assert response.status_code == 400
    assert not ActionItem.objects.exists()


def test_an_indicator_not_in_the_round_is_404(client, personas, round_):
    client.force_login(personas.coordinator_a)
    assert client.get(new_url(round_, "NOPE")).status_code == 404


def test_editing_and_changing_the_status(client, personas, round_):
    item = make_item(round_, personas)
    client.force_login(personas.coordinator_a)

    response = client.post(
        item_url(round_, item),
        posted(personas, title="書き換えた", status=ActionStatus.IN_PROGRESS, note="メモ"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.status, item.note) == ("書き換えた", "in_progress", "メモ")

    response = client.post(item_url(round_, item, "item_status"), {"status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE and item.closed_at is not None

    response = client.post(item_url(round_, item, "item_status"), {"status": "deleted"})
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE


def test_status_change_is_post_only(client, personas, round_):
    item = make_item(round_, personas)
    client.force_login(personas.coordinator_a)
    assert client.get(item_url(round_, item, "item_status")).status_code == 405


def test_a_carried_item_is_marked_and_can_be_closed_from_the_later_round(client, personas):
    earlier = scored_round(personas, fiscal_year=2025)
    item = make_item(earlier, personas, "M-1")
    later = next_round(personas, earlier)
    client.force_login(personas.coordinator_a)

    page = text(client.get(plan_url(later)))
    assert "前回から継続" in page
    assert "N-1 <br><small>（旧 M-1）</small>" in page

    client.post(item_url(later, item, "item_status"), {"status": "done"})
    item.refresh_from_db()
    assert item.status == ActionStatus.DONE


def test_the_consultant_reads_without_buttons(client, personas, round_):
    item = make_item(round_, personas)
    client.force_login(personas.consultant)

    page = client.get(plan_url(round_)).content.decode()
    assert item.title in page
    assert "計画に追加" not in page and "状態を変更" not in page
    assert client.post(item_url(round_, item, "item_status"), {"status": "done"}).status_code == 404
    item.refresh_from_db()
    assert item.status == ActionStatus.NOT_STARTED


def test_another_municipality_s_item_is_404(client, personas, round_):
    item = make_item(round_, personas)
    round_c = open_round(personas.municipality_c, personas.coordinator_c, edition=round_.edition)
    client.force_login(personas.coordinator_c)
    # A's item through C's own round: not found, and unchanged.
    assert (
        client.post(item_url(round_c, item, "item_status"), {"status": "done"}).status_code == 404
    )
    assert client.get(item_url(round_c, item)).status_code == 404
    item.refresh_from_db()
    assert item.status == ActionStatus.NOT_STARTED
    assert item.title not in client.get(plan_url(round_c)).content.decode()


def test_the_dashboard_shows_the_plan(client, personas, round_):
    make_item(round_, personas, title="電子申請を全手続に広げる", due_on=in_days(10))
    client.force_login(personas.coordinator_a)

    page = text(
        client.get(
            reverse(
                "results:dashboard",
                kwargs={"code": round_.municipality.code, "round_id": round_.pk},
            )
        )
    )

    assert 'id="action-plan-heading"' in page
    assert "電子申請を全手続に広げる" in page
    assert "令和" in page
    assert f'href="{plan_url(round_)}"' in page


# Session, user, memberships, round; the plan's items, the snapshot, the rubrics; no
# session write.
PLAN_QUERIES = 7


@pytest.mark.parametrize("items", [1, 6])
def test_plan_query_count_does_not_grow(client, personas, django_assert_num_queries, items):
    round_ = scored_round(personas)
    for _n in range(items):
        make_item(round_, personas, "M-1")
    client.force_login(personas.coordinator_a)

    with django_assert_num_queries(PLAN_QUERIES):
        response = client.get(plan_url(round_))
    assert len(response.context["rows"]) == items


@pytest.mark.parametrize("rounds", [1, 3])
def test_plan_query_count_with_carried_items(client, personas, django_assert_num_queries, rounds):
    round_ = scored_round(personas, fiscal_year=2020)
    for _n in range(rounds):
        make_item(round_, personas, "M-1")
        round_ = next_round(
            personas,
            round_,
            indicators=[("M-1", "std", 0), ("S-1", "sec", 0)],
            lineage={"M-1": ("M-1", "same"), "S-1": ("S-1", "same")},
        )
    client.force_login(personas.coordinator_a)

    # Three more: the lineage (frameworks.lineage's two) and the later edition's indicators.
    with django_assert_num_queries(PLAN_QUERIES + 3):
        response = client.get(plan_url(round_))
    assert len(response.context["rows"]) == rounds


def test_free_text_is_escaped_and_pages_have_no_inline_styles(client, personas, round_):
    item = make_item(round_, personas, title='<script>alert("x")</script>', note="<b>n</b>")
    client.force_login(personas.coordinator_a)
    dashboard = reverse(
        "results:dashboard", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )

    for url in (plan_url(round_), item_url(round_, item), new_url(round_, "S-1"), dashboard):
        page = client.get(url).content.decode()
        assert '<script>alert("x")' not in page
        assert " style=" not in page
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        in client.get(plan_url(round_)).content.decode()
    )


def test_an_item_on_a_choice_indicator_has_no_target_level(client, personas):
    round_ = make_open_round(personas)
    client.force_login(personas.coordinator_a)

    chooser = client.get(new_url(round_)).content.decode()
    assert '<option value="CHO-01">' in chooser
    form_page = client.get(new_url(round_, "CHO-01"))
    assert "target_level" not in form_page.context["form"].fields
    response = client.post(
        new_url(round_),
        posted(personas, indicator="CHO-01", target_level="3", title="全庁で導入する"),
    )

    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.indicator_code, item.target_level) == ("CHO-01", None)


def test_the_dashboard_s_query_count_does_not_grow_with_items(client, personas, round_):
    dashboard = reverse(
        "results:dashboard", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )
    client.force_login(personas.coordinator_a)
    counts = []
    for _n in range(2):
        # Each time as the first view (the results part not cached yet), then as a later one.
        cache.clear()
        for _view in range(2):
            with CaptureQueriesContext(connection) as queries:
                client.get(dashboard)
            counts.append(len(queries))
        for code in ("M-1", "S-1", "M-1"):
            make_item(round_, personas, code, target_level=3)
    assert counts[0] == counts[2]
    assert counts[1] == counts[3]
