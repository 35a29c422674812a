from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.answer_values import IndicatorSpec, normalise, parse_answer

MATURITY = IndicatorSpec("maturity", max_level=4)
PERCENT = IndicatorSpec("percentage")
COUNT = IndicatorSpec("count")
CHOICE = IndicatorSpec("choice", choice_codes=("none", "some", "all"))


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.integers(min_value=0, max_value=100))
def test_full_width_percentages_mean_the_same(value):
    half = parse_answer(PERCENT, {"number": str(value)})
    full = parse_answer(PERCENT, {"number": _full_width(f"{value}%")})
    assert half.ok and full.ok
    assert half.values == full.values
    assert half.values.number == Decimal(value)


@pytest.mark.parametrize("raw", ["101", "-1", "abc", "1e400", "NaN"])
def test_out_of_range_percentage_is_an_error_on_that_field(raw):
    parsed = parse_answer(PERCENT, {"number": raw})
    assert not parsed.ok and set(parsed.errors) == {"number"}


@pytest.mark.parametrize(("raw", "level"), [("0", 0), ("４", 4), ("", None), (" 2 ", 2)])
def test_levels(raw, level):
    parsed = parse_answer(MATURITY, {"level": raw, "target_level": "4"})
    assert parsed.ok and parsed.values.level == level and parsed.values.target_level == 4


@pytest.mark.parametrize("raw", ["5", "2.5", "-1"])
def test_levels_out_of_the_rubric(raw):
    assert "level" in parse_answer(MATURITY, {"level": raw}).errors


def test_counts_are_whole_and_not_negative():
    assert parse_answer(COUNT, {"number": "１,２００"}).values.number == Decimal(1200)
    assert "number" in parse_answer(COUNT, {"number": "1.5"}).errors


def test_choice_must_be_one_of_the_indicators():
    assert parse_answer(CHOICE, {"choice_code": "some"}).values.choice_code == "some"
    assert "choice_code" in parse_answer(CHOICE, {"choice_code": "many"}).errors


def test_not_applicable_needs_a_reason():
    assert "not_applicable_reason" in parse_answer(MATURITY, {"not_applicable": "on"}).errors
    parsed = parse_answer(
        MATURITY, {"not_applicable": "on", "not_applicable_reason": "該当業務なし"}
    )
    assert parsed.ok and parsed.values.not_applicable


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://x/y", "example.jp/x"])
def test_evidence_url_must_be_http(url):
    assert "evidence_url" in parse_answer(MATURITY, {"evidence_url": url}).errors


def test_normalise_folds_full_width_and_trims():
    assert normalise("　７５％ ") == "75%"
