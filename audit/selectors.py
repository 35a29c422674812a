"""The events a log page shows, filtered, newest first."""

import datetime

from django.db.models import Q
from django.utils import timezone

from audit.models import CATALOGUE_ACTIONS, AuditEvent


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the portal's time zone (JST): the filter's days are Japanese days."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filtered(events, *, action="", date_from=None, date_to=None):
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(time__gte=_start_of(date_from))
    if date_to:
        events = events.filter(time__lt=_start_of(date_to + datetime.timedelta(days=1)))
    # The actor for their name beside the address (describing the event needs nothing more).
    return events.select_related("actor").order_by("-time", "-pk")


def municipality_events(municipality, *, people: Q, **filters):
    """The municipality's events, and the account events `people` selects (its people's
    sign-ins, which belong to no municipality: accounts.access decides whose they are)."""
    return _filtered(AuditEvent.objects.filter(Q(municipality=municipality) | people), **filters)


def catalogue_events(**filters):
    """Changes to the assessment catalogue, which is portal-wide (no municipality)."""
    return _filtered(AuditEvent.objects.filter(action__in=CATALOGUE_ACTIONS), **filters)
