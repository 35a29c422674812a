"""E-mails about a questionnaire's review: submitted, returned, approved.

Submitting tells the municipality's DX coordinators that a questionnaire waits
for review; returning (with the coordinator's comment) and approving tell the
department's respondents. One e-mail per person (never many addresses in To:),
always in Japanese like the reminders and invitations, sent with Django's
send_mail through the EMAIL_* settings, the same path `assessments.reminders`
uses. Whoever acted gets no e-mail about it.

The e-mails go out only once the service's transaction has committed
(`transaction.on_commit`), so a refused or rolled-back action mails nobody.
A mail server failure is logged and never undoes the action: the home page's
to-do list shows the same work (portal.todo), and its 「お知らせ」 lists the
events a person was mailed about (`notices_for`, the same RECIPIENT_ROLES rule).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.access import access_for
from accounts.models import Role, User
from assessments.models import IndicatorComment, QuestionnaireEvent, QuestionnaireEventKind
from audit.context import current_request
from dxportal.japanese_calendar import fiscal_year_label

logger = logging.getLogger(__name__)

# Who hears of each event: the reviewers of a submission, the department of a review.
RECIPIENT_ROLES = {
    QuestionnaireEventKind.SUBMITTED: Role.COORDINATOR,
    QuestionnaireEventKind.RETURNED: Role.RESPONDENT,
    QuestionnaireEventKind.APPROVED: Role.RESPONDENT,
}


def portal_base_url() -> str:
    """The portal's address for links: the request's, as the reminder and invitation views
    build it, or PORTAL_BASE_URL outside a request (a command). Services take no request,
    so it comes from the audit layer's current request (audit.context)."""
    request = current_request()
    return request.build_absolute_uri("/") if request is not None else settings.PORTAL_BASE_URL


def questionnaire_event_notify(*, event: QuestionnaireEvent) -> None:
    """Mail the people `event` concerns once the current transaction commits.

    Called by the services inside their transaction, after the event is created.
    """
    base_url = portal_base_url()
    transaction.on_commit(
        lambda: notifications_send(event_id=event.pk, base_url=base_url), robust=True
    )


def recipients_of(event: QuestionnaireEvent):
    """The active people `event` is for, each once: the municipality's coordinators for a
    submission, the department's respondents for a review; never the actor."""
    questionnaire = event.questionnaire
    role = RECIPIENT_ROLES[QuestionnaireEventKind(event.kind)]
    scope = {
        "memberships__role": role,
        "memberships__municipality_id": questionnaire.round.municipality_id,
    }
    if role == Role.RESPONDENT:
        scope["memberships__department_id"] = questionnaire.department_id
    return (
        User.objects.filter(is_active=True, **scope)
        .exclude(pk=event.actor_id)
        .distinct()
        .order_by("pk")
    )


@dataclass(frozen=True)
class Notice:
    event: QuestionnaireEvent
    path: str  # the page to act on, as in the e-mail


def notices_for(user, *, since: datetime.datetime, limit: int = 5) -> list[Notice]:
    """The newest events since `since` that `user` is mailed about, newest first (one query;
    none without a membership that hears of any)."""
    scope = Q()
    for membership in access_for(user).memberships:
        kinds = [kind for kind, role in RECIPIENT_ROLES.items() if role == membership.role]
        if not kinds or membership.municipality_id is None:
            continue
        where = Q(kind__in=kinds, questionnaire__round__municipality_id=membership.municipality_id)
        if membership.role == Role.RESPONDENT:
            where &= Q(questionnaire__department_id=membership.department_id)
        scope |= where
    if not scope:
        return []
    events = (
        QuestionnaireEvent.objects.filter(scope, at__gte=since)
        .exclude(actor=user)
        .select_related(
            "questionnaire__round__municipality__prefecture", "questionnaire__department", "actor"
        )
        .order_by("-at", "-pk")[:limit]
    )
    return [Notice(event, _link(event, "")) for event in events]


def _link(event: QuestionnaireEvent, base_url: str) -> str:
    """The page the recipient acts on: the review for coordinators, the questionnaire else."""
    questionnaire = event.questionnaire
    if event.kind == QuestionnaireEventKind.SUBMITTED:
        path = reverse(
            "rounds:review",
            kwargs={
                "code": questionnaire.round.municipality.code,
                "round_id": questionnaire.round_id,
                "questionnaire_id": questionnaire.pk,
            },
        )
    else:
        path = reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk})
    return base_url.rstrip("/") + path


def notification_message(*, event: QuestionnaireEvent, recipient, base_url: str) -> tuple[str, str]:
    """Subject and body of one e-mail about `event` (templates/assessments/emails/)."""
    questionnaire = event.questionnaire
    context = {
        "recipient": recipient,
        "event": event,
        "municipality": questionnaire.round.municipality,
        "department": questionnaire.department,
        "year": fiscal_year_label(questionnaire.round.fiscal_year),
        "link": _link(event, base_url),
    }
    name = f"assessments/emails/questionnaire_{event.kind}"
    with translation.override("ja"):
        subject = "".join(render_to_string(f"{name}_subject.txt", context).splitlines())
        body = render_to_string(f"{name}.txt", context)
    return subject, body


def notifications_send(*, event_id: int, base_url: str) -> int:
    """Send the e-mails of one event; the number sent. One failed address stops no other."""
    event = (
        QuestionnaireEvent.objects.select_related(
            "questionnaire__round__municipality__prefecture", "questionnaire__department", "actor"
        )
        .prefetch_related(
            # A return's comments on single indicators, in catalogue order, for its e-mail.
            Prefetch(
                "indicator_comments",
                queryset=IndicatorComment.objects.select_related("indicator").order_by(
                    "indicator__area__order", "indicator__order", "indicator__pk"
                ),
            )
        )
        .get(pk=event_id)
    )
    sent = 0
    for recipient in recipients_of(event):
        subject, body = notification_message(event=event, recipient=recipient, base_url=base_url)
        try:
            sent += send_mail(subject, body, None, [recipient.email])
        except OSError:  # smtplib errors included
            logger.exception(
                "notification e-mail for event %s to user %s failed", event_id, recipient.pk
            )
    return sent
