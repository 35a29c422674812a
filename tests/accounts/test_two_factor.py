"""Two-factor sign-in (SECURITY.md 7): TOTP required for system admins, catalogue
editors, coordinators and consultants; codes single-use; wrong codes throttled.

These tests sign in with the password form and enter codes, never through the
suite's force_login seam (tests/conftest.py).
"""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.checks import Tags, run_checks
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import requires_two_factor
from accounts.checks import two_factor_required_in_production
from audit.models import AuditAction, AuditEvent
from tests.factories import UserFactory
from tests.personas import PASSWORD
from tests.two_factor import code_for_secret, confirmed_device_for, next_code

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two_factor_verify")
ENROL = reverse("accounts:two_factor_enrol")


def _password_sign_in(client, user):
    response = client.post(LOGIN, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _wrong_code(device) -> str:
    return f"{(int(next_code(device)) + 1) % 1_000_000:06d}"


def _verify(client, code, next_url=""):
    return client.post(VERIFY, {"code": code, "next": next_url})


@pytest.fixture
def coordinator(client, personas):
    """Coordinator A with an enrolled authenticator, signed in with the password only."""
    device = confirmed_device_for(personas.coordinator_a)
    _password_sign_in(client, personas.coordinator_a)
    return device


def test_roles_that_require_two_factor(personas):
    assert {
        name: requires_two_factor(getattr(personas, name))
        for name in ("respondent_a", "coordinator_a", "consultant", "catalogue_editor", "admin")
    } == {
        "respondent_a": False,
        "coordinator_a": True,
        "consultant": True,
        "catalogue_editor": True,
        "admin": True,
    }
    assert requires_two_factor(UserFactory(is_superuser=True))


def test_every_page_sends_an_unverified_coordinator_to_verification(client, personas, coordinator):
    code = personas.municipality_a.code
    for url in (
        reverse("portal:home"),
        reverse("municipalities:overview", kwargs={"code": code}),
        reverse("rounds:index", kwargs={"code": code}),
        reverse("admin:index"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{VERIFY}?{urlencode({'next': url})}"


def test_posts_and_htmx_are_refused_before_verification(client, personas, coordinator):
    department = personas.department_a
    url = reverse(
        "municipalities:department_edit",
        kwargs={"code": personas.municipality_a.code, "pk": department.pk},
    )
    response = client.post(url, {"name": "改名", "kind": department.kind})
    assert (response.status_code, response["Location"]) == (302, VERIFY)
    htmx = client.post(
        url, {"name": "改名", "kind": department.kind}, headers={"HX-Request": "true"}
    )
    assert (htmx.status_code, htmx["HX-Redirect"]) == (204, VERIFY)
    department.refresh_from_db()
    assert department.name == "DX推進課"


def test_wrong_code_is_refused_with_a_message(client, personas, coordinator):
    response = _verify(client, _wrong_code(coordinator))
    assert response.status_code == 400
    assert "コードが正しくないか、すでに使われています" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("portal:home")).status_code == 302
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_FAILED, actor=personas.coordinator_a
    ).exists()


def test_malformed_code_is_refused(client, coordinator):
    response = _verify(client, "12ab")
    assert response.status_code == 400
    assert "6桁の数字を入力してください" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_right_code_lets_the_coordinator_in_and_goes_to_next(client, personas, coordinator):
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    before = client.session.session_key
    response = _verify(client, next_code(coordinator), overview)
    assert (response.status_code, response["Location"]) == (302, overview)
    assert client.session.session_key != before  # a new key for the verified session
    assert client.get(overview).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_VERIFIED, actor=personas.coordinator_a
    ).exists()


def test_next_to_another_host_goes_home(client, coordinator):
    response = _verify(client, next_code(coordinator), "https://evil.example/")
    assert response["Location"] == reverse("portal:home")


