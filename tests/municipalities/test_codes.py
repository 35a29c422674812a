import pytest
from hypothesis import given
from hypothesis import strategies as st

from municipalities.codes import check_digit, is_valid_code, prefecture_code_of
from tests.municipalities.master_files import read_rows

WEIGHTS = (6, 5, 4, 3, 2)

five_digits = st.text(alphabet="0123456789", min_size=5, max_size=5)
valid_codes = five_digits.map(lambda first_five: first_five + str(check_digit(first_five)))


def _remainder(code: str) -> int:
    return sum(weight * int(digit) for weight, digit in zip(WEIGHTS, code[:5], strict=True)) % 11


def _common_wrong_check_digit(first_five: str) -> int:
    # The variant found in many blog posts: remainder 0 or 1 gives 0.
    remainder = (
        sum(weight * int(digit) for weight, digit in zip(WEIGHTS, first_five, strict=True)) % 11
    )
    return 0 if remainder in (0, 1) else 11 - remainder


def test_every_fixture_code_has_a_valid_check_digit():
    rows = read_rows()
    assert len(rows) == 1788
    invalid = [row["code"] for row in rows if not is_valid_code(row["code"])]
    assert invalid == []


def test_the_common_wrong_variant_fails_on_168_real_codes():
    # DOMAIN §5: the shortcut disagrees with the official digit on 168 of the list.
    rows = read_rows()
    disagreeing = [
        row["code"]
        for row in rows
        if _common_wrong_check_digit(row["code"][:5]) != int(row["code"][5])
    ]
    assert len(disagreeing) == 168
    assert "012131" in disagreeing


def test_tomakomai_012131_is_valid_and_the_wrong_variant_is_not():
    assert check_digit("01213") == 1
    assert is_valid_code("012131")
    # What the wrong variant would produce for 苫小牧市:
    assert _common_wrong_check_digit("01213") == 0
    assert not is_valid_code("012130")


@given(valid_codes)
def test_a_code_with_its_check_digit_appended_is_valid(code):
    assert is_valid_code(code)
    assert prefecture_code_of(code)[:2] == code[:2]
    assert is_valid_code(prefecture_code_of(code))


@given(valid_codes, st.integers(min_value=1, max_value=9))
def test_changing_the_check_digit_makes_the_code_invalid(code, shift):
    changed = code[:5] + str((int(code[5]) + shift) % 10)
    assert not is_valid_code(changed)


@given(valid_codes, st.integers(min_value=0, max_value=4), st.integers(min_value=1, max_value=9))
def test_changing_one_of_the_first_five_digits_makes_the_code_invalid(code, position, shift):
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    # 11 is prime, so any single change moves the remainder. The one blind spot
    # of the scheme: remainders 0 and 10 both give check digit 1, so a change
    # between those two keeps the code valid (e.g. 000001 → 900001).
    blind_spot = {_remainder(code), _remainder(changed)} == {0, 10}
    assert is_valid_code(changed) is blind_spot


def test_the_blind_spot_of_the_scheme_is_real():
    # Documented so no one "fixes" check_digit to make the property above unconditional.
    assert is_valid_code("000001")
    assert is_valid_code("900001")


@pytest.mark.parametrize("value", ["", "1234", "123456", "1234a", "12 34"])
def test_check_digit_refuses_anything_but_five_digits(value):
    with pytest.raises(ValueError):
        check_digit(value)


@pytest.mark.parametrize("value", ["", "01213", "0121311", "01213a", " 12131"])
def test_is_valid_code_refuses_malformed_codes(value):
    assert not is_valid_code(value)


@pytest.mark.parametrize("value", ["０１２１３１", "012131\n"])
def test_is_valid_code_refuses_full_width_digits_and_a_final_newline(value):
    assert not is_valid_code(value)
