"""Demo organisations and sign-ins for `seed_demo` (development only).

Municipalities are chosen to cover the kinds peers are grouped by: a prefecture,
a designated city, a core city, a town and a village, all from the official
master (imported first). Running it again changes nothing.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from assessments.models import Round
from assessments.rounds import round_open
from dxportal.japanese_calendar import fiscal_year_of
from frameworks.models import Edition, EditionStatus
from municipalities.models import Municipality
from municipalities.services import departments_create_defaults
from plans.demo import demo_action_items_seed

DEMO_PASSWORD = "demo-password-2026"

# 神奈川県, 横浜市, 船橋市, 葉山町, 清川村
DEMO_MUNICIPALITY_CODES = ["140007", "141003", "122041", "143014", "144029"]


@dataclass(frozen=True)
class DemoUser:
    email: str
    display_name: str
    role: Role
    municipality_codes: tuple[str, ...] = ()
    department_name: str | None = None


DEMO_USERS = [
    DemoUser("admin@example.jp", "管理 太郎", Role.SYSTEM_ADMIN),
    DemoUser("editor@example.jp", "編集 花子", Role.CATALOGUE_EDITOR),
    DemoUser("coordinator@example.jp", "推進 一郎", Role.COORDINATOR, ("141003",)),
    DemoUser("respondent@example.jp", "回答 次郎", Role.RESPONDENT, ("141003",), "デジタル統括局"),
    DemoUser("consultant@example.jp", "支援 三子", Role.CONSULTANT, ("141003", "143014", "144029")),
    DemoUser("hayama@example.jp", "葉山 四郎", Role.COORDINATOR, ("143014",)),
]


class DemoDataMissing(Exception):
    pass


@transaction.atomic
def demo_seed() -> list[DemoUser]:
    municipalities = Municipality.objects.in_bulk(DEMO_MUNICIPALITY_CODES, field_name="code")
    missing = sorted(set(DEMO_MUNICIPALITY_CODES) - set(municipalities))
    if missing:
        raise DemoDataMissing(", ".join(missing))
    for municipality in municipalities.values():
        departments_create_defaults(municipality=municipality)

    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=demo.email, defaults={"display_name": demo.display_name}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for code in demo.municipality_codes or (None,):
            municipality = municipalities[code] if code else None
            department = (
                municipality.departments.get(name=demo.department_name)
                if demo.department_name
                else None
            )
            Membership.objects.get_or_create(
                user=user, role=demo.role, municipality=municipality, department=department
            )
    _demo_rounds(municipalities)
    return DEMO_USERS


# Municipalities whose coordinator finds this fiscal year's round already open.
DEMO_ROUND_COORDINATORS = {"141003": "coordinator@example.jp", "143014": "hayama@example.jp"}


def _demo_rounds(municipalities: dict[str, Municipality]) -> None:
    """This fiscal year's round on the newest published edition, if a catalogue is loaded."""
    edition = (
        Edition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-published_on").first()
    )
    if edition is None:
        return
    today = timezone.localdate()
    year = fiscal_year_of(today)
    for code, email in DEMO_ROUND_COORDINATORS.items():
        municipality = municipalities[code]
        if Round.objects.filter(municipality=municipality, fiscal_year=year).exists():
            continue
        coordinator = User.objects.get(email=email)
        round_ = round_open(
            municipality=municipality,
            edition=edition,
            fiscal_year=year,
            opens_on=today,
            closes_on=today + datetime.timedelta(days=90),
            user=coordinator,
        )
        demo_action_items_seed(round=round_, user=coordinator)
