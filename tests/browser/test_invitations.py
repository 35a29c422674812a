"""A person of another municipality is invited: the coordinator learns nothing about
them, and the person becomes a respondent only by accepting."""

import re

from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Membership, User
from tests.browser.test_people import _assert_accessible_on, _sign_in
from tests.personas import PASSWORD
from tests.two_factor import pass_two_factor

STORED_NAME = "他団体 秘密子"


def test_person_of_another_municipality_accepts_an_invitation(
    browser, live_server, page, personas, assert_accessible
):
    person = personas.coordinator_c
    User.objects.filter(pk=person.pk).update(display_name=STORED_NAME)
    municipality = personas.municipality_a

    _sign_in(page, personas.coordinator_a.email)
    page.goto(reverse("municipalities:people", kwargs={"code": municipality.code}))
    page.get_by_label("メールアドレス").fill(person.email)
    page.get_by_label("氏名").fill("入力 花子")
    page.get_by_role("combobox", name="部署").select_option(label="DX推進課")
    page.get_by_role("button", name="追加する").click()
    expect(page.get_by_role("status")).to_have_text(
        re.compile(
            rf"入力 花子 さん（{re.escape(person.email)}）をDX推進課の回答者として招待しました。"
        )
    )
    department = page.get_by_role("table").filter(has_text="DX推進課")
    expect(department).to_contain_text("入力 花子")
    expect(department).to_contain_text("承諾待ち")
    expect(page.locator("main")).not_to_contain_text(STORED_NAME)
    assert_accessible()
    assert not Membership.objects.filter(user=person, department=personas.department_a).exists()

    (message,) = mail.outbox
    assert message.to == [person.email]
    link = re.search(r"https?://\S+/accounts/invitations/\d+/", message.body).group(0)
    assert link.startswith(live_server.url)

    # The invited person, in a browser of their own: the link asks them to sign in first.
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", bypass_csp=True)
    context.set_default_timeout(10_000)
    invited = context.new_page()
    try:
        invited.goto(link)
        expect(invited.get_by_role("heading", level=1)).to_have_text("ログイン")
        invited.get_by_label("メールアドレス").fill(person.email)
        invited.get_by_label("パスワード").fill(PASSWORD)
        invited.get_by_role("button", name="ログイン").click()
        pass_two_factor(invited, person.email)
        expect(invited.get_by_role("heading", level=1)).to_have_text("部署への招待")
        expect(invited.locator("main")).to_contain_text(
            f"{municipality}のDX推進課の回答者として招待されています。"
        )
        _assert_accessible_on(invited)
        invited.get_by_role("button", name="承諾する").click()
        expect(invited.get_by_role("heading", level=1)).to_have_text(str(municipality))
        expect(invited.get_by_role("status")).to_contain_text("DX推進課の回答者になりました")
        expect(invited.locator("main")).to_contain_text("DX推進課")
        _assert_accessible_on(invited)
    finally:
        context.close()
    assert Membership.objects.filter(user=person, department=personas.department_a).exists()
