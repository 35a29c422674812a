"""The answer form for one indicator, and answer values in words.

`AnswerForm` validates and converts only: the posted strings go through
`parse_answer` (full-width digits allowed, messages per field) and come out
as AnswerValues plus the version the person started from. It also carries
what the template needs to draw the controls (options with their checked
state, ids for labels and error messages) so that the template stays free
of logic.
"""

from dataclasses import dataclass, fields
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.answer_values import (
    AnswerValues,
    IndicatorSpec,
    default_target_fiscal_year,
    parse_answer,
    target_fiscal_years,
)
from assessments.answering import answer_values_of
from assessments.evidence_links import evidence_location_hint
from assessments.models import Answer
from assessments.reference_day import names_a_day
from dxportal.japanese_calendar import fiscal_year_text
from dxportal.localized import localized_html, localized_text
from dxportal.number_format import PERCENT_SIGN
from dxportal.text_limits import COMMENT_MAX, URL_MAX
from frameworks.models import AnswerType

RAW_FIELDS = [f.name for f in fields(AnswerValues)]
# Fields under "補足" (not the answer itself).
EXTRA_FIELDS = ("not_applicable", "not_applicable_reason", "comment", "evidence_url")

FIELD_LABELS = {
    "level": gettext_lazy("現在値"),
    "target_level": gettext_lazy("目標値"),
    "target_fiscal_year": gettext_lazy("目標年度"),
    "yes": gettext_lazy("はい／いいえ"),
    "number": gettext_lazy("数値"),
    "choice_code": gettext_lazy("選択肢"),
    "text": gettext_lazy("記述"),
    "not_applicable": gettext_lazy("該当しない"),
    "not_applicable_reason": gettext_lazy("該当しない理由"),
    "comment": gettext_lazy("コメント"),
    "evidence_url": gettext_lazy("根拠資料の場所"),
    # Not a value: answering.CARRIED_FIELD, the carried-over mark a save confirms.
    "carried": gettext_lazy("前年度からの引き継ぎ"),
}


def field_label(indicator, name: str) -> str:
    if name == "number":
        if indicator.answer_type == AnswerType.PERCENTAGE:
            return _("割合（%）")
        if indicator.answer_type == AnswerType.COUNT:
            return _("件数・人数")
    return str(FIELD_LABELS.get(name, name))


def spec_for(indicator, *, fiscal_year: int) -> IndicatorSpec:
    """What parse_answer needs for an answer of a round of `fiscal_year`; reads the
    prefetched levels and choices."""
    levels = [level.level for level in indicator.levels.all()]
    return IndicatorSpec(
        answer_type=indicator.answer_type,
        max_level=max(levels, default=0),
        choice_codes=tuple(choice.code for choice in indicator.choices.all()),
        fiscal_year=fiscal_year,
    )


def format_number(value) -> str:
    """75.00 → "75", 12.50 → "12.5", never an exponent."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value))
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def raw_from_answer(answer: Answer | None) -> dict[str, str]:
    """The strings the form shows for a stored answer."""
    if answer is None:
        return dict.fromkeys(RAW_FIELDS, "")
    return {
        "level": "" if answer.level is None else str(answer.level),
        "target_level": "" if answer.target_level is None else str(answer.target_level),
        "target_fiscal_year": (
            "" if answer.target_fiscal_year is None else str(answer.target_fiscal_year)
        ),
        "yes": {True: "yes", False: "no", None: ""}[answer.yes],
        "number": format_number(answer.number),
        "choice_code": answer.choice.code if answer.choice_id else "",
        "text": answer.text,
        "not_applicable": "on" if answer.not_applicable else "",
        "not_applicable_reason": answer.not_applicable_reason,
        "comment": answer.comment,
        "evidence_url": answer.evidence_url,
    }


# The radio groups of each answer type (AnswerForm.radio_groups), by field name.
RADIO_GROUP_FIELDS = {
    AnswerType.MATURITY: ("level", "target_level"),
    AnswerType.YES_NO: ("yes",),
    AnswerType.CHOICE: ("choice_code",),
}


def checked_options(current: str, values: list[str]) -> list[bool]:
    """Which radio of a group with `values` (the empty choice last) is checked: the one of
    the current value, else the empty choice."""
    checked = [current == value for value in values]
    if not any(checked[:-1]):
        checked[-1] = True
    return checked


def option_state(checked: bool, invalid: bool) -> SafeString:
    """A radio's attributes for its state (area.html#radio_group puts them in as they are)."""
    return SafeString((" checked" if checked else "") + (' aria-invalid="true"' if invalid else ""))


