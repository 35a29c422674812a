"""Reads of rounds and questionnaires, scoped by accounts.access: out of scope is a 404."""

from django.http import Http404

from accounts.access import Capability, access_for
from assessments.models import Questionnaire, Round
from municipalities.models import Department


def questionnaire_for(request, questionnaire_id: int, *, to_answer: bool) -> Questionnaire:
    """The questionnaire if the user may answer it (to_answer) or at least see it.

    Respondents answer their own department's; coordinators and consultants of
    the municipality may see every questionnaire of it. Sets
    request.municipality for the header.
    """
    try:
        questionnaire = Questionnaire.objects.select_related(
            "round__municipality__prefecture", "round__edition__framework", "department"
        ).get(pk=questionnaire_id)
    except Questionnaire.DoesNotExist:
        raise Http404 from None
    access = access_for(request.user)
    municipality = questionnaire.round.municipality
    may_answer = access.can(
        Capability.ANSWER_FOR_DEPARTMENT, municipality, questionnaire.department
    )
    if not (may_answer or (not to_answer and access.can(Capability.VIEW_RESULTS, municipality))):
        raise Http404
    request.municipality = municipality
    return questionnaire


def round_for(request, code: str, round_id: int, capability: Capability) -> Round:
    """A round of the municipality `code` if the user has `capability` there, else 404."""
    municipality = access_for(request.user).get_municipality(code, capability)
    request.municipality = municipality
    try:
        return Round.objects.select_related("edition__framework", "municipality").get(
            pk=round_id, municipality=municipality
        )
    except Round.DoesNotExist:
        raise Http404 from None


def round_department_for(
    request, code: str, round_id: int, department_id: int
) -> tuple[Round, Department]:
    """A round and one of its municipality's departments, if the user may see that department's results.

    Capability.VIEW_DEPARTMENT_RESULTS: a respondent holds it in their own
    department only; coordinators and consultants in every department of
    their municipality. Anything else is a 404.
    """
    round_ = round_for(request, code, round_id, Capability.VIEW_DEPARTMENT_RESULTS)
    municipality = request.municipality
    try:
        department = Department.objects.get(pk=department_id, municipality=municipality)
    except Department.DoesNotExist:
        raise Http404 from None
    if not access_for(request.user).can(
        Capability.VIEW_DEPARTMENT_RESULTS, municipality, department
    ):
        raise Http404
    return round_, department
