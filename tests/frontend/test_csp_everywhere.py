"""Every kind of response carries the enforced CSP with its nonce, and every script
on it that nonce: error pages, htmx fragments, downloads, redirects made by
middleware, static files (dxportal/csp.py)."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments.evidence import evidence_upload
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page
from tests.personas import PASSWORD, Personas


@dataclass
class Visit:
    client: Client
    personas: Personas
    settings: object
    tmp_path: Path


def _not_found_anonymous(visit):
    return visit.client.get("/no-such-page/")


def _not_found_signed_in(visit):
    visit.client.force_login(visit.personas.respondent_a)
    return visit.client.get("/no-such-page/")


def _not_found_outside_scope(visit):
    all_types = open_all_types(visit.personas)
    visit.client.force_login(visit.personas.respondent_c)
    return visit.client.get(all_types.area_url())


def _forbidden(visit):
    visit.client.force_login(visit.personas.respondent_a)
    return visit.client.get(reverse("rounds:survey_new"))


def _csrf_failure(visit):
    return Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {})


def _bad_host(visit):
    return visit.client.get("/", HTTP_HOST="evil.example")


def _server_error(visit):
    visit.settings.ROOT_URLCONF = "tests.frontend.failing_urls"
    return Client(raise_request_exception=False).get("/fail/")


def _autosave(visit, number):
    all_types = open_all_types(visit.personas)
    visit.client.force_login(visit.personas.respondent_a)
    return visit.client.post(
        all_types.save_url("PCT-01"), {"base_version": 0, "number": number}, **HTMX
    )


def _autosave_fragment(visit):
    return _autosave(visit, "50")


def _autosave_fragment_invalid(visit):
    return _autosave(visit, "fifty")


def _autosave_page_invalid(visit):
    all_types = open_all_types(visit.personas)
    visit.client.force_login(visit.personas.respondent_a)
    return visit.client.post(all_types.save_url("PCT-01"), {"base_version": 0, "number": "fifty"})


def _evidence_download(visit):
    visit.settings.MEDIA_ROOT = visit.tmp_path
    all_types = open_all_types(visit.personas)
    evidence = evidence_upload(
        questionnaire=all_types.questionnaire,
        indicator=all_types.indicator("PCT-01"),
        upload=SimpleUploadedFile("根拠.pdf", b"%PDF-1.7\n%%EOF\n"),
        user=visit.personas.respondent_a,
    )
    visit.client.force_login(visit.personas.respondent_a)
    url = reverse(
        "questionnaires:evidence_download", args=[all_types.questionnaire.pk, evidence.pk]
    )
    return visit.client.get(url)


def _slash_redirect(visit):
    return visit.client.get(reverse("accounts:login").rstrip("/"))


def _two_factor_redirect(visit):
    # A coordinator signed in with the password only, not yet past the second factor.
    visit.client.post(
        reverse("accounts:login"),
        {"username": visit.personas.coordinator_a.email, "password": PASSWORD},
    )
    return visit.client.get(reverse("portal:home"))


def _static_file(visit):
    return visit.client.get("/static/js/autosave.js")


# (name, how to get it, status); the comment says what was wrong before dxportal/csp.py.
RESPONSES = [
    ("404-anonymous", _not_found_anonymous, 404),
    ("404-signed-in", _not_found_signed_in, 404),
    ("404-outside-scope", _not_found_outside_scope, 404),
    ("403-permission-denied", _forbidden, 403),
    ("403-csrf-failure", _csrf_failure, 403),
    ("400-refused-host", _bad_host, 400),  # no policy: refused before the CSP middleware
    ("500-server-error", _server_error, 500),  # no nonce
    ("200-autosave-fragment", _autosave_fragment, 200),  # no nonce
    ("400-autosave-fragment", _autosave_fragment_invalid, 400),  # no nonce
    ("400-autosave-page", _autosave_page_invalid, 400),
    ("200-evidence-download", _evidence_download, 200),  # no nonce
    ("301-slash-redirect", _slash_redirect, 301),  # no policy
    ("302-two-factor-redirect", _two_factor_redirect, 302),  # no policy
    ("200-static-file", _static_file, 200),  # no policy
]


@pytest.fixture(params=RESPONSES, ids=[name for name, _, _ in RESPONSES])
def response(request, client, personas, settings, tmp_path):
    _, make, status = request.param
    response = make(Visit(client, personas, settings, tmp_path))
    assert response.status_code == status
    yield response
    response.close()  # a download or static file holds its file open until then


def _nonce(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"(?:^|;)\s*script-src ([^;]*)", policy).group(1).split()
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1, script_src
    return nonces[0].removeprefix("'nonce-").removesuffix("'")


def test_policy_is_enforced_with_a_nonce(response):
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert len(_nonce(response)) >= 16


def test_every_script_carries_the_nonce(response):
    if response.streaming or not response["Content-Type"].startswith("text/html"):
        return
    nonce = _nonce(response)
    page = Page(response.content.decode())
    for script in page.all("script"):
        assert script.attrs.get("nonce") == nonce, script.attrs
