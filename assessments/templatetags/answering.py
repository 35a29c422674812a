"""Template helpers of the answering pages."""

from django import template

from assessments import answer_markup

register = template.Library()


@register.simple_tag(takes_context=True)
def answer_block(context, form):
    """`{% answer_block form %}`: area.html#answer_block_markup for the form, its parts
    drawn once and kept (assessments/answer_markup.py)."""
    return answer_markup.answer_block_html(context, form)


@register.simple_tag(takes_context=True)
def evidence_block(context, form):
    """`{% evidence_block form %}`: area.html#evidence_block_markup for the form's answer,
    drawn once and kept (assessments/answer_markup.py)."""
    return answer_markup.evidence_block_html(context, form)
