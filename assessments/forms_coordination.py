"""Forms of the coordinator's pages: they validate and convert, assessments.coordination writes.

Only the fields listed here reach a service: a posted municipality, status,
owner flag or decided_by is simply not read (SECURITY item 3).
"""

import datetime
import re

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assessments.models import Survey
from assessments.reconciliation import IndicatorReconciliation
from assessments.rounds import default_reference_date
from dxportal.japanese_calendar import date_label, fiscal_year_label, fiscal_year_of
from dxportal.text_limits import COMMENT_MAX, LimitedCharField
from frameworks.models import Edition, EditionStatus
from municipalities.models import Department, Municipality, MunicipalityKind


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def published_editions():
    return (
        Edition.objects.filter(status=EditionStatus.PUBLISHED)
        .select_related("framework")
        .order_by(F("published_at").desc(nulls_last=True), "-published_on", "-pk")
    )


class EditionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Edition) -> str:
        return f"{obj.framework.name} {obj}"


class _RoundFields(forms.Form):
    """Fiscal year, edition, dates and 基準日: what a round and a survey both need."""

    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    edition = EditionChoiceField(
        label=_("評価カタログの版"),
        queryset=Edition.objects.none(),
        empty_label=None,
        help_text=_("公開中の版から選びます。"),
    )
    opens_on = forms.DateField(label=_("回答開始日"), widget=_date_input())
    closes_on = forms.DateField(label=_("回答締切日"), widget=_date_input())
    reference_date = forms.DateField(
        label=_("基準日"),
        widget=_date_input(),
        required=False,
        help_text=_(
            "回答者は、この日現在の状況で回答します。空欄なら年度の4月1日です。"
            "年度の初日の1年前から年度末までの日を選べます。"
        ),
    )

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        current = fiscal_year_of(today)
        self.fields["fiscal_year"].choices = [
            (year, fiscal_year_label(year)) for year in range(current - 1, current + 2)
        ]
        editions = published_editions()
        self.fields["edition"].queryset = editions
        self.initial.setdefault("fiscal_year", current)
        self.initial.setdefault("opens_on", today)
        self.initial.setdefault("closes_on", today + datetime.timedelta(weeks=8))
        if "edition" not in self.initial and not self.is_bound:
            newest = editions.first()
            if newest is not None:
                self.initial["edition"] = newest.pk
        self.initial.setdefault(
            "reference_date", default_reference_date(self.initial["fiscal_year"])
        )

    def clean(self):
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("締切日は開始日以降にしてください。"))
        year, day = cleaned.get("fiscal_year"), cleaned.get("reference_date")
        if year is not None and day is None and "reference_date" not in self.errors:
            cleaned["reference_date"] = default_reference_date(year)
        elif year is not None and day is not None:
            # The fiscal year itself, or the year before it: a survey at the start of a year
            # asks about the state on the last day of the year before (3月31日現在); any
            # earlier day, or one after the year, would describe another round's state.
            earliest = default_reference_date(year - 1)
            latest = default_reference_date(year + 1) - datetime.timedelta(days=1)
            if not earliest <= day <= latest:
                self.add_error(
                    "reference_date",
                    _("基準日は%(earliest)sから%(latest)sまでの日にしてください。")
                    % {"earliest": date_label(earliest), "latest": date_label(latest)},
                )
        return cleaned


