"""Home pages say what to do: each role's to-do list, with links and counts, and the
「お知らせ」 of what the person was mailed about; query counts do not grow with the work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from assessments.coordination import (
    assignment_set,
    consolidation_set,
    questionnaire_approve,
    questionnaire_return,
)
from assessments.models import Answer
from assessments.submitting import questionnaire_submit
from dxportal.japanese_calendar import today_in_japan
from frameworks.models import EditionStatus
from portal.todo import coordinator_work, undecided_differences
from tests.assessment_factories import open_round
from tests.assessments.test_coordination_review import answer_everything
from tests.factories import DepartmentFactory, MembershipFactory
from tests.frameworks.factories import make_edition
from tests.frontend.page import Page


def _round(personas, *, days_left=30, indicators=3, fiscal_year=2026, municipality=None):
    """An open round of A (or `municipality`) that started ten days ago; STD-01 is answered
    by the DX office (owner) and the tax office too."""
    today = today_in_japan()
    municipality = municipality or personas.municipality_a
    coordinator = personas.coordinator_a if municipality == personas.municipality_a else None
    coordinator = coordinator or personas.coordinator_c
    round_ = open_round(
        municipality,
        coordinator,
        edition=make_edition(indicators=indicators, areas=1),
        fiscal_year=fiscal_year,
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=days_left),
    )
    if municipality == personas.municipality_a:
        assignment_set(
            round=round_,
            indicator=round_.edition.indicators.get(code="STD-01"),
            departments=[personas.department_a, personas.other_department_a],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )
    return round_


def _dx(round_, personas):
    return round_.questionnaires.get(department=personas.department_a)


def _tax(round_, personas):
    return round_.questionnaires.get(department=personas.other_department_a)


def _submit_dx(round_, personas):
    questionnaire = _dx(round_, personas)
    answer_everything(questionnaire, personas.respondent_a)
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    return questionnaire


def _home(client, user) -> Page:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return Page(response.content.decode())


def _within(page: Page, heading_id: str) -> Page:
    """The section labelled by `heading_id`, as a page of its own (home sections do not nest)."""
    start = page.html.index(f'<section aria-labelledby="{heading_id}"')
    return Page(page.html[start : page.html.index("</section>", start)])


def _section(page: Page, heading_id: str) -> str:
    return page.one("section", **{"aria-labelledby": heading_id}).text


def _review_url(questionnaire):
    return reverse(
        "rounds:review",
        kwargs={
            "code": questionnaire.round.municipality.code,
            "round_id": questionnaire.round_id,
            "questionnaire_id": questionnaire.pk,
        },
    )


# --- respondent -----------------------------------------------------------------------------


def test_a_respondent_sees_what_to_fix_with_the_comment_what_to_answer_and_what_is_done(
    client, personas
):
    returned_round = _round(personas, fiscal_year=2026)
    returned = _submit_dx(returned_round, personas)
    questionnaire_return(
        questionnaire=returned, user=personas.coordinator_a, comment="STD-01の根拠を添えてください"
    )
    overdue_round = _round(personas, fiscal_year=2027, days_left=-1)

    page = _home(client, personas.respondent_a)
    fix = page.one("h3", id="my-returned")
    assert fix.text == "差し戻された調査票 1件"
    work = _section(page, "respondent-work")
    assert "DX推進担当からのコメント：STD-01の根拠を添えてください" in work
    answer = page.one("h3", id="my-questionnaires")
    assert answer.text == "回答する調査票"
    listed = _within(page, "respondent-work")
    detail = reverse("questionnaires:detail", args=[_dx(overdue_round, personas).pk])
    (link,) = listed.all("a", href=detail)
    assert "2027年度（令和9年度）" in link.text
    assert work.count("期限超過") == 1  # the overdue round only, not the returned one
    assert "0 / 4問 回答済み（0%）" in work
    assert len(listed.all("a", href=reverse("questionnaires:detail", args=[returned.pk]))) == 1

    # Approved after resubmitting: handed in, nothing left to fix.
    questionnaire_submit(questionnaire=returned, user=personas.respondent_a)
    questionnaire_approve(questionnaire=returned, user=personas.coordinator_a)
    page = _home(client, personas.respondent_a)
    assert page.all("h3", id="my-returned") == []
    assert page.one("h3", id="my-handed-in").text == "提出した調査票"
    assert "承認済み" in _section(page, "respondent-work")


def test_other_departments_work_is_not_on_a_respondents_home(client, personas):
    round_ = _round(personas)
    dx = _submit_dx(round_, personas)
    questionnaire_return(questionnaire=dx, user=personas.coordinator_a, comment="秘密のコメント")
    for persona in ("respondent_other_a", "respondent_c"):
        page = _home(client, getattr(personas, persona))
        assert "秘密のコメント" not in page.html, persona
        assert page.all("a", href=reverse("questionnaires:detail", args=[dx.pk])) == [], persona


# --- coordinator ----------------------------------------------------------------------------


def test_a_coordinator_sees_reviews_differences_departments_behind_and_the_dashboard(
    client, personas
):
    round_ = _round(personas, days_left=-1)  # the close date has passed
    dx = _submit_dx(round_, personas)
    Answer.objects.create(
        questionnaire=_tax(round_, personas),
        indicator=round_.edition.indicators.get(code="STD-01"),
        level=1,
        version=1,
    )

    page = _home(client, personas.coordinator_a)
    work = _section(page, f"coordinator-work-{personas.municipality_a.code}")
    listed = _within(page, f"coordinator-work-{personas.municipality_a.code}")
    assert "確認待ち 1件" in work
    (review,) = listed.all("a", href=_review_url(dx))
    assert review.text == "DX推進課の回答を確認（2026年度（令和8年度））"
    reconciliation = reverse(
        "rounds:reconciliation",
        kwargs={"code": personas.municipality_a.code, "round_id": round_.pk},
    )
    (differences,) = listed.all("a", href=reconciliation)
    assert differences.text == "2026年度（令和8年度）：部署間で回答が異なる指標 1件"
    assert "未提出の部署 1件（うち期限超過 1件）" in work
    round_page = reverse(
        "rounds:detail", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    (behind,) = listed.all("a", href=round_page)
    assert behind.text == "税務課（2026年度（令和8年度））"
    dashboard = reverse(
        "results:dashboard", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    (results,) = listed.all("a", href=dashboard)
    assert results.text == f"{personas.municipality_a}の結果（2026年度（令和8年度））"
    assert "暫定（回答期間中）" in work
    assert listed.all("a", href=reverse("portal:help") + "#coordinator")

    # Deciding the municipality's answer takes the indicator off the list; approving, the review.
    consolidation_set(
        round=round_,
        indicator=round_.edition.indicators.get(code="STD-01"),
        answer=dx.answers.get(indicator__code="STD-01"),
        note="",
        user=personas.coordinator_a,
    )
    questionnaire_approve(questionnaire=dx, user=personas.coordinator_a)
    page = _home(client, personas.coordinator_a)
    work = _section(page, f"coordinator-work-{personas.municipality_a.code}")
    assert "確認待ち 0件" in work
    assert "確認を待っている調査票はありません。" in work
    assert page.all("a", href=reconciliation) == []


def test_differences_are_counted_by_the_reconciliation_rule(personas):
    """The to-do counts what the reconciliation page shows as differing, and nothing else."""
    round_ = _round(personas, indicators=3)
    for code in ("STD-02", "STD-03"):
        assignment_set(
            round=round_,
            indicator=round_.edition.indicators.get(code=code),
            departments=[personas.department_a, personas.other_department_a],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )
    dx, tax = _dx(round_, personas), _tax(round_, personas)
    for code, dx_level, tax_level in [("STD-01", 3, 1), ("STD-02", 2, 2), ("STD-03", 4, None)]:
        indicator = round_.edition.indicators.get(code=code)
        Answer.objects.create(questionnaire=dx, indicator=indicator, level=dx_level, version=1)
        if tax_level is not None:
            Answer.objects.create(
                questionnaire=tax, indicator=indicator, level=tax_level, version=1
            )
    # Same answers, and one department not answered yet, are no difference.
    assert undecided_differences(round_) == 1


def test_another_municipalitys_work_never_shows(client, personas):
    round_ = _round(personas)
    dx = _submit_dx(round_, personas)
    page = _home(client, personas.coordinator_c)
    assert (
        page.all(
            "section", **{"aria-labelledby": f"coordinator-work-{personas.municipality_a.code}"}
        )
        == []
    )
    assert page.all("a", href=_review_url(dx)) == []
    assert "確認待ち 0件" in _section(page, f"coordinator-work-{personas.municipality_c.code}")
    assert [w.municipality for w in coordinator_work(personas.consultant)] == []
    assert [w.municipality for w in coordinator_work(personas.respondent_a)] == []


# --- consultant, catalogue editor -----------------------------------------------------------


def test_a_consultant_sees_each_municipality_with_its_newest_dashboard(client, personas):
    round_ = _round(personas)
    _submit_dx(round_, personas)  # A now has results; B has no round at all
    page = _home(client, personas.consultant)
    work = _within(page, "consultant-work")
    by_code = sorted([personas.municipality_a, personas.municipality_b], key=lambda m: m.code)
    overviews = [reverse("municipalities:overview", args=[m.code]) for m in by_code]
    links = [a.attrs["href"] for a in work.all("a")]
    assert len(work.all("li")) == 2
    assert [href for href in links if href in overviews] == overviews
    dashboard = reverse(
        "results:dashboard", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    assert len(page.all("a", href=dashboard)) == 1
    assert work.html.count("結果はまだありません。") == 1
    assert "確認待ち" not in page.html  # consultants review nothing


def test_a_catalogue_editor_sees_the_drafts(client, personas):
    drafts = [make_edition(status=EditionStatus.DRAFT) for _ in range(2)]
    make_edition()  # published: not a draft
    page = _home(client, personas.catalogue_editor)
    assert page.one("h2", id="editor-work").text == "編集中の版（下書き） 2件"
    for draft in drafts:
        assert len(page.all("a", href=reverse("frameworks:editor_edition", args=[draft.pk]))) == 1
    for persona in ("respondent_a", "coordinator_a", "consultant"):
        assert 'id="editor-work"' not in _home(client, getattr(personas, persona)).html


def test_every_home_page_links_the_help_page(client, personas):
    for persona in ("respondent_a", "coordinator_a", "consultant", "catalogue_editor", "admin"):
        page = _home(client, getattr(personas, persona))
        main = Page(page.html[page.html.index("<main") : page.html.index("</main>")])
        assert main.all("a", href=reverse("portal:help")), persona
    client.logout()
    page = Page(client.get(reverse("portal:home")).content.decode())
    main = Page(page.html[page.html.index("<main") : page.html.index("</main>")])
    assert main.all("a", href=reverse("portal:help"))


# --- お知らせ ----------------------------------------------------------------------------------


def test_notices_say_what_each_person_was_mailed_about(client, personas):
    round_ = _round(personas)
    dx = _submit_dx(round_, personas)
    page = _home(client, personas.coordinator_a)
    notices = _within(page, "my-notices")
    assert len(notices.all("li")) == 1
    (link,) = notices.all("a")
    assert link.text == (
        f"{personas.municipality_a} DX推進課の調査票が提出されました（{personas.respondent_a}）"
    )
    assert link.attrs["href"] == _review_url(dx)

    questionnaire_return(questionnaire=dx, user=personas.coordinator_a, comment="直してください")
    page = _home(client, personas.respondent_a)
    notices = _within(page, "my-notices")
    assert len(notices.all("li")) == 1
    (link,) = notices.all("a")
    assert link.text == f"{personas.municipality_a} DX推進課の調査票が差し戻されました"
    assert link.attrs["href"] == reverse("questionnaires:detail", args=[dx.pk])

    # Not one's own actions, nor other departments' or municipalities' events.
    for persona in ("respondent_other_a", "respondent_c", "coordinator_c", "consultant"):
        assert 'id="my-notices"' not in _home(client, getattr(personas, persona)).html, persona
    # Older than 30 days: history, not news.
    dx.events.update(at=timezone.now() - datetime.timedelta(days=31))
    assert 'id="my-notices"' not in _home(client, personas.respondent_a).html


# --- query counts ---------------------------------------------------------------------------


def _more_work(personas, round_, departments: int):
    """`departments` more departments in A's round, each with a questionnaire behind."""
    for _ in range(departments):
        department = DepartmentFactory(municipality=personas.municipality_a)
        assignment_set(
            round=round_,
            indicator=round_.edition.indicators.get(code="STD-02"),
            departments=[personas.department_a, department],
            owner=personas.department_a,
            user=personas.coordinator_a,
        )


