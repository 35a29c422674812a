"""Every URL × method × persona × tenant against the expected status.

The URL list comes from the resolver: a new URL without a row here fails the
build, so nobody can add a page and forget to decide who may see it.
Statuses are listed in PERSONA_NAMES order:
anonymous, respondent_a, respondent_other_a (A's tax office), coordinator_a,
consultant (A and B), respondent_c, coordinator_c, catalogue_editor, admin.
"""

import datetime
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import MembershipInvitation, User
from assessments.models import Answer, EvidenceFile, Questionnaire
from frameworks.models import EditionStatus
from plans.services import action_item_create
from tests.assessment_factories import open_round
from tests.factories import DepartmentFactory
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


# Assessment rounds belong to a municipality (tenant a or c). Every indicator
# is answered by the DX office and the tax office, so reconciliation has
# something to compare.
def _round(p: Personas, tenant: str):
    municipality = p.municipality_a if tenant == "a" else p.municipality_c
    if tenant == "c":
        DepartmentFactory(municipality=municipality, name="税務課", kind="taxation")
    edition = make_edition(indicators=2, areas=1)
    edition.indicators.update(department_kinds=["dx_promotion", "taxation"])
    return open_round(
        municipality, p.coordinator_a if tenant == "a" else p.coordinator_c, edition=edition
    )


def _round_page(p: Personas, tenant: str) -> dict:
    round_ = _round(p, tenant)
    return {"code": round_.municipality.code, "round_id": round_.pk}


def _round_questionnaire(p: Personas, tenant: str) -> dict:
    round_ = _round(p, tenant)
    questionnaire = round_.questionnaires.get(department__kind="dx_promotion")
    return {
        "code": round_.municipality.code,
        "round_id": round_.pk,
        "questionnaire_id": questionnaire.pk,
    }


def _round_department(p: Personas, tenant: str) -> dict:
    """The round's DX office: respondent_a's department (tenant a) or respondent_c's (c)."""
    kwargs = _round_questionnaire(p, tenant)
    questionnaire = Questionnaire.objects.get(pk=kwargs.pop("questionnaire_id"))
    return {**kwargs, "department_id": questionnaire.department_id}


def _round_indicator(p: Personas, tenant: str) -> dict:
    round_ = _round(p, tenant)
    return {"code": round_.municipality.code, "round_id": round_.pk, "indicator_code": "STD-01"}


def _questionnaire(p: Personas, tenant: str) -> dict:
    """The DX office's questionnaire: respondent_a's (tenant a) or respondent_c's (c)."""
    round_ = _round(p, tenant)
    return {"questionnaire_id": round_.questionnaires.get(department__kind="dx_promotion").pk}


def _questionnaire_area(p: Personas, tenant: str) -> dict:
    return {**_questionnaire(p, tenant), "area_code": "area-1"}


def _questionnaire_indicator(p: Personas, tenant: str) -> dict:
    return {**_questionnaire(p, tenant), "indicator_code": "STD-01"}


def _evidence(p: Personas, tenant: str) -> dict:
    kwargs = _questionnaire(p, tenant)
    questionnaire = Questionnaire.objects.get(pk=kwargs["questionnaire_id"])
    answer = Answer.objects.create(
        questionnaire=questionnaire,
        indicator=questionnaire.round.edition.indicators.get(code="STD-01"),
    )
    evidence = EvidenceFile(
        answer=answer,
        original_name="根拠.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=p.respondent_a,
    )
    evidence.file.save("upload", ContentFile(b"%PDF-1.4\n"), save=True)
    return {**kwargs, "file_id": evidence.pk}


def _plan_item(p: Personas, tenant: str) -> dict:
    """An action item planned in the round, on STD-01 for the DX office."""
    round_ = _round(p, tenant)
    item = action_item_create(
        round=round_,
        indicator=round_.edition.indicators.get(code="STD-01"),
        title="次の一歩",
        department=round_.municipality.departments.get(kind="dx_promotion"),
        target_level=1,
        due_on=datetime.date(2099, 3, 31),
        user=round_.created_by,
    )
    return {"code": round_.municipality.code, "round_id": round_.pk, "item_id": item.pk}


