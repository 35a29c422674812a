"""The check digit of 総務省's 全国地方公共団体コード (JIS X 0402).

A code is PP CCC K: prefecture, municipality, check digit. With the first five
digits d1..d5, S = 6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5 and K = (11 − S mod 11) mod 10.
The common shortcut "remainder 0 or 1 gives 0" is wrong: remainder 0 gives 1.
"""

import re

_CODE = re.compile(r"[0-9]{6}")  # ASCII only: \d would accept full-width digits


def check_digit(first_five: str) -> int:
    if not re.fullmatch(r"[0-9]{5}", first_five):
        raise ValueError(f"expected five digits, got {first_five!r}")
    weights = (6, 5, 4, 3, 2)
    total = sum(weight * int(digit) for weight, digit in zip(weights, first_five, strict=True))
    return (11 - total % 11) % 10


def is_valid_code(code: str) -> bool:
    return bool(_CODE.fullmatch(code)) and int(code[5]) == check_digit(code[:5])


def prefecture_code_of(code: str) -> str:
    """The 6-digit code of the prefecture a body belongs to (PP000K)."""
    first_five = code[:2] + "000"
    return first_five + str(check_digit(first_five))
