"""The help page: each role's steps and the portal's words, public, linked from every page."""

import re

from django.urls import reverse

from tests.frontend.page import Page

ROLE_SECTIONS = {
    "respondent": "回答者（職員）の手順",
    "coordinator": "DX推進担当の手順",
    "consultant": "コンサルタントの手順",
    "catalogue-editor": "カタログ編集者の手順",
}


def _help(client) -> Page:
    response = client.get(reverse("portal:help"))
    assert response.status_code == 200
    return Page(response.content.decode())


def test_the_help_page_explains_each_role_and_the_words(client, db):
    page = _help(client)
    assert page.one("h1").text == "このポータルの使い方"
    for section_id, heading in ROLE_SECTIONS.items():
        section = page.one("section", id=section_id)
        assert page.one("h2", id=section.attrs["aria-labelledby"]).text == heading
    # The table of contents reaches every section (after the skip link to the main content).
    contents = [a.attrs["href"] for a in page.all("a") if a.attrs.get("href", "").startswith("#")]
    assert contents[0] == "#main"
    assert contents[1:] == [f"#{section_id}" for section_id in [*ROLE_SECTIONS, "terms"]]
    terms = [dt.text for dt in page.all("dt")]
    assert terms == ["暫定", "該当しない", "引き継ぎ", "採点のルール"]
    assert "締め切ると確定します" in page.html
    assert "0点にはなりません" in page.html
    terms_section = Page(page.html[page.html.index('<section id="terms"') :])
    assert terms_section.all("a", href=reverse("results:rules"))[0].text == "採点のしかた"


def test_headings_go_in_order_inside_the_landmarks(client, db):
    page = _help(client)
    levels = [int(e.tag[1]) for e in page.body_elements() if re.fullmatch(r"h[1-6]", e.tag)]
    assert len(levels) >= 6
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    for landmark in ("header", "main", "footer"):
        assert len(page.all(landmark)) == 1, landmark
    labelled_navs = [
        nav.attrs.get("aria-labelledby") or nav.attrs.get("aria-label") for nav in page.all("nav")
    ]
    assert len(labelled_navs) == 2 and all(labelled_navs)  # the main menu and the contents


def test_the_header_and_footer_link_the_help_page_everywhere(client, db):
    for url in (reverse("portal:home"), reverse("results:rules"), reverse("accounts:login")):
        html = client.get(url).content.decode()
        header = Page(html[html.index("<header") : html.index("</header>")])
        footer = Page(html[html.index("<footer") : html.index("</footer>")])
        assert len(header.all("a", href=reverse("portal:help"))) == 1, url
        assert len(footer.all("a", href=reverse("portal:help"))) == 1, url
    # On the help page itself the menu says where you are.
    page = _help(client)
    (current,) = [
        a for a in page.all("a", href=reverse("portal:help")) if "aria-current" in a.attrs
    ]
    assert current.text == "ヘルプ"


def test_only_reading_the_help_page(client, db):
    assert client.post(reverse("portal:help")).status_code == 405