@pytest.mark.parametrize("extra", [0, 3])
def test_a_coordinators_home_takes_the_same_queries_whatever_the_work(
    client, personas, django_assert_num_queries, extra
):
    round_ = _round(personas)
    _more_work(personas, round_, extra)
    _submit_dx(round_, personas)
    client.force_login(personas.coordinator_a)
    # session, user, memberships; latest results; questionnaires; open rounds; the round's
    # reconciliation (shared indicators, answers, rubric labels, consolidations); notices;
    # invitations; municipalities; no session write.
    with django_assert_num_queries(13):
        client.get(reverse("portal:home"))


@pytest.mark.parametrize("rounds", [1, 2])
def test_a_respondents_home_takes_the_same_queries_whatever_the_work(
    client, personas, django_assert_num_queries, rounds
):
    for year in range(2026, 2026 + rounds):
        _round(personas, fiscal_year=year)
    client.force_login(personas.respondent_a)
    # session, user, memberships; questionnaires, assignments, answers; notices; invitations;
    # municipalities; no session write.
    with django_assert_num_queries(9):
        client.get(reverse("portal:home"))


@pytest.mark.parametrize("extra", [0, 2])
def test_a_consultants_and_an_editors_home_take_the_same_queries_whatever_the_work(
    client, personas, django_assert_num_queries, extra
):
    for _ in range(extra):
        make_edition(status=EditionStatus.DRAFT)
        MembershipFactory(user=personas.consultant, role=Role.CONSULTANT)
    client.force_login(personas.consultant)
    # session, user, memberships; latest results; invitations; municipalities; no session
    # write.
    with django_assert_num_queries(6):
        client.get(reverse("portal:home"))
    client.force_login(personas.catalogue_editor)
    # session, user, memberships; drafts; invitations; no session write (and no
    # municipalities: an editor has none).
    with django_assert_num_queries(5):
        client.get(reverse("portal:home"))


# --- the municipality's page ---------------------------------------------------------------


def test_the_municipality_page_links_its_newest_dashboard(client, personas):
    round_ = _round(personas)
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    client.force_login(personas.coordinator_a)
    page = Page(client.get(overview).content.decode())
    assert (
        "結果はまだありません。"
        in page.one("section", **{"aria-labelledby": "results-heading"}).text
    )
    _submit_dx(round_, personas)
    dashboard = reverse(
        "results:dashboard", kwargs={"code": personas.municipality_a.code, "round_id": round_.pk}
    )
    for persona in ("coordinator_a", "consultant"):
        client.force_login(getattr(personas, persona))
        page = Page(client.get(overview).content.decode())
        assert len(page.all("a", href=dashboard)) == 1, persona
    # Respondents do not see the municipality's dashboard, so are not sent there.
    client.force_login(personas.respondent_a)
    page = Page(client.get(overview).content.decode())
    assert page.all("a", href=dashboard) == []
