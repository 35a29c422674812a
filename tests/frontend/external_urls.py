"""Find references to other hosts in static files, templates and rendered pages.

The portal runs inside LGWAN, so nothing it serves may make a browser fetch
from another host (SECURITY.md items 12 and 14). The rule, applied to the text
of .css, .js, .html and .svg files and to templates:

1. Comments are removed first, because a browser never loads a URL written in
   a comment: licence banners (`/*! Bootstrap ... https://getbootstrap.com */`),
   `//# sourceMappingURL=...` lines (and the map is on our own host anyway),
   `<!-- -->`, `{# #}` and `{% comment %}`. In JavaScript only comments that
   cannot be code are removed (`/*! ... */` banners and comments that start a
   line), since a naive `//` or `/*` cut would also cut string literals.
2. XML namespace names (`xmlns='http://www.w3.org/2000/svg'`, e.g. inside
   Bootstrap's data: SVG icons) are removed: they are identifiers, never fetched.
3. What remains must contain no absolute URL (`http://`, `https://`, `ws://`,
   `ftp://`, also JSON-escaped `https:\\/\\/`) and no protocol-relative URL
   (`//host` in CSS `url()`/`@import`, in an HTML attribute, or as a JS string).
4. Anything else must be listed in ALLOWED below with the reason it is never
   fetched; a test fails when an entry is no longer needed.
"""

import re
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

SCANNED_SUFFIXES = {".css", ".js", ".mjs", ".html", ".svg", ".txt", ".xml"}

# (file relative to the repository, exact URL) -> why it is never fetched.
ALLOWED: dict[tuple[str, str], str] = {
    ("static/vendor/bootstrap/js/bootstrap.bundle.min.js", "https://popper.js.org/docs/v2/"): (
        "text of the TypeError Bootstrap throws if Popper is missing (the bundle includes "
        "Popper, so it is never thrown); an error message, never fetched"
    ),
}

_ABSOLUTE = re.compile(r"""(?i)\b(?:https?|wss?|ftps?):(?:\\?/){2}[^\s'"`<>()\\]*""")
_CSS_RELATIVE = re.compile(r"""(?i)(?:url\(\s*|@import\s+)['"]?\s*(//[^\s'")]+)""")
_HTML_ATTR_RELATIVE = re.compile(r"""(?i)\b[\w:.-]+\s*=\s*['"]?\s*(//[^/\s'"<>][^\s'"<>]*)""")
_JS_STRING_RELATIVE = re.compile(r"""['"`](//[\w-]+(?:\.[\w-]+)+[^\s'"`]*)""")
_XML_NAMESPACE = re.compile(
    r"""xmlns(?::[\w-]+)?\s*=\s*(['"]|%22|%27)https?://www\.w3\.org/[^'"%]*\1"""
)

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_JS_BANNER = re.compile(r"/\*!.*?\*/", re.S)
_JS_LINE_BLOCK_COMMENT = re.compile(r"^[ \t]*/\*.*?\*/", re.S | re.M)
_JS_LINE_COMMENT = re.compile(r"^[ \t]*//.*$", re.M)
_SOURCE_MAP = re.compile(r"//[#@] sourceMappingURL=\S+")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DJANGO_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}", re.S)


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    url: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.url}"


def _blank(match: re.Match) -> str:
    # Keep newlines so that line numbers in findings stay right.
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_unfetched(text: str, kind: str) -> str:
    """Remove what a browser never fetches (comments, XML namespace names)."""
    if kind == "css":
        text = _CSS_COMMENT.sub(_blank, text)
    elif kind == "js":
        text = _JS_BANNER.sub(_blank, text)
        text = _SOURCE_MAP.sub(_blank, text)
        text = _JS_LINE_BLOCK_COMMENT.sub(_blank, text)
        text = _JS_LINE_COMMENT.sub(_blank, text)
    else:  # html, templates, svg
        text = _HTML_COMMENT.sub(_blank, text)
        text = _DJANGO_COMMENT.sub(_blank, text)
    return _XML_NAMESPACE.sub(_blank, text)


def kind_of(path: Path) -> str:
    return {".css": "css", ".js": "js", ".mjs": "js"}.get(path.suffix, "html")


def find_external_urls(text: str, kind: str, path: str = "<string>") -> list[Finding]:
    """Every reference to another host left in `text` after strip_unfetched()."""
    text = strip_unfetched(text, kind)
    patterns = [_ABSOLUTE]
    if kind == "css":
        patterns.append(_CSS_RELATIVE)
    elif kind == "js":
        patterns.append(_JS_STRING_RELATIVE)
    else:
        patterns += [_HTML_ATTR_RELATIVE, _CSS_RELATIVE]  # inline <style> too
    findings = set()
    for pattern in patterns:
        for match in pattern.finditer(text):
            url = match.group(match.lastindex or 0)
            line = text.count("\n", 0, match.start()) + 1
            findings.add(Finding(path, line, url))
    return sorted(findings, key=lambda f: (f.line, f.url))


def scan_file(path: Path) -> list[Finding]:
    """Findings in a file, minus the ALLOWED ones."""
    relative = path.relative_to(BASE_DIR).as_posix()
    text = path.read_text(encoding="utf-8")
    return [
        f
        for f in find_external_urls(text, kind_of(path), relative)
        if (relative, f.url) not in ALLOWED
    ]


def static_files() -> list[Path]:
    return sorted(
        p for p in (BASE_DIR / "static").rglob("*") if p.is_file() and p.suffix in SCANNED_SUFFIXES
    )


def template_files() -> list[Path]:
    """templates/ and any first-party app's templates/ (never .venv or var)."""
    roots = [BASE_DIR / "templates"] + [
        p
        for p in BASE_DIR.glob("*/templates")
        if not p.parent.name.startswith(".") and p.parent.name not in {"var", "node_modules"}
    ]
    return sorted(
        p
        for root in roots
        if root.is_dir()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in SCANNED_SUFFIXES
    )
