"""Passwords that look long but are easy to guess are refused wherever a password is
set: the reset/invitation link, the admin's forms and the management commands."""

import re

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from accounts.password_validation import GuessablePasswordValidator
from tests.factories import UserFactory
from tests.personas import PASSWORD

LINK = re.compile(r"http://testserver(/accounts/password/set/[^/\s]+/[^/\s]+/)")
REPEATED = "同じ文字の並びを繰り返しただけのパスワードは使えません。"
DECORATED = "よく使われるパスワードに数字や記号を加えただけのものは使えません。"
PERSONAL = "メールアドレスや氏名の一部を含むパスワードは使えません。"


@pytest.fixture
def person(db):
    return UserFactory(email="hanako.yamada@city-minato.example.jp", display_name="Hanako Yamada")


def _set_password(client, user, password):
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    (path,) = LINK.findall(mail.outbox[-1].body)
    form_url = client.get(path)["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("passwordpassword", REPEATED),
        ("abcabcabcabc", REPEATED),
        ("Sunshine!2026#", DECORATED),
        ("2026-iloveyou-!!", DECORATED),
        ("Hanako.Yamada-2026", PERSONAL),  # the local part
        ("my-yamada-key-77", PERSONAL),  # a piece of it
        ("city-minato-9981", PERSONAL),  # a label of the domain
    ],
    ids=[
        "repeated",
        "repeated-short-unit",
        "common-decorated",
        "common-in-digits",
        "local-part",
        "local-part-piece",
        "domain-label",
    ],
)
def test_the_link_refuses_guessable_passwords(client, person, password, message):
    response = _set_password(client, person, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_display_name_is_refused_too(client, db):
    user = UserFactory(email="h.y@example.jp", display_name="山田 花子")
    response = _set_password(client, user, "山田花子-sakura-3921")
    assert response.status_code == 400
    assert PERSONAL in response.content.decode()


def test_a_good_password_is_accepted(client, person):
    assert _set_password(client, person, "kamakura-daibutsu-2026").status_code == 302
    person.refresh_from_db()
    assert person.check_password("kamakura-daibutsu-2026")


def test_the_rules_are_explained_in_the_form(client, person):
    assert GuessablePasswordValidator().get_help_text() in password_validators_help_texts()
    client.post(reverse("accounts:password_reset"), {"email": person.email})
    (path,) = LINK.findall(mail.outbox[-1].body)
    page = client.get(client.get(path)["Location"], follow=True)
    assert "メールアドレスや氏名の一部を含むものは使えません" in page.content.decode()


def test_short_address_parts_do_not_count(person):
    # "jp" and "example" are parts too, but "jp" is too short to count by chance.
    GuessablePasswordValidator().validate("kamakura-jp-daibutsu", person)
    with pytest.raises(ValidationError):
        GuessablePasswordValidator().validate("kamakura-example-daibutsu", person)


# --- the admin's forms --------------------------------------------------------------------


def test_admin_password_change_validates(client, personas, person):
    client.force_login(personas.admin)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client.post(url, {"password1": "passwordpassword", "password2": "passwordpassword"})
    assert response.status_code == 200  # the form again, with the error
    assert REPEATED in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_admin_user_creation_validates(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "taro.suzuki@example.jp",
            "display_name": "鈴木 太郎",
            "usable_password": "true",
            "password1": "suzuki-2026-spring",
            "password2": "suzuki-2026-spring",
        },
    )
    assert response.status_code == 200
    assert PERSONAL in response.content.decode()
    assert not User.objects.filter(email="taro.suzuki@example.jp").exists()


# --- management commands ------------------------------------------------------------------


def test_changepassword_command_validates(person, monkeypatch):
    answers = iter(["abcabcabcabc", "abcabcabcabc"] * 3)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with pytest.raises(Exception, match="Aborting password change"):
        call_command("changepassword", person.email)
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
