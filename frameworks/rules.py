"""Rules every edition must satisfy, on plain data (no database).

Shared by the file importer (which reports them with file and line) and by
publishing from the editor (which reports them per indicator).
"""

from collections.abc import Sequence
from decimal import Decimal

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