def _round_table(p: Personas, tenant: str) -> dict:
    return {**_round_page(p, tenant), "table": "answers"}


def _export_job(p: Personas, tenant: str) -> dict:
    """A finished bulk export: the consultant's of A (tenant a), the admin's of C (c)."""
    from exports.bulk import export_job_create

    owner, municipality = (
        (p.consultant, p.municipality_a) if tenant == "a" else (p.admin, p.municipality_c)
    )
    # No round with results: the item is settled at once, so the ZIP can be downloaded.
    job = export_job_create(owner=owner, municipalities=[municipality], fiscal_year=None)
    return {"job_id": job.pk}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _respondent(p: Personas, tenant: str) -> dict:
    """respondent_a's membership (tenant a) or respondent_c's (c)."""
    membership = (
        (p.respondent_a if tenant == "a" else p.respondent_c)
        .memberships.select_related("municipality")
        .get()
    )
    return {"code": membership.municipality.code, "membership_id": membership.pk}


def _invitation(p: Personas, tenant: str) -> dict:
    """A pending invitation: respondent_c's to A's DX office (tenant a), the consultant's to
    C's (c). Only the invitee finds it; the inviting coordinator too gets a 404."""
    from accounts.people import respondent_add

    invitee, department, coordinator = (
        (p.respondent_c, p.department_a, p.coordinator_a)
        if tenant == "a"
        else (p.consultant, p.department_c, p.coordinator_c)
    )
    invitation = respondent_add(
        municipality=department.municipality,
        department=department,
        email=invitee.email,
        display_name="招待 花子",
        invited_by=coordinator,
    )
    return {"pk": invitation.pk}


def _password_link(p: Personas, tenant: str) -> dict:
    """A valid set-password link for respondent_a; opening it moves the token to the session."""
    user = p.respondent_a
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    }


LOGIN = "302"  # anonymous users are sent to the sign-in page
NOT_ALLOWED = f"{LOGIN} 405 405 405 405 405 405 405 405"  # wrong method, for all signed in


def _only(status: str, *, a: set[str], c: set[str]) -> dict:
    """`status` for the personas named (per tenant), 404 for everyone else signed in."""

    def row(allowed: set[str]) -> str:
        return " ".join(
            LOGIN if persona == "anonymous" else status if persona in allowed else "404"
            for persona in PERSONA_NAMES
        )

    return {"a": row(a), "c": row(c)}


def _coordinators(status: str) -> dict:
    return _only(status, a={"coordinator_a"}, c={"coordinator_c"})


def _results_viewers(status: str) -> dict:
    """The coordinator and (for A) the consultant."""
    return _only(status, a={"coordinator_a", "consultant"}, c={"coordinator_c"})


def _respondents(status: str) -> dict:
    """Only the respondent of the department."""
    return _only(status, a={"respondent_a"}, c={"respondent_c"})


def _questionnaire_viewers(status: str) -> dict:
    """The department's respondent, and the municipality's coordinator and consultant."""
    return _only(
        status,
        a={"respondent_a", "coordinator_a", "consultant"},
        c={"respondent_c", "coordinator_c"},
    )


BOTH_NOT_ALLOWED = {"a": NOT_ALLOWED, "c": NOT_ALLOWED}
EDITORS_ONLY = f"{LOGIN} 403 403 403 403 403 403"  # then catalogue_editor, admin

