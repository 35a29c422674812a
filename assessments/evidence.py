"""Evidence files attached to an answer: checked on the way in, served only through a view.

A file is accepted when its name is a plain file name (no folders, no
traversal, no control characters), its extension is on the list, its first
bytes really are that kind of file, and it is at most 10 MB. It is stored
under MEDIA_ROOT with a random name (EvidenceFile.file's upload_to); the
uploader's name is kept only as text. MEDIA_ROOT has no URL: files are
served by the authorising download view as attachments.
"""

import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from assessments.locking import questionnaire_for_update
from assessments.models import Answer, EvidenceFile, Questionnaire
from audit import detail
from audit.models import AuditAction
from audit.recording import record

MAX_SIZE = 10 * 1024 * 1024
MAX_SIZE_LABEL = "10 MB"
MAX_FILES_PER_ANSWER = 20
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str


KINDS = {
    "pdf": Kind("application/pdf", "PDF"),
    "png": Kind("image/png", "PNG"),
    "jpg": Kind("image/jpeg", "JPEG"),
    "jpeg": Kind("image/jpeg", "JPEG"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
    "pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint"
    ),
    "csv": Kind("text/csv", "CSV"),
    "txt": Kind("text/plain", "テキスト"),
}
# The part an Office Open XML package of each kind must contain.
OOXML_MAIN_PART = {
    "xlsx": "xl/workbook.xml",
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
}
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"PK\x03\x04", b"MZ", b"\x7fELF")
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10))} | {
    f"lpt{n}" for n in range(10)
}


class EvidenceError(Exception):
    pass


def allowed_extensions_label() -> str:
    """「PDF、PNG、JPEG、Excel（.xlsx）…」 for the hint next to the file input."""
    seen: dict[str, str] = {}
    for extension, kind in KINDS.items():
        if kind.label not in seen:
            seen[kind.label] = (
                kind.label if kind.label.lower() == extension else f"{kind.label}（.{extension}）"
            )
    return "、".join(seen.values())


def check_name(name: str) -> str:
    """The name if it is a plain, safe file name; raises EvidenceError otherwise."""
    name = unicodedata.normalize("NFC", name or "")
    if (
        not name.strip()
        or len(name) > MAX_NAME_LENGTH
        or any(c in name for c in '/\\:*?"<>|')
        or ".." in name
        or name.startswith(".")
        or name.endswith((".", " "))
        or any(unicodedata.category(c).startswith("C") for c in name)
        or name.split(".")[0].lower() in WINDOWS_RESERVED
    ):
        raise EvidenceError(
            _(
                'ファイル名に使えない文字が含まれています。フォルダ名や記号（/ \\ : * ? " < > |）を含まない名前にしてください。'
            )
        )
    return name


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(extension: str, head: bytes, upload: UploadedFile) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in {"jpg", "jpeg"}:
        return head.startswith(b"\xff\xd8\xff")
    if extension in OOXML_MAIN_PART:
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            # Only the central directory is read: nothing is decompressed.
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        finally:
            upload.seek(0)
        # No macros: a macro-enabled workbook renamed to .xlsx is refused.
        return (
            "[Content_Types].xml" in names
            and OOXML_MAIN_PART[extension] in names
            and not any(n.lower().endswith("vbaproject.bin") for n in names)
        )
    if extension in {"csv", "txt"}:
        return _is_text(head)
    return False


def _is_text(head: bytes) -> bool:
    """UTF-8 or Shift_JIS (cp932) text without NUL bytes and not some binary format."""
    if head.startswith(BINARY_SIGNATURES) or b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        # The sample may end inside a multi-byte character: allow up to 3 bytes cut off.
        for cut in range(4):
            try:
                head[: len(head) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return True
    return False


def check_upload(upload: UploadedFile, name: str | None = None) -> tuple[str, Kind]:
    """(safe name, kind) of an acceptable upload; raises EvidenceError with a message otherwise."""
    name = check_name(upload.name if name is None else name)
    extension = extension_of(name)
    kind = KINDS.get(extension)
    if kind is None:
        raise EvidenceError(
            _("この種類のファイルは添付できません。添付できるのは %(types)s です。")
            % {"types": allowed_extensions_label()}
        )
    if upload.size > MAX_SIZE:
        raise EvidenceError(
            _("ファイルが大きすぎます（%(size)s）。%(max)s以下にしてください。")
            % {"size": filesizeformat(upload.size), "max": MAX_SIZE_LABEL}
        )
    if upload.size == 0:
        raise EvidenceError(_("ファイルが空です。"))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if not _looks_like(extension, head, upload):
        raise EvidenceError(
            _(
                "ファイルの中身が拡張子（.%(ext)s）と一致しません。%(label)sのファイルを選んでください。"
            )
            % {"ext": extension, "label": kind.label}
        )
    return name, kind


@transaction.atomic
def evidence_upload(
    *, questionnaire: Questionnaire, indicator, upload: UploadedFile, user, name: str | None = None
) -> EvidenceFile:
    """Attach `upload` to the department's answer to `indicator` (created empty if need be).

    `name` overrides upload.name (which Django has already reduced to its last
    path component) so the check can be exercised with any raw name.
    """
    safe_name, kind = check_upload(upload, name)
    # The same row lock as answer_save: no upload slips in after submission.
    locked = questionnaire_for_update(questionnaire.pk, "department")
    answer, _created = Answer.objects.get_or_create(
        questionnaire=locked, indicator=indicator, defaults={"version": 0}
    )
    if answer.files.count() >= MAX_FILES_PER_ANSWER:
        raise EvidenceError(
            _("1つの設問に添付できるファイルは%(max)d件までです。") % {"max": MAX_FILES_PER_ANSWER}
        )
    evidence = EvidenceFile(
        answer=answer,
        original_name=safe_name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    evidence.file.save("upload", upload, save=False)  # evidence/<random hex>
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    record(
        AuditAction.UPLOAD,
        user=user,
        municipality=locked.round.municipality_id,
        target=safe_name,
        detail={
            "questionnaire": detail.questionnaire(locked),
            "indicator": detail.indicator(indicator),
            "file": safe_name,
        },
    )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: EvidenceFile, user) -> None:
    locked = questionnaire_for_update(evidence.answer.questionnaire_id, "department")
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    record(
        AuditAction.EVIDENCE_DELETED,
        user=user,
        municipality=locked.round.municipality_id,
        target=evidence.original_name,
        detail={
            "questionnaire": detail.questionnaire(locked),
            "indicator": detail.indicator(evidence.answer.indicator),
            "file": evidence.original_name,
        },
    )
    transaction.on_commit(lambda: storage.delete(name))


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes MAX_SIZE, so no large temporary file is written.

    Put first in request.upload_handlers before request.POST or FILES is read;
    sets request.evidence_too_large when it skipped a file.
    """

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_SIZE:
            self.request.evidence_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
