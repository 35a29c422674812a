"""Forms of the catalogue editor: they validate and convert, frameworks.services writes.

Only the fields listed here reach a service, so an edition's status, its
framework or an item's edition can never be set from a submitted form.
"""

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from frameworks.models import (
    AnswerType,
    Choice,
    Edition,
    Indicator,
    LineageRelation,
    PolicyArea,
    RubricLevel,
)
from frameworks.services import ChoiceData, IndicatorData, LevelData
from municipalities.models import DepartmentKind, MunicipalityKind


def _field(model, name: str, **kwargs) -> forms.Field:
    """The model field's own form field: its label, help text, length and required-ness."""
    return model._meta.get_field(name).formfield(**kwargs)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# Versions appear in URLs (/catalogue/<framework>/<version>/), so keep them URL-safe.
version_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
    _("版は半角英数字とピリオド・ハイフン・下線で入力してください（例: 2.1）。"),
)


class ConfirmForm(forms.Form):
    """The button of a confirmation page (publish, retire): a post without it is refused."""

    confirm = forms.BooleanField(widget=forms.HiddenInput)


class CloneForm(forms.Form):
    version = forms.CharField(
        label=_("新しい版"),
        max_length=20,
        validators=[version_validator],
        help_text=_("例: 2.1。同じフレームワークの中で重ならない値にします。"),
    )
    title = _field(Edition, "title")

    def __init__(self, *args, edition: Edition, **kwargs):
        self.edition = edition
        kwargs.setdefault("initial", {"title": edition.title})
        super().__init__(*args, **kwargs)

    def clean_version(self) -> str:
        version = self.cleaned_data["version"].strip()
        if Edition.objects.filter(framework_id=self.edition.framework_id, version=version).exists():
            raise forms.ValidationError(_("この版はすでにあります。別の値にしてください。"))
        return version


class EditionForm(forms.Form):
    """What an editor may change on a draft edition (see services.edition_update)."""

    title = _field(Edition, "title")
    title_en = _field(Edition, "title_en")
    published_on = _field(
        Edition,
        "published_on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("この版が基づく資料（計画など）の公表日"),
    )
    source = _field(Edition, "source", widget=_textarea(2))
    source_url = _field(Edition, "source_url")

    @classmethod
    def initial_for(cls, edition: Edition) -> dict:
        return {name: getattr(edition, name) for name in cls.base_fields}


class AreaForm(forms.Form):
    code = _field(PolicyArea, "code", help_text=_("半角英数字とハイフン（例: standardization）"))
    name = _field(PolicyArea, "name")
    name_en = _field(PolicyArea, "name_en")
    description = _field(PolicyArea, "description", widget=_textarea(4))
    description_en = _field(PolicyArea, "description_en", widget=_textarea(4))
    source = _field(PolicyArea, "source", widget=_textarea(2))

    def __init__(self, *args, edition: Edition, instance: PolicyArea | None = None, **kwargs):
        self.edition = edition
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial", {name: getattr(instance, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        clash = self.edition.areas.filter(code=code)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("この版には同じコードの取組分野がすでにあります。"))
        return code


class SearchForm(forms.Form):
    q = forms.CharField(label=_("指標を検索"), max_length=100, required=False)


class DiffForm(forms.Form):
    old = forms.ModelChoiceField(label=_("比べる元の版"), queryset=None)
    new = forms.ModelChoiceField(label=_("比べる先の版"), queryset=None)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            self.fields[name].queryset = editions
            self.fields[name].label_from_instance = _edition_label

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") and cleaned.get("old") == cleaned.get("new"):
            raise forms.ValidationError(_("異なる2つの版を選んでください。"))
        return cleaned


