"""Template helpers for catalogue pages: English text when there is some, labels for codes."""

from django import template
from django.utils.translation import gettext as _

from dxportal.localized import localized_html, localized_text
from frameworks.models import AnswerType
from municipalities.models import DepartmentKind, MunicipalityKind

register = template.Library()


@register.simple_tag
def localized(obj, field: str) -> str:
    """`{% localized indicator "question" %}` or `{% localized area "description" as text %}`."""
    return localized_text(obj, field)


@register.simple_tag
def localized_marked(obj, field: str) -> str:
    """Page text: as `localized`, and marked 「(Japanese only)」 when an English page has only
    the Japanese (dxportal.localized.localized_html). Not for titles or attributes."""
    return localized_html(obj, field)


def _labels(values, choices) -> list[str]:
    known = dict(choices)
    return [str(known.get(value, value)) for value in values]


@register.filter
def municipality_kind_labels(values) -> str:
    return "、".join(_labels(values, MunicipalityKind.choices)) or _("すべての団体")


@register.filter
def department_kind_labels(values) -> str:
    return "、".join(_labels(values, DepartmentKind.choices)) or _("DX推進担当部署")


@register.filter
def scoring_rule(answer_type: str) -> str:
    return AnswerType(answer_type).scoring_rule
