"""The area page's answer and evidence blocks (area.html), drawn once and kept.

Most of an indicator's markup (question, help, rubric level labels and descriptions,
choice labels, field labels and hints, ids, the translated words) is the same on every
view; what depends on the answer, the questionnaire or the request is a few values
(which radio is checked, what a field holds, the URLs, the CSRF token, the files). So
each part is rendered once with holes (NULs, never in catalogue text or translations)
where those values go, kept split at the holes, and each view fills them in, escaped as
the template would: string joins instead of some hundred template nodes per indicator.
The parts: each radio group, text field and target year select; around them the answer
block (area.html#answer_block_markup) and the evidence block, whose holes `live` names.
A view with an error message, a conflict or a lock (a save's, an upload's response) is
rendered from the same templates directly.

What invalidates a kept part: its key holds everything it is drawn from but the holes.
- A text field, a target year select: the field itself (forms_answering.TextField,
  YearSelect: ids, labels, hints, limits, the years and their labels) without its
  values, and the language.
- The radio groups and the blocks: the indicator's pk, the language, every column of
  the indicator's row (a corrected citation, or any other change of the row, draws them
  anew at once), and for the blocks the kind of view (editable or read-only, a carried
  answer to confirm; the evidence block also the allowed file types and size). The rubric
  levels and choices are not in the key, so that a view need not load them: they belong
  to a published or retired edition (a round's edition is published: assessments.rounds),
  whose levels and choices never change (frameworks.services refuses every change;
  frameworks/FORMAT.md "Corrections to a published edition" touches citations only).
  Within a process, saving or deleting any indicator, level or choice drops everything
  kept (the editor's drafts; tests).

Per process and bounded; nothing kept depends on a user, a questionnaire or an answer.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace

from django.db.models import prefetch_related_objects
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments.forms_answering import checked_options, option_state
from dxportal.japanese_calendar import date_label_in_language
from frameworks.models import AnswerType, Choice, Indicator, RubricLevel

AREA_PAGE = "assessments/answering/area.html"
RADIO_GROUP = f"{AREA_PAGE}#radio_group"
TEXT_FIELD = f"{AREA_PAGE}#text_field"
TARGET_YEAR = f"{AREA_PAGE}#target_year"
ANSWER_BLOCK = f"{AREA_PAGE}#answer_block_markup"
EVIDENCE_BLOCK = f"{AREA_PAGE}#evidence_block_markup"
EVIDENCE_FILES = f"{AREA_PAGE}#evidence_files"
OPEN_DATA = "opendata/includes/suggestion.html"
HOLE = "\x00"
# About ten parts of 1-5 KB per indicator and language (fewer in practice): a few
# editions in use fit; past the bound everything is drawn anew.
_MAX_KEPT = 5000

# ASCII only: an ideographic space (U+3000) starting a line of catalogue text stays.
_INDENTATION = re.compile(r"\n[ \t\r\n]+")

_kept: dict[tuple, list] = {}
_COLUMNS = [field.attname for field in Indicator._meta.concrete_fields]


def _drawn(key: tuple, draw: Callable[[], list]) -> list:
    kept = _kept.get(key)
    if kept is None:
        kept = draw()
        if len(_kept) >= _MAX_KEPT:
            _kept.clear()
        _kept[key] = kept
    return kept


def _drawn_once(partial: str, context: dict) -> str:
    """A part to keep, rendered; each line's indentation and blank lines dropped (the
    template's, read by no one; a value filled in later keeps its own)."""
    return _INDENTATION.sub("\n", render_to_string(partial, context))


def _split(html: str, holes: int) -> list[str]:
    pieces = html.split(HOLE)
    if len(pieces) != holes + 1:
        raise ValueError("a NUL in the text of an answer form")
    return pieces


def _fill(out: list[str], pieces: list[str], values: Iterable) -> None:
    out.append(pieces[0])
    for value, piece in zip(values, pieces[1:], strict=True):
        out.append(conditional_escape(value))
        out.append(piece)


