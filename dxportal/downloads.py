"""Download responses: an attachment with a Japanese file name and an ASCII fallback."""

from urllib.parse import quote

from django.http import HttpResponse


def attachment_header(filename: str, fallback: str) -> str:
    """Content-Disposition with RFC 6266/5987 `filename*` (UTF-8) and a plain ASCII `filename`.

    Browsers use `filename*` (the Japanese name); the ASCII name is for old
    clients and tools that read only `filename`.
    """
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def attachment(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename, fallback)
    return response
