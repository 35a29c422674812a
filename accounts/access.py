"""What a user may see and do: the one scoping layer every view goes through.

Roles grant capabilities (ROLE_CAPABILITIES, the table to read first); a
membership says where a role holds: in one department, one municipality, or
across the portal. Views never filter by municipality themselves: they ask
`access_for(user)` for the municipalities or the object, and anything outside
the user's scope is a 404, so an outsider cannot even learn that it exists.

Memberships are read once per request (the user object is loaded anew for
each request), so a removed membership takes effect on the next request.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from accounts.models import Membership, Role
from audit.context import current_request
from audit.models import ACCOUNT_ACTIONS, AuditAction
from audit.recording import record
from municipalities.models import Department, Municipality


class Capability(StrEnum):
    VIEW_MUNICIPALITY = "view_municipality"  # see a municipality's pages
    MANAGE_DEPARTMENTS = "manage_departments"  # add, rename, reorder, retire departments
    ANSWER_FOR_DEPARTMENT = "answer_for_department"  # answer a department's questionnaire
    MANAGE_ROUNDS = "manage_rounds"  # open rounds, assign, review, reconcile, remind
    VIEW_RESULTS = "view_results"  # rounds, progress and results of the municipality
    # A department's own results: respondents hold it in their department only (see `can`),
    # coordinators and consultants in every department of their municipalities.
    VIEW_DEPARTMENT_RESULTS = "view_department_results"
    COMPARE_MUNICIPALITIES = "compare_municipalities"  # see assigned municipalities side by side
    EDIT_CATALOGUE = "edit_catalogue"  # maintain framework editions
    ADMINISTER = "administer"  # Django admin, portal-wide operations
    OPEN_SURVEY = "open_survey"  # open one round for many municipalities at once
    VIEW_AUDIT_LOG = "view_audit_log"  # read and export the municipality's audit log


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.RESPONDENT: frozenset(
        {
            Capability.VIEW_MUNICIPALITY,
            Capability.ANSWER_FOR_DEPARTMENT,
            Capability.VIEW_DEPARTMENT_RESULTS,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Capability.VIEW_MUNICIPALITY,
            Capability.MANAGE_DEPARTMENTS,
            Capability.MANAGE_ROUNDS,
            Capability.VIEW_RESULTS,
            Capability.VIEW_DEPARTMENT_RESULTS,
            Capability.VIEW_AUDIT_LOG,
        }
    ),
    Role.CONSULTANT: frozenset(
        {
            Capability.VIEW_MUNICIPALITY,
            Capability.VIEW_RESULTS,
            Capability.VIEW_DEPARTMENT_RESULTS,
            Capability.COMPARE_MUNICIPALITIES,
        }
    ),
    Role.CATALOGUE_EDITOR: frozenset({Capability.EDIT_CATALOGUE}),
    Role.SYSTEM_ADMIN: frozenset(
        {Capability.ADMINISTER, Capability.EDIT_CATALOGUE, Capability.OPEN_SURVEY}
    ),
}


@dataclass(frozen=True)
class Grant:
    role: Role
    municipality_id: int | None
    department_id: int | None


class Access:
    def __init__(self, user):
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        if not (self.user.is_authenticated and self.user.is_active):
            return []
        return list(
            Membership.objects.filter(user=self.user)
            .select_related("municipality__prefecture", "department")
            .order_by("role", "municipality__code", "department__sort_order")
        )

    @cached_property
    def _grants(self) -> list[Grant]:
        return [Grant(Role(m.role), m.municipality_id, m.department_id) for m in self.memberships]

    # --- portal-wide -----------------------------------------------------------
    def has_global(self, capability: Capability) -> bool:
        return any(
            g.municipality_id is None and capability in ROLE_CAPABILITIES[g.role]
            for g in self._grants
        )

    @property
    def is_system_admin(self) -> bool:
        return self.has_global(Capability.ADMINISTER)

    # --- within municipalities ---------------------------------------------------
    def can(
        self,
        capability: Capability,
        municipality: Municipality,
        department: Department | None = None,
    ) -> bool:
        for g in self._grants:
            if g.municipality_id != municipality.pk or capability not in ROLE_CAPABILITIES[g.role]:
                continue
            # A department-bound role acts only for its own department.
            if g.department_id is None or (
                department is not None and g.department_id == department.pk
            ):
                return True
        return False

    def municipality_ids(self, capability: Capability = Capability.VIEW_MUNICIPALITY) -> set[int]:
        return {
            g.municipality_id
            for g in self._grants
            if g.municipality_id is not None and capability in ROLE_CAPABILITIES[g.role]
        }

    def municipalities(self, capability: Capability = Capability.VIEW_MUNICIPALITY):
        return Municipality.objects.filter(pk__in=self.municipality_ids(capability)).select_related(
            "prefecture"
        )

    def roles_in(self, municipality: Municipality) -> list[Membership]:
        return [m for m in self.memberships if m.municipality_id == municipality.pk]

    def get_municipality(
        self, code: str, capability: Capability = Capability.VIEW_MUNICIPALITY
    ) -> Municipality:
        """The municipality with this code if the user may act on it, else 404.

        Taken from the memberships already loaded: no query of its own when
        allowed. A refusal is audited (see _record_refusal).
        """
        for membership in self.memberships:
            municipality = membership.municipality
            if (
                municipality is not None
                and municipality.code == code
                and capability in ROLE_CAPABILITIES[Role(membership.role)]
            ):
                return municipality
        self._record_refusal(code, capability)
        raise Http404

    def _record_refusal(self, code: str, capability: Capability) -> None:
        """Audit a signed-in user refused an existing municipality: someone trying another
        municipality's URLs, or a page their role does not reach. Unknown codes are not
        recorded (nothing there to protect), nor anonymous users (sent to sign in)."""
        if not self.user.is_authenticated:
            return
        municipality_id = (
            Municipality.objects.filter(code=code).values_list("pk", flat=True).first()
        )
        if municipality_id is None:
            return
        request = current_request()
        record(
            AuditAction.ACCESS_DENIED,
            request=request,
            user=self.user,
            municipality=municipality_id,
            target=request.path if request is not None else "",
            detail={"capability": str(capability)},
        )

    def departments_for_answering(self, municipality: Municipality) -> list[int]:
        return [
            g.department_id
            for g in self._grants
            if g.municipality_id == municipality.pk
            and g.department_id is not None
            and Capability.ANSWER_FOR_DEPARTMENT in ROLE_CAPABILITIES[g.role]
        ]


def access_for(user) -> Access:
    """The user's Access, built once per user object (that is, once per request)."""
    cached = getattr(user, "_dxportal_access", None)
    if cached is None:
        cached = Access(user)
        if user.is_authenticated:
            user._dxportal_access = cached
    return cached


