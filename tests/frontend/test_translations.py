"""Japanese in the source, English from locale/en; the compiled catalogue is current."""

import gettext
import re
import shutil
import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from tests.frontend.external_urls import BASE_DIR
from tests.frontend.page import Page

LC_MESSAGES = BASE_DIR / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"

needs_msgfmt = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="msgfmt (Debian gettext) is not installed"
)


@pytest.fixture(scope="module")
def compiled_po(tmp_path_factory):
    """The .po compiled afresh; --check also validates format placeholders."""
    target = tmp_path_factory.mktemp("locale") / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(target), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return target, result.stderr


@needs_msgfmt
def test_committed_mo_matches_the_po(compiled_po):
    assert MO.is_file(), "run: manage.py compilemessages --ignore=.venv"
    target, _ = compiled_po
    with target.open("rb") as fresh, MO.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog
        actual = gettext.GNUTranslations(committed)._catalog
    assert actual == expected, "django.mo is stale: run manage.py compilemessages --ignore=.venv"


@needs_msgfmt
def test_every_entry_is_translated(compiled_po):
    _, statistics = compiled_po
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        f"{statistics.strip()} — list them with: msgattrib --untranslated --only-fuzzy {PO}"
    )


def test_python_format_placeholders_survive_translation():
    with translation.override("en"):
        assert translation.gettext("前回のログイン: %(when)s") % {"when": "X"} == (
            "Previous sign-in: X"
        )
        label = translation.ngettext("役割 %(counter)s件", "役割 %(counter)s件", 3)
        assert label % {"counter": 3} == "3 roles"


def _render_header(rf, user):
    request = rf.get("/")
    request.user = user
    return Page(render_to_string("includes/header.html", request=request))


def test_header_and_switcher_in_english_for_anonymous_users(rf):
    with translation.override("en"):
        page = _render_header(rf, AnonymousUser())
    assert page.one("nav").attrs["aria-label"] == "Main menu"
    assert page.one("a", class_="site-brand").text == "DX Portal"
    texts = {a.text for a in page.all("a")}
    assert {"Home", "Sign in"} <= texts
    assert page.one("label").text == "Language"
    assert [b.text for b in page.all("button")] == ["Change"]
    for japanese in ["ログイン", "ホーム", "表示言語", "切り替え", "メインメニュー"]:
        assert japanese not in page.html


def test_signed_in_header_in_english(rf, consultant):
    with translation.override("en"):
        page = _render_header(rf, consultant)
    assert page.one("summary").text == "2 roles"
    assert "Tokyo" not in page.html  # names of places are data, not translated
    assert "東京都横浜市·, Consultant" in page.one("details").text
    assert "Signed in as: 鈴木 次郎" in page.one("div", class_="site-account").text
    assert [b.text for b in page.all("button")] == ["Change", "Sign out"]
    for japanese in ["コンサルタント", "ログアウト", "役割", "ログイン中"]:
        assert japanese not in page.html


def test_switching_language_without_javascript(client, db):
    home = reverse("portal:home")
    response = client.post(reverse("set_language"), {"language": "en", "next": home})
    assert response.status_code == 302 and response.headers["Location"] == home
    page = Page(client.get(home).content.decode())
    assert page.one("html").attrs["lang"] == "en"
    assert page.one("title").text == "Home | DX Portal"
    assert page.one("a", href="#main").text == "Skip to main content"
    assert re.search(r'<option value="en" lang="en" selected>', page.html)

    client.post(reverse("set_language"), {"language": "ja", "next": home})
    page = Page(client.get(home).content.decode())
    assert page.one("html").attrs["lang"] == "ja"
    assert page.one("title").text == "ホーム | DXポータル"
