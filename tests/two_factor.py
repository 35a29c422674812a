"""Two-factor helpers for tests: the current TOTP code, and the seams that get
the rest of the suite past the verification step.

The seams are for tests about something else. Tests of two-factor itself
(tests/accounts/test_two_factor.py, tests/browser/test_two_factor.py) sign in
with a password and enter codes as a person would.
"""

import base64
import time

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from accounts.access import requires_two_factor


def code_at(key: bytes, counter: int, digits: int = 6) -> str:
    return f"{hotp(key, counter, digits):0{digits}d}"


def code_for_secret(secret: str) -> str:
    """The current code for a base32 key as the enrolment page shows it (grouped)."""
    compact = secret.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    return code_at(key, TOTP(key).t())


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or, when that step
    was already used (signing in twice within 30 s), the next one, which
    django-otp's drift tolerance accepts."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    counter = max(totp.t(), device.last_t + 1)
    while counter > totp.t() + device.tolerance:  # beyond the tolerance: wait a step
        time.sleep(1)
    return code_at(device.bin_key, counter, device.digits)


def confirmed_device_for(user) -> TOTPDevice:
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "test authenticator"}
    )
    return device


def mark_verified(client, user) -> None:
    """Test seam for Client.force_login: the session counts as two-factor verified,
    with a confirmed device of the user's (made for every user, so a role added
    after sign-in does not send the test to the verification page)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = confirmed_device_for(user).persistent_id
    session.save()


def pass_two_factor(page, email: str) -> None:
    """Browser seam, after the sign-in form: complete enrolment or verification
    when the person's roles ask for it, as they would with an authenticator app."""
    user = get_user_model().objects.get(email__iexact=email)
    if not requires_two_factor(user):
        return
    enrol = page.get_by_role("heading", name="認証アプリの登録")
    verify = page.get_by_role("heading", name="確認コードの入力")
    expect(enrol.or_(verify)).to_be_visible()
    if enrol.is_visible():
        code = code_for_secret(page.locator("#two-factor-secret").inner_text())
        page.get_by_label("確認コード（6桁）").fill(code)
        page.get_by_role("button", name="登録").click()
    else:
        page.get_by_label("確認コード（6桁）").fill(
            next_code(user.totpdevice_set.get(confirmed=True))
        )
        page.get_by_role("button", name="確認").click()
    expect(enrol.or_(verify)).to_have_count(0)
