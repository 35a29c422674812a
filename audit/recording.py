"""`record`: the one way to write an audit event.

Call it inside the transaction of the action it records, so that an action
that fails and rolls back leaves no event behind.
"""

from axes.helpers import get_client_ip_address

from audit.context import current_request
from audit.models import AuditAction, AuditEvent

TARGET_MAX = AuditEvent._meta.get_field("target").max_length


def client_ip(request) -> str | None:
    """The client's address as django-axes sees it (its proxy settings apply), REMOTE_ADDR by default."""
    if request is None:
        return None
    return get_client_ip_address(request) or None


def record(
    action: AuditAction,
    *,
    request=None,
    user=None,
    municipality=None,
    target: str = "",
    detail: dict | None = None,
    email: str = "",
) -> AuditEvent:
    """Append one event.

    `request` defaults to the request being served (audit.context), `user` to
    its signed-in user; `municipality` is a Municipality or its pk; `email`
    names the actor when there is no account (a failed sign-in).
    """
    request = request if request is not None else current_request()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent.objects.create(
        action=action,
        actor=user,
        actor_email=user.email if user is not None else email[:254],
        municipality_id=getattr(municipality, "pk", municipality),
        target=str(target)[:TARGET_MAX],
        detail=detail or {},
        ip_address=client_ip(request),
    )
