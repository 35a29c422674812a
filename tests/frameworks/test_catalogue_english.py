"""English pages show the catalogue's English texts, and say 「(Japanese only)」 where it has
none (issue 11, point 9): the public catalogue and the answering page, on the default catalogue."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from assessments.rounds import round_open
from dxportal.japanese_calendar import today_in_japan
from frameworks.models import Edition
from tests.frontend.page import Page

CATALOGUE = Path(__file__).resolve().parents[2] / "frameworks" / "catalogue"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def edition(db) -> Edition:
    call_command("import_framework", str(CATALOGUE / "jichitai-dx-2.0.yaml"), verbosity=0)
    return Edition.objects.get(version="2.0")


def _note() -> str:
    with translation.override("en"):
        return translation.gettext("（日本語のみ）")


def _edition_url(edition) -> str:
    return reverse(
        "frameworks:edition",
        kwargs={"framework_code": edition.framework.code, "version": edition.version},
    )


def test_the_public_catalogue_in_english(client, edition):
    indicator = edition.indicators.filter(question_en__gt="", help_text_en="").first()
    assert indicator is not None and indicator.help_text
    html = client.get(_edition_url(edition), **ENGLISH).content.decode()
    page = Page(html)
    article = page.one("article", id=f"indicator-{indicator.code}")
    # The catalogue has the question and the area's name in English: shown so, unmarked.
    assert indicator.question_en in article.text
    assert indicator.question not in article.text
    assert indicator.area.name_en in page.one("h2", id=f"area-{indicator.area.code}-heading").text
    # Its help text exists in Japanese only: shown, read out as Japanese, with the note.
    marked = [s.text for s in page.all("span", lang="ja")]
    assert indicator.help_text.splitlines()[0] in "\n".join(marked)
    assert f"{indicator.help_text.splitlines()[0]}" in article.text
    assert article.text.count(_note()) >= 1
    # Level descriptions have no English in the default catalogue either.
    level = indicator.levels.exclude(description="").first()
    if level is not None:
        assert level.description in marked
    notes = page.all("span", class_="ja-only-note")
    assert len(notes) > 0 and all(n.text == _note() for n in notes)


def test_japanese_pages_carry_no_note(client, edition):
    html = client.get(_edition_url(edition)).content.decode()
    assert "ja-only-note" not in html and '<span lang="ja">' not in html


def test_the_answering_page_in_english(client, personas, edition):
    today = today_in_japan()
    round_ = round_open(
        municipality=personas.municipality_a,
        edition=edition,
        fiscal_year=today.year if today.month >= 4 else today.year - 1,
        opens_on=today,
        closes_on=today,
        user=personas.coordinator_a,
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    indicator = (
        edition.indicators.filter(
            pk__in=round_.assignments.filter(department=personas.department_a).values("indicator"),
            answer_type="maturity",
        )
        .order_by("area__order", "order")
        .first()
    )
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:area", args=[questionnaire.pk, indicator.area.code])
    page = Page(client.get(url, **ENGLISH).content.decode())
    assert indicator.area.name_en in page.one("h1").text
    legend = next(
        e
        for e in page.all("legend")
        if indicator.code in e.text and "answer__legend" in e.attrs.get("class", "")
    )
    assert indicator.question_en in legend.text and _note() not in legend.text
    help_text = page.one("p", id=f"help-{indicator.pk}").text
    assert indicator.help_text.splitlines()[0] in help_text and _note() in help_text
    # Each level's description is Japanese only here, and says so.
    descriptions = [
        p.text
        for p in page.all("p", class_="answer-option__desc")
        if p.attrs["id"].startswith(f"a{indicator.pk}-level-")
    ]
    assert len(descriptions) == indicator.levels.count()
    assert all(text.endswith(_note()) for text in descriptions)
