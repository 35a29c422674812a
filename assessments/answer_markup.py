"""The answer form's radio groups, drawn once per indicator and language and kept.

The markup of a radio group (area.html#radio_group: legends, rubric level labels and
descriptions, choice labels, ids) depends on the indicator and the language only; what
depends on the answer is each option's state (checked, invalid). So the partial is
rendered once with a marker in place of every option's state, kept split at the markers,
and each view puts the states in: a few string joins instead of a template per option.

What invalidates a kept group: its key holds the indicator's pk, the language and every
column of the indicator's row, so a changed row (a corrected citation, or any other
column) is drawn anew at once. The rubric levels and choices are not in the key: they
belong to a published or retired edition (a round's edition is published:
assessments.rounds), whose levels and choices never change (frameworks.services refuses
every change; frameworks/FORMAT.md "Corrections to a published edition" touches
citations only). Within a process, saving or deleting any indicator, level or choice
drops everything kept (the editor's drafts; tests, which reuse pks). A group with an
error message is drawn from the template each time.

Per process; nothing in it depends on a user, a questionnaire or an answer.
"""

from dataclasses import replace

from django.db.models import prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.forms_answering import checked_options, option_state
from frameworks.models import Choice, Indicator, RubricLevel

RADIO_GROUP = "assessments/answering/area.html#radio_group"
# Stands for an option's state while a group is drawn; never in catalogue text (a NUL).
_STATE = "\x00"
_MAX_KEPT = 5000  # groups: about two per indicator of every edition in use, and languages

# key → per radio group: (field name, option values with the empty one last, markup split
# at each option's state)
_kept: dict[tuple, tuple[tuple[str, list[str], list[str]], ...]] = {}
_COLUMNS = [field.attname for field in Indicator._meta.concrete_fields]


def _key(indicator) -> tuple:
    row = tuple(repr(getattr(indicator, name)) for name in _COLUMNS)
    return (indicator.pk, get_language(), row)


def _draw(form) -> tuple[tuple[str, list[str], list[str]], ...]:
    """Each radio group of the form drawn with markers for the states, split at them."""
    drawn = []
    for group in form.radio_groups:
        blank = replace(group, options=[replace(o, state=_STATE) for o in group.options])
        pieces = render_to_string(RADIO_GROUP, {"group": blank}).split(_STATE)
        if len(pieces) != len(group.options) + 1:
            raise ValueError(f"{form.indicator.code}: a marker in the catalogue text")
        drawn.append((group.name, [o.value for o in group.options], pieces))
    return tuple(drawn)


def prepare(forms) -> None:
    """Load, in two queries for all of them, the levels and choices of the forms' indicators
    whose groups are not kept yet; none once they are."""
    missing = [
        form.indicator
        for form in forms
        if form.radio_group_fields and _key(form.indicator) not in _kept
    ]
    if missing:
        prefetch_related_objects(missing, "levels", "choices")


def radio_groups_html(form) -> SafeString:
    """The form's radio groups as area.html#radio_group draws them, states filled in."""
    names = form.radio_group_fields
    if not names:
        return SafeString("")
    if any(name in form.errors for name in names):
        return mark_safe(
            "".join(render_to_string(RADIO_GROUP, {"group": g}) for g in form.radio_groups)
        )
    key = _key(form.indicator)
    kept = _kept.get(key)
    if kept is None:
        kept = _draw(form)
        if len(_kept) >= _MAX_KEPT:
            _kept.clear()
        _kept[key] = kept
    html = []
    for name, values, pieces in kept:
        html.append(pieces[0])
        checked = checked_options(form.raw.get(name, ""), values)
        for on, piece in zip(checked, pieces[1:], strict=True):
            html.append(option_state(on, False))
            html.append(piece)
    return mark_safe("".join(html))


@receiver([post_save, post_delete], sender=Indicator)
@receiver([post_save, post_delete], sender=RubricLevel)
@receiver([post_save, post_delete], sender=Choice)
def forget(**_signal) -> None:
    """Drop every kept group."""
    _kept.clear()
