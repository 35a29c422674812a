"""The coordinator's people page, invitations and setting a password."""

import datetime
import re
import smtplib

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.people import invitation_send, respondent_add, respondent_remove
from assessments.rounds import round_open
from tests.factories import MembershipFactory, UserFactory
from tests.frameworks.factories import make_edition

LINK = re.compile(r"http://testserver(/accounts/password/set/[^/\s]+/[^/\s]+/)")
NEW_PASSWORD = "kamakura-daibutsu-2026"


def _people_url(municipality) -> str:
    return reverse("municipalities:people", kwargs={"code": municipality.code})


def _add(client, personas, **data):
    payload = {
        "email": "yamada.hanako@city.example.jp",
        "display_name": "山田 花子",
        "department": personas.department_a.pk,
        **data,
    }
    return client.post(_people_url(personas.municipality_a), payload, follow=True)


def _link_in(message) -> str:
    (path,) = LINK.findall(message.body)
    return path


def _set_password(client, path: str, password: str = NEW_PASSWORD):
    """Open the e-mailed link (Django moves the token into the session) and set the password."""
    response = client.get(path)
    assert response.status_code == 302  # to …/set-password/, the token no longer in the URL
    form_url = response["Location"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def _without_tokens(response) -> str:
    """The page without what differs on every response (CSRF token, CSP nonce)."""
    pattern = r'("X-CSRFToken": "|nonce="|name="csrfmiddlewaretoken" value=")[^"]*"'
    return re.sub(pattern, r"\1", response.content.decode())


# --- adding --------------------------------------------------------------------------


def test_new_respondent_is_invited_sets_a_password_and_signs_in(client, personas):
    client.force_login(personas.coordinator_a)
    response = _add(client, personas)

    assert response.redirect_chain[-1][0] == _people_url(personas.municipality_a)
    page = response.content.decode()
    assert "山田 花子 さんをDX推進課の回答者として登録し" in page
    assert "招待メールを送りました" in page
    user = User.objects.get(email="yamada.hanako@city.example.jp")
    assert not user.has_usable_password()
    assert user.display_name == "山田 花子"
    (membership,) = user.memberships.all()
    assert (membership.role, membership.municipality, membership.department) == (
        Role.RESPONDENT,
        personas.municipality_a,
        personas.department_a,
    )

    (message,) = mail.outbox
    assert message.to == ["yamada.hanako@city.example.jp"]
    assert "パスワードの設定" in message.subject
    assert "DX推進課（回答者）" in message.body
    path = _link_in(message)

    invited = client.__class__()
    too_short = _set_password(invited, path, "short-pass")
    assert too_short.status_code == 400
    assert "このパスワードは短すぎます。最低 12 文字以上必要です。" in too_short.content.decode()
    # The token now sits in the session; the form page is posted again.
    done = invited.post(
        too_short.wsgi_request.path,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    signed_in = invited.post(
        reverse("accounts:login"),
        {"username": "yamada.hanako@city.example.jp", "password": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in.wsgi_request.user == user
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    assert invited.get(overview).status_code == 200
    # The link is spent once the password is set.
    assert "このリンクは使えません" in invited.get(path, follow=True).content.decode()


def test_common_passwords_are_refused_in_japanese(client, personas):
    client.force_login(personas.coordinator_a)
    _add(client, personas)
    response = _set_password(client.__class__(), _link_in(mail.outbox[0]), "password1234")
    assert response.status_code == 400
    assert "このパスワードは一般的すぎます。" in response.content.decode()


def test_full_width_email_is_normalised(client, personas):
    client.force_login(personas.coordinator_a)
    _add(client, personas, email="ＹＡＭＡＤＡ＠ｃｉｔｙ．ｅｘａｍｐｌｅ．ｊｐ")
    assert User.objects.filter(email="yamada@city.example.jp").exists()


def test_existing_user_gets_only_the_membership(client, personas):
    person = personas.respondent_c  # someone of another municipality
    users = User.objects.count()
    client.force_login(personas.coordinator_a)
    response = _add(client, personas, email=person.email.upper(), display_name="別の名前")

    assert "をDX推進課の回答者に追加しました" in response.content.decode()
    assert User.objects.count() == users
    person.refresh_from_db()
    assert person.display_name != "別の名前"  # another municipality's record is left alone
    assert person.has_usable_password()
    assert person.memberships.filter(
        role=Role.RESPONDENT, department=personas.department_a
    ).exists()
    assert person.memberships.filter(department=personas.department_c).exists()
    assert mail.outbox == []


def test_duplicate_is_refused_with_a_message(client, personas):
    client.force_login(personas.coordinator_a)
    memberships = Membership.objects.count()
    response = client.post(
        _people_url(personas.municipality_a),
        {
            "email": personas.respondent_a.email,
            "display_name": "重複",
            "department": personas.department_a.pk,
        },
    )
    assert response.status_code == 400
    assert (
        f"{personas.respondent_a.email} はすでにDX推進課の回答者です。" in response.content.decode()
    )
    assert Membership.objects.count() == memberships
    assert mail.outbox == []


def test_department_of_another_municipality_is_refused(client, personas):
    client.force_login(personas.coordinator_a)
    users = User.objects.count()
    response = client.post(
        _people_url(personas.municipality_a),
        {"email": "x@example.jp", "display_name": "某", "department": personas.department_c.pk},
    )
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode()
    assert User.objects.count() == users

    with pytest.raises(ValidationError):
        respondent_add(
            municipality=personas.municipality_a,
            department=personas.department_c,
            email="x@example.jp",
            display_name="某",
            invited_by=personas.coordinator_a,
        )
    assert User.objects.count() == users


def test_retired_department_is_refused(client, personas):
    personas.other_department_a.is_active = False
    personas.other_department_a.save()
    with pytest.raises(ValidationError):
        respondent_add(
            municipality=personas.municipality_a,
            department=personas.other_department_a,
            email="x@example.jp",
            display_name="某",
            invited_by=personas.coordinator_a,
        )


def test_role_and_municipality_are_not_client_writable(client, personas):
    client.force_login(personas.coordinator_a)
    before = set(Membership.objects.values_list("pk", flat=True))
    _add(
        client,
        personas,
        role=Role.COORDINATOR,
        municipality=personas.municipality_c.pk,
        is_staff="on",
        is_active="",
    )
    (added,) = Membership.objects.exclude(pk__in=before)
    assert (added.role, added.municipality, added.department) == (
        Role.RESPONDENT,
        personas.municipality_a,
        personas.department_a,
    )
    assert added.user.is_active


# --- who may ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["respondent_a", "consultant", "coordinator_c", "admin"])
def test_only_the_municipalitys_coordinator_gets_in(client, personas, persona):
    client.force_login(personas.by_name(persona))
    membership = personas.respondent_a.memberships.get()
    code = personas.municipality_a.code
    memberships = Membership.objects.count()
    urls = {
        "people": _people_url(personas.municipality_a),
        "remove": reverse(
            "municipalities:respondent_remove",
            kwargs={"code": code, "membership_id": membership.pk},
        ),
        "resend": reverse(
            "municipalities:invitation_resend",
            kwargs={"code": code, "membership_id": membership.pk},
        ),
    }
    assert client.get(urls["people"]).status_code == 404
    assert client.get(urls["remove"]).status_code == 404
    added = client.post(
        urls["people"],
        {"email": "x@example.jp", "display_name": "某", "department": personas.department_a.pk},
    )
    assert added.status_code == 404
    assert client.post(urls["remove"]).status_code == 404
    assert client.post(urls["resend"]).status_code == 404
    assert Membership.objects.count() == memberships
    assert not User.objects.filter(email="x@example.jp").exists()
    assert mail.outbox == []


def test_memberships_of_another_municipality_are_not_found(client, personas):
    client.force_login(personas.coordinator_a)
    theirs = personas.respondent_c.memberships.get()
    coordinator = personas.coordinator_a.memberships.get()
    for membership in (theirs, coordinator):  # C's respondent; a non-respondent role of A
        for name in ("municipalities:respondent_remove", "municipalities:invitation_resend"):
            url = reverse(
                name, kwargs={"code": personas.municipality_a.code, "membership_id": membership.pk}
            )
            assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk__in=[theirs.pk, coordinator.pk]).count() == 2


def test_services_check_the_acting_user(personas):
    with pytest.raises(PermissionDenied):
        respondent_add(
            municipality=personas.municipality_a,
            department=personas.department_a,
            email="x@example.jp",
            display_name="某",
            invited_by=personas.coordinator_c,
        )
    with pytest.raises(PermissionDenied):
        respondent_remove(
            membership=personas.respondent_a.memberships.get(), removed_by=personas.respondent_a
        )
    with pytest.raises(PermissionDenied):  # never a coordinator, even by its own coordinator
        respondent_remove(
            membership=personas.coordinator_a.memberships.get(), removed_by=personas.coordinator_a
        )
    assert not User.objects.filter(email="x@example.jp").exists()


def test_overview_links_to_people_page_for_coordinators_only(client, personas):
    url = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    client.force_login(personas.coordinator_a)
    assert _people_url(personas.municipality_a) in client.get(url).content.decode()
    client.force_login(personas.respondent_a)
    assert _people_url(personas.municipality_a) not in client.get(url).content.decode()


# --- removing ----------------------------------------------------------------------


def test_removal_takes_effect_on_the_next_request(client, personas):
    round_ = round_open(
        municipality=personas.municipality_a,
        edition=make_edition(indicators=2, areas=1),
        fiscal_year=2026,
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 9, 30),
        user=personas.coordinator_a,
    )
    questionnaire = round_.questionnaires.get(department=personas.department_a)
    pages = [
        reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code}),
        reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk}),
    ]
    client.force_login(personas.respondent_a)
    assert [client.get(p).status_code for p in pages] == [200, 200]

    coordinator = client.__class__()
    coordinator.force_login(personas.coordinator_a)
    membership = personas.respondent_a.memberships.get()
    url = reverse(
        "municipalities:respondent_remove",
        kwargs={"code": personas.municipality_a.code, "membership_id": membership.pk},
    )
    confirm = coordinator.get(url)
    assert confirm.status_code == 200
    assert "回答者から外しますか" in confirm.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()  # GET changes nothing
    response = coordinator.post(url, follow=True)
    assert "をDX推進課の回答者から外しました" in response.content.decode()

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=personas.respondent_a.pk).exists()  # the account stays
    assert [client.get(p).status_code for p in pages] == [404, 404]


