"""Every recorded action leaves one event saying who, what, where and from which address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.answer_values import AnswerValues
from assessments.answering import answer_save
from assessments.coordination import (
    questionnaire_approve,
    questionnaire_reopen,
    questionnaire_return,
)
from assessments.evidence import evidence_upload
from assessments.submitting import SubmitError, questionnaire_submit
from assessments.workbooks.importing import import_apply
from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from exports.bulk import export_job_create
from frameworks.models import EditionStatus
from tests.assessments.test_coordination_review import answer_everything
from tests.frameworks.factories import make_edition
from tests.personas import PASSWORD
from tests.reports.report_support import report_round

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _last_pk() -> int:
    """The newest event so far (the fixtures' round opening among them)."""
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _only_event(action: AuditAction) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def _sign_in(client, email, password=PASSWORD):
    # X-Forwarded-For is anyone's to send: the address comes from REMOTE_ADDR, as for django-axes.
    return client.post(
        LOGIN,
        {"username": email, "password": password},
        REMOTE_ADDR="192.0.2.7",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )


# --- signing in ---------------------------------------------------------------------------


def test_sign_in_is_recorded_with_the_client_address(client, personas):
    _sign_in(client, personas.coordinator_a.email)
    event = _only_event(AuditAction.LOGIN)
    assert event.actor == personas.coordinator_a
    assert event.actor_email == personas.coordinator_a.email
    assert event.ip_address == "192.0.2.7"


def test_failed_sign_in_names_the_attempted_account_without_the_password(client, personas):
    _sign_in(client, "nobody@example.jp", "secret-guess-1")
    event = _only_event(AuditAction.LOGIN_FAILED)
    assert event.actor is None
    assert event.actor_email == "nobody@example.jp"
    assert event.ip_address == "192.0.2.7"
    assert "secret-guess-1" not in str(event.detail)


def test_lockout_is_recorded(client, personas, settings):
    email = personas.coordinator_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, email, "wrong-password-1")
    assert _sign_in(client, email).status_code == 429
    event = AuditEvent.objects.filter(action=AuditAction.LOCKOUT).first()
    assert event is not None
    assert (event.actor_email, event.ip_address) == (email, "192.0.2.7")
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


# --- answering and review -----------------------------------------------------------------


def _save(questionnaire, personas, base_version: int, **values):
    """respondent_a answers the questionnaire's first assigned indicator."""
    return answer_save(
        questionnaire=questionnaire,
        indicator=questionnaire.round.assignments.order_by("pk").first().indicator,
        values=AnswerValues(**values),
        base_version=base_version,
        user=personas.respondent_a,
    )


def test_answer_change_records_old_and_new_values(questionnaire, personas):
    indicator = _save(questionnaire, personas, 0, level=2).answer.indicator
    _save(questionnaire, personas, 1, level=3, comment="見直し")
    events = AuditEvent.objects.filter(action=AuditAction.ANSWER_CHANGED).order_by("pk")
    where = f"DX推進課の2026年度（令和8年度）の調査票の{indicator.code} {indicator.question[:40]}"
    assert [describe(event) for event in events] == [
        f"{where}の回答を変更しました：現在値：（なし） → レベル2（一部で実施）",
        f"{where}の回答を変更しました："
        "現在値：レベル2（一部で実施） → レベル3（全庁で実施）／コメント：（なし） → 見直し",
    ]
    last = events.last()
    assert last.actor == personas.respondent_a
    assert last.municipality == personas.municipality_a
    assert indicator.code in last.target


def test_an_unchanged_or_conflicting_save_records_nothing(questionnaire, personas):
    _save(questionnaire, personas, 0, level=2)
    _save(questionnaire, personas, 1, level=2)  # nothing changed
    _save(questionnaire, personas, 0, level=4)  # conflict
    assert AuditEvent.objects.filter(action=AuditAction.ANSWER_CHANGED).count() == 1


def test_submission_and_review_are_recorded(questionnaire, personas):
    answer_everything(questionnaire, personas.respondent_a)
    before = _last_pk()
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    questionnaire_return(questionnaire=questionnaire, user=personas.coordinator_a, comment="根拠を")
    questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    questionnaire_approve(questionnaire=questionnaire, user=personas.coordinator_a)
    questionnaire_reopen(questionnaire=questionnaire, user=personas.coordinator_a)
    actions = list(
        AuditEvent.objects.filter(municipality=personas.municipality_a, pk__gt=before)
        .order_by("pk")
        .values_list("action", "actor_email")
    )
    respondent, coordinator = personas.respondent_a.email, personas.coordinator_a.email
    assert actions == [
        (AuditAction.QUESTIONNAIRE_SUBMITTED, respondent),
        (AuditAction.QUESTIONNAIRE_RETURNED, coordinator),
        (AuditAction.QUESTIONNAIRE_SUBMITTED, respondent),
        (AuditAction.QUESTIONNAIRE_APPROVED, coordinator),
        (AuditAction.QUESTIONNAIRE_REOPENED, coordinator),
    ]
    assert describe(_only_event(AuditAction.QUESTIONNAIRE_RETURNED)) == (
        "DX推進課の2026年度（令和8年度）の調査票を差し戻しました。（コメント：根拠を）"
    )


