from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import SORT_ORDER_MAX, Department, DepartmentKind


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("部署名"), max_length=60)
    kind = forms.ChoiceField(label=_("部署の種類"), choices=DepartmentKind.choices)

    def __init__(self, *args, municipality, instance: Department | None = None, **kwargs):
        self.municipality = municipality
        self.instance = instance
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = self.municipality.departments.filter(name=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("同じ名前の部署がすでにあります。"))
        return name


class DepartmentEditForm(DepartmentForm):
    sort_order = forms.IntegerField(label=_("表示順"), min_value=0, max_value=SORT_ORDER_MAX)
    is_active = forms.BooleanField(
        label=_("使用中"),
        required=False,
        help_text=_("使わなくなった部署はチェックを外します（過去の回答は残ります）。"),
    )
