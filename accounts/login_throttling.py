"""Sign-in throttling: one limit per account and a larger one per address.

With AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] django-axes counts
failures per account (from any address: guessing one person's password from
many machines) and per address (for any account: one machine trying many
people's). Axes compares the larger of the two counts with a single
AXES_FAILURE_LIMIT; offices reach the portal through one NAT address, so the
address needs a larger limit (AXES_IP_FAILURE_LIMIT) than one person does.

Locked or not, the answer is the same page whether the account exists.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

_LIMIT_SETTING = {"username": "AXES_FAILURE_LIMIT", "ip_address": "AXES_IP_FAILURE_LIMIT"}


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """The failures of the count nearest its own limit, on the account limit's scale.

        Axes locks when this reaches AXES_FAILURE_LIMIT, so each count is shifted
        by the difference between the two limits: the address locks at its own.
        """
        account_limit = settings.AXES_FAILURE_LIMIT
        nearest = 0
        for parameter, attempts in zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = getattr(settings, _LIMIT_SETTING[parameter])
            nearest = max(nearest, failures - limit + account_limit)
        return nearest

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A successful sign-in clears the account's failures, not the address's:
        # otherwise signing in with one's own account now and then would allow
        # guessing other people's passwords from that address without end.
        username = get_client_username(request, credentials)
        count, _by_model = AccessAttempt.objects.filter(username=username).delete()
        return count
