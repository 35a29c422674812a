"""Every URL × method × persona × tenant against the expected status.

The URL list comes from the resolver: a new URL without a row here fails the
build, so nobody can add a page and forget to decide who may see it.
Statuses are listed in PERSONA_NAMES order:
anonymous, respondent_a, coordinator_a, consultant (A and B), respondent_c,
coordinator_c, catalogue_editor, admin.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from frameworks.models import EditionStatus
from tests.frameworks.factories import make_edition
from tests.personas import PERSONA_NAMES, Personas

# Django's own admin screens are guarded by AdminSite.has_permission, which
# admin:index exercises for every persona below.
NOT_IN_MATRIX_PREFIXES = ("admin:",)


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _code(p: Personas, tenant: str) -> dict:
    return {"code": p.municipality_a.code if tenant == "a" else p.municipality_c.code}


def _department(p: Personas, tenant: str) -> dict:
    department = p.department_a if tenant == "a" else p.department_c
    return {"code": department.municipality.code, "pk": department.pk}


# Catalogue editions are portal-wide (tenant "-"). The editor's objects belong
# to a complete draft, so an empty POST is refused by its form (400) while a
# button (publish, delete) goes through (302).
def _public_edition(p: Personas, tenant: str) -> dict:
    edition = make_edition()
    return {"framework_code": edition.framework.code, "version": edition.version}


def _draft(p: Personas, tenant: str) -> dict:
    return {"edition_id": make_edition(status=EditionStatus.DRAFT).pk}


def _draft_area(p: Personas, tenant: str) -> dict:
    return {"area_id": make_edition(status=EditionStatus.DRAFT).areas.first().pk}


def _draft_indicator(p: Personas, tenant: str) -> dict:
    return {"indicator_id": make_edition(status=EditionStatus.DRAFT).indicators.first().pk}


LOGIN = "302"  # anonymous users are sent to the sign-in page
EDITORS_ONLY = f"{LOGIN} 403 403 403 403 403"  # then catalogue_editor, admin

# url name: (kwargs builder or None, {method: {tenant: statuses}})
EXPECTED = {
    "portal:home": (None, {"GET": {"-": "200 200 200 200 200 200 200 200"}}),
    "accounts:login": (
        None,
        # A signed-in user is sent on to the home page.
        {"GET": {"-": "200 302 302 302 302 302 302 302"}},
    ),
    "accounts:logout": (
        None,
        {
            "GET": {"-": "405 405 405 405 405 405 405 405"},
            "POST": {"-": "200 200 200 200 200 200 200 200"},
        },
    ),
    "set_language": (None, {"POST": {"-": "302 302 302 302 302 302 302 302"}}),
    "admin:index": (None, {"GET": {"-": "302 302 302 302 302 302 302 200"}}),
    "municipalities:overview": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 200 200 200 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 200 200 404 404",
            }
        },
    ),
    "municipalities:departments": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 404 200 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 200 404 404",
            },
            # An empty form: the coordinator gets the page back with messages.
            "POST": {
                "a": f"{LOGIN} 404 400 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 400 404 404",
            },
        },
    ),
    "municipalities:departments_add_defaults": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 405 405 405 405 405 405 405",
                "c": f"{LOGIN} 405 405 405 405 405 405 405",
            },
            "POST": {
                "a": f"{LOGIN} 404 302 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 302 404 404",
            },
        },
    ),
    "municipalities:department_edit": (
        _department,
        {
            "GET": {
                "a": f"{LOGIN} 404 200 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 200 404 404",
            },
            "POST": {
                "a": f"{LOGIN} 404 400 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 400 404 404",
            },
        },
    ),
    "frameworks:index": (None, {"GET": {"-": "200 200 200 200 200 200 200 200"}}),
    "frameworks:diff": (None, {"GET": {"-": "200 200 200 200 200 200 200 200"}}),
    "frameworks:edition": (_public_edition, {"GET": {"-": "200 200 200 200 200 200 200 200"}}),
    "frameworks:editor": (None, {"GET": {"-": f"{EDITORS_ONLY} 200 200"}}),
    "frameworks:editor_diff": (None, {"GET": {"-": f"{EDITORS_ONLY} 200 200"}}),
    "frameworks:editor_edition": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_clone": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_publish": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 405 405"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    # Retiring a draft is refused with a message on the editor's list.
    "frameworks:editor_retire": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 405 405"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    "frameworks:editor_delete": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    "frameworks:editor_area_create": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_area_edit": (
        _draft_area,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_area_delete": (
        _draft_area,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    # Without a direction the move is a bad request.
    "frameworks:editor_area_move": (
        _draft_area,
        {"GET": {"-": f"{EDITORS_ONLY} 405 405"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_indicator_create": (
        _draft_area,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_indicator_edit": (
        _draft_indicator,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_indicator_delete": (
        _draft_indicator,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    "frameworks:editor_indicator_move": (
        _draft_indicator,
        {"GET": {"-": f"{EDITORS_ONLY} 405 405"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
}


def test_every_url_has_a_row():
    discovered = {n for n in _url_names(get_resolver()) if not n.startswith(NOT_IN_MATRIX_PREFIXES)}
    expected = {n for n in EXPECTED if not n.startswith(NOT_IN_MATRIX_PREFIXES)}
    assert discovered == expected, "add a row to EXPECTED for every new URL"


CASES = [
    (name, method, tenant, persona, int(status))
    for name, (_, methods) in EXPECTED.items()
    for method, tenants in methods.items()
    for tenant, statuses in tenants.items()
    for persona, status in zip(PERSONA_NAMES, statuses.split(), strict=True)
]


@pytest.mark.parametrize(
    ("name", "method", "tenant", "persona", "status"),
    CASES,
    ids=[f"{n}-{m}-{t}-{p}" for n, m, t, p, _ in CASES],
)
def test_permission_matrix(client, personas, name, method, tenant, persona, status):
    kwargs_for, _ = EXPECTED[name]
    url = reverse(name, kwargs=kwargs_for(personas, tenant) if kwargs_for else None)
    user = personas.by_name(persona)
    if user is not None:
        client.force_login(user)
    response = client.generic(method, url)
    assert response.status_code == status, f"{persona} {method} {url}"
    if status == 302 and user is None and name.startswith(("municipalities:", "frameworks:editor")):
        assert response["Location"].startswith(reverse("accounts:login"))
