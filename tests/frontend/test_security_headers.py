"""Every page is sent with the enforced CSP and the other protective headers."""

import re

import pytest
from django.urls import reverse

PAGES = [("portal:home", None), ("accounts:login", None), ("portal:home", "coordinator")]


@pytest.fixture(params=PAGES, ids=[f"{name}-{who or 'anonymous'}" for name, who in PAGES])
def response(request, client, db):
    url_name, persona = request.param
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response


def test_content_security_policy_is_enforced_with_a_nonce(response):
    assert "Content-Security-Policy-Report-Only" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "base-uri 'none'" in policy
    assert "default-src 'self'" in policy
    script_src = re.search(r"script-src ([^;]*)", policy).group(1).split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src


def test_policy_names_no_other_host(response):
    sources = {
        token
        for directive in response.headers["Content-Security-Policy"].split(";")
        for token in directive.split()[1:]
    }
    for source in sources:
        assert source in {"'self'", "'none'", "data:"} or source.startswith("'nonce-"), source


def test_nonce_is_fresh_for_every_response(client, db):
    def nonce():
        policy = client.get(reverse("portal:home")).headers["Content-Security-Policy"]
        return re.search(r"'nonce-([^']+)'", policy).group(1)

    first, second = nonce(), nonce()
    assert first != second and len(first) >= 16


def test_other_protective_headers(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("portal:home"))
    assert response.headers["Cache-Control"] == "no-store"