def test_a_refused_action_leaves_no_event(questionnaire, personas):
    before = _last_pk()
    with pytest.raises(SubmitError):  # nothing answered yet
        questionnaire_submit(questionnaire=questionnaire, user=personas.respondent_a)
    assert not AuditEvent.objects.filter(pk__gt=before).exists()


def test_answer_changes_through_the_page_carry_the_client_address(client, questionnaire, personas):
    """answer_save has no request: the address comes from the request being served."""
    indicator = questionnaire.round.assignments.first().indicator
    client.force_login(personas.respondent_a)
    url = reverse(
        "questionnaires:answer_save",
        kwargs={"questionnaire_id": questionnaire.pk, "indicator_code": indicator.code},
    )
    client.post(url, {"base_version": 0, "level": 2}, REMOTE_ADDR="198.51.100.4")
    event = _only_event(AuditAction.ANSWER_CHANGED)
    assert (event.actor, event.ip_address) == (personas.respondent_a, "198.51.100.4")


# --- uploads ------------------------------------------------------------------------------


def test_evidence_upload_is_recorded(questionnaire, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    indicator = questionnaire.round.assignments.first().indicator
    evidence_upload(
        questionnaire=questionnaire,
        indicator=indicator,
        upload=SimpleUploadedFile("根拠.pdf", b"%PDF-1.7\n..."),
        user=personas.respondent_a,
    )
    event = _only_event(AuditAction.UPLOAD)
    assert (event.target, event.municipality) == ("根拠.pdf", personas.municipality_a)
    assert describe(event) == (
        f"DX推進課の2026年度（令和8年度）の調査票の{indicator.code} {indicator.question[:40]}"
        "に根拠資料「根拠.pdf」を添付しました。"
    )


def test_workbook_import_is_recorded(questionnaire, personas):
    assert import_apply(questionnaire=questionnaire, changes=[], user=personas.respondent_a) == []
    event = _only_event(AuditAction.UPLOAD)
    assert event.actor == personas.respondent_a
    assert describe(event) == (
        "DX推進課の2026年度（令和8年度）の調査票にExcelファイルから0件の回答を取り込みました。"
    )


# --- exports and downloads ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [("table_csv", {"table": "answers"}), ("workbook", {}), ("document", {})],
)
def test_data_exports_are_recorded(client, open_round, personas, name, kwargs):
    client.force_login(personas.consultant)
    url = reverse(
        f"exports:{name}",
        kwargs={"code": personas.municipality_a.code, "round_id": open_round.pk, **kwargs},
    )
    assert client.get(url).status_code == 200
    event = _only_event(AuditAction.EXPORT)
    assert (event.actor, event.municipality) == (personas.consultant, personas.municipality_a)
    assert event.target.startswith(f"round {open_round.pk}")


def test_report_download_is_recorded(client, personas):
    round_ = report_round(personas, indicators=3, areas=1)
    client.force_login(personas.coordinator_a)
    url = reverse(
        "reports:municipality", kwargs={"code": round_.municipality.code, "round_id": round_.pk}
    )
    assert client.get(url).status_code == 200
    event = _only_event(AuditAction.REPORT_DOWNLOADED)
    assert event.actor == personas.coordinator_a
    assert event.target.endswith(".pdf")


def test_bulk_export_start_is_recorded(personas):
    export_job_create(
        owner=personas.consultant, municipalities=[personas.municipality_a], fiscal_year=2026
    )
    event = _only_event(AuditAction.BULK_EXPORT_STARTED)
    assert event.actor == personas.consultant
    assert event.detail == {"municipalities": 1, "fiscal_year": 2026}


# --- catalogue ----------------------------------------------------------------------------


def test_catalogue_publication_is_recorded(client, personas):
    draft = make_edition(status=EditionStatus.DRAFT, indicators=3)
    client.force_login(personas.catalogue_editor)
    # The confirmation page's button (frameworks.forms.ConfirmForm).
    client.post(
        reverse("frameworks:editor_publish", kwargs={"edition_id": draft.pk}), {"confirm": "True"}
    )
    draft.refresh_from_db()
    assert draft.status == EditionStatus.PUBLISHED
    event = _only_event(AuditAction.CATALOGUE_PUBLISHED)
    assert event.actor == personas.catalogue_editor
    assert event.target == f"{draft.framework.code} {draft.version}"
    assert event.municipality is None
