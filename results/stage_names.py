"""The name of the stage attained, as every page, report, export and command prints it."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from dxportal.localized import localized_text
from results.scoring import NOT_STARTED


def stage_names(stages: Iterable) -> dict[str, str]:
    """stage code → its name in the page's language (Stage objects of one edition)."""
    return {stage.code: localized_text(stage, "name") for stage in stages}


def stage_label(code: str, names: dict[str, str]) -> str:
    """未着手 when no stage is attained, else the stage's name (its code if unknown)."""
    return _("未着手") if code == NOT_STARTED else names.get(code, code)
