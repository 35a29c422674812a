"""Assignments, evidence deletion and the catalogue's retirement and draft deletion each
leave one event that names what changed as a person would; a refused action leaves none."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.coordination import CoordinationError, assignment_set, round_close
from assessments.evidence import EvidenceError, evidence_delete, evidence_upload
from assessments.locking import QuestionnaireLocked
from audit.describing import describe
from audit.models import AuditAction, AuditEvent
from frameworks.models import Edition, EditionStatus
from frameworks.services import CatalogueError, edition_delete_draft, edition_retire
from tests.frameworks.factories import make_edition

pytestmark = pytest.mark.django_db


def _only_event(action: AuditAction) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def _none(action: AuditAction) -> bool:
    return not AuditEvent.objects.filter(action=action).exists()


# --- assignments --------------------------------------------------------------------------


def _assign(open_round, personas, departments, owner, user=None):
    return assignment_set(
        round=open_round,
        indicator=open_round.edition.indicators.get(code="STD-01"),
        departments=departments,
        owner=owner,
        user=user or personas.coordinator_a,
    )


def test_sharing_an_indicator_names_the_departments_before_and_after(open_round, personas):
    dx, tax = personas.department_a, personas.other_department_a  # DX推進課, 税務課
    _assign(open_round, personas, [dx, tax], owner=dx)
    event = _only_event(AuditAction.ASSIGNMENT_CHANGED)
    assert (event.actor, event.municipality) == (personas.coordinator_a, personas.municipality_a)
    assert event.target == f"{open_round} STD-01"
    assert describe(event) == (
        "2026年度（令和8年度）の評価ラウンドのSTD-01 指標1の取組状況を選んでください。の担当を変更しました："
        "回答する部署：DX推進課 → DX推進課、税務課"
    )


def test_handing_an_indicator_over_names_the_old_and_new_owner(open_round, personas):
    _assign(open_round, personas, [personas.other_department_a], owner=personas.other_department_a)
    assert describe(_only_event(AuditAction.ASSIGNMENT_CHANGED)).endswith(
        "の担当を変更しました：回答する部署：DX推進課 → 税務課／主担当：DX推進課 → 税務課"
    )


def test_an_unchanged_assignment_records_nothing(open_round, personas):
    _assign(open_round, personas, [personas.department_a], owner=personas.department_a)
    assert _none(AuditAction.ASSIGNMENT_CHANGED)


def test_a_refused_assignment_records_nothing(open_round, personas):
    dx, tax = personas.department_a, personas.other_department_a
    with pytest.raises(PermissionDenied):
        _assign(open_round, personas, [dx, tax], owner=dx, user=personas.respondent_a)
    with pytest.raises(CoordinationError):  # the owner must be one of the departments
        _assign(open_round, personas, [dx], owner=tax)
    assert _none(AuditAction.ASSIGNMENT_CHANGED)


# --- evidence -----------------------------------------------------------------------------


@pytest.fixture
def evidence(questionnaire, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return evidence_upload(
        questionnaire=questionnaire,
        indicator=questionnaire.round.assignments.order_by("pk").first().indicator,
        upload=SimpleUploadedFile("庁内規程.pdf", b"%PDF-1.7\n..."),
        user=personas.respondent_a,
    )


def _delete_url(evidence) -> str:
    return reverse(
        "questionnaires:evidence_delete",
        kwargs={"questionnaire_id": evidence.answer.questionnaire_id, "file_id": evidence.pk},
    )


def test_deleting_evidence_names_the_file_the_department_and_the_indicator(
    client, evidence, personas
):
    client.force_login(personas.respondent_a)
    client.post(_delete_url(evidence), REMOTE_ADDR="198.51.100.4")
    event = _only_event(AuditAction.EVIDENCE_DELETED)
    assert (event.actor, event.municipality) == (personas.respondent_a, personas.municipality_a)
    assert (event.target, event.ip_address) == ("庁内規程.pdf", "198.51.100.4")
    indicator = evidence.answer.indicator
    assert describe(event) == (
        f"DX推進課の2026年度（令和8年度）の調査票の{indicator.code} {indicator.question[:40]}"
        "から根拠資料「庁内規程.pdf」を削除しました。"
    )


def test_refused_evidence_deletion_records_nothing(client, evidence, open_round, personas):
    client.force_login(personas.respondent_c)  # another municipality's: a 404
    assert client.post(_delete_url(evidence)).status_code == 404
    round_close(round=open_round, user=personas.coordinator_a)
    with pytest.raises((EvidenceError, QuestionnaireLocked)):
        evidence_delete(evidence=evidence, user=personas.respondent_a)
    assert _none(AuditAction.EVIDENCE_DELETED)


# --- catalogue ----------------------------------------------------------------------------


def test_retiring_an_edition_is_recorded_with_its_code_version_and_title(client, personas):
    published = make_edition(title="自治体DX推進計画 第3版")
    client.force_login(personas.catalogue_editor)
    # The confirmation page's button (frameworks.forms.ConfirmForm).
    client.post(
        reverse("frameworks:editor_retire", kwargs={"edition_id": published.pk}),
        {"confirm": "True"},
    )
    event = _only_event(AuditAction.CATALOGUE_RETIRED)
    assert (event.actor, event.municipality) == (personas.catalogue_editor, None)
    assert event.target == f"{published.framework.code} {published.version}"
    assert describe(event) == (
        f"評価枠組みの版「自治体DX推進計画 第3版」（{published.version}）を廃止しました。"
    )


def test_refused_retirement_records_nothing(client, personas):
    published = make_edition()
    client.force_login(personas.coordinator_a)  # not a catalogue editor
    client.post(reverse("frameworks:editor_retire", kwargs={"edition_id": published.pk}))
    with pytest.raises(CatalogueError):  # only a published edition can be retired
        edition_retire(edition=make_edition(status=EditionStatus.DRAFT))
    assert Edition.objects.get(pk=published.pk).status == EditionStatus.PUBLISHED
    assert _none(AuditAction.CATALOGUE_RETIRED)


def test_deleting_a_draft_is_recorded_with_its_code_version_and_title(client, personas):
    draft = make_edition(status=EditionStatus.DRAFT, title="改訂案")
    target = f"{draft.framework.code} {draft.version}"
    client.force_login(personas.catalogue_editor)
    client.post(reverse("frameworks:editor_delete", kwargs={"edition_id": draft.pk}))
    assert not Edition.objects.filter(pk=draft.pk).exists()
    event = _only_event(AuditAction.CATALOGUE_DRAFT_DELETED)
    assert (event.actor, event.municipality) == (personas.catalogue_editor, None)
    assert event.target == target
    assert describe(event) == f"評価枠組みの下書き「改訂案」（{draft.version}）を削除しました。"


def test_refused_draft_deletion_records_nothing(client, personas):
    draft = make_edition(status=EditionStatus.DRAFT)
    client.force_login(personas.coordinator_a)  # not a catalogue editor
    client.post(reverse("frameworks:editor_delete", kwargs={"edition_id": draft.pk}))
    with pytest.raises(CatalogueError):  # a published edition is no draft
        edition_delete_draft(edition=make_edition())
    assert Edition.objects.filter(pk=draft.pk).exists()
    assert _none(AuditAction.CATALOGUE_DRAFT_DELETED)
