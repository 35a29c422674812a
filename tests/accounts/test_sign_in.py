import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts.models import Role, User
from tests.personas import PASSWORD

LOGIN = reverse("accounts:login")


def _sign_in(client, email, password=PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password}, follow=True)


def test_sign_in_with_email_any_case(client, personas):
    response = _sign_in(client, personas.coordinator_a.email.upper())
    assert response.wsgi_request.user == personas.coordinator_a
    assert "はじめてのログインです" in response.content.decode()


def test_previous_sign_in_is_shown(client, personas):
    _sign_in(client, personas.coordinator_a.email)
    client.post(reverse("accounts:logout"))
    response = _sign_in(client, personas.coordinator_a.email)
    assert "前回のログイン" in response.content.decode()


def test_unknown_user_and_wrong_password_get_the_same_answer(client, personas):
    unknown = _sign_in(client, "nobody@example.jp").content.decode()
    wrong = _sign_in(client, personas.coordinator_a.email, "not-the-password").content.decode()
    message = "メールアドレスまたはパスワードが正しくありません"
    assert message in unknown and message in wrong
    assert SESSION_KEY not in client.session


def test_session_key_rotates_at_sign_in(client, personas):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _sign_in(client, personas.coordinator_a.email)
    assert client.session.session_key != before


def test_logout_is_post_only_and_ends_the_session(client, personas):
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert SESSION_KEY not in client.session


def test_repeated_failures_lock_the_account_for_a_while(client, personas, settings):
    email = personas.coordinator_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, email, "wrong-password-1")
    response = _sign_in(client, email)  # even the right password is refused now
    assert response.status_code == 429
    assert "ログインを一時的に制限しています" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_authenticated_pages_are_not_cached(client, personas):
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("portal:home"))
    assert response["Cache-Control"] == "no-store"


def test_admin_is_for_system_admins_only(client, personas):
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(personas.admin)
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200


@pytest.mark.django_db
def test_no_account_exists_after_migrate():
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createsuperuser_makes_a_system_admin():
    user = User.objects.create_superuser("root@example.jp", PASSWORD, display_name="管理者")
    assert user.memberships.get().role == Role.SYSTEM_ADMIN
    assert user.is_staff