# --- radio groups ---------------------------------------------------------------------


def _indicator_key(indicator) -> tuple:
    # Worked out once per loaded row (a view's), as the parts of one indicator share it.
    key = getattr(indicator, "_answer_markup_key", None)
    if key is None or key[1] != get_language():
        row = tuple(repr(getattr(indicator, name)) for name in _COLUMNS)
        key = (indicator.pk, get_language(), row)
        indicator._answer_markup_key = key
    return key


def _draw_groups(form) -> list:
    """Per radio group: its field, its options' values (the empty one last), its markup
    split at each option's state."""
    drawn = []
    for group in form.radio_groups:
        blank = replace(group, options=[replace(o, state=HOLE) for o in group.options])
        pieces = _split(_drawn_once(RADIO_GROUP, {"group": blank}), len(group.options))
        drawn.append((group.name, [o.value for o in group.options], pieces))
    return drawn


def prepare(forms) -> None:
    """Load, in two queries for all of them, the levels and choices of the forms' indicators
    whose radio groups are not kept yet; none once they are."""
    missing = [
        form.indicator
        for form in forms
        if form.radio_group_fields and ("radio", *_indicator_key(form.indicator)) not in _kept
    ]
    if missing:
        prefetch_related_objects(missing, "levels", "choices")


def radio_groups_html(form) -> SafeString:
    """The form's radio groups as area.html#radio_group draws them."""
    if not form.radio_group_fields:
        return SafeString("")
    if any(name in form.errors for name in form.radio_group_fields):
        return mark_safe(
            "".join(render_to_string(RADIO_GROUP, {"group": g}) for g in form.radio_groups)
        )
    out = []
    for name, values, pieces in _drawn(
        ("radio", *_indicator_key(form.indicator)), lambda: _draw_groups(form)
    ):
        checked = checked_options(form.raw.get(name, ""), values)
        _fill(out, pieces, (option_state(on, False) for on in checked))
    return mark_safe("".join(out))


# --- text fields and the target year ----------------------------------------------------


def text_field_html(field) -> SafeString:
    """A forms_answering.TextField as area.html#text_field draws it ("" for None)."""
    if field is None:
        return SafeString("")
    if field.error:
        return render_to_string(TEXT_FIELD, {"field": field})
    blank = replace(field, value=HOLE)
    pieces = _drawn(
        ("text", get_language(), blank),
        lambda: _split(_drawn_once(TEXT_FIELD, {"field": blank}), 1),
    )
    out = []
    _fill(out, pieces, [field.value])
    return mark_safe("".join(out))


def target_year_html(year) -> SafeString:
    """A forms_answering.YearSelect as area.html#target_year draws it."""
    if year.error:
        return render_to_string(TARGET_YEAR, {"year": year})
    blank = replace(year, options=tuple((v, label, HOLE) for v, label, _s in year.options))
    pieces = _drawn(
        ("year", get_language(), blank),
        lambda: _split(_drawn_once(TARGET_YEAR, {"year": blank}), len(year.options)),
    )
    out = []
    _fill(out, pieces, (state for _v, _label, state in year.options))
    return mark_safe("".join(out))


# --- the answer block -------------------------------------------------------------------


@dataclass(frozen=True)
class BlockValues:
    """What area.html#answer_block_markup shows that differs between views of an indicator
    (as `live`): each a hole in the kept block."""

    csrf_token: str
    save_url: str
    base_version: str
    reference_date: str
    radio_groups: str
    target_year: str
    answer_field: str
    extra_open: str
    not_applicable: str
    extra_fields: str
    open_data: str


BLOCK_HOLES = BlockValues(**{f.name: f"{HOLE}{f.name}{HOLE}" for f in fields(BlockValues)})


