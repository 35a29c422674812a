"""Limits on 「パスワードを忘れた方」: e-mails per address, requests per client address.

Counted from the audit log, which every request writes to (sent or not), so
the limits hold across all worker processes and restarts; a per-process cache
would multiply them by the number of workers. Two requests at the very same
moment may both pass: the limit is for abuse, not an exact quota.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.recording import TARGET_MAX

_REQUESTS = (AuditAction.PASSWORD_RESET_REQUESTED, AuditAction.PASSWORD_RESET_THROTTLED)


def reset_target(email: str) -> str:
    """How the requested address is kept in the audit log and counted (as the form matches it)."""
    # Cut as record() cuts the target, so that a very long address still counts.
    return unicodedata.normalize("NFKC", email).casefold()[:TARGET_MAX]


def reset_is_throttled(*, email: str, ip_address: str | None) -> bool:
    """Whether this request must send nothing: the address was sent enough e-mails
    in the window, or the client asked too often (sent or not)."""
    since = timezone.now() - timedelta(seconds=settings.PASSWORD_RESET_LIMIT_WINDOW_SECONDS)
    recent = AuditEvent.objects.filter(time__gte=since)
    sent_to_address = recent.filter(
        action=AuditAction.PASSWORD_RESET_REQUESTED, target=reset_target(email)
    ).count()
    if sent_to_address >= settings.PASSWORD_RESET_LIMIT_PER_EMAIL:
        return True
    if ip_address is None:
        return False
    from_client = recent.filter(action__in=_REQUESTS, ip_address=ip_address).count()
    return from_client >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
