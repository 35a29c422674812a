"""Made-up but realistic answers, for the demo and the national data set (development only).

The one home for drawing answers: `portal.demo` (seed_demo) and
`portal.national_data` (generate_national_data) both call `draw_answer`. Pure:
no database; everything random comes from the `random.Random` the caller passes.

Each body has a capability (`body_capability`: larger kinds of government are
further on) and each (body, indicator) a latent position `u` in [0, 1) that the
caller keeps the same across fiscal years and editions (draw it from an rng
seeded by the body and the indicator code), so a body's answers improve from
year to year instead of jumping about.

Indicators with a published national figure (../shared/reference/DOMAIN.md) are
drawn at that rate (CALIBRATED): e.g. マイナンバーカード保有枚数率 ≈ 81% in FY2026,
AI in 100% of prefectures and designated cities and about half of the rest. The
others follow the body's capability, a little better each year.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from assessments.answer_values import AnswerValues

# Capability by kind of government (municipalities.models.MunicipalityKind values).
KIND_CAPABILITY = {
    "prefecture": 0.68,
    "designated_city": 0.68,
    "core_city": 0.58,
    "former_special_city": 0.54,
    "special_ward": 0.58,
    "city": 0.48,
    "town": 0.38,
    "village": 0.34,
}
# Each year a body moves on by this much of the scale (maturity levels, percentages).
YEARLY_PROGRESS = 0.05
BASE_YEAR = 2026  # the year the calibrated rates below are for; earlier years are behind


@dataclass(frozen=True)
class Question:
    """What drawing needs to know about an indicator."""

    code: str
    answer_type: str
    max_level: int = 0
    choice_codes: tuple[str, ...] = ()  # lowest score first
    full_score_at: float | None = None  # a count's full score for this body


@dataclass(frozen=True)
class Body:
    kind: str
    capability: float  # 0–1


def body_capability(kind: str, rng: random.Random) -> float:
    """A body's capability: its kind's, give or take a little."""
    return min(0.95, max(0.05, KIND_CAPABILITY.get(kind, 0.45) + rng.gauss(0, 0.12)))


# Published rates: code → (share of prefectures, designated cities, others) answering "yes"
# (a yes/no) or at least the second-lowest choice (a choice), for BASE_YEAR; earlier years
# lose YEARLY_RATE_GAIN each.
@dataclass(frozen=True)
class Rate:
    prefecture: float
    designated_city: float
    others: float
    source: str  # what DOMAIN.md says the figure is

    def of(self, kind: str) -> float:
        if kind == "prefecture":
            return self.prefecture
        if kind == "designated_city":
            return self.designated_city
        return self.others


YEARLY_RATE_GAIN = 0.04

CALIBRATED_RATES: dict[str, Rate] = {
    "GOV-01": Rate(43 / 47, 0.95, 1270 / 1741, "CIO appointed 43 / 1,270"),
    "GOV-03": Rate(1.0, 0.95, (862 + 184) / 1741, "DX policy adopted 47 / 862 (+184 planned)"),
    "GOV-05": Rate(30 / 47, 0.8, 846 / 1741, "CIO補佐官 30 / 846"),
    "SEC-04": Rate(1.0, 1.0, 1733 / 1741, "CISO 1,733 municipalities"),
    "AIR-11": Rate(1.0, 1.0, 0.55, "AI: 100% / 100% / 50% (2023), 59.2% overall (2024)"),
    "AIR-12": Rate(0.94, 1.0, 0.45, "RPA: 94% / 100% / 41% (2023)"),
    "TEL-03": Rate(1.0, 1.0, 0.64, "telework 1,150 bodies = 64.3% (2022)"),
    "ONL-07": Rate(1.0, 1.0, 0.62, "汎用的電子申請システム in >62% of municipalities"),
}

# Published percentages: code → national mean for BASE_YEAR and its yearly change.
CALIBRATED_PERCENTAGES: dict[str, tuple[float, float]] = {
    "MNC-01": (81.2, 3.0),  # マイナンバーカード保有枚数率 81.2% (end-Jan 2026), 80.3% (2025-12)
    "STD-05": (70.0, 25.0),  # standard-compliant systems live: the FY2025 deadline
    "GOV-08": (82.9, 3.0),  # all-staff DX training 82.9%
}


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def progress(body: Body, u: float, fiscal_year: int) -> float:
    """Where the body stands on this indicator in `fiscal_year`, 0–1."""
    return _clip(
        0.55 * body.capability + 0.45 * u + YEARLY_PROGRESS * (fiscal_year - BASE_YEAR), 0, 0.999
    )


def calibrated_rate(code: str, kind: str, fiscal_year: int) -> float | None:
    rate = CALIBRATED_RATES.get(code)
    if rate is None:
        return None
    return _clip(rate.of(kind) - YEARLY_RATE_GAIN * (BASE_YEAR - fiscal_year), 0, 1)


def draw_answer(
    question: Question, body: Body, fiscal_year: int, u: float, rng: random.Random
) -> AnswerValues:
    """The body's answer to `question` in `fiscal_year`; `u` is its latent position on it."""
    at = progress(body, u, fiscal_year)
    kind = question.answer_type
    rate = calibrated_rate(question.code, body.kind, fiscal_year)
    if kind == "maturity":
        level = min(question.max_level, int(at * (question.max_level + 1)))
        target = min(question.max_level, level + 1 + (rng.random() < 0.3))
        has_target = rng.random() < 0.6 and target > level
        return AnswerValues(
            level=level,
            target_level=target if has_target else None,
            target_fiscal_year=fiscal_year + 3 if has_target else None,
        )
    if kind == "yes_no":
        return AnswerValues(yes=u < rate if rate is not None else u < at)
    if kind == "choice":
        codes = question.choice_codes
        if rate is not None:
            # Below the rate: any choice but the lowest, spread by the body's progress.
            if u >= rate:
                return AnswerValues(choice_code=codes[0])
            index = 1 + min(len(codes) - 2, int(at * (len(codes) - 1)))
            return AnswerValues(choice_code=codes[index])
        return AnswerValues(choice_code=codes[min(len(codes) - 1, int(at * len(codes)))])
    if kind == "percentage":
        if question.code in CALIBRATED_PERCENTAGES:
            mean, gain = CALIBRATED_PERCENTAGES[question.code]
            value = mean - gain * (BASE_YEAR - fiscal_year) + 12 * (u - 0.5)
        else:
            value = 100 * at + rng.gauss(0, 5)
        return AnswerValues(number=Decimal(f"{_clip(value, 0, 100):.1f}"))
    if kind == "count":
        full = question.full_score_at or 10
        return AnswerValues(number=Decimal(round(full * 1.3 * at)))
    if kind == "text":
        if rng.random() < 0.5:
            return AnswerValues()  # free text is optional; half leave it empty
        return AnswerValues(text=TEXTS[int(at * len(TEXTS))])
    raise ValueError(f"unknown answer type: {kind}")


def disagreeing(question: Question, values: AnswerValues) -> AnswerValues | None:
    """Another department's different view of the same thing (a level or a choice one step
    lower), or None when there is no step lower."""
    if question.answer_type == "maturity" and values.level:
        return AnswerValues(level=values.level - 1)
    if question.answer_type == "choice" and values.choice_code in question.choice_codes[1:]:
        index = question.choice_codes.index(values.choice_code)
        return AnswerValues(choice_code=question.choice_codes[index - 1])
    return None


TEXTS = [
    "所管課と調整を始めたところです。",
    "担当者を決め、今年度中に方針をまとめる予定です。",
    "一部の課で試行し、効果を確認しています。",
    "全庁の計画に位置付け、進捗を四半期ごとに確認しています。",
]
