"""The client's address: REMOTE_ADDR, or the one the trusted reverse proxy saw.

Each proxy appends the address it received the request from to
X-Forwarded-For, so with TRUSTED_PROXY_COUNT proxies in front of the portal
the client is that many entries from the end. Entries further left were sent
by the client itself and prove nothing; without trusted proxies the header is
ignored altogether. django-axes calls this (AXES_CLIENT_IP_CALLABLE), and the
audit log reads the address through axes (audit.recording.client_ip).
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        # Not through the configured proxies (a health check from the host itself).
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