@dataclass(frozen=True)
class Option:
    id: str
    value: str
    label: str  # page text (dxportal.localized.localized_html): safe, marked if Japanese only
    description: str = ""
    level: str = ""  # 「レベルN」 shown before the label of a level; "" in a plain list
    state: str = ""  # the radio's attributes: checked, invalid (option_state)


@dataclass(frozen=True)
class RadioGroup:
    """One radio group as the area page draws it: rubric cards ("cards"), compact
    levels ("levels") or a plain list ("list"); native radios, so arrow keys move
    within the group."""

    name: str
    legend: str
    variant: str
    options: list[Option]
    error: str
    error_id: str


def selected_state(selected: bool) -> SafeString:
    """An option's attributes for its state (area.html#target_year puts them in as they are)."""
    return SafeString(" selected" if selected else "")


@dataclass(frozen=True)
class YearSelect:
    """The target year select, with its hint and error tied to it."""

    id: str
    options: tuple[tuple[str, str, str], ...]  # value, label, the option's attributes
    error: str = ""


@dataclass(frozen=True)
class TextField:
    """A labelled text input or textarea of the form, with its hint and error tied to it."""

    name: str
    id: str
    label: str
    value: str
    hint: str = ""
    error: str = ""
    maxlength: int | None = None
    rows: int = 0  # a textarea of this many rows; 0: a one-line input
    unit: str = ""
    inputmode: str = ""

    @property
    def hint_id(self) -> str:
        return f"{self.id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.id}-error"

    @property
    def described_by(self) -> str:
        return " ".join([self.hint_id] * bool(self.hint) + [self.error_id] * bool(self.error))


