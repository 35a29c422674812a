"""Evidence files: what is accepted (type by extension and content, size, name), where it is
stored, and who may download or remove it."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assessments import evidence as evidence_module
from assessments.evidence import EvidenceError, check_name, evidence_upload
from assessments.models import EvidenceFile, QuestionnaireStatus
from tests.assessment_factories import open_round
from tests.assessments.answering_support import HTMX, open_all_types
from tests.frontend.page import Page


@pytest.fixture
def all_types(personas):
    """Municipality A's open round; every indicator is department_a's (respondent_a)."""
    return open_all_types(personas)


PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _ooxml(main_part: str, *extra: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<x/>")
        for name in extra:
            package.writestr(name, "x")
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "根拠"
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def respondent(client, personas):
    client.force_login(personas.respondent_a)
    return client


def _upload_url(all_types, code="MAT-01"):
    return reverse("questionnaires:evidence_upload", args=[all_types.questionnaire.pk, code])


def _upload(client, all_types, name, content, *, htmx=True, code="MAT-01"):
    return client.post(
        _upload_url(all_types, code),
        {"file": SimpleUploadedFile(name, content)},
        **(HTMX if htmx else {}),
    )


# --- accepted ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("計画書.pdf", PDF, "application/pdf"),
        ("画面.PNG", PNG, "image/png"),
        ("写真.jpg", JPEG, "image/jpeg"),
        ("集計.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "報告.docx",
            _ooxml("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "説明.pptx",
            _ooxml("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("一覧.csv", "手続名,件数\n転入届,120\n".encode("cp932"), "text/csv"),
        ("メモ.txt", "根拠となる議事録の所在".encode(), "text/plain"),
    ],
)
def test_allowed_files_are_stored_under_a_random_name(
    respondent,
    all_types,
    media,
    name,
    content,
    content_type,
):
    response = _upload(respondent, all_types, name, content)
    assert response.status_code == 200, response.content.decode()[:400]
    stored = EvidenceFile.objects.get()
    assert stored.original_name == name
    assert stored.content_type == content_type
    assert stored.size == len(content)
    assert stored.uploaded_by.email
    relative = Path(stored.file.name)
    assert relative.parent == Path("evidence")
    assert len(relative.name) == 32 and int(relative.name, 16) >= 0
    assert (media / relative).read_bytes() == content
    html = response.content.decode()
    assert f"「{name}」を添付しました" in html
    assert (
        reverse("questionnaires:evidence_download", args=[all_types.questionnaire.pk, stored.pk])
        in html
    )


def test_without_javascript_an_upload_redirects_back(respondent, all_types):
    response = _upload(respondent, all_types, "計画書.pdf", PDF, htmx=False)
    assert response.status_code == 302
    indicator = all_types.indicator("MAT-01")
    assert response["Location"] == f"{all_types.area_url()}#indicator-{indicator.pk}"
    page = respondent.get(response["Location"]).content.decode()
    assert "「計画書.pdf」を添付しました" in page
    assert "計画書.pdf" in Page(page).one("div", id=f"evidence-{indicator.pk}").text


# --- refused -------------------------------------------------------------------------------


def test_without_javascript_a_refused_upload_shows_the_page_with_the_message(
    respondent,
    all_types,
):
    response = _upload(respondent, all_types, "setup.exe", b"MZ", htmx=False)
    assert response.status_code == 400
    page = Page(response.content.decode())
    pk = all_types.indicator("MAT-01").pk
    error = page.one("p", id=f"evidence-{pk}-error")
    assert "この種類のファイルは添付できません" in error.text
    field = page.one("input", id=f"a{pk}-file")
    assert field.attrs["aria-invalid"] == "true"
    assert f"evidence-{pk}-error" in field.attrs["aria-describedby"].split()
    assert "open" in page.one("details", id=f"a{pk}-add-file").attrs


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "この種類のファイルは添付できません"),
        ("page.html", b"<html><script>alert(1)</script>", "この種類のファイルは添付できません"),
        ("noextension", PDF, "この種類のファイルは添付できません"),
        ("偽物.pdf", PNG, "ファイルの中身が拡張子（.pdf）と一致しません"),
        ("偽物.png", b"<svg onload=alert(1)>", "ファイルの中身が拡張子（.png）と一致しません"),
        ("偽物.jpg", PDF, "一致しません"),
        ("macro.xlsx", _ooxml("xl/workbook.xml", "xl/vbaProject.bin"), "一致しません"),
        ("word.xlsx", _ooxml("word/document.xml"), "一致しません"),
        ("broken.docx", b"PK\x03\x04not really a zip", "一致しません"),
        ("binary.txt", b"text\x00with NUL", "一致しません"),
        ("program.csv", b"MZ\x90\x00rest", "一致しません"),
        ("empty.pdf", b"", "ファイルが空です"),
    ],
)
def test_wrong_types_are_refused_with_a_message(
    respondent,
    all_types,
    media,
    name,
    content,
    message,
):
    response = _upload(respondent, all_types, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert response["DX-Answer-State"] == "evidence"
    assert not EvidenceFile.objects.exists()
    assert not (media / "evidence").exists() or not any((media / "evidence").iterdir())


def test_a_file_over_10_mb_is_refused_without_being_kept(respondent, all_types, media):
    response = _upload(respondent, all_types, "大きい.pdf", PDF + b"0" * (10 * 1024 * 1024))
    assert response.status_code == 400
    assert "ファイルが大きすぎます" in response.content.decode()
    assert "10 MB" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    # Exactly 10 MB is fine.
    ok = _upload(respondent, all_types, "ちょうど.pdf", PDF + b"0" * (10 * 1024 * 1024 - len(PDF)))
    assert ok.status_code == 200


def test_the_service_refuses_a_large_file_too(personas, all_types):
    with pytest.raises(EvidenceError, match="大きすぎます"):
        evidence_upload(
            questionnaire=all_types.questionnaire,
            indicator=all_types.indicator("MAT-01"),
            upload=SimpleUploadedFile("x.pdf", PDF + b"0" * (10 * 1024 * 1024)),
            user=personas.respondent_a,
        )


def test_no_file_is_a_message_not_an_error(respondent, all_types):
    response = respondent.post(_upload_url(all_types), {}, **HTMX)
    assert response.status_code == 400
    assert "添付するファイルを選んでください" in response.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\evil.pdf",
        "C:\\Users\\x.pdf",
        "sub/dir.pdf",
        "..pdf..",
        ".htaccess.pdf",
        "a\x00b.pdf",
        "tab\there.pdf",
        "CON.pdf",
        "trailing.pdf ",
        "x" * 201 + ".pdf",
    ],
)
def test_traversal_and_unsafe_names_are_refused(personas, all_types, name):
    # Django already keeps only the last path component of an uploaded name; the service
    # checks the raw name again so that no caller (Excel import, tests) can slip one past.
    with pytest.raises(EvidenceError, match="ファイル名に使えない文字"):
        check_name(name)
    with pytest.raises(EvidenceError, match="ファイル名に使えない文字"):
        evidence_upload(
            questionnaire=all_types.questionnaire,
            indicator=all_types.indicator("MAT-01"),
            upload=SimpleUploadedFile("ok.pdf", PDF),
            user=personas.respondent_a,
            name=name,
        )
    assert not EvidenceFile.objects.exists()


def test_a_traversal_name_in_the_request_never_reaches_the_disk(
    respondent,
    all_types,
    media,
    tmp_path,
):
    boundary = "----dxportal"
    body = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="../../../outside.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = respondent.generic(
        "POST",
        _upload_url(all_types),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        **HTMX,
    )
    assert response.status_code == 200
    stored = EvidenceFile.objects.get()
    assert stored.original_name == "outside.pdf"
    assert Path(stored.file.path).resolve().is_relative_to(media.resolve())
    assert not (tmp_path / "outside.pdf").exists()


def test_the_number_of_files_per_answer_is_limited(personas, all_types, monkeypatch):
    monkeypatch.setattr(evidence_module, "MAX_FILES_PER_ANSWER", 2)
    for n in range(2):
        evidence_upload(
            questionnaire=all_types.questionnaire,
            indicator=all_types.indicator("MAT-01"),
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
            user=personas.respondent_a,
        )
    with pytest.raises(EvidenceError, match="2件まで"):
        evidence_upload(
            questionnaire=all_types.questionnaire,
            indicator=all_types.indicator("MAT-01"),
            upload=SimpleUploadedFile("3.pdf", PDF),
            user=personas.respondent_a,
        )


def test_a_locked_questionnaire_refuses_uploads_and_removals(respondent, all_types):
    _upload(respondent, all_types, "計画書.pdf", PDF)
    stored = EvidenceFile.objects.get()
    all_types.questionnaire.status = QuestionnaireStatus.SUBMITTED
    all_types.questionnaire.save()
    response = _upload(respondent, all_types, "追加.pdf", PDF)
    assert response.status_code == 400
    assert "提出済み" in response.content.decode()
    delete = reverse("questionnaires:evidence_delete", args=[all_types.questionnaire.pk, stored.pk])
    response = respondent.post(delete, **HTMX)
    assert response.status_code == 409
    assert EvidenceFile.objects.count() == 1


def test_csrf_is_enforced_on_upload_and_delete(personas, all_types):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.respondent_a)
    response = client.post(_upload_url(all_types), {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert response.status_code == 403
    assert not EvidenceFile.objects.exists()
    client.get(all_types.area_url())
    token = client.cookies["csrftoken"].value
    response = client.post(
        _upload_url(all_types),
        {"file": SimpleUploadedFile("a.pdf", PDF), "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    delete = reverse("questionnaires:evidence_delete", args=[all_types.questionnaire.pk, stored.pk])
    assert Client(enforce_csrf_checks=True).post(delete).status_code == 403
    client_no_token = Client(enforce_csrf_checks=True)
    client_no_token.force_login(personas.respondent_a)
    assert client_no_token.post(delete).status_code == 403
    assert EvidenceFile.objects.exists()


def test_get_does_not_upload(respondent, all_types):
    assert respondent.get(_upload_url(all_types)).status_code == 405


# --- download and removal ------------------------------------------------------------------


@pytest.fixture
def stored(respondent, all_types):
    _upload(respondent, all_types, "計画書（案）.pdf", PDF)
    return EvidenceFile.objects.get()


def _download_url(all_types, stored):
    return reverse("questionnaires:evidence_download", args=[all_types.questionnaire.pk, stored.pk])


@pytest.mark.parametrize("persona", ["respondent_a", "coordinator_a", "consultant"])
def test_download_is_an_attachment_that_is_never_sniffed_or_cached(
    client,
    personas,
    all_types,
    stored,
    persona,
):
    client.force_login(getattr(personas, persona))
    response = client.get(_download_url(all_types, stored))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Japanese name, encoded
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("persona", ["respondent_c", "coordinator_c", "catalogue_editor", "admin"])
def test_outsiders_cannot_download(client, personas, all_types, stored, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(_download_url(all_types, stored)).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(all_types, stored):
    response = Client().get(_download_url(all_types, stored))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_file_is_only_reachable_through_its_own_questionnaire(
    client,
    personas,
    all_types,
    stored,
):
    def another_round(municipality, coordinator, year):
        return open_round(
            municipality,
            coordinator,
            fiscal_year=year,
            opens_on=all_types.round.opens_on,
            closes_on=all_types.round.closes_on,
        ).questionnaires.get(department__name="DX推進課")

    # C's respondent has a questionnaire of their own but cannot reach A's file through it,
    questionnaire_c = another_round(personas.municipality_c, personas.coordinator_c, 2026)
    client.force_login(personas.respondent_c)
    url = reverse("questionnaires:evidence_download", args=[questionnaire_c.pk, stored.pk])
    assert client.get(url).status_code == 404
    # nor can A's respondent through another questionnaire of their own department.
    other = another_round(personas.municipality_a, personas.coordinator_a, 2027)
    client.force_login(personas.respondent_a)
    url = reverse("questionnaires:evidence_download", args=[other.pk, stored.pk])
    assert client.get(url).status_code == 404


def test_removing_a_file_deletes_it_from_the_disk_once_committed(
    respondent,
    all_types,
    stored,
    django_capture_on_commit_callbacks,
):
    path = Path(stored.file.path)
    assert path.exists()
    delete = reverse("questionnaires:evidence_delete", args=[all_types.questionnaire.pk, stored.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = respondent.post(delete, **HTMX)
    assert response.status_code == 200
    assert "「計画書（案）.pdf」を削除しました" in response.content.decode()
    assert not EvidenceFile.objects.exists()
    assert not path.exists()
    assert respondent.get(delete).status_code == 405


@pytest.mark.parametrize("persona", ["coordinator_a", "consultant", "respondent_c"])
def test_only_the_department_removes_files(client, personas, all_types, stored, persona):
    client.force_login(getattr(personas, persona))
    delete = reverse("questionnaires:evidence_delete", args=[all_types.questionnaire.pk, stored.pk])
    assert client.post(delete).status_code == 404
    assert EvidenceFile.objects.exists()


def test_file_names_are_escaped(respondent, all_types):
    name = "<img src=x onerror=alert(1)>.pdf"
    response = _upload(respondent, all_types, name, PDF)
    assert response.status_code == 400  # "<", ">" are not allowed in names
    assert "<img src=x" not in response.content.decode()
