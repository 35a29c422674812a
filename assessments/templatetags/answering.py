"""Template helpers of the answering pages."""

from django import template

from assessments import answer_markup

register = template.Library()


@register.simple_tag
def radio_groups(form):
    """`{% radio_groups form %}`: the form's radio groups (assessments/answer_markup.py)."""
    return answer_markup.radio_groups_html(form)
