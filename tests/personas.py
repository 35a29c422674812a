"""The people every permission test is written for.

Municipality A is the one under test; C is another municipality whose people
must never see A's data (and vice versa). The consultant serves A and B.
respondent_other_a answers for A's tax office: same municipality, another
department, so the department boundary is tested as well as the tenant one.
"""

from dataclasses import dataclass

from accounts.models import Role, User
from municipalities.models import Department, Municipality
from tests.factories import DepartmentFactory, MembershipFactory, MunicipalityFactory, UserFactory

PASSWORD = "correct-horse-battery"


@dataclass
class Personas:
    municipality_a: Municipality
    municipality_b: Municipality
    municipality_c: Municipality
    department_a: Department
    other_department_a: Department
    department_c: Department
    respondent_a: User
    respondent_other_a: User
    coordinator_a: User
    consultant: User
    respondent_c: User
    coordinator_c: User
    catalogue_editor: User
    admin: User

    def by_name(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = [
    "anonymous",
    "respondent_a",
    "respondent_other_a",
    "coordinator_a",
    "consultant",
    "respondent_c",
    "coordinator_c",
    "catalogue_editor",
    "admin",
]


def make_personas() -> Personas:
    a, b, c = (MunicipalityFactory() for _ in range(3))
    department_a = DepartmentFactory(municipality=a, name="DX推進課")
    other_department_a = DepartmentFactory(municipality=a, name="税務課", kind="taxation")
    department_c = DepartmentFactory(municipality=c, name="DX推進課")

    def member(role, municipality=None, department=None, user=None):
        return MembershipFactory(
            user=user or UserFactory(), role=role, municipality=municipality, department=department
        ).user

    consultant = member(Role.CONSULTANT, a)
    member(Role.CONSULTANT, b, user=consultant)
    return Personas(
        municipality_a=a,
        municipality_b=b,
        municipality_c=c,
        department_a=department_a,
        other_department_a=other_department_a,
        department_c=department_c,
        respondent_a=member(Role.RESPONDENT, a, department_a),
        respondent_other_a=member(Role.RESPONDENT, a, other_department_a),
        coordinator_a=member(Role.COORDINATOR, a),
        consultant=consultant,
        respondent_c=member(Role.RESPONDENT, c, department_c),
        coordinator_c=member(Role.COORDINATOR, c),
        catalogue_editor=member(Role.CATALOGUE_EDITOR),
        admin=member(Role.SYSTEM_ADMIN),
    )
