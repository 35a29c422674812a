"""Looking inside a PDF with poppler-utils (pdffonts, pdftotext, pdfinfo, pdftoppm) and Pillow.

`pdftotext` extracts perfect Japanese even when every glyph is missing, so
tests also check the embedded fonts and look at the rendered pixels.
"""

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

POPPLER = ("pdffonts", "pdftotext", "pdfinfo", "pdftoppm")

HAVE_POPPLER = all(shutil.which(tool) for tool in POPPLER)
if not HAVE_POPPLER and os.environ.get("REQUIRE_POPPLER") == "1":
    # CI installs poppler-utils: there a missing tool must fail, never skip the PDF checks.
    raise RuntimeError("REQUIRE_POPPLER=1 but poppler-utils is not installed")
needs_poppler = pytest.mark.skipif(
    not HAVE_POPPLER,
    reason="poppler-utils is not installed (apt-get install poppler-utils)",
)


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(
            [tool, *args, str(path), *([] if tool != "pdftotext" else ["-"])],
            capture_output=True,
            check=True,
            timeout=60,
        )
    return result.stdout.decode()


@dataclass(frozen=True)
class EmbeddedFont:
    name: str  # without the subset prefix (ABCDEF+)
    embedded: bool
    subset: bool


def fonts(pdf: bytes) -> list[EmbeddedFont]:
    """The fonts pdffonts lists."""
    rows = _run("pdffonts", pdf).splitlines()[2:]
    found = []
    for row in rows:
        name, *_middle, emb, sub, _uni, _object, _generation = row.split()
        found.append(
            EmbeddedFont(name=name.split("+", 1)[-1], embedded=emb == "yes", subset=sub == "yes")
        )
    return found


def text(pdf: bytes, *, layout: bool = False) -> str:
    """The text, pages separated by form feeds; `layout` keeps a line's parts on one line."""
    return _run("pdftotext", pdf, "-enc", "UTF-8", *(["-layout"] if layout else []))


def info(pdf: bytes) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in _run("pdfinfo", pdf).splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def page_image(pdf: bytes, page: int = 1, resolution: int = 50) -> Image.Image:
    """One page rendered by pdftoppm, in greyscale."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                *("pdftoppm", "-png", "-singlefile", "-r", str(resolution)),
                *("-f", str(page), "-l", str(page), str(path), str(Path(folder) / "page")),
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        with Image.open(Path(folder) / "page.png") as image:
            return image.convert("L")


def ink(image: Image.Image) -> int:
    """How many pixels are not (nearly) white."""
    return sum(count for value, count in enumerate(image.histogram()) if value < 200)


def catalog(pdf: bytes) -> bytes:
    """The document catalog dictionary (WeasyPrint puts it in a compressed object stream)."""
    chunks = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(pdf[match.end() : end]))
    for chunk in chunks:
        start = chunk.find(b"<</Type /Catalog")
        if start >= 0:
            return chunk[start : chunk.find(b"\n", start)]
    raise AssertionError("no document catalog found")
