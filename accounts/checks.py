"""Deploy check: production never runs with two-factor sign-in turned off."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def two_factor_required_in_production(app_configs, **kwargs):
    if settings.TWO_FACTOR_REQUIRED or settings.DEVELOPMENT:
        return []
    return [
        Error(
            "TWO_FACTOR_REQUIRED is off in production.",
            hint="Unset TWO_FACTOR_REQUIRED (it defaults to on); only the demo turns it off.",
            id="accounts.E001",
        )
    ]
