"""frameworks.answer_shapes: the per-process copy of an indicator as answers are given
against it. Kept for published and retired editions only, the citations (which a published
edition may still have corrected, by another process too) read afresh on each call, and never served
after a change of the row made in this process or for another edition under the same pk."""

import datetime

import pytest

from frameworks.answer_shapes import answer_shape, forget_answer_shapes
from frameworks.models import EditionStatus, Indicator, PolicyArea
from tests.frameworks.factories import make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    forget_answer_shapes()
    yield
    forget_answer_shapes()


def _choice(edition) -> Indicator:
    return edition.indicators.get(code="CHO-01")


def test_a_kept_indicator_costs_one_query_for_its_citations_and_has_its_levels_and_choices(
    django_assert_num_queries,
):
    edition = make_edition()
    indicator = _choice(edition)
    # The indicator with its area, levels, choices; the citations, read on every call.
    with django_assert_num_queries(4):
        first = answer_shape(indicator.pk, edition)
    with django_assert_num_queries(1):
        kept = answer_shape(indicator.pk, edition)
        codes = [choice.code for choice in kept.choices.all()]
        area = kept.area.code
    assert codes == ["none", "partial", "all"]
    assert area == "area-1"
    assert kept is not first  # a copy per call


def test_a_citation_corrected_elsewhere_is_read_fresh_even_after_it_was_read():
    # Another process corrects the citations (import_framework --correct-sources): no
    # signal reaches this one, as with a queryset update here.
    edition = make_edition()
    indicator = _choice(edition)
    assert answer_shape(indicator.pk, edition).source == indicator.source
    assert answer_shape(indicator.pk, edition).area.source == indicator.area.source

    Indicator.objects.filter(pk=indicator.pk).update(
        source="訂正後の出典", source_url="https://example.jp/"
    )
    PolicyArea.objects.filter(pk=indicator.area_id).update(source="訂正後の分野の出典")

    kept = answer_shape(indicator.pk, edition)
    assert (kept.source, kept.source_url) == ("訂正後の出典", "https://example.jp/")
    assert kept.area.source == "訂正後の分野の出典"


def test_a_draft_is_never_kept():
    edition = make_edition(status=EditionStatus.DRAFT)
    indicator = _choice(edition)
    assert answer_shape(indicator.pk, edition).question == indicator.question
    Indicator.objects.filter(pk=indicator.pk).update(question="書き直した設問")
    assert answer_shape(indicator.pk, edition).question == "書き直した設問"


def test_a_change_saved_in_this_process_empties_it():
    edition = make_edition()
    indicator = _choice(edition)
    answer_shape(indicator.pk, edition)
    choice = indicator.choices.get(code="all")
    choice.label = "全部署で導入"
    choice.save()
    labels = [c.label for c in answer_shape(indicator.pk, edition).choices.all()]
    assert labels == ["導入していない", "一部で導入", "全部署で導入"]


def test_another_edition_under_the_same_pk_is_not_served_the_old_one():
    # A database reset (or a rolled-back test) may give a new edition and indicator the
    # pks of old ones, written without signals (bulk_create): its created_at differs.
    edition = make_edition()
    indicator = _choice(edition)
    answer_shape(indicator.pk, edition)
    Indicator.objects.filter(pk=indicator.pk).update(question="別の版の設問")
    edition.created_at += datetime.timedelta(microseconds=1)
    assert answer_shape(indicator.pk, edition).question == "別の版の設問"


def test_an_indicator_of_another_edition_is_not_kept_under_this_one():
    edition, other = make_edition(), make_edition()
    indicator = _choice(other)
    answer_shape(indicator.pk, edition)
    Indicator.objects.filter(pk=indicator.pk).update(question="書き直した設問")
    assert answer_shape(indicator.pk, edition).question == "書き直した設問"
