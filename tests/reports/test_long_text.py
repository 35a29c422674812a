"""Reports stay fast whatever a respondent typed: each free text is printed as a bounded excerpt
(reports.excerpts) that says how much it left out, so the text WeasyPrint lays out is bounded."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from assessments.models import Answer
from dxportal.text_limits import COMMENT_MAX, DESCRIPTION_MAX
from plans.models import ActionItem
from reports.excerpts import EXCERPT_CHARS, EXCERPT_LINES, excerpt
from reports.rendering import department_report_html, html_to_pdf, municipality_report_html
from tests.personas import make_personas
from tests.reports import pdf_tools
from tests.reports.report_support import report_round

TAIL = "ここから先は報告書に載らない"
SENTENCE = "窓口の電子申請を拡大し、来庁せずに済む手続を増やしています。"


def _at_the_limit(body: str) -> str:
    return (body * (COMMENT_MAX // len(body) + 1))[: COMMENT_MAX - len(TAIL)] + TAIL


# Japanese prose in numbered lines, the same without line breaks, and a run with no break
# opportunity at all (the slowest kind for WeasyPrint's line breaking).
LINES = _at_the_limit("".join(f"{n}行目：{SENTENCE}\n" for n in range(1, 400)))
FLAT = _at_the_limit(SENTENCE)
UNBROKEN = _at_the_limit("abcdefghij")
COMMENTS = [LINES, FLAT, UNBROKEN]


def test_a_short_text_is_printed_whole():
    assert excerpt("窓口の混雑\r\nを解消") == excerpt("窓口の混雑\nを解消")
    whole = excerpt("あ" * EXCERPT_CHARS)
    assert (whole.text, whole.omitted, whole.omission_note) == ("あ" * EXCERPT_CHARS, 0, "")


def test_a_long_text_is_cut_by_characters_or_by_lines():
    cut = excerpt(FLAT)
    assert cut.text == FLAT[:EXCERPT_CHARS]
    assert cut.omitted == COMMENT_MAX - EXCERPT_CHARS
    assert cut.omission_note == (
        "…（以下 9,400 文字省略。全文はデータ書き出し・画面でご覧ください）"
    )
    lines = excerpt(LINES)
    assert lines.text.split("\n") == LINES.split("\n")[:EXCERPT_LINES]
    assert lines.omitted == len(LINES) - len(lines.text)


@dataclass(frozen=True)
class Rendered:
    appendix_html: str
    short_appendix_html: str  # the same answers with a one-line comment each
    answers: int
    department_pdf: bytes
    municipality_html: str


def _appendix(html: str) -> str:
    return html[html.index('<section id="appendix"') :]


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> Rendered:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        personas = make_personas()
        round_ = report_round(personas, indicators=12, areas=3, comment="短いコメント")
        department = personas.department_a
        short = department_report_html(round_, department)
        answers = list(
            Answer.objects.filter(questionnaire__round=round_, questionnaire__department=department)
            .order_by("indicator__area__order", "indicator__order")
            .select_related("indicator")
        )
        for n, answer in enumerate(answers):
            answer.comment = COMMENTS[n % len(COMMENTS)]
            answer.clean_fields(exclude=["updated_by"])  # at the limit, not past it
            answer.save()
        ActionItem.objects.update(title="次" * DESCRIPTION_MAX)
        html = department_report_html(round_, department)
        result = Rendered(
            appendix_html=_appendix(html),
            short_appendix_html=_appendix(short),
            answers=len(answers),
            department_pdf=html_to_pdf(html),
            municipality_html=municipality_report_html(round_),
        )
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_the_text_handed_to_weasyprint_is_bounded(rendered):
    typed = rendered.answers * COMMENT_MAX
    # Per answer at most the excerpt, a <br> per line and the omission note.
    per_answer = EXCERPT_CHARS + EXCERPT_LINES * len("<br>") + 200
    grown = len(rendered.appendix_html) - len(rendered.short_appendix_html)
    assert rendered.answers >= 12
    assert grown <= rendered.answers * per_answer
    assert grown < typed / 10


@pytest.mark.django_db
def test_the_municipality_report_cuts_plan_items_and_comments_too(rendered):
    html = rendered.municipality_html
    assert "次" * EXCERPT_CHARS in html
    assert "次" * (EXCERPT_CHARS + 1) not in html
    assert f"以下 {DESCRIPTION_MAX - EXCERPT_CHARS:,} 文字省略" in html
    assert TAIL not in html


@pytest.mark.django_db
@pdf_tools.needs_poppler
def test_the_pdf_prints_each_excerpt_and_what_was_left_out(rendered):
    text = pdf_tools.text(rendered.department_pdf)
    flowing = "".join(text.split())  # line breaks and page breaks out of the way
    assert TAIL not in flowing
    # Prose: the first EXCERPT_CHARS characters, then how much was left out.
    assert FLAT[:EXCERPT_CHARS] in flowing
    assert FLAT[: EXCERPT_CHARS + 1] not in flowing
    omitted = f"{COMMENT_MAX - EXCERPT_CHARS:,}"
    assert f"…（以下{omitted}文字省略。全文はデータ書き出し・画面でご覧ください）" in flowing
    # Lines: the first EXCERPT_LINES of them.
    assert f"{EXCERPT_LINES}行目：" in text
    assert f"{EXCERPT_LINES + 1}行目：" not in text
    # The unbroken run is broken across lines, not lost off the page.
    assert UNBROKEN[:EXCERPT_CHARS] in flowing
    longest_line = max(len(line) for line in text.splitlines())
    assert longest_line < 200