def test_a_code_is_accepted_only_once(client, personas, coordinator):
    code = next_code(coordinator)
    assert _verify(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_sign_in(client, personas.coordinator_a)
    response = _verify(client, code)
    assert response.status_code == 400
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_repeated_wrong_codes_are_throttled(client, coordinator):
    assert _verify(client, _wrong_code(coordinator)).status_code == 400
    # After a failure django-otp makes the device wait (1 s, then 2 s, 4 s, ...):
    # further codes, even the right one, are refused until then.
    for code in (_wrong_code(coordinator), next_code(coordinator)):
        response = _verify(client, code)
        assert response.status_code == 400
        assert "しばらく受け付けません" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    coordinator.refresh_from_db()
    assert coordinator.throttling_failure_count == 1
    assert not coordinator.verify_is_allowed()[0]


def test_a_new_consultant_enrols_an_authenticator(client, personas):
    consultant = personas.consultant
    _password_sign_in(client, consultant)
    assert client.get(reverse("portal:home"))["Location"].startswith(VERIFY)
    assert client.get(VERIFY)["Location"] == ENROL  # no authenticator yet

    page = client.get(ENROL)
    secret = page.context["secret"]
    assert secret in page.content.decode()
    assert page.context["otpauth_uri"].startswith("otpauth://totp/")
    assert client.get(ENROL).context["secret"] == secret  # a reload shows the same key

    wrong = f"{(int(code_for_secret(secret)) + 1) % 1_000_000:06d}"
    assert client.post(ENROL, {"code": wrong}).status_code == 400
    pending = TOTPDevice.objects.get(user=consultant)
    assert not pending.confirmed
    pending.throttle_reset()  # as if the person waited out the pause after a wrong code

    response = client.post(ENROL, {"code": code_for_secret(secret)})
    assert (response.status_code, response["Location"]) == (302, reverse("portal:home"))
    assert TOTPDevice.objects.get(user=consultant).confirmed
    assert client.get(reverse("portal:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_ENROLLED, actor=consultant
    ).exists()


def test_unverified_person_can_still_sign_out_and_reach_password_pages(client, coordinator):
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 200


def test_respondents_are_not_asked(client, personas):
    _password_sign_in(client, personas.respondent_a)
    assert client.get(reverse("portal:home")).status_code == 200


def test_setting_off_disables_two_factor(client, personas, settings):
    settings.TWO_FACTOR_REQUIRED = False
    _password_sign_in(client, personas.coordinator_a)
    assert client.get(reverse("portal:home")).status_code == 200


def test_deploy_check_refuses_two_factor_off_in_production(settings):
    settings.DEVELOPMENT = False
    settings.TWO_FACTOR_REQUIRED = False
    errors = [e.id for e in run_checks(include_deployment_checks=True, tags=[Tags.security])]
    assert "accounts.E001" in errors
    settings.TWO_FACTOR_REQUIRED = True
    assert two_factor_required_in_production(None) == []


# --- a key of one's own at enrolment -------------------------------------------------------


def _enrolment_key(client) -> str:
    return client.get(ENROL).context["secret"]


def test_each_session_enrolling_sees_its_own_key(client, personas):
    consultant = personas.consultant
    other_session = client.__class__()
    _password_sign_in(client, consultant)
    _password_sign_in(other_session, consultant)
    first = _enrolment_key(client)
    second = _enrolment_key(other_session)
    assert first != second
    assert _enrolment_key(other_session) == second  # a reload keeps this session's key


def test_a_key_shown_earlier_is_void_once_enrolment_starts_again(client, personas):
    consultant = personas.consultant
    other_session = client.__class__()
    _password_sign_in(client, consultant)
    _password_sign_in(other_session, consultant)
    first = _enrolment_key(client)
    _enrolment_key(other_session)

    response = client.post(ENROL, {"code": code_for_secret(first)})
    assert response.status_code == 400
    assert "前に表示したキーは使えなくなりました" in response.content.decode()
    assert response.context["secret"] != first  # a new key to register instead
    assert not TOTPDevice.objects.filter(user=consultant, confirmed=True).exists()
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_code_from_another_sessions_key_is_refused(client, personas):
    consultant = personas.consultant
    other_session = client.__class__()
    _password_sign_in(client, consultant)
    _password_sign_in(other_session, consultant)
    _enrolment_key(client)
    key_of_other_session = _enrolment_key(other_session)

    response = client.post(ENROL, {"code": code_for_secret(key_of_other_session)})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=consultant, confirmed=True).exists()
    assert DEVICE_ID_SESSION_KEY not in client.session


# --- removing an authenticator ends the sessions verified with it -------------------------


def _overview(personas) -> str:
    return reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})


def _verified_coordinator(client, personas):
    device = confirmed_device_for(personas.coordinator_a)
    _password_sign_in(client, personas.coordinator_a)
    assert _verify(client, next_code(device)).status_code == 302
    assert client.get(_overview(personas)).status_code == 200
    return device


def test_removing_the_authenticator_signs_its_sessions_out(client, personas):
    device = _verified_coordinator(client, personas)
    device.delete()
    response = client.get(_overview(personas))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert SESSION_KEY not in client.session


def test_an_admin_removing_someones_authenticator_stays_signed_in(client, personas):
    device = _verified_coordinator(client, personas)
    admin_client = client.__class__()
    admin_client.force_login(personas.admin)
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()

    assert admin_client.get(reverse("admin:index")).status_code == 200
    assert client.get(_overview(personas))["Location"].startswith(LOGIN)
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_REMOVED)
    assert event.actor == personas.admin
    assert event.detail == {"owner": personas.coordinator_a.email}


def test_restarting_enrolment_ends_no_session(client, personas):
    consultant = personas.consultant
    _password_sign_in(client, consultant)
    _enrolment_key(client)
    other_session = client.__class__()
    _password_sign_in(other_session, consultant)
    _enrolment_key(other_session)  # removes the first session's unconfirmed key
    assert client.get(ENROL).status_code == 200  # still signed in
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_REMOVED).exists()
