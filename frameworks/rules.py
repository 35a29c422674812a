"""Rules every edition must satisfy, on plain data (no database).

Shared by the file importer (which reports them with file and line) and by
publishing from the editor (which reports them per indicator).
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from municipalities.size_bands import BAND_CODES

MIN_WEIGHT = Decimal("0.1")
MAX_WEIGHT = Decimal("10")


def rubric_problems(levels: Sequence[int]) -> list[str]:
    """Levels must run 0, 1, …, N with N >= 1 and no gap or repeat."""
    if len(levels) < 2:
        return ["ルーブリックには2つ以上のレベルが必要です。"]
    if sorted(levels) != list(range(len(levels))):
        return [
            f"ルーブリックのレベルは0から順に欠番なく並べてください（現在: {', '.join(map(str, levels))}）。"
        ]
    return []


def weight_problems(weight: Decimal) -> list[str]:
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        return [f"重みは{MIN_WEIGHT}以上{MAX_WEIGHT}以下にしてください（現在: {weight}）。"]
    return []


def choice_problems(scores: Sequence[int]) -> list[str]:
    problems = []
    if len(scores) < 2:
        problems.append("選択肢は2つ以上必要です。")
    if any(not 0 <= score <= 100 for score in scores):
        problems.append("選択肢の得点は0〜100にしてください。")
    return problems


def count_problems(full_score_at: Decimal | None) -> list[str]:
    if full_score_at is None or full_score_at <= 0:
        return ["件数・人数の指標には、満点とする値（0より大きい数）が必要です。"]
    return []


def full_score_for(
    *,
    full_score_at: Decimal | None,
    full_score_by_band: Mapping[str, float],
    band_code: str | None,
) -> Decimal | None:
    """The value that scores 100 on a count indicator for a body in the size band `band_code`.

    A body whose band (municipalities.size_bands) is listed in `full_score_by_band`
    uses that value; any other body, and one without a band (a city, town or
    village whose population is unknown), uses the plain `full_score_at`.
    Scoring, the answering page and the rules page all ask this function.
    """
    if band_code is not None and band_code in full_score_by_band:
        return Decimal(str(full_score_by_band[band_code]))
    return full_score_at


def band_full_score_problems(full_score_by_band: Mapping[str, object]) -> list[tuple[str, str]]:
    """(band code, problem) for each entry that is not a known band, or whose number is not positive.

    A value that is not a number at all is the reader's to report (it knows the file's types).
    """
    problems = []
    for code, value in full_score_by_band.items():
        if code not in BAND_CODES:
            problems.append(
                (
                    code,
                    f"人口規模区分のコードではありません（書けるのは: {', '.join(BAND_CODES)}）。",
                )
            )
        elif (
            not isinstance(value, bool) and isinstance(value, int | float | Decimal) and value <= 0
        ):
            problems.append((code, "満点とする値は0より大きい数にしてください。"))
    return problems


def scale_problems(
    *,
    answer_type: str,
    levels: Sequence[int],
    choice_scores: Sequence[int],
    full_score_at: Decimal | None,
) -> list[str]:
    """What is missing or wrong in how an indicator of this type is answered and scored."""
    if answer_type == "maturity":
        return rubric_problems(levels)
    if answer_type == "choice":
        return choice_problems(choice_scores)
    if answer_type == "count":
        return count_problems(full_score_at)
    return []
