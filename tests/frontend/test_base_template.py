"""templates/base.html and its includes: blocks, header, language switcher, messages."""

import json

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path, reverse

from tests.frontend.page import Page

CHILD = """{% extends "base.html" %}
{% block title %}通知のテスト{% endblock %}
{% block extra_head %}<meta name="x-extra-head" content="1">{% endblock %}
{% block content %}<h1>通知のテスト</h1>{% endblock %}
{% block extra_scripts %}
<script src="/static/x.js" nonce="{{ csp_nonce }}" defer></script>
{% endblock %}
"""


def _page_with_messages(request):
    messages.debug(request, "デバッグ")
    messages.info(request, "お知らせ")
    messages.success(request, "保存しました")
    messages.warning(request, "注意してください")
    messages.error(request, "エラー<script>")
    return HttpResponse(engines["django"].from_string(CHILD).render(request=request))


urlpatterns = [
    path("__frontend__/page/", _page_with_messages),
    path("", include("dxportal.urls")),
]


@pytest.fixture
def child_page(client, settings, db):
    settings.MESSAGE_LEVEL = messages.DEBUG
    response = client.get("/__frontend__/page/")
    assert response.status_code == 200
    return Page(response.content.decode())


@pytest.mark.urls(__name__)
def test_blocks_fill_title_head_content_and_scripts(child_page):
    assert child_page.one("title").text == "通知のテスト | DXポータル"
    assert child_page.one("meta", name="x-extra-head")
    assert [h.text for h in child_page.all("h1")] == ["通知のテスト"]  # base adds no h1
    scripts = [s.attrs.get("src") for s in child_page.all("script")]
    assert scripts[-1] == "/static/x.js", "extra_scripts comes after the base scripts"


@pytest.mark.urls(__name__)
def test_messages_are_alerts_with_live_region_roles(child_page):
    alerts = {a.text: a for a in child_page.all("div") if "alert" in a.attrs.get("class", "")}
    expected = {
        "デバッグ": ("alert-secondary", "status"),
        "お知らせ": ("alert-info", "status"),
        "保存しました": ("alert-success", "status"),
        "注意してください": ("alert-warning", "alert"),
        "エラー<script>": ("alert-danger", "alert"),
    }
    assert set(alerts) == set(expected)
    for text, (css_class, role) in expected.items():
        assert css_class in alerts[text].attrs["class"].split()
        assert alerts[text].attrs["role"] == role
    assert "エラー&lt;script&gt;" in child_page.html  # escaped
    main_html = child_page.html[child_page.html.index("<main") :]
    assert main_html.index("保存しました") < main_html.index("<h1>")


def test_base_loads_theme_in_order_and_configures_htmx_for_the_csp(client, db):
    page = Page(client.get(reverse("portal:home")).content.decode())
    stylesheets = [link.attrs["href"] for link in page.all("link", rel="stylesheet")]
    assert stylesheets == [
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/digital-go-jp/tokens.css",
        "/static/css/portal.css",
    ]
    scripts = [s.attrs["src"] for s in page.all("script")]
    assert any("django_htmx/htmx-2" in src for src in scripts)
    assert "/static/vendor/bootstrap/js/bootstrap.bundle.min.js" in scripts
    config = json.loads(page.one("meta", name="htmx-config").attrs["content"])
    assert config["includeIndicatorStyles"] is False
    headers = json.loads(page.one("body").attrs["hx-headers"])
    assert headers["X-CSRFToken"], "htmx posts must carry the CSRF token"
    viewport = page.one("meta", name="viewport").attrs["content"]
    assert "user-scalable=no" not in viewport and "maximum-scale" not in viewport


def test_anonymous_header_offers_sign_in(client, db):
    page = Page(client.get(reverse("portal:home")).content.decode())
    header_links = {a.attrs.get("href"): a.text for a in page.all("a")}
    assert header_links[reverse("accounts:login")] == "ログイン"
    assert page.one("a", class_="site-brand").attrs["href"] == reverse("portal:home")
    assert page.one("a", class_="site-brand").text == "DXポータル"
    assert not page.all("form", action=reverse("accounts:logout"))


def test_signed_in_header_shows_name_role_and_a_post_sign_out(client, coordinator):
    client.force_login(coordinator)
    page = Page(client.get(reverse("portal:home")).content.decode())
    account = page.one("div", class_="site-account")
    assert "山田 花子" in account.text
    assert "東京都横浜市·、DX推進担当" in account.text  # "、" is for screen readers only
    logout = page.one("form", action=reverse("accounts:logout"))
    assert logout.attrs["method"] == "post"
    assert '<form method="post" action="/accounts/logout/"' in page.html
    assert f'href="{reverse("accounts:logout")}"' not in page.html, "never a GET link"
    csrf_inputs = page.all("input", name="csrfmiddlewaretoken")
    assert len(csrf_inputs) >= 2  # sign-out and language forms


def test_respondent_header_names_the_department(client, respondent):
    client.force_login(respondent)
    page = Page(client.get(reverse("portal:home")).content.decode())
    assert "東京都横浜市 情報政策課·、回答者" in page.one("div", class_="site-account").text


def test_several_memberships_are_a_disclosure_list(client, consultant):
    client.force_login(consultant)
    page = Page(client.get(reverse("portal:home")).content.decode())
    summary = page.one("summary")
    assert summary.text == "役割 2件"
    disclosure = page.one("details", class_="site-roles").text
    assert "東京都横浜市·、コンサルタント" in disclosure
    assert "東京都川崎市·、コンサルタント" in disclosure


def test_language_switcher_is_a_labelled_form_that_works_without_javascript(client, db):
    url = reverse("portal:home") + "?tab=1"
    page = Page(client.get(url).content.decode())
    form = page.one("form", class_="language-switcher")
    assert form.attrs["method"] == "post" and form.attrs["action"] == reverse("set_language")
    assert page.one("input", name="next").attrs["value"] == url
    select = page.one("select", name="language")
    assert page.one("label", for_=select.attrs["id"]).text == "表示言語"
    options = [(o.attrs["value"], o.text, "selected" in o.attrs) for o in page.all("option")]
    assert options == [("ja", "日本語", True), ("en", "English", False)]
    assert [o.attrs["lang"] for o in page.all("option")] == ["ja", "en"]
    switch = [b for b in page.all("button") if b.text == "切り替え"]
    assert len(switch) == 1 and switch[0].attrs["type"] == "submit"
