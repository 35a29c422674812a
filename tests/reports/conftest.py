"""One rendered report per test module: rendering takes a second, the checks take none."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from reports.rendering import department_report_html, html_to_pdf, municipality_report_html
from tests.personas import make_personas
from tests.reports.report_support import COMMENT, report_round

# Markup in what people type must come out as text, never as markup.
HOSTILE = '<script>alert("x")</script><b>太字</b>'


@dataclass(frozen=True)
class Rendered:
    municipality: str  # as the cover prints it (prefecture and name)
    department: str
    area_names: list[str]
    comment: str
    municipality_html: str
    municipality_pdf: bytes
    department_pdf: bytes


def render_sample(comment: str = COMMENT + HOSTILE) -> Rendered:
    """A report round rendered both ways, inside a transaction the caller rolls back."""
    personas = make_personas()
    round_ = report_round(personas, indicators=8, areas=3, comment=comment)
    html = municipality_report_html(round_)
    return Rendered(
        municipality=str(round_.municipality),
        department=personas.department_a.name,
        area_names=list(round_.edition.areas.order_by("order").values_list("name", flat=True)),
        comment=comment,
        municipality_html=html,
        municipality_pdf=html_to_pdf(html),
        department_pdf=html_to_pdf(department_report_html(round_, personas.department_a)),
    )


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> Rendered:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        result = render_sample()
        transaction.set_rollback(True)
    return result
