from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditAction


def _date_input() -> forms.DateInput:
    # A date picker wants ISO dates whatever the locale's display format.
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class EventFilterForm(forms.Form):
    """Narrow a log to one action and a range of days (JST, both ends included).

    `actions`: the actions this log can hold (audit.models), so that every choice
    offered can find something.
    """

    action = forms.ChoiceField(
        label=_("操作"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("開始日"),
        required=False,
        widget=_date_input(),
    )
    date_to = forms.DateField(
        label=_("終了日"),
        required=False,
        widget=_date_input(),
    )

    def __init__(self, *args, actions: frozenset[AuditAction], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("すべての操作")),
            *((action.value, action.label) for action in AuditAction if action in actions),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("開始日は終了日より前の日付にしてください。"))
        return cleaned