# --- invitations -------------------------------------------------------------------


def test_invitation_is_resent_only_while_never_signed_in(client, personas):
    user, _ = respondent_add(
        municipality=personas.municipality_a,
        department=personas.department_a,
        email="new@example.jp",
        display_name="新人",
        invited_by=personas.coordinator_a,
    )
    membership = user.memberships.get()
    url = reverse(
        "municipalities:invitation_resend",
        kwargs={"code": personas.municipality_a.code, "membership_id": membership.pk},
    )
    client.force_login(personas.coordinator_a)
    assert url in client.get(_people_url(personas.municipality_a)).content.decode()
    assert client.get(url).status_code == 405

    response = client.post(url, follow=True)
    assert "new@example.jp に招待メールを再送しました" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["new@example.jp"]]
    assert LINK.search(mail.outbox[0].body)

    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    mail.outbox.clear()
    response = client.post(url, follow=True)
    assert "すでにログインしたことがあるため" in response.content.decode()
    assert mail.outbox == []
    assert url not in response.content.decode()  # no button any more
    with pytest.raises(ValidationError):
        invitation_send(user=User.objects.get(pk=user.pk), base_url="http://portal.example")


def test_mail_server_failure_is_a_message_and_the_person_is_kept(client, personas, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("relay down")

    monkeypatch.setattr("accounts.people.send_mail", refuse)
    client.force_login(personas.coordinator_a)
    response = _add(client, personas)
    assert response.status_code == 200
    assert "招待メールを送れませんでした" in response.content.decode()
    user = User.objects.get(email="yamada.hanako@city.example.jp")
    assert user.memberships.filter(department=personas.department_a).exists()


def test_invitation_is_japanese_whatever_the_coordinators_language(client, personas, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.coordinator_a)
    _add(client, personas)
    (message,) = mail.outbox
    assert "DXポータル" in message.subject
    assert "様" in message.body


# --- forgotten passwords -------------------------------------------------------------


def test_reset_request_answers_the_same_for_unknown_addresses(client, personas):
    url = reverse("accounts:password_reset")
    assert "パスワードを忘れた方" in client.get(reverse("accounts:login")).content.decode()
    unknown = client.post(url, {"email": "nobody@example.jp"}, follow=True)
    assert mail.outbox == []
    known = client.post(url, {"email": personas.respondent_a.email.upper()}, follow=True)
    assert unknown.redirect_chain == known.redirect_chain
    assert _without_tokens(unknown) == _without_tokens(known)
    (message,) = mail.outbox
    assert message.to == [personas.respondent_a.email]
    assert "パスワードの再設定" in message.subject
    assert _link_in(message)


def test_reset_request_without_an_address_is_refused(client, personas):
    response = client.post(reverse("accounts:password_reset"), {"email": ""})
    assert response.status_code == 400
    assert mail.outbox == []


def test_invited_person_can_use_the_forgotten_password_page(client, personas):
    respondent_add(
        municipality=personas.municipality_a,
        department=personas.department_a,
        email="new@example.jp",
        display_name="新人",
        invited_by=personas.coordinator_a,
    )
    client.post(reverse("accounts:password_reset"), {"email": "new@example.jp"})
    (message,) = mail.outbox
    assert _set_password(client, _link_in(message)).status_code == 302
    assert User.objects.get(email="new@example.jp").check_password(NEW_PASSWORD)


def test_inactive_accounts_get_no_reset_mail(client, personas):
    User.objects.filter(pk=personas.respondent_a.pk).update(is_active=False)
    client.post(reverse("accounts:password_reset"), {"email": personas.respondent_a.email})
    assert mail.outbox == []


def test_a_new_password_ends_other_sessions(client, personas):
    elsewhere = client.__class__()
    elsewhere.force_login(personas.respondent_a)
    client.post(reverse("accounts:password_reset"), {"email": personas.respondent_a.email})
    assert _set_password(client, _link_in(mail.outbox[0])).status_code == 302
    elsewhere.get(reverse("portal:home"))
    assert SESSION_KEY not in elsewhere.session


# --- query counts ------------------------------------------------------------------


@pytest.mark.parametrize("respondents", [2, 20])
def test_people_page_query_count_does_not_grow(
    client, personas, django_assert_num_queries, respondents
):
    for i in range(respondents):
        department = personas.department_a if i % 2 else personas.other_department_a
        MembershipFactory(
            user=UserFactory(last_login=timezone.now() if i % 3 else None),
            role=Role.RESPONDENT,
            municipality=personas.municipality_a,
            department=department,
        )
    client.force_login(personas.coordinator_a)
    # session, user, memberships (with municipality), departments, respondents
    # (with users), coordinators (with users), the form's departments,
    # session save (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(_people_url(personas.municipality_a))
    assert response.content.decode().count("さんを外す") == respondents + 1
