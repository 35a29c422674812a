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

from accounts.models import InvitationStatus, Membership, MembershipInvitation, Role, User
from accounts.people import (
    invitation_accept,
    invitation_send,
    respondent_add,
    respondent_remove,
)
from audit.models import AuditAction, AuditEvent
from tests.assessment_factories import open_round
from tests.factories import MembershipFactory, UserFactory
from tests.frameworks.factories import make_edition

LINK = re.compile(r"http://testserver(/accounts/password/set/[^/\s]+/[^/\s]+/)")
INVITATION_LINK = re.compile(r"http://testserver(/accounts/invitations/\d+/)")
# What another municipality stored about its person: never on A's pages.
STORED_NAME = "他団体 秘密子"
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


def _invitation_link_in(message) -> str:
    (path,) = INVITATION_LINK.findall(message.body)
    return path


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _invited(name: str, email: str, department: str = "DX推進課") -> list[str]:
    """What the coordinator is told, whoever the address belongs to."""
    return [f"{name} さん（{email}）を{department}の回答者として招待しました。"]


def _person_elsewhere(personas, kind: str) -> User:
    """An account A's coordinator must learn nothing about; its stored name is STORED_NAME."""
    user = UserFactory() if kind == "no_role" else personas.by_name(kind)
    User.objects.filter(pk=user.pk).update(display_name=STORED_NAME)
    return user


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


def test_new_address_is_invited_sets_a_password_accepts_and_signs_in(client, personas):
    client.force_login(personas.coordinator_a)
    response = _add(client, personas)

    assert response.redirect_chain[-1][0] == _people_url(personas.municipality_a)
    assert _messages(response) == _invited("山田 花子", "yamada.hanako@city.example.jp")
    user = User.objects.get(email="yamada.hanako@city.example.jp")
    assert not user.has_usable_password()
    assert user.display_name == "山田 花子"
    assert not user.memberships.exists()  # not before they accept
    (invitation,) = MembershipInvitation.objects.filter(user=user)
    assert (invitation.municipality, invitation.department, invitation.status) == (
        personas.municipality_a,
        personas.department_a,
        InvitationStatus.PENDING,
    )
    page = response.content.decode()
    assert "招待中" in page and "承諾待ち" in page

    (message,) = mail.outbox
    assert message.to == ["yamada.hanako@city.example.jp"]
    assert "回答者への招待" in message.subject
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

    # The invitation link asks them to sign in first and brings them back.
    invitation_path = _invitation_link_in(message)
    signed_in = invited.post(
        reverse("accounts:login") + f"?next={invitation_path}",
        {"username": "yamada.hanako@city.example.jp", "password": NEW_PASSWORD},
        follow=True,
    )
    assert signed_in.wsgi_request.user == user
    assert signed_in.wsgi_request.path == invitation_path
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    assert invited.get(overview).status_code == 404
    accepted = invited.post(invitation_path, {"decision": "accept"}, follow=True)
    assert accepted.redirect_chain[-1][0] == overview
    assert "DX推進課の回答者になりました" in accepted.content.decode()
    assert user.memberships.filter(role=Role.RESPONDENT, department=personas.department_a).exists()
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


def test_person_of_this_municipality_is_added_at_once_in_the_same_words(client, personas):
    person = personas.respondent_a  # answers for the DX office; now also for taxation
    client.force_login(personas.coordinator_a)
    response = _add(
        client,
        personas,
        email=person.email.upper(),
        display_name="別の名前",
        department=personas.other_department_a.pk,
    )

    assert _messages(response) == _invited("別の名前", person.email, "税務課")
    person.refresh_from_db()
    assert person.display_name != "別の名前"  # the account's name is left alone
    assert person.memberships.filter(department=personas.other_department_a).exists()
    assert not MembershipInvitation.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "kind", ["respondent_c", "coordinator_c", "consultant", "catalogue_editor", "no_role"]
)
def test_account_elsewhere_is_invited_in_the_same_words_as_a_new_address(client, personas, kind):
    person = _person_elsewhere(personas, kind)
    client.force_login(personas.coordinator_a)
    new = _add(client, personas, email="brand.new@example.jp", display_name="新規 太郎")
    response = _add(client, personas, email=person.email, display_name="入力 花子")

    assert _messages(new) == _invited("新規 太郎", "brand.new@example.jp")
    assert _messages(response) == _invited("入力 花子", person.email)
    page = response.content.decode()
    assert STORED_NAME not in page
    assert "入力 花子" in page  # listed as invited, with the name the coordinator typed
    assert not person.memberships.filter(department=personas.department_a).exists()
    (invitation,) = MembershipInvitation.objects.filter(user=person)
    assert (invitation.display_name, invitation.status) == ("入力 花子", InvitationStatus.PENDING)
    assert [m.to for m in mail.outbox] == [["brand.new@example.jp"], [person.email]]
    # Someone who has a password is not sent a link to set one.
    assert not LINK.search(mail.outbox[1].body)
    assert _invitation_link_in(mail.outbox[1])


