"""The only way WeasyPrint may load anything while rendering a report: the project's static files.

Reports contain text people typed (comments, evidence links, names), and
WeasyPrint by default fetches whatever a document points at: http(s) (an
SSRF from the server's network position, ASVS 1.3.6), file: (any file the
process can read) and data: URIs. The report's own resources are addressed
as `dxstatic:<path below static/>` (the fonts of templates/reports/report.css) and resolved with
Django's static-file finders; every other URL is refused before anything is
opened, and WeasyPrint leaves the refused resource out.

"""

import mimetypes
import posixpath
from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "dxstatic:"


class RefusedURL(ValueError):
    """A report tried to load something other than a project static file."""


def static_path(url: str) -> Path:
    """The file behind a dxstatic: URL; RefusedURL for any other URL or a path leaving static/."""
    if not url.startswith(SCHEME):
        raise RefusedURL(f"reports load project static files only, not {url[:80]!r}")
    path = url.removeprefix(SCHEME)
    # No query, fragment, backslash, absolute path or parent segment: one plain relative path.
    if (
        not path
        or any(char in path for char in "?#\\%")
        or path.startswith("/")
        or posixpath.normpath(path) != path
        or ".." in path.split("/")
    ):
        raise RefusedURL(f"not a plain static path: {path[:80]!r}")
    found = finders.find(path)
    if not found:
        raise RefusedURL(f"no such static file: {path[:80]!r}")
    return Path(found)


class StaticFilesFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves dxstatic: URLs and refuses everything else."""

    def fetch(self, url, headers=None):
        path = static_path(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