class RoundOpenForm(_RoundFields):
    carry_over = forms.BooleanField(
        label=_("前年度の回答を引き継ぐ"),
        required=False,
        help_text=_(
            "各部署の前年度の回答を、新しい調査票に写しておきます。"
            "回答者が確認して確定するか変更するまでは、回答済みに数えません。"
        ),
    )

    def __init__(self, *args, has_earlier_round: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # On by default when there is something to carry: the municipality has a round.
        self.initial.setdefault("carry_over", has_earlier_round)


class AssignmentForm(forms.Form):
    """Which departments answer one indicator, and which of them is the owner."""

    departments = forms.ModelMultipleChoiceField(
        label=_("回答する部署"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("主担当の部署"),
        queryset=Department.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("主担当の回答が、既定で団体としての回答になります。"),
    )

    def __init__(self, *args, municipality: Municipality, assigned_ids: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        # Active departments, plus a retired one that still has this indicator.
        choices = municipality.departments.filter(
            Q(is_active=True) | Q(pk__in=assigned_ids)
        ).order_by("sort_order", "pk")
        self.fields["departments"].queryset = choices
        self.fields["owner"].queryset = choices

    def clean(self):
        cleaned = super().clean()
        departments, owner = cleaned.get("departments"), cleaned.get("owner")
        if departments is not None and owner is not None and owner not in departments:
            self.add_error("owner", _("主担当の部署は回答する部署の中から選んでください。"))
        return cleaned


class ReviewForm(forms.Form):
    """The overall comment, a comment box per indicator, and the button pressed (name="action").

    Indicator comments go to the respondent with a return; on any other action
    they are refused rather than dropped, so nothing the coordinator wrote is lost.
    """

    action = forms.ChoiceField(
        choices=[("approve", _("承認")), ("return", _("差戻し")), ("reopen", _("再開"))],
        widget=forms.HiddenInput,
    )
    comment = LimitedCharField(
        label=_("調査票全体へのコメント"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "回答者に表示されます。差し戻すときは、全体へのコメントか指標ごとのコメントのどちらかが必要です。"
        ),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[self.note_name(indicator)] = LimitedCharField(
                label=_("%(code)sへのコメント") % {"code": indicator.code},
                required=False,
                max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    @staticmethod
    def note_name(indicator) -> str:
        return f"note_{indicator.pk}"

    def clean(self):
        cleaned = super().clean()
        notes = {
            indicator: cleaned.get(self.note_name(indicator), "") for indicator in self.indicators
        }
        cleaned["indicator_comments"] = {i: text for i, text in notes.items() if text.strip()}
        action = cleaned.get("action")
        # A comment refused already (too long) is there, just not acceptable.
        refused_note = any(self.note_name(i) in self.errors for i in self.indicators)
        if (
            action == "return"
            and not cleaned.get("comment", "-").strip()
            and not cleaned["indicator_comments"]
            and not refused_note
        ):
            self.add_error("comment", _("差戻しの理由を入力してください。"))
        if action in ("approve", "reopen") and cleaned["indicator_comments"]:
            raise forms.ValidationError(
                _(
                    "指標ごとのコメントは差し戻すときに回答者へ送ります。"
                    "承認・再開するときは指標ごとのコメントを空にしてください。"
                )
            )
        return cleaned


class ReconciliationFilterForm(forms.Form):
    """The reconciliation page's query string: which area, and whether only differences."""

    area = forms.SlugField(required=False, widget=forms.HiddenInput)
    differences = forms.BooleanField(label=_("相違のみ表示"), required=False)

    def values(self) -> dict:
        """For reconciliation_page; anything malformed means the defaults."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "area_code": data.get("area") or "",
            "differences_only": bool(data.get("differences")),
        }


class ConsolidationForm(forms.Form):
    """Which department's answer is the municipality's, among those who answered."""

    answer = forms.TypedChoiceField(
        label=_("団体としての回答"), coerce=int, widget=forms.RadioSelect
    )
    note = LimitedCharField(
        label=_("判断の理由"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("主担当以外の部署の回答を選ぶときは必須です。"),
    )

    def __init__(self, *args, item: IndicatorReconciliation, **kwargs):
        self.item = item
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [
            (row.answer.pk, f"{row.department.name}：{row.summary}") for row in item.answered_rows
        ]
        chosen = item.chosen_row
        self.initial.setdefault("answer", chosen.answer.pk if chosen.answer else None)
        if item.consolidation is not None:
            self.initial.setdefault("note", item.consolidation.note)

    def clean(self):
        cleaned = super().clean()
        answer_id = cleaned.get("answer")
        if answer_id is None:
            return cleaned
        row = next(r for r in self.item.answered_rows if r.answer.pk == answer_id)
        cleaned["chosen"] = row
        if not row.is_owner and not cleaned.get("note", "-").strip():
            self.add_error(
                "note", _("主担当以外の部署の回答を選ぶときは、理由を入力してください。")
            )
        return cleaned


CODE_SEPARATORS = re.compile(r"[\s,、，]+")
# Room for every municipality and prefecture of Japan (1,788), each code with a CR LF.
CODES_MAX = 2_000 * 8


class SurveyForm(_RoundFields):
    name = forms.CharField(
        label=_("調査の名称"), max_length=Survey._meta.get_field("name").max_length
    )
    prefecture = forms.ModelChoiceField(
        label=_("都道府県で選ぶ"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("（指定しない）"),
        help_text=_("その都道府県内の市区町村が対象になります。"),
    )
    kinds = forms.MultipleChoiceField(
        label=_("団体の区分で選ぶ"),
        choices=MunicipalityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("都道府県と区分の両方を選ぶと、両方に当てはまる団体が対象です。"),
    )
    codes = LimitedCharField(
        label=_("団体コードで選ぶ"),
        required=False,
        max_length=CODES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "6桁の団体コードを改行・空白・カンマで区切って貼り付けます。"
            "都道府県・区分で選んだ団体に加えて対象になります。"
        ),
    )

    field_order = ["name", "fiscal_year", "edition", "opens_on", "closes_on", "reference_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prefecture"].queryset = Municipality.objects.current().filter(
            kind=MunicipalityKind.PREFECTURE
        )

    def clean_codes(self) -> list[str]:
        text = self.cleaned_data.get("codes", "")
        return list(dict.fromkeys(c for c in CODE_SEPARATORS.split(text) if c))

    def clean(self):
        cleaned = super().clean()
        prefecture, kinds, codes = (
            cleaned.get("prefecture"),
            cleaned.get("kinds") or [],
            cleaned.get("codes") or [],
        )
        if not (prefecture or kinds or codes):
            raise forms.ValidationError(
                _("対象の団体を、都道府県・区分・団体コードのいずれかで選んでください。")
            )
        current = Municipality.objects.current().select_related("prefecture")
        chosen: dict[int, Municipality] = {}
        if prefecture or kinds:
            filtered = current
            if prefecture:
                filtered = filtered.filter(prefecture=prefecture)
            if kinds:
                filtered = filtered.filter(kind__in=kinds)
            chosen.update((m.pk, m) for m in filtered)
        if codes:
            found = {m.code: m for m in current.filter(code__in=codes)}
            unknown = [c for c in codes if c not in found]
            if unknown:
                self.add_error(
                    "codes",
                    _("見つからない団体コードがあります：%(codes)s")
                    % {"codes": "、".join(unknown)},
                )
            chosen.update((m.pk, m) for m in found.values())
        if not chosen and not self.errors:
            raise forms.ValidationError(_("条件に当てはまる団体がありません。"))
        cleaned["municipalities"] = sorted(chosen.values(), key=lambda m: m.code)
        return cleaned