def test_invitee_accepts_and_becomes_a_respondent(client, personas):
    person = _person_elsewhere(personas, "coordinator_c")
    coordinator = client.__class__()
    coordinator.force_login(personas.coordinator_a)
    _add(coordinator, personas, email=person.email, display_name="入力 花子")
    path = _invitation_link_in(mail.outbox[0])

    client.force_login(person)
    # The home page leads to the invitation, so the e-mail need not be found again.
    home = client.get(reverse("portal:home")).content.decode()
    assert f'href="{path}"' in home
    page = client.get(path)
    assert page.status_code == 200
    assert f"{personas.municipality_a}のDX推進課の回答者として招待されています" in (
        page.content.decode()
    )
    assert not person.memberships.filter(municipality=personas.municipality_a).exists()
    response = client.post(path, {"decision": "accept"}, follow=True)
    overview = reverse("municipalities:overview", kwargs={"code": personas.municipality_a.code})
    assert response.redirect_chain[-1][0] == overview
    assert person.memberships.filter(
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    ).exists()
    assert MembershipInvitation.objects.get().status == InvitationStatus.ACCEPTED
    assert f'href="{path}"' not in client.get(reverse("portal:home")).content.decode()
    # Accepting again is refused: the invitation is spent.
    again = client.post(path, {"decision": "accept"})
    assert again.status_code == 400
    assert "この招待にはすでに回答済みです" in again.content.decode()
    assert person.memberships.filter(department=personas.department_a).count() == 1
    # Now a respondent by their own choice: A's page lists them, no longer as invited.
    listed = coordinator.get(_people_url(personas.municipality_a)).content.decode()
    assert "入力 花子" not in listed
    assert STORED_NAME in listed


def _invite_to_department_a(personas, person):
    """A's coordinator invites `person` (an account elsewhere) to DX推進課 by the service."""
    return respondent_add(
        municipality=personas.municipality_a,
        department=personas.department_a,
        email=person.email,
        display_name="入力 花子",
        invited_by=personas.coordinator_a,
    )


