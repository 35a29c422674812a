"""Reminder e-mails to the respondents of questionnaires not yet submitted.

One e-mail per respondent and questionnaire (never one e-mail with many
addresses in To:), always in Japanese: the people answering are municipal
staff, whatever language the coordinator's browser uses. The development
mailer prints them to the console.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.access import Capability, access_for
from accounts.models import Membership, Role
from assessments.coordination import CoordinationError
from assessments.locking import before_opening
from assessments.models import Questionnaire, QuestionnaireStatus, Round, RoundStatus
from assessments.round_progress import DepartmentProgress, round_progress
from audit import detail
from audit.models import AuditAction
from audit.recording import record
from dxportal.japanese_calendar import fiscal_year_label, today_in_japan

PENDING = (QuestionnaireStatus.IN_PROGRESS, QuestionnaireStatus.RETURNED)


def questionnaire_path(questionnaire: Questionnaire) -> str:
    return reverse("questionnaires:detail", kwargs={"questionnaire_id": questionnaire.pk})


def default_base_url() -> str:
    return settings.PORTAL_BASE_URL


def _date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def reminder_message(
    *, round_: Round, progress: DepartmentProgress, recipient, base_url: str
) -> tuple[str, str]:
    """Subject and body of one reminder."""
    municipality = round_.municipality
    year = fiscal_year_label(round_.fiscal_year)
    department = progress.department.name
    subject = _(
        "【DXポータル】%(year)s DX成熟度セルフアセスメント 回答のお願い（%(department)s）"
    ) % {
        "year": year,
        "department": department,
    }
    lines = [
        _("%(name)s 様") % {"name": recipient.display_name or recipient.email},
        "",
        _("%(municipality)sのDX推進担当です。") % {"municipality": municipality},
        _(
            "%(year)sのDX成熟度セルフアセスメントについて、%(department)sの調査票がまだ提出されていません。"
        )
        % {"year": year, "department": department},
        "",
        _("回答状況：%(answered)d／%(assigned)d問に回答済み（%(status)s）")
        % {
            "answered": progress.answered,
            "assigned": progress.assigned,
            "status": progress.questionnaire.get_status_display(),
        },
        _("回答締切日：%(date)s") % {"date": _date(round_.closes_on)}
        + (_("（締切日を過ぎています）") if progress.overdue else ""),
    ]
    if progress.status == QuestionnaireStatus.RETURNED and progress.questionnaire.review_comment:
        lines.append(
            _("差戻しの理由：%(comment)s") % {"comment": progress.questionnaire.review_comment}
        )
    lines += [
        _("調査票：%(url)s")
        % {"url": base_url.rstrip("/") + questionnaire_path(progress.questionnaire)},
        "",
        _("回答を終えたら、調査票の「提出」を押してください。"),
        _("このメールはDXポータルから自動で送信しています。"),
    ]
    return subject, "\n".join(lines) + "\n"


def reminders_send(
    *,
    round: Round,
    base_url: str,
    user=None,
    today: datetime.date | None = None,
) -> int:
    """Send the reminders of one open round; the number of e-mails sent.

    `user` is the coordinator asking (checked); None when run by the
    send_reminders command.
    """
    if user is not None and not access_for(user).can(Capability.MANAGE_ROUNDS, round.municipality):
        raise PermissionDenied
    if round.status != RoundStatus.OPEN:
        raise CoordinationError(_("このラウンドは締め切られています。"))
    today = today or today_in_japan()
    if before_opening(round, today):
        # Nobody can answer yet (assessments.locking): a reminder would ask the impossible.
        raise CoordinationError(_("回答期間が始まる前のため、督促メールは送れません。"))
    pending = {
        d.department.pk: d
        for d in round_progress(round, today=today).departments
        if d.status in PENDING
    }
    memberships = (
        Membership.objects.filter(
            role=Role.RESPONDENT, department_id__in=pending, user__is_active=True
        )
        .select_related("user")
        .order_by("department_id", "user_id")
    )
    sent = 0
    recipients = []
    with translation.override("ja"):
        for membership in memberships:
            progress = pending[membership.department_id]
            subject, body = reminder_message(
                round_=round, progress=progress, recipient=membership.user, base_url=base_url
            )
            if send_mail(subject, body, None, [membership.user.email]):
                sent += 1
                recipients.append(
                    {**detail.person(membership.user), "department": progress.department.name}
                )
    if sent:
        # After the e-mails, which no transaction could take back: the event names who got one.
        record(
            AuditAction.REMINDERS_SENT,
            user=user,
            municipality=round.municipality_id,
            target=str(round),
            detail={"round": detail.fiscal_year(round), "sent": sent, "recipients": recipients},
        )
    return sent


def rounds_to_remind(*, today: datetime.date | None = None):
    """Open rounds that have started: what `send_reminders` covers without --round."""
    today = today or today_in_japan()
    return Round.objects.filter(status=RoundStatus.OPEN, opens_on__lte=today).select_related(
        "municipality__prefecture", "edition"
    )
