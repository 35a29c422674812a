"""Where an answer's evidence is kept: a web address or a place on the municipality's file share.

Municipalities keep their documents on Windows file shares as often as in a
document system, so an evidence location is one of
- an http:// or https:// URL with a host (https://docs.example.lg.jp/…),
- a UNC path (\\\\server\\share\\folder\\file.pdf),
- a path on a mapped drive (S:\\folder\\file.xlsx).
It is stored exactly as typed, only trimmed: full-width letters in a folder
name are part of the path. Pages show it as text with a copy button and never
as a link, so no answer can send a reader's browser to another host.

Pure (no database): the answering page, the Excel import (both through
assessments.answer_values) and the model's validator call `check_evidence_location`.
"""

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dxportal.text_limits import URL_MAX, too_long_message

# Characters Windows refuses in a file or folder name (the separator \ aside).
_NAME = r'[^\\/:*?"<>|]+'
UNC_PATH = re.compile(rf"\\\\{_NAME}\\{_NAME}(\\{_NAME})*\\?")
DRIVE_PATH = re.compile(rf"[A-Za-z]:\\({_NAME}(\\{_NAME})*\\?)?")
# Shown in the hint and the message; kept out of the translated words (no backslashes there).
EXAMPLES = {"unc": r"\\サーバー名\共有名\…", "drive": r"S:\…"}


def _is_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in {"http", "https"} and bool(parts.netloc) and " " not in text


def _is_file_share_path(text: str) -> bool:
    return bool(UNC_PATH.fullmatch(text) or DRIVE_PATH.fullmatch(text))


def check_evidence_location(raw: object) -> str:
    """The location as it is stored (trimmed), "" for none; ValueError with the message otherwise."""
    text = str(raw or "").strip()
    if text == "":
        return ""
    if len(text) > URL_MAX:
        raise ValueError(too_long_message(limit=URL_MAX, length=len(text)))
    # Control and invisible formatting characters (a right-to-left override among them)
    # would make the text shown differ from the place it names.
    if any(unicodedata.category(c).startswith("C") for c in text) or not (
        _is_url(text) or _is_file_share_path(text)
    ):
        raise ValueError(
            _(
                "http:// または https:// で始まるURLか、"
                "ファイル共有の場所（%(unc)s や %(drive)s）を入力してください。"
            )
            % EXAMPLES
        )
    return text


def evidence_location_hint() -> str:
    """The words next to the input, with the same examples as the message."""
    return (
        _(
            "文書管理システムなどのURL（http:// または https://）か、"
            "ファイル共有の場所（%(unc)s や %(drive)s）。入力したとおりに保存します。"
        )
        % EXAMPLES
    )


def validate_evidence_location(value: str) -> None:
    """The model field's validator: the same rule as the pages and the Excel import."""
    try:
        check_evidence_location(value)
    except ValueError as problem:
        raise ValidationError(str(problem), code="invalid") from None