def test_invitee_may_decline(client, personas):
    person = _person_elsewhere(personas, "respondent_c")
    invitation = _invite_to_department_a(personas, person)
    client.force_login(person)
    url = reverse("accounts:invitation", kwargs={"pk": invitation.pk})
    response = client.post(url, {"decision": "decline"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert "招待を辞退しました" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not person.memberships.filter(municipality=personas.municipality_a).exists()
    assert client.post(url, {}).status_code == 400  # neither button: nothing happens


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_a", "coordinator_c", "admin"])
def test_only_the_invitee_finds_the_invitation(client, personas, persona):
    invitation = _invite_to_department_a(personas, personas.respondent_c)
    url = reverse("accounts:invitation", kwargs={"pk": invitation.pk})
    client.force_login(personas.by_name(persona))  # the inviting coordinator included
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING
    assert not Membership.objects.filter(
        user=personas.respondent_c, department=personas.department_a
    ).exists()
    with pytest.raises(PermissionDenied):
        invitation_accept(invitation=invitation, user=personas.by_name(persona))


def test_expired_invitation_is_refused_with_a_message(client, personas):
    invitation = _invite_to_department_a(personas, personas.respondent_c)
    MembershipInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    url = reverse("accounts:invitation", kwargs={"pk": invitation.pk})
    expired = "この招待は有効期限が切れています。もう一度招待するよう、"
    client.force_login(personas.respondent_c)
    page = client.get(url).content.decode()
    assert expired in page
    assert 'value="accept"' not in page
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 400
    assert expired in response.content.decode()
    assert not personas.respondent_c.memberships.filter(department=personas.department_a).exists()

    coordinator = client.__class__()
    coordinator.force_login(personas.coordinator_a)
    listed = coordinator.get(_people_url(personas.municipality_a)).content.decode()
    assert "招待の有効期限が切れました" in listed


def test_invitation_to_a_department_since_retired_is_refused(client, personas):
    invitation = _invite_to_department_a(personas, personas.respondent_c)
    personas.department_a.is_active = False
    personas.department_a.save()
    client.force_login(personas.respondent_c)
    url = reverse("accounts:invitation", kwargs={"pk": invitation.pk})
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 400
    assert "使用停止になったため" in response.content.decode()
    assert not personas.respondent_c.memberships.filter(department=personas.department_a).exists()


def test_inviting_again_renews_the_pending_invitation(client, personas):
    client.force_login(personas.coordinator_a)
    _add(client, personas, email=personas.respondent_c.email, display_name="入力 花子")
    first = MembershipInvitation.objects.get()
    MembershipInvitation.objects.filter(pk=first.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = _add(client, personas, email=personas.respondent_c.email, display_name="入力 華子")
    assert _messages(response) == _invited("入力 華子", personas.respondent_c.email)
    (renewed,) = MembershipInvitation.objects.all()
    assert renewed.pk == first.pk
    assert (renewed.display_name, renewed.is_expired) == ("入力 華子", False)
    assert len(mail.outbox) == 2


def test_invitations_and_removals_are_audited(client, personas):
    person = _person_elsewhere(personas, "respondent_c")
    coordinator = client.__class__()
    coordinator.force_login(personas.coordinator_a)
    _add(coordinator, personas, email="brand.new@example.jp", display_name="新規 太郎")
    _add(coordinator, personas, email=person.email, display_name="入力 花子")
    invited = AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_INVITED).order_by("pk")
    # The same record for a new address and an account elsewhere: coordinators read this log.
    assert [(e.actor, e.municipality, e.detail) for e in invited] == [
        (
            personas.coordinator_a,
            personas.municipality_a,
            {"email": "brand.new@example.jp", "department": "DX推進課"},
        ),
        (
            personas.coordinator_a,
            personas.municipality_a,
            {"email": person.email, "department": "DX推進課"},
        ),
    ]

    client.force_login(person)
    client.post(_invitation_link_in(mail.outbox[1]), {"decision": "accept"})
    (accepted,) = AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_ACCEPTED)
    assert (accepted.actor, accepted.municipality) == (person, personas.municipality_a)

    membership = person.memberships.get(department=personas.department_a)
    url = reverse(
        "municipalities:respondent_remove",
        kwargs={"code": personas.municipality_a.code, "membership_id": membership.pk},
    )
    coordinator.post(url)
    (removed,) = AuditEvent.objects.filter(action=AuditAction.MEMBERSHIP_REMOVED)
    assert (removed.actor, removed.municipality, removed.detail["person"]["email"]) == (
        personas.coordinator_a,
        personas.municipality_a,
        person.email,
    )


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
    memberships = Membership.objects.count()
    _add(
        client,
        personas,
        role=Role.COORDINATOR,
        municipality=personas.municipality_c.pk,
        is_staff="on",
        is_active="",
        status=InvitationStatus.ACCEPTED,
    )
    assert Membership.objects.count() == memberships
    (invitation,) = MembershipInvitation.objects.all()
    assert (invitation.municipality, invitation.department, invitation.status) == (
        personas.municipality_a,
        personas.department_a,
        InvitationStatus.PENDING,
    )
    assert invitation.user.is_active
    membership = invitation_accept(invitation=invitation, user=invitation.user)
    assert (membership.role, membership.municipality) == (Role.RESPONDENT, personas.municipality_a)


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
    round_ = open_round(
        personas.municipality_a,
        personas.coordinator_a,
        edition=make_edition(indicators=2, areas=1),
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
    # A respondent who never signed in (given the role in the Django admin, say).
    user = User.objects.create_user("new@example.jp", display_name="新人")
    membership = MembershipFactory(
        user=user,
        role=Role.RESPONDENT,
        municipality=personas.municipality_a,
        department=personas.department_a,
    )
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
    assert "招待しました" not in response.content.decode()
    user = User.objects.get(email="yamada.hanako@city.example.jp")
    assert MembershipInvitation.objects.filter(user=user, department=personas.department_a).exists()


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
    # (with users), pending invitations, coordinators (with users), the form's
    # departments; no session write
    with django_assert_num_queries(8):
        response = client.get(_people_url(personas.municipality_a))
    # The personas' own respondents (DX office and tax office) are listed too.
    assert response.content.decode().count("さんを外す") == respondents + 2
