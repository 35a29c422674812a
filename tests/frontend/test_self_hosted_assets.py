"""Nothing the portal serves makes a browser fetch from another host (LGWAN).

The scanning rule (what is stripped, what counts as a URL, the allow-list) is
explained in tests/frontend/external_urls.py.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.frontend.external_urls import (
    ALLOWED,
    BASE_DIR,
    find_external_urls,
    kind_of,
    scan_file,
    static_files,
    template_files,
)
from tests.frontend.page import Page

# --- the scanner itself ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "url"),
    [
        ('<script src="https://cdn.jsdelivr.net/npm/x.js"></script>', "html", "https://cdn"),
        ("<link href='//fonts.googleapis.com/css2' rel=stylesheet>", "html", "//fonts"),
        ("<img src=//example.com/a.png>", "html", "//example.com"),
        ('<form action="http://10.0.0.1/post">', "html", "http://10.0.0.1"),
        ("<style>body{background:url(//cdn.example/x.png)}</style>", "html", "//cdn.example"),
        ("a{background:url('https://cdn.example/x.png')}", "css", "https://cdn"),
        ("a{background:url(//cdn.example/x.png)}", "css", "//cdn.example"),
        ('@import "//fonts.example/x.css";', "css", "//fonts.example"),
        ("@import url(https://fonts.example/x.css);", "css", "https://fonts"),
        ('fetch("https://api.example.jp/v1")', "js", "https://api.example.jp"),
        ('s.src="//cdn.example.com/x.js"', "js", "//cdn.example.com"),
        ('var u="https:\\/\\/cdn.example.com\\/x.js"', "js", "https:\\/\\/cdn"),
        ("new WebSocket('wss://push.example.com')", "js", "wss://push"),
        ('{% comment %}ok{% endcomment %}<a href="https://x.example">x</a>', "html", "https://x"),
        ('<svg><image href="https://x.example/i.png"/></svg>', "html", "https://x"),
    ],
)
def test_scanner_finds_references_to_other_hosts(text, kind, url):
    found = [f.url for f in find_external_urls(text, kind)]
    assert any(u.startswith(url) for u in found), (text, found)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("/*! Bootstrap v5.3.8 (https://getbootstrap.com/) */a{color:red}", "css"),
        ("a{b:c}\n/*# sourceMappingURL=bootstrap.min.css.map */", "css"),
        (
            "/*!\n * Licensed under MIT (https://github.com/twbs/bootstrap) */\n!function(){}()",
            "js",
        ),
        ("x();\n//# sourceMappingURL=bootstrap.bundle.min.js.map", "js"),
        ("// see https://htmx.org/docs/\nvar a = 1;", "js"),
        ("  /* https://example.com/explained */\nvar a = 1;", "js"),
        ("a{b:url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\")}", "css"),
        (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">',
            "html",
        ),
        ("<!-- https://example.com/ -->{# https://example.com/ #}", "html"),
        ('<a href="/accounts/login/">x</a><img src="data:image/png;base64,AAAA">', "html"),
        ('<a href="#main">x</a><a href="mailto:dx@example.lg.jp">x</a>', "html"),
        ("a{background:url(../img/x.png)}", "css"),
        ('var re = /\\/\\//g; var path = "/static/x.js";', "js"),
    ],
)
def test_scanner_ignores_what_is_never_fetched(text, kind):
    assert find_external_urls(text, kind) == []


# --- files under static/ and templates/ -------------------------------------------


def _ids(paths: list[Path]) -> list[str]:
    return [p.relative_to(BASE_DIR).as_posix() for p in paths]


STATIC_FILES = static_files()
TEMPLATE_FILES = template_files()


def test_the_scan_covers_the_vendored_assets_and_the_base_template():
    names = set(_ids(STATIC_FILES + TEMPLATE_FILES))
    assert {
        "static/vendor/bootstrap/css/bootstrap.min.css",
        "static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "static/vendor/digital-go-jp/tokens.css",
        "static/css/portal.css",
        "templates/base.html",
        "templates/includes/header.html",
    } <= names


@pytest.mark.parametrize("path", STATIC_FILES, ids=_ids(STATIC_FILES))
def test_static_file_references_no_other_host(path):
    assert scan_file(path) == []


@pytest.mark.parametrize("path", TEMPLATE_FILES, ids=_ids(TEMPLATE_FILES))
def test_template_references_no_other_host(path):
    assert scan_file(path) == []


@pytest.mark.parametrize(("relative", "url"), list(ALLOWED), ids=[u for _, u in ALLOWED])
def test_allow_list_entry_is_still_needed(relative, url):
    path = BASE_DIR / relative
    found = {f.url for f in find_external_urls(path.read_text(encoding="utf-8"), kind_of(path))}
    assert url in found, f"{relative} no longer contains {url}: remove it from ALLOWED"


def test_vendored_packages_are_complete_with_licences():
    vendor = BASE_DIR / "static" / "vendor"
    for name in [
        "bootstrap/css/bootstrap.min.css",
        "bootstrap/css/bootstrap.min.css.map",
        "bootstrap/js/bootstrap.bundle.min.js",
        "bootstrap/js/bootstrap.bundle.min.js.map",
        "bootstrap/LICENSE",
        "digital-go-jp/tokens.css",
        "digital-go-jp/LICENSE",
        "README.md",
    ]:
        assert (vendor / name).is_file(), name
    assert "Bootstrap  v5.3.8" in (vendor / "bootstrap/css/bootstrap.min.css").read_text()[:200]
    assert "Bootstrap v5.3.8" in (vendor / "bootstrap/js/bootstrap.bundle.min.js").read_text()[:200]
    tokens = (vendor / "digital-go-jp/tokens.css").read_text()
    assert "--color-primitive-blue-900:" in tokens
    readme = (vendor / "README.md").read_text()
    assert "5.3.8" in readme and "@digital-go-jp/design-tokens" in readme


# ManifestStaticFilesStorage (production collectstatic) rewrites every url() and
# sourceMappingURL and fails when the file it names is missing.
_SOURCE_MAP_REF = re.compile(r"[#@] sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.M)
_CSS_URL_REF = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
_CSS_AND_JS = [p for p in STATIC_FILES if p.suffix in {".css", ".js"}]


@pytest.mark.parametrize("path", _CSS_AND_JS, ids=_ids(_CSS_AND_JS))
def test_files_referenced_from_css_and_js_exist(path):
    text = path.read_text(encoding="utf-8")
    references = _SOURCE_MAP_REF.findall(text)
    if path.suffix == ".css":
        references += _CSS_URL_REF.findall(re.sub(r"/\*.*?\*/", "", text, flags=re.S))
    for reference in references:
        if reference.startswith(("data:", "#")):
            continue
        target = (path.parent / urlsplit(reference).path).resolve()
        assert target.is_file(), f"{path.name} refers to missing {reference}"


# --- rendered pages ------------------------------------------------------------------

_URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data", "srcset", "content"}
_HX_ATTRIBUTES = {"hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"}


def _get(client, request, url_name: str, persona: str | None):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response


PAGES = [
    ("portal:home", None),
    ("accounts:login", None),
    ("portal:home", "coordinator"),
    ("portal:home", "consultant"),
]


@pytest.fixture(params=PAGES, ids=[f"{name}-{who or 'anonymous'}" for name, who in PAGES])
def rendered(request, client, db):
    url_name, persona = request.param
    response = _get(client, request, url_name, persona)
    return response, Page(response.content.decode())


def test_rendered_page_references_no_other_host(rendered):
    response, page = rendered
    assert find_external_urls(page.html, "html") == []
    for element in page.elements:
        for name, value in element.attrs.items():
            if value and (name in _URL_ATTRIBUTES | _HX_ATTRIBUTES):
                for candidate in value.split(","):
                    parts = urlsplit(candidate.strip().split(" ")[0])
                    assert not parts.netloc, f"<{element.tag} {name}={value!r}>"
                    assert parts.scheme in {"", "data", "mailto", "tel"}, value


def test_every_asset_the_page_loads_is_served_by_the_portal(rendered):
    _, page = rendered
    assets = [e.attrs["src"] for e in page.all("script") if e.attrs.get("src")]
    assets += [e.attrs["href"] for e in page.all("link", rel="stylesheet")]
    assert len(assets) >= 4  # Bootstrap CSS, tokens, portal.css, htmx, Bootstrap JS
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    for asset in assets:
        assert asset.startswith(static_prefix), asset
        found = finders.find(asset.removeprefix(static_prefix))
        assert found, f"{asset} is not a static file of the portal"
        path = Path(found)
        if path.is_relative_to(BASE_DIR / "static"):
            assert scan_file(path) == []
        else:  # htmx, from the django-htmx package: not under static/, so checked here
            text = path.read_text(encoding="utf-8")
            assert find_external_urls(text, kind_of(path)) == [], asset


def test_every_script_carries_the_csp_nonce(rendered):
    response, page = rendered
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    scripts = page.all("script")
    assert scripts
    for script in scripts:
        assert script.attrs.get("nonce") == nonce, script.attrs
    for style in page.all("style"):
        assert style.attrs.get("nonce") == nonce, "an inline <style> needs the nonce"


def test_no_inline_styles_or_event_handlers(rendered):
    # The CSP blocks both: style="" attributes and onclick="" etc.
    _, page = rendered
    for element in page.elements:
        assert "style" not in element.attrs, f"<{element.tag} style=...>"
        handlers = [name for name in element.attrs if name.startswith("on")]
        assert not handlers, f"<{element.tag} {handlers}>"


def test_page_has_language_skip_link_and_landmarks(rendered):
    _, page = rendered
    assert page.one("html").attrs["lang"] == "ja"
    first_link = next(e for e in page.body_elements() if e.tag in {"a", "button", "input"})
    assert first_link.attrs.get("href") == "#main", "the skip link must come first"
    assert first_link.text == "本文へ移動"
    main = page.one("main")
    assert main.attrs.get("id") == "main" and main.attrs.get("tabindex") == "-1"
    assert '<main id="main"' in page.html
    assert len(page.all("header")) == 1 and len(page.all("footer")) == 1
    for nav in page.all("nav"):
        assert nav.attrs.get("aria-label"), "every <nav> needs an accessible name"
    assert len(page.all("h1")) == 1, "one h1 per page"
    assert page.one("title").text.endswith(" | DXポータル")