class AnswerForm:
    """One indicator's form: shown from the stored answer, or bound to posted data."""

    # The browser's maxlength; parse_answer refuses the same lengths on the server.
    text_max = COMMENT_MAX
    url_max = URL_MAX

    def __init__(
        self,
        indicator,
        *,
        fiscal_year: int,
        municipality=None,
        answer: Answer | None = None,
        data=None,
    ):
        self.indicator = indicator
        self.fiscal_year = fiscal_year  # the round's: target years count from it
        # The body answering: a count's full score depends on its size band.
        self.municipality = municipality
        self.answer = answer
        self.is_bound = data is not None
        self.errors: dict[str, str] = {}
        # Set by the save view: "normal", "conflict" (with `conflict`) or "locked".
        self.state = "normal"
        self.conflict: Conflict | None = None
        self.status_text = ""
        # Set by the evidence views: the outcome of an upload or removal.
        self.evidence_message = ""
        self.evidence_error = ""
        # Set by the area view: the coordinator's comment on this indicator with the latest
        # return, while the questionnaire is returned (assessments.return_comments).
        self.return_comment = ""
        self.values: AnswerValues | None = None
        if data is None:
            self.raw = raw_from_answer(answer)
            self.base_version = answer.version if answer else 0
        else:
            self.raw = {name: str(data.get(name, "")) for name in RAW_FIELDS}
            try:
                self.base_version = int(data.get("base_version", ""))
                if self.base_version < 0:
                    raise ValueError
            except (TypeError, ValueError):
                self.base_version = None

    @property
    def asks_as_of_a_day(self) -> bool:
        """The help text asks for the state on a day: the page repeats the round's 基準日."""
        return names_a_day(self.indicator.help_text)

    def is_valid(self) -> bool:
        parsed = parse_answer(spec_for(self.indicator, fiscal_year=self.fiscal_year), self.raw)
        self.errors = dict(parsed.errors)
        if self.base_version is None:
            self.errors["base_version"] = _(
                "保存の準備ができていません。ページを再読み込みしてから、もう一度入力してください。"
            )
        self.values = parsed.values if not self.errors else None
        return not self.errors

    # --- for the template --------------------------------------------------------------

    @property
    def prefix(self) -> str:
        return f"a{self.indicator.pk}"

    @property
    def not_applicable(self) -> bool:
        return self.raw.get("not_applicable", "") not in ("", "0", "off", "false")

    @property
    def extra_open(self) -> bool:
        """Open the 補足 section when something in it is filled in or wrong."""
        return (
            any(self.raw.get(name) for name in EXTRA_FIELDS[1:])
            or self.not_applicable
            or any(name in self.errors for name in EXTRA_FIELDS)
        )

    @property
    def key(self) -> str:
        """The indicator's pk as text, as the page's element ids use it."""
        return str(self.indicator.pk)

    def _group(self, name: str, legend: str, variant: str, items, *, empty_label: str):
        """A radio group of `items` (value, label, description), then the empty choice."""
        current = self.raw.get(name, "")
        prefix = f"{self.prefix}-{name}"
        # "レベルN" is said once per level, not once per option drawn.
        level_word = _("レベル%(level)s") if variant != "list" else ""
        values = [value for value, _label, _description in items] + [""]
        error = self.errors.get(name, "")
        checked = checked_options(current, values)
        options = [
            Option(
                id=f"{prefix}-{index}",
                value=value,
                label=label,
                description=description,
                level=level_word % {"level": value} if level_word else "",
                state=option_state(checked[index], bool(error)),
            )
            for index, (value, label, description) in enumerate(items)
        ]
        options.append(
            Option(
                id=f"{prefix}-none",
                value="",
                label=empty_label,
                state=option_state(checked[-1], bool(error)),
            )
        )
        return RadioGroup(
            name=name,
            legend=legend,
            variant=variant,
            options=options,
            error=error,
            error_id=f"{prefix}-error",
        )

    @property
    def radio_group_fields(self) -> tuple[str, ...]:
        return RADIO_GROUP_FIELDS.get(self.indicator.answer_type, ())

    @property
    def radio_groups(self) -> list[RadioGroup]:
        """The answer's radio groups for its type: current and target level, yes/no or
        the choices; none for the types written in a field."""
        answer_type = self.indicator.answer_type
        if answer_type == AnswerType.MATURITY:
            levels = [
                (str(level.level), localized_html(level, "label"), level)
                for level in self.indicator.levels.all()
            ]
            return [
                self._group(
                    "level",
                    _("現在値"),
                    "cards",
                    [(v, label, localized_html(lv, "description")) for v, label, lv in levels],
                    empty_label=_("未回答"),
                ),
                self._group(
                    "target_level",
                    _("目標値"),
                    "levels",
                    [(v, label, "") for v, label, _lv in levels],
                    empty_label=_("設定しない"),
                ),
            ]
        if answer_type == AnswerType.YES_NO:
            items = [("yes", _("はい"), ""), ("no", _("いいえ"), "")]
            return [self._group("yes", _("回答"), "list", items, empty_label=_("未回答"))]
        if answer_type == AnswerType.CHOICE:
            items = [
                (choice.code, localized_html(choice, "label"), "")
                for choice in self.indicator.choices.all()
            ]
            return [self._group("choice_code", _("回答"), "list", items, empty_label=_("未回答"))]
        return []

    def _field(self, name: str, label: str, **attributes) -> TextField:
        return TextField(
            name=name,
            id=f"{self.prefix}-{name}",
            label=label,
            value=self.raw.get(name, ""),
            error=self.errors.get(name, ""),
            **attributes,
        )

    @property
    def answer_field(self) -> TextField | None:
        """The field the answer is written in (a percentage, a count, free text), if any."""
        answer_type = self.indicator.answer_type
        if answer_type == AnswerType.PERCENTAGE:
            return self._field(
                "number",
                _("割合（%）"),
                hint=_("0〜100の数値で入力します（全角数字も使えます）。"),
                unit=self.unit,
                inputmode="decimal",
            )
        if answer_type == AnswerType.COUNT:
            return self._field(
                "number", _("件数・人数"), hint=self.count_hint, unit=self.unit, inputmode="numeric"
            )
        if answer_type == AnswerType.TEXT:
            return self._field("text", _("回答（自由記述）"), maxlength=self.text_max, rows=4)
        return None

    @property
    def extra_fields(self) -> list[TextField]:
        """The fields under 「補足」 after the 該当しない box."""
        return [
            self._field(
                "not_applicable_reason",
                _("該当しない理由"),
                hint=_("「該当しない」にするときは必ず入力します。"),
                maxlength=self.text_max,
                rows=2,
            ),
            self._field("comment", _("コメント"), maxlength=self.text_max, rows=2),
            self._field(
                "evidence_url",
                _("根拠資料の場所"),
                hint=evidence_location_hint(),
                maxlength=self.url_max,
            ),
        ]

    @property
    def target_year_field(self) -> YearSelect:
        """The target year select: the years a target may name, the stored or posted one
        selected, else the default (saved only with a target level: answer_values drops a
        year without one)."""
        chosen = self.raw.get("target_fiscal_year") or str(
            default_target_fiscal_year(self.fiscal_year)
        )
        return YearSelect(
            id=f"{self.prefix}-target_fiscal_year",
            options=tuple(
                (str(year), fiscal_year_text(year), selected_state(str(year) == chosen))
                for year in target_fiscal_years(self.fiscal_year)
            ),
            error=self.errors.get("target_fiscal_year", ""),
        )

    @property
    def count_hint(self) -> str:
        """How to write a count, and the value that scores full marks for this body."""
        hint = _("0以上の整数で入力します（全角数字も使えます）。")
        if self.municipality is None:
            return hint
        full_score = self.indicator.full_score_for(self.municipality)
        if full_score is None:
            return hint
        hint += " " + _("貴団体では%(value)s%(unit)s以上で満点（100点）です。") % {
            "value": format_number(full_score),
            "unit": self.indicator.unit,
        }
        if self.indicator.full_score_by_band:
            band = self.municipality.size_band
            hint += " " + (
                _("満点とする値は人口規模区分ごとに決まっています（貴団体: %(band)s）。")
                % {"band": band}
                if band is not None
                else _("人口が登録されていないため、人口規模区分によらない値を用いています。")
            )
        return hint

    @property
    def unit(self) -> str:
        if self.indicator.answer_type == AnswerType.PERCENTAGE:
            return PERCENT_SIGN
        return self.indicator.unit