# url name: (kwargs builder or None, {method: {tenant: statuses}})
EXPECTED = {
    "rounds:index": (
        _code,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "rounds:new": (_code, {"GET": _coordinators("200"), "POST": _coordinators("400")}),
    "rounds:detail": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "rounds:remind": (_round_page, {"GET": BOTH_NOT_ALLOWED, "POST": _coordinators("302")}),
    "rounds:close": (_round_page, {"GET": _coordinators("200"), "POST": _coordinators("302")}),
    "rounds:assignments": (
        _round_page,
        {"GET": _coordinators("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "rounds:assignment_edit": (
        _round_indicator,
        {"GET": _coordinators("200"), "POST": _coordinators("400")},
    ),
    "rounds:review": (
        _round_questionnaire,
        {"GET": _results_viewers("200"), "POST": _coordinators("400")},
    ),
    "rounds:reconciliation": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "rounds:reconciliation_item": (
        _round_indicator,
        # An empty choice keeps the owner's answer: the coordinator is sent back.
        {"GET": _results_viewers("200"), "POST": _coordinators("302")},
    ),
    "rounds:survey_new": (
        None,
        {
            "GET": {"-": f"{LOGIN} 403 403 403 403 403 403 403 200"},
            "POST": {"-": f"{LOGIN} 403 403 403 403 403 403 403 400"},
        },
    ),
    "municipalities:people": (_code, {"GET": _coordinators("200"), "POST": _coordinators("400")}),
    "audit:events": (_code, {"GET": _coordinators("200"), "POST": BOTH_NOT_ALLOWED}),
    "audit:events_csv": (_code, {"GET": _coordinators("200"), "POST": BOTH_NOT_ALLOWED}),
    # The catalogue's changes belong to no municipality: its editors and system admins read them.
    "audit:catalogue_events": (
        None,
        {"GET": {"-": f"{LOGIN} 404 404 404 404 404 404 200 200"}, "POST": {"-": NOT_ALLOWED}},
    ),
    "audit:catalogue_events_csv": (
        None,
        {"GET": {"-": f"{LOGIN} 404 404 404 404 404 404 200 200"}, "POST": {"-": NOT_ALLOWED}},
    ),
    "municipalities:respondent_remove": (
        _respondent,
        {"GET": _coordinators("200"), "POST": _coordinators("302")},
    ),
    "municipalities:invitation_resend": (
        _respondent,
        {"GET": BOTH_NOT_ALLOWED, "POST": _coordinators("302")},
    ),
    # Neither button pressed: the invitee gets the page back with a message.
    "accounts:invitation": (
        _invitation,
        {
            "GET": _only("200", a={"respondent_c"}, c={"consultant"}),
            "POST": _only("400", a={"respondent_c"}, c={"consultant"}),
        },
    ),
    # Password reset is for anyone; signed-in users get the same pages.
    "accounts:password_reset": (
        None,
        {"GET": {"-": "200 200 200 200 200 200 200 200 200"}, "POST": {"-": "400 " * 8 + "400"}},
    ),
    "accounts:password_reset_done": (
        None,
        {"GET": {"-": "200 " * 8 + "200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
    "accounts:password_reset_confirm": (
        _password_link,
        # respondent_a's own sign-in changes last_login, which spends the link:
        # the page then says the link can no longer be used.
        {
            "GET": {"-": "302 200 302 302 302 302 302 302 302"},
            "POST": {"-": "302 200 302 302 302 302 302 302 302"},
        },
    ),
    "accounts:password_reset_complete": (
        None,
        {"GET": {"-": "200 " * 8 + "200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
    "results:dashboard": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "results:department": (
        _round_department,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    # PDF reports: the same people as the pages they print.
    "reports:municipality": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "reports:department": (
        _round_department,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "benchmarks:benchmark": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "benchmarks:portfolio": (
        None,
        {"GET": {"-": f"{LOGIN} 403 403 403 200 403 403 403 403"}, "POST": {"-": NOT_ALLOWED}},
    ),
    "plans:plan": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    # Without an indicator: the page to choose one (a POST without one is refused).
    "plans:item_new": (_round_page, {"GET": _coordinators("200"), "POST": _coordinators("400")}),
    "plans:item_edit": (_plan_item, {"GET": _coordinators("200"), "POST": _coordinators("400")}),
    # An empty status is refused with a message on the plan page.
    "plans:item_status": (
        _plan_item,
        {"GET": BOTH_NOT_ALLOWED, "POST": _coordinators("302")},
    ),
    "exports:table_csv": (
        _round_table,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "exports:workbook": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "exports:document": (
        _round_page,
        {"GET": _results_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    # Consultants and admins; an empty choice is refused with a message.
    "exports:bulk": (
        None,
        {
            "GET": {"-": f"{LOGIN} 403 403 403 200 403 403 403 200"},
            "POST": {"-": f"{LOGIN} 403 403 403 400 403 403 403 400"},
        },
    ),
    # A job and its ZIP are its owner's only.
    "exports:job": (
        _export_job,
        {"GET": _only("200", a={"consultant"}, c={"admin"}), "POST": BOTH_NOT_ALLOWED},
    ),
    "exports:job_download": (
        _export_job,
        {"GET": _only("200", a={"consultant"}, c={"admin"}), "POST": BOTH_NOT_ALLOWED},
    ),
    "results:rules": (
        None,
        {"GET": {"-": "200 200 200 200 200 200 200 200 200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
    "questionnaires:mine": (
        None,
        {
            "GET": {"-": f"{LOGIN} 200 200 200 200 200 200 200 200"},
            "POST": {"-": NOT_ALLOWED},
        },
    ),
    "questionnaires:detail": (
        _questionnaire,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "questionnaires:area": (
        _questionnaire_area,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "questionnaires:history": (
        _questionnaire,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "questionnaires:evidence_download": (
        _evidence,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "questionnaires:submit": (
        _questionnaire,
        # An empty submission of an unanswered questionnaire is refused with the list.
        {"GET": _respondents("200"), "POST": _respondents("400")},
    ),
    "questionnaires:answer_save": (
        _questionnaire_indicator,
        {"GET": BOTH_NOT_ALLOWED, "POST": _respondents("400")},
    ),
    "questionnaires:evidence_upload": (
        _questionnaire_indicator,
        {"GET": BOTH_NOT_ALLOWED, "POST": _respondents("400")},
    ),
    "questionnaires:evidence_delete": (
        _evidence,
        {"GET": BOTH_NOT_ALLOWED, "POST": _respondents("302")},
    ),
    "workbooks:download": (
        _questionnaire,
        {"GET": _questionnaire_viewers("200"), "POST": BOTH_NOT_ALLOWED},
    ),
    "workbooks:upload": (_questionnaire, {"GET": _respondents("200"), "POST": _respondents("400")}),
    "workbooks:apply": (_questionnaire, {"GET": BOTH_NOT_ALLOWED, "POST": _respondents("400")}),
    "portal:home": (None, {"GET": {"-": "200 200 200 200 200 200 200 200 200"}}),
    "accounts:login": (
        None,
        # A signed-in user is sent on to the home page.
        {"GET": {"-": "200 302 302 302 302 302 302 302 302"}},
    ),
    "accounts:logout": (
        None,
        {
            "GET": {"-": "405 405 405 405 405 405 405 405 405"},
            "POST": {"-": "200 200 200 200 200 200 200 200 200"},
        },
    ),
    # Autosave asks who is signed in (accounts/background.py): anyone may ask.
    "accounts:session": (
        None,
        {
            "GET": {"-": "401 200 200 200 200 200 200 200 200"},
            "POST": {"-": "405 405 405 405 405 405 405 405 405"},
        },
    ),
    # The suite's force_login seam verifies every session with a confirmed device
    # (tests/conftest.py); unverified sessions are tested in test_two_factor.py.
    "accounts:two_factor_verify": (
        None,
        {
            "GET": {"-": f"{LOGIN} 200 200 200 200 200 200 200 200"},
            "POST": {"-": f"{LOGIN} 400 400 400 400 400 400 400 400"},  # no code
        },
    ),
    "accounts:two_factor_enrol": (
        None,
        # With a confirmed device, enrolment sends the person on to verification.
        {
            "GET": {"-": f"{LOGIN} 302 302 302 302 302 302 302 302"},
            "POST": {"-": f"{LOGIN} 302 302 302 302 302 302 302 302"},
        },
    ),
    "set_language": (None, {"POST": {"-": "302 302 302 302 302 302 302 302 302"}}),
    "admin:index": (None, {"GET": {"-": "302 302 302 302 302 302 302 302 200"}}),
    "municipalities:overview": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 200 200 200 200 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 200 200 404 404",
            }
        },
    ),
    "municipalities:departments": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 404 404 200 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 404 200 404 404",
            },
            # An empty form: the coordinator gets the page back with messages.
            "POST": {
                "a": f"{LOGIN} 404 404 400 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 404 400 404 404",
            },
        },
    ),
    "municipalities:departments_add_defaults": (
        _code,
        {
            "GET": {
                "a": f"{LOGIN} 405 405 405 405 405 405 405 405",
                "c": f"{LOGIN} 405 405 405 405 405 405 405 405",
            },
            "POST": {
                "a": f"{LOGIN} 404 404 302 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 404 302 404 404",
            },
        },
    ),
    "municipalities:department_edit": (
        _department,
        {
            "GET": {
                "a": f"{LOGIN} 404 404 200 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 404 200 404 404",
            },
            "POST": {
                "a": f"{LOGIN} 404 404 400 404 404 404 404 404",
                "c": f"{LOGIN} 404 404 404 404 404 400 404 404",
            },
        },
    ),
    "frameworks:index": (None, {"GET": {"-": "200 200 200 200 200 200 200 200 200"}}),
    "frameworks:diff": (None, {"GET": {"-": "200 200 200 200 200 200 200 200 200"}}),
    "frameworks:edition": (_public_edition, {"GET": {"-": "200 200 200 200 200 200 200 200 200"}}),
    "frameworks:editor": (None, {"GET": {"-": f"{EDITORS_ONLY} 200 200"}}),
    # An empty POST is refused by its form (no file): 400, nothing imported.
    "opendata:imports": (
        None,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_diff": (None, {"GET": {"-": f"{EDITORS_ONLY} 200 200"}}),
    "frameworks:editor_edition": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    "frameworks:editor_clone": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 400 400"}},
    ),
    # GET is the confirmation page; a POST without its button goes back to it.
    "frameworks:editor_publish": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 200 200"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
    ),
    # Retiring a draft is refused with a message on the editor's list (GET and POST).
    "frameworks:editor_retire": (
        _draft,
        {"GET": {"-": f"{EDITORS_ONLY} 302 302"}, "POST": {"-": f"{EDITORS_ONLY} 302 302"}},
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
    # The help page is public: it shows no municipality's data.
    "portal:help": (
        None,
        {"GET": {"-": "200 200 200 200 200 200 200 200 200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
    # Probes (dxportal/health.py) are public and say nothing but ok / ready / a reason.
    "healthz": (
        None,
        {"GET": {"-": "200 200 200 200 200 200 200 200 200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
    "readyz": (
        None,
        {"GET": {"-": "200 200 200 200 200 200 200 200 200"}, "POST": {"-": "405 " * 8 + "405"}},
    ),
}


def test_every_url_has_a_row():
    discovered = {n for n in _url_names(get_resolver()) if not n.startswith(NOT_IN_MATRIX_PREFIXES)}
    expected = {n for n in EXPECTED if not n.startswith(NOT_IN_MATRIX_PREFIXES)}
    assert discovered == expected, "add a row to EXPECTED for every new URL"


PROTECTED = (
    "municipalities:",
    "frameworks:editor",
    "rounds:",
    "questionnaires:",
    "workbooks:",
    "results:dashboard",
    "exports:",
    "results:department",
    "benchmarks:",
    "plans:",
    "reports:",
    "accounts:invitation",
)


def _close_download(response) -> None:
    """Close a download's open file as a WSGI server would, but without the
    request_finished handler that closes the database connection: the test client
    does the same for the responses it closes itself."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _status_as(client, user: User | None, method: str, url: str) -> tuple[int, str]:
    """What `user` gets for one request, with everything it changed rolled back, so the
    next persona meets the same data (the rows are built once per URL, not per case)."""
    with transaction.atomic():
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.generic(method, url)
        if response.streaming:
            _close_download(response)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", "")


@pytest.mark.parametrize("name", list(EXPECTED))
def test_permission_matrix(client, personas, name):
    """Every method × tenant × persona of one URL: its objects are built once per tenant,
    and each persona's request runs in a savepoint that is rolled back."""
    kwargs_for, methods = EXPECTED[name]
    tenants = {tenant for statuses in methods.values() for tenant in statuses}
    urls = {
        tenant: reverse(name, kwargs=kwargs_for(personas, tenant) if kwargs_for else None)
        for tenant in sorted(tenants)
    }
    wrong, checked = [], 0
    for method, statuses in methods.items():
        for tenant, row in statuses.items():
            for persona, expected in zip(PERSONA_NAMES, row.split(), strict=True):
                user = personas.by_name(persona)
                status, location = _status_as(client, user, method, urls[tenant])
                checked += 1
                if status != int(expected):
                    wrong.append(f"{persona} {method} {urls[tenant]}: {status}, not {expected}")
                elif (
                    status == 302
                    and user is None
                    and name.startswith(PROTECTED)
                    and not location.startswith(reverse("accounts:login"))
                ):
                    wrong.append(f"anonymous {method} {urls[tenant]} sent to {location}")
    assert checked == sum(len(PERSONA_NAMES) * len(t) for t in methods.values())
    assert not wrong, "\n".join(wrong)


def test_a_respondent_reaches_their_own_departments_questionnaire_only(client, personas):
    """The other side of the department boundary the matrix checks: A's tax office
    respondent opens the tax office's questionnaire, and gets a 404 for the DX office's."""
    round_ = _round(personas, "a")
    own = round_.questionnaires.get(department=personas.other_department_a)
    dx = round_.questionnaires.get(department=personas.department_a)
    client.force_login(personas.respondent_other_a)
    for questionnaire, status in [(own, 200), (dx, 404)]:
        url = reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk})
        assert client.get(url).status_code == status, url


# --- probes ------------------------------------------------------------------------


def _page_for_address(client, p: Personas, email: str) -> str:
    """A's people page after its coordinator adds this address, with the typed words and
    what differs on every response (CSRF token, CSP nonce) taken out."""
    response = client.post(
        reverse("municipalities:people", kwargs={"code": p.municipality_a.code}),
        {"email": email, "display_name": "確認 太郎", "department": p.department_a.pk},
        follow=True,
    )
    page = response.content.decode().replace(email, "EMAIL")
    return re.sub(
        r'("X-CSRFToken": "|nonce="|name="csrfmiddlewaretoken" value=")[^"]*"', r"\1", page
    )


@pytest.mark.parametrize(
    "persona", ["respondent_c", "coordinator_c", "consultant", "catalogue_editor", "admin"]
)
def test_people_page_does_not_tell_an_account_elsewhere_from_a_new_address(
    client, personas, persona
):
    """A coordinator probing addresses learns nothing: an account of another municipality
    (or a portal-wide one) gets, word for word, the page a new address gets."""
    client.force_login(personas.coordinator_a)
    new = _page_for_address(client, personas, "nobody.yet@example.jp")
    MembershipInvitation.objects.all().delete()  # back to the same page as before
    User.objects.filter(email="nobody.yet@example.jp").delete()
    existing = personas.by_name(persona)
    User.objects.filter(pk=existing.pk).update(display_name="他団体 秘密子")
    elsewhere = _page_for_address(client, personas, existing.email)
    assert elsewhere == new
    assert "他団体 秘密子" not in elsewhere
    assert not existing.memberships.filter(department=personas.department_a).exists()