def account_events_of_people(municipality: Municipality) -> Q:
    """Which account events (sign-ins and the like, recorded without a municipality) the
    municipality's audit log shows: those of its people, from the time they joined it.

    Its people are the accounts whose every role is in this municipality. Someone who
    also holds a role elsewhere (a consultant of several municipalities, a portal-wide
    role) is left out, as their sign-in may have been for another municipality's work;
    and events from before the person's first role here are left out, as they may have
    been another municipality's person then. System admins see all in the admin.
    """

    def of_the_person(memberships):
        # The event's account, or for a failed sign-in (no account) the address typed.
        return memberships.filter(
            Q(user_id=OuterRef("actor_id")) | Q(user__email=OuterRef("actor_email"))
        )

    joined = of_the_person(
        Membership.objects.filter(municipality=municipality, created_at__lte=OuterRef("time"))
    )
    elsewhere = of_the_person(Membership.objects.exclude(municipality=municipality))
    return (
        Q(municipality__isnull=True, action__in=ACCOUNT_ACTIONS)
        & Q(Exists(joined))
        & ~Q(Exists(elsewhere))
    )


# Roles whose sign-in needs a second factor (TOTP): they reach several
# municipalities' data or the whole portal. Respondents answer for one
# department and are not asked.
TWO_FACTOR_ROLES = frozenset(
    {Role.SYSTEM_ADMIN, Role.CATALOGUE_EDITOR, Role.COORDINATOR, Role.CONSULTANT}
)


def requires_two_factor(user) -> bool:
    """Whether this signed-in user must verify a TOTP code before using the portal."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:  # unused by the portal (see User), but never without a second factor
        return True
    return any(Role(m.role) in TWO_FACTOR_ROLES for m in access_for(user).memberships)