def _edition_label(edition: Edition) -> str:
    return f"{edition.framework.name} {edition.version}（{edition.get_status_display()}）"


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("上へ")), ("down", _("下へ"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


# --- indicators --------------------------------------------------------------------

_INDICATOR_FIELDS = (
    "code",
    "question",
    "question_en",
    "help_text",
    "help_text_en",
    "answer_type",
    "weight",
    "unit",
    "full_score_at",
    "municipality_kinds",
    "department_kinds",
    "source",
    "source_url",
)


def _answer_type_choices():
    return [(t.value, format_lazy("{}（{}）", t.label, t.scoring_rule)) for t in AnswerType]


class IndicatorForm(forms.Form):
    code = _field(Indicator, "code")
    stage = forms.ModelChoiceField(label=_("段階"), queryset=None, empty_label=None)
    question = _field(Indicator, "question", widget=_textarea(3))
    question_en = _field(Indicator, "question_en", widget=_textarea(2))
    help_text = _field(Indicator, "help_text", widget=_textarea(4))
    help_text_en = _field(Indicator, "help_text_en", widget=_textarea(3))
    answer_type = forms.ChoiceField(
        label=_("回答形式と採点"), choices=_answer_type_choices, widget=forms.RadioSelect
    )
    weight = _field(Indicator, "weight", min_value=Decimal("0.1"), max_value=Decimal("10"))
    unit = _field(Indicator, "unit")
    full_score_at = _field(Indicator, "full_score_at", min_value=Decimal("0.1"))
    municipality_kinds = forms.MultipleChoiceField(
        label=_("対象とする団体の区分"),
        choices=MunicipalityKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("どれも選ばなければ、すべての団体が対象です。"),
    )
    department_kinds = forms.MultipleChoiceField(
        label=_("回答する部署の種類"),
        choices=DepartmentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("どれも選ばなければ、DX推進担当部署が回答します。"),
    )
    source = _field(Indicator, "source", widget=_textarea(2))
    source_url = _field(Indicator, "source_url")

    def __init__(self, *args, edition: Edition, instance: Indicator | None = None, **kwargs):
        self.edition = edition
        self.instance = instance
        if instance is not None:
            initial = {name: getattr(instance, name) for name in _INDICATOR_FIELDS}
            kwargs.setdefault("initial", initial | {"stage": instance.stage_id})
        super().__init__(*args, **kwargs)
        # Only the stages of this edition can be chosen.
        self.fields["stage"].queryset = edition.stages.all()

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = self.edition.indicators.filter(code=code)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("この版には同じコードの指標がすでにあります。"))
        return code


class _RowForm(forms.Form):
    """A formset row whose fields are all optional: a blank row is ignored, a started row
    must have its `required_when_used` fields."""

    required_when_used: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        return not any(value not in (None, "") for value in self.cleaned_data.values())

    def clean(self):
        cleaned = super().clean()
        if self.errors or self.is_blank():
            return cleaned
        for name in self.required_when_used:
            if cleaned.get(name) in (None, ""):
                self.add_error(name, _("この行を使うときは入力してください。"))
        return cleaned


class LevelForm(_RowForm):
    level = forms.IntegerField(label=_("レベル"), min_value=0, max_value=20, required=False)
    label = _field(RubricLevel, "label", required=False)
    description = _field(RubricLevel, "description", widget=_textarea(2), required=False)
    label_en = _field(RubricLevel, "label_en", required=False)
    description_en = _field(RubricLevel, "description_en", widget=_textarea(2), required=False)
    required_when_used = ("level", "label", "description")


class ChoiceForm(_RowForm):
    code = _field(Choice, "code", required=False)
    label = _field(Choice, "label", required=False)
    label_en = _field(Choice, "label_en", required=False)
    score = forms.IntegerField(label=_("得点"), min_value=0, max_value=100, required=False)
    required_when_used = ("code", "label", "score")


class LineageForm(_RowForm):
    predecessor = forms.CharField(label=_("前の版の指標コード"), max_length=20, required=False)
    relation = forms.ChoiceField(
        label=_("関係"),
        choices=[("", "---")]
        + [(r.value, r.label) for r in LineageRelation if r != LineageRelation.NEW],
        required=False,
    )
    required_when_used = ("predecessor", "relation")


def _formset(form_class, rows: list[dict], *, minimum: int, data, prefix: str):
    extra = max(minimum - len(rows), 1)
    formset_class = forms.formset_factory(form_class, extra=extra)
    # Every row is cleaned, and a blank one then ignored (_RowForm): Django would
    # otherwise skip a row that equals its initial value whenever the submitted
    # INITIAL_FORMS is off, and silently drop a rubric level.
    return formset_class(
        data, initial=rows or None, prefix=prefix, form_kwargs={"empty_permitted": False}
    )


def _used_rows(formset) -> list[dict]:
    return [
        form.cleaned_data for form in formset.forms if form.cleaned_data and not form.is_blank()
    ]


class IndicatorEditor:
    """The indicator form with its rubric, choice and lineage formsets, validated together.

    Every section is rendered (the page works without JavaScript); only the
    rubric of a maturity indicator and the choices of a choice indicator are
    validated and saved, as services.indicator_update does.
    """

    def __init__(self, data=None, *, edition: Edition, indicator: Indicator | None = None):
        self.edition = edition
        self.form = IndicatorForm(data, edition=edition, instance=indicator)
        levels = choices = lineage = []
        if indicator is not None:
            levels = [
                {name: getattr(level, name) for name in LevelForm.base_fields}
                for level in indicator.levels.all()
            ]
            choices = [
                {name: getattr(choice, name) for name in ChoiceForm.base_fields}
                for choice in indicator.choices.all()
            ]
            lineage = [
                {"predecessor": link.predecessor.code, "relation": link.relation}
                for link in indicator.lineage.all()
                if link.predecessor is not None
            ]
        self.levels = _formset(LevelForm, levels, minimum=5, data=data, prefix="levels")
        self.choices = _formset(ChoiceForm, choices, minimum=3, data=data, prefix="choices")
        # Lineage points into the predecessor edition, so without one there is none to set.
        self.lineage = (
            _formset(LineageForm, lineage, minimum=2, data=data, prefix="lineage")
            if edition.predecessor_id
            else None
        )
        self.service_errors: list[str] = []

    @property
    def is_bound(self) -> bool:
        return self.form.is_bound

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        # The answer type decides which formset counts, even when another field is wrong.
        answer_type = self.form.cleaned_data.get("answer_type")
        if answer_type == AnswerType.MATURITY:
            valid = self.levels.is_valid() and valid
        if answer_type == AnswerType.CHOICE:
            valid = self.choices.is_valid() and valid
        if self.lineage is not None:
            valid = self.lineage.is_valid() and valid
        return valid

    def indicator_data(self) -> IndicatorData:
        cleaned = self.form.cleaned_data
        answer_type = cleaned["answer_type"]
        levels, choices = [], []
        if answer_type == AnswerType.MATURITY:
            levels = sorted(
                (LevelData(**row) for row in _used_rows(self.levels)), key=lambda lv: lv.level
            )
        if answer_type == AnswerType.CHOICE:
            choices = [ChoiceData(**row) for row in _used_rows(self.choices)]
        return IndicatorData(
            **{name: cleaned[name] for name in _INDICATOR_FIELDS},
            stage=cleaned["stage"],
            levels=levels,
            choices=choices,
        )

    def lineage_links(self) -> list[tuple[str, LineageRelation]] | None:
        """(predecessor code, relation) pairs, or None when the edition has no predecessor."""
        if self.lineage is None:
            return None
        return [
            (row["predecessor"].strip(), LineageRelation(row["relation"]))
            for row in _used_rows(self.lineage)
        ]
