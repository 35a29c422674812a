"""The bulk export form: which municipalities, and which fiscal year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from exports.bulk import MAX_MUNICIPALITIES

LATEST = ""


class MunicipalityChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.code}）"


class BulkExportForm(forms.Form):
    municipalities = MunicipalityChoice(
        label=_("団体"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("団体を1つ以上選んでください。")},
    )
    fiscal_year = forms.TypedChoiceField(
        label=_("年度"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("「最新」は、団体ごとに結果のある最新のラウンドを使います。"),
    )

    def __init__(self, *args, municipalities, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = municipalities
        self.fields["fiscal_year"].choices = [(LATEST, _("最新"))] + [
            (year, _("{year}年度").format(year=year)) for year in years
        ]

    def clean_municipalities(self):
        chosen = list(self.cleaned_data["municipalities"])
        if len(chosen) > MAX_MUNICIPALITIES:
            raise forms.ValidationError(
                _("一度に選べるのは%(max)s団体までです。"), params={"max": MAX_MUNICIPALITIES}
            )
        return chosen
