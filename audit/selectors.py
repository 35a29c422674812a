"""The events a coordinator may read: their municipality's, filtered, newest first."""

import datetime

from django.utils import timezone

from audit.models import AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the portal's time zone (JST): the filter's days are Japanese days."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def municipality_events(municipality, *, action="", date_from=None, date_to=None):
    events = AuditEvent.objects.filter(municipality=municipality)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(time__gte=_start_of(date_from))
    if date_to:
        events = events.filter(time__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return events.order_by("-time", "-pk")


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def detail_text(detail: dict) -> str:
    """One line for people: `changes` as field: old → new, anything else as key: value."""
    parts = []
    for key, value in (detail or {}).items():
        if key == "changes" and isinstance(value, dict):
            parts += [
                f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in value.items()
            ]
        else:
            parts.append(f"{key}: {_shown(value)}")
    return "; ".join(parts)