def _block_values(context, form) -> BlockValues:
    questionnaire = context["questionnaire"]
    indicator = form.indicator
    return BlockValues(
        csrf_token=str(context.get("csrf_token", "")),
        save_url=reverse("questionnaires:answer_save", args=[questionnaire.pk, indicator.code]),
        base_version="" if form.base_version is None else str(form.base_version),
        reference_date=date_label_in_language(questionnaire.round.reference_date)
        if form.asks_as_of_a_day
        else "",
        radio_groups=radio_groups_html(form),
        target_year=(
            target_year_html(form.target_year_field)
            if indicator.answer_type == AnswerType.MATURITY
            else ""
        ),
        answer_field=text_field_html(form.answer_field),
        extra_open=SafeString(" open" if form.extra_open else ""),
        not_applicable=SafeString(" checked" if form.not_applicable else ""),
        extra_fields=mark_safe("".join(text_field_html(f) for f in form.extra_fields)),
        open_data=(
            render_to_string(OPEN_DATA, {"form": form, "editable": context["editable"]})
            if form.open_data
            else ""
        ),
    )


def _block(partial: str, key: tuple, own: dict, values, holes, *, kept: bool) -> SafeString:
    """`partial` with `own` and `values` as `live`; when `kept`, drawn once per `key` with
    `holes` as `live` and the values filled in."""
    if not kept:
        return render_to_string(partial, {**own, "live": values})
    pieces = _drawn(key, lambda: _drawn_once(partial, {**own, "live": holes}).split(HOLE))
    out = [pieces[0]]
    for index in range(1, len(pieces), 2):
        out.append(conditional_escape(getattr(values, pieces[index])))
        out.append(pieces[index + 1])
    return mark_safe("".join(out))


def _own(context, form) -> dict:
    return {
        "form": form,
        "questionnaire": context["questionnaire"],
        "editable": bool(context["editable"]),
        "csrf_token": context.get("csrf_token"),
    }


def answer_block_html(context, form) -> SafeString:
    """area.html#answer_block_markup for `form`: kept for a view of the stored answer, drawn
    from the template for one with errors, a conflict or a lock (a save's response)."""
    own = _own(context, form)
    carried = bool(form.answer and form.answer.is_carried)
    return _block(
        ANSWER_BLOCK,
        ("block", *_indicator_key(form.indicator), own["editable"], carried),
        own,
        _block_values(context, form),
        BLOCK_HOLES,
        kept=form.state == "normal" and not form.errors,
    )


@dataclass(frozen=True)
class EvidenceValues:
    """What area.html#evidence_block_markup shows that differs between views (as `live`)."""

    csrf_token: str
    upload_url: str
    files: str


EVIDENCE_HOLES = EvidenceValues(**{f.name: f"{HOLE}{f.name}{HOLE}" for f in fields(EvidenceValues)})


def evidence_block_html(context, form) -> SafeString:
    """area.html#evidence_block_markup for `form`: kept but for an upload's or removal's
    outcome (its message)."""
    own = _own(context, form)
    own |= {"allowed_types": context["allowed_types"], "max_size": context["max_size"]}
    questionnaire = own["questionnaire"]
    values = EvidenceValues(
        csrf_token=str(own["csrf_token"] or ""),
        upload_url=reverse(
            "questionnaires:evidence_upload", args=[questionnaire.pk, form.indicator.code]
        ),
        files=(
            render_to_string(EVIDENCE_FILES, own)
            if form.answer is not None and form.answer.files.all()
            # Without files the list is one sentence, the same for every indicator.
            else mark_safe(
                _drawn(("no files", get_language()), lambda: _drawn_once(EVIDENCE_FILES, own))
            )
        ),
    )
    return _block(
        EVIDENCE_BLOCK,
        (
            "evidence",
            *_indicator_key(form.indicator),
            own["editable"],
            str(own["allowed_types"]),
            str(own["max_size"]),
        ),
        own,
        values,
        EVIDENCE_HOLES,
        kept=not (form.evidence_error or form.evidence_message),
    )


@receiver([post_save, post_delete], sender=Indicator)
@receiver([post_save, post_delete], sender=RubricLevel)
@receiver([post_save, post_delete], sender=Choice)
def forget(**_signal) -> None:
    """Drop everything kept."""
    _kept.clear()