# --- answer values in words (conflict view, history) -----------------------------------


def describe(indicator, name: str, value) -> str:
    """A stored or posted value of field `name` as the person would say it."""
    if name == "not_applicable":
        return _("チェックあり") if value in (True, "on", "true") else _("チェックなし")
    if name == "carried":
        return _("未確認") if value else _("確定")
    if value is None or value == "":
        return _("（なし）")
    if name == "target_fiscal_year":
        return fiscal_year_text(int(value))
    if name in ("level", "target_level"):
        labels = {
            str(level.level): localized_text(level, "label") for level in indicator.levels.all()
        }
        label = labels.get(str(value))
        return (
            _("レベル%(level)s（%(label)s）") % {"level": value, "label": label}
            if label
            else _("レベル%(level)s") % {"level": value}
        )
    if name == "yes":
        return _("はい") if value in (True, "yes", "true") else _("いいえ")
    if name == "number":
        unit = PERCENT_SIGN if indicator.answer_type == AnswerType.PERCENTAGE else indicator.unit
        return f"{format_number(value)}{unit}"
    if name == "choice_code":
        for choice in indicator.choices.all():
            if choice.code == value:
                return localized_text(choice, "label")
        return str(value)
    return str(value)


def shown_fields(indicator) -> list[str]:
    """The fields that belong to the indicator's answer type, then the common ones."""
    own = {
        AnswerType.MATURITY: ["level", "target_level", "target_fiscal_year"],
        AnswerType.YES_NO: ["yes"],
        AnswerType.PERCENTAGE: ["number"],
        AnswerType.COUNT: ["number"],
        AnswerType.CHOICE: ["choice_code"],
        AnswerType.TEXT: ["text"],
    }.get(indicator.answer_type, [])
    return [*own, *EXTRA_FIELDS]


@dataclass(frozen=True)
class ConflictRow:
    label: str
    mine: str
    theirs: str
    differs: bool


class Conflict:
    """Someone saved the answer after this person started: both versions, side by side."""

    def __init__(self, form: AnswerForm, theirs: Answer):
        self.form = form
        self.theirs = theirs
        mine_values = form.values
        their_values = answer_values_of(theirs)
        self.rows = [
            ConflictRow(
                label=field_label(form.indicator, name),
                mine=describe(form.indicator, name, getattr(mine_values, name)),
                theirs=describe(form.indicator, name, getattr(their_values, name)),
                differs=getattr(mine_values, name) != getattr(their_values, name),
            )
            for name in shown_fields(form.indicator)
        ]
