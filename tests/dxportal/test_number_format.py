"""One rounding rule for every score and percentage (dxportal.number_format)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import engines

from dxportal.number_format import (
    compact_number,
    percent_text,
    rounded,
    rounded_decimal,
    score_text,
)

ROOT = Path(__file__).resolve().parents[2]
FLOATFORMAT_1 = re.compile(r"""floatformat:["']?1["']?(?!\d)""")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (62.25, "62.3"),  # f"{62.25:.1f}" and round() give 62.2
        (0.05, "0.1"),  # the float just below 0.05 would round down
        (0.15, "0.2"),
        (2.675, "2.7"),
        (62.24, "62.2"),
        (100, "100.0"),
        (100.0, "100.0"),
        (0, "0.0"),
        (-0.04, "0.0"),  # never "-0.0"
        (Decimal("12.35"), "12.4"),
        (None, "—"),
    ],
)
def test_scores_have_one_decimal_with_halves_rounded_up(value, text):
    assert score_text(value) == text


def test_percentages_are_the_same_number_with_a_half_width_percent_sign():
    assert percent_text(53) == "53.0%"
    assert percent_text(62.25) == "62.3%"
    assert percent_text(None) == "—"


def test_chart_labels_drop_a_trailing_zero():
    assert compact_number(62.25) == "62.3"
    assert compact_number(60.0) == "60"
    assert compact_number(100) == "100"
    assert compact_number(0.04) == "0"


def test_numbers_for_files_follow_the_same_rule():
    assert rounded(62.25) == 62.3
    assert rounded(62.125, 2) == 62.13  # round(62.125, 2) is 62.12
    assert rounded(None) is None
    assert f"{rounded_decimal(62.25):.1f}" == "62.3"  # the translated sentences' {score:.1f}


@pytest.mark.parametrize("value", [62.25, 0.05, 100, 53.0, 12.34, None])
def test_the_template_filters_say_what_the_functions_say(value):
    template = engines["django"].from_string(
        "{% load number_format %}{{ value|score }} {{ value|percent }}"
    )
    assert template.render({"value": value}) == f"{score_text(value)} {percent_text(value)}"


def test_no_results_report_or_plan_template_rounds_with_floatformat():
    """Scores and percentages go through the score and percent filters, nowhere else."""
    templates = [
        path
        for folder in ("templates/results", "templates/reports", "templates/plans")
        for path in (ROOT / folder).rglob("*.html")
    ]
    assert len(templates) > 0
    offenders = [
        str(path.relative_to(ROOT))
        for path in templates
        if FLOATFORMAT_1.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_whole_numbers_have_thousands_separators():
    from dxportal.number_format import whole_number_text

    assert (whole_number_text(3_778_318), whole_number_text(0), whole_number_text(None)) == (
        "3,778,318",
        "0",
        "—",
    )
