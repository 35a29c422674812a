"""The action item form: it validates and converts; plans.services writes.

Only these fields are read from a post: the municipality, round, indicator
and authors are set by the view and the service (SECURITY item 3).
What depends on the moment of planning is checked here, with the rest of
the row checked again by the model: a new target level must lie above the
indicator's current level, and a new due date must not be in the past (JST).
A target level or due date left as it was is not checked again, so an item
can still be edited after its due date has passed or its level was reached.
"""

import datetime

from django import forms
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dxportal.text_limits import COMMENT_MAX, DESCRIPTION_MAX, LimitedCharField
from municipalities.models import Department, Municipality
from plans.models import ActionItem, ActionStatus
from plans.suggestions import Rubric


class ActionItemForm(forms.Form):
    title = LimitedCharField(
        label=_("次の一歩"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("次のレベルの状態の説明を初期値にしています。自由に書き換えられます。"),
    )
    department = forms.ModelChoiceField(
        label=_("担当部署"),
        queryset=Department.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("担当部署はこの団体の部署から選んでください。")},
    )
    target_level = forms.IntegerField(label=_("目標レベル"), required=False)
    due_on = forms.DateField(
        label=_("期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    status = forms.ChoiceField(label=_("状態"), choices=ActionStatus.choices)
    note = LimitedCharField(
        label=_("メモ"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args,
        municipality: Municipality,
        rubric: Rubric | None,
        current_level: int | None,
        today: datetime.date,
        item: ActionItem | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        self.current_level = current_level
        self.today = today
        self.item = item
        # Active departments, and the item's own even if it has been retired since.
        keep = Q(pk=item.department_id) if item else Q(pk__in=[])
        self.fields["department"].queryset = municipality.departments.filter(
            Q(is_active=True) | keep
        ).order_by("sort_order", "pk")
        if rubric is None:
            del self.fields["target_level"]
        else:
            self.fields["target_level"].required = True
            self.fields["target_level"].widget = forms.Select(
                choices=[("", "---------")]
                + [
                    (
                        rung.level,
                        _("レベル%(level)d：%(label)s")
                        % {"level": rung.level, "label": rung.label},
                    )
                    for rung in rubric.levels
                    if rung.level >= 1
                ]
            )
            self.fields["target_level"].error_messages["required"] = _(
                "目標レベルを選んでください。"
            )

    def _changed(self, field: str, value) -> bool:
        return self.item is None or getattr(self.item, field) != value

    def clean_target_level(self):
        level = self.cleaned_data["target_level"]
        if level is None or self.rubric is None or not self._changed("target_level", level):
            return level
        if level > self.rubric.top:
            raise forms.ValidationError(
                _("目標レベルは最高レベル（%(top)d）以下にしてください。")
                % {"top": self.rubric.top}
            )
        floor = self.current_level or 0
        if level <= floor:
            raise forms.ValidationError(
                _("目標レベルは現在のレベル（%(current)d）より上にしてください。")
                % {"current": floor}
            )
        return level

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if self._changed("due_on", due_on) and due_on < self.today:
            raise forms.ValidationError(
                _("期限は今日（%(today)s）以降の日付にしてください。")
                % {"today": date_format(self.today, "DATE_FORMAT")}
            )
        return due_on


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状態"), choices=ActionStatus.choices)
