"""Publishing and retiring ask first and say what changes for whom; a clone keeps the facts."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from assessments.coordination import round_close
from assessments.models import RoundStatus, Survey
from frameworks.models import Edition, EditionStatus
from frameworks.selectors import ROUND_OPEN, open_rounds_using
from frameworks.services import edition_clone
from tests.assessment_factories import open_round
from tests.factories import DepartmentFactory, MembershipFactory
from tests.frameworks.factories import PolicyAreaFactory, make_edition
from tests.frontend.page import Page

pytestmark = pytest.mark.django_db

CONFIRMED = {"confirm": "True"}
PUBLISH_TEXT = "この版は新しいラウンドで選べるようになります。既存のラウンドは変わりません。"
NOT_CONFIRMED = "まだ変更していません。内容を確かめてから、この画面のボタンを押してください。"


@pytest.fixture
def editor(client):
    user = MembershipFactory(role=Role.CATALOGUE_EDITOR, municipality=None).user
    client.force_login(user)
    return client


def _url(name: str, edition: Edition) -> str:
    return reverse(f"frameworks:{name}", kwargs={"edition_id": edition.pk})


def _municipality():
    """Another municipality with a DX office, so that a round can be opened there."""
    return DepartmentFactory().municipality


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- publishing -------------------------------------------------------------------------


def test_publish_page_says_what_changes_and_posts_the_confirmation(editor):
    make_edition(version="2.0")
    draft = make_edition(version="2.1", status=EditionStatus.DRAFT)
    response = editor.get(_url("editor_publish", draft))
    assert response.status_code == 200
    page = Page(response.content.decode())
    consequences = page.one("ul", id="publish-consequences").text
    assert PUBLISH_TEXT in consequences
    # The edition already published stays selectable.
    assert "公開中の版（自治体DX推進計画 第2.0版に基づく評価（2.0））も" in consequences
    assert page.one("input", name="confirm").attrs["type"] == "hidden"
    assert "公開する" in [button.text for button in page.all("button", type="submit")]
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT  # asking changed nothing


def test_publish_page_lists_the_problems_instead_of_the_button(editor):
    draft = make_edition(status=EditionStatus.DRAFT)
    PolicyAreaFactory(edition=draft, name="空の分野", order=9)
    page = Page(editor.get(_url("editor_publish", draft)).content.decode())
    assert "「空の分野」に指標がありません。" in page.one("div", role="alert").text
    assert not page.all("input", name="confirm")


def test_a_post_without_the_confirmation_is_refused_with_a_message(editor):
    draft = make_edition(status=EditionStatus.DRAFT)
    response = editor.post(_url("editor_publish", draft))
    assert response.status_code == 302
    assert response["Location"] == _url("editor_publish", draft)
    assert NOT_CONFIRMED in _messages(editor.get(response["Location"]))
    draft.refresh_from_db()
    assert draft.status == EditionStatus.DRAFT and draft.published_at is None

    response = editor.post(_url("editor_publish", draft), CONFIRMED, follow=True)
    assert f"版{draft.version}を公開しました。" in _messages(response)
    draft.refresh_from_db()
    assert draft.status == EditionStatus.PUBLISHED


# --- retiring ---------------------------------------------------------------------------


def test_retire_page_counts_the_open_rounds_that_keep_working(editor, personas):
    edition = make_edition()
    open_round(personas.municipality_a, personas.coordinator_a, edition=edition)
    survey = Survey.objects.create(
        name="令和8年度 全国調査", fiscal_year=2026, edition=edition, created_by=personas.admin
    )
    for _ in range(2):
        round_ = open_round(_municipality(), personas.admin, edition=edition)
        round_.survey = survey
        round_.save(update_fields=["survey"])
    closed = open_round(
        personas.municipality_c, personas.coordinator_c, edition=edition, fiscal_year=2025
    )
    round_close(round=closed, user=personas.coordinator_c)
    assert edition.rounds.filter(status=RoundStatus.OPEN).count() == 3

    response = editor.get(_url("editor_retire", edition))
    assert response.status_code == 200
    page = Page(response.content.decode())
    consequences = page.one("ul", id="retire-consequences").text
    assert "新しいラウンドでは、この版を選べなくなります。" in consequences
    assert "そのまま続けられます" in consequences
    main = page.one("main").text
    assert "3件のラウンドがこの版で実施中です。" in main
    rows = [row.text for row in page.all("tr")[1:]]  # the one table, after its header
    assert len(rows) == 2
    assert "令和8年度 全国調査" in rows[1] and "2" in rows[1]
    assert "（個別に開始）" in rows[0] and "1" in rows[0]
    # Counts only: the editor is shown no municipality.
    assert personas.municipality_a.name not in main
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED


def test_retire_without_the_confirmation_is_refused_then_done(editor):
    edition = make_edition()
    response = editor.post(_url("editor_retire", edition), follow=True)
    assert NOT_CONFIRMED in _messages(response)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
    editor.post(_url("editor_retire", edition), CONFIRMED)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.RETIRED


def test_the_open_status_the_catalogue_counts_is_the_rounds_own():
    assert ROUND_OPEN == RoundStatus.OPEN


def test_open_rounds_using_is_one_query(personas, django_assert_num_queries):
    edition = make_edition()
    for _ in range(3):
        open_round(_municipality(), personas.admin, edition=edition)
    with django_assert_num_queries(1):
        assert open_rounds_using(edition) == [
            {"fiscal_year": 2026, "survey__name": None, "count": 3}
        ]


# --- cloning ----------------------------------------------------------------------------


def test_a_clone_keeps_the_publication_date_and_the_source(editor):
    published = make_edition(
        version="2.0",
        published_on=date(2022, 9, 2),
        source="総務省「自治体DX推進計画【第2.0版】」（2022年9月2日）",
        source_url="https://www.soumu.go.jp/main_content/000835167.pdf",
        title_en="Assessment, version 2.0",
    )
    response = editor.post(
        reverse("frameworks:editor_clone", kwargs={"edition_id": published.pk}),
        {"version": "2.1", "title": "第2.1版"},
    )
    assert response.status_code == 302
    clone = Edition.objects.get(framework=published.framework, version="2.1")
    assert clone.published_on == date(2022, 9, 2)
    assert clone.source == published.source and clone.source_url == published.source_url
    assert clone.title_en == published.title_en
    # The draft's form shows them, ready to be changed.
    page = Page(editor.get(_url("editor_edition", clone)).content.decode())
    assert page.one("input", name="published_on").attrs["value"] == "2022-09-02"


def test_the_service_clone_keeps_them_too():
    published = make_edition(published_on=date(2024, 4, 1), source="出典")
    clone = edition_clone(edition=published, version="99.1", title="次")
    assert (clone.published_on, clone.source) == (date(2024, 4, 1), "出典")
