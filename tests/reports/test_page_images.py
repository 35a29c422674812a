"""The cover and the first area section look as they did: pixels compared with stored references (issue 14, point 4).

A fixed report (tests/reports/report_support.report_round, with the names the
factories number pinned and the date of issue taken from a fixed clock) is
rendered, its cover and the page where 「2. 分野ごとの評価」 starts are rasterised
by pdftoppm at 50 dpi in greyscale, and each is compared with its reference
PNG in tests/reports/references/.

Tolerance: the mean absolute difference of the pixels at most MEAN_TOLERANCE
(0.5 of 255 grey levels) and at most SHARE_TOLERANCE (0.5 %, about 1,200) of
the pixels differing by more than PIXEL_THRESHOLD (32 levels). Rendering is
deterministic (the report's own fonts, no host font, a fixed clock, the same
poppler in CI), so a run on this machine kind matches exactly (0 and 0 %);
the tolerance absorbs the anti-aliasing of another Pango, cairo or poppler
build (a few grey levels at glyph edges, under the threshold), while a layout
change moves whole lines: the page margin 0.5 mm lower differs by a mean of
3.2 (cover) and 6.3 (area page) in 3.2 % and 7.3 % of the pixels, the cover's
list 1 mm lower by 1.6 in 1.7 %. A single changed character (about 100
pixels) passes: the text is checked by pdftotext (test_pdf.py), this test
checks where it is set.

To rewrite the references after an intended change of the layout:

    UPDATE_REFERENCES=1 .venv/bin/python -m pytest tests/reports/test_page_images.py

then look at the PNGs and commit them. CI (CI=1) refuses to rewrite them.
"""

import datetime
import os
import re
from pathlib import Path
from unittest import mock

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from PIL import Image, ImageChops

from frameworks.models import Edition
from municipalities.models import Municipality
from reports.rendering import render_municipality_report
from tests.personas import make_personas
from tests.reports import pdf_tools
from tests.reports.report_support import report_round

# django_db: the module-scoped `report_pdf` needs the test database set up.
pytestmark = [pdf_tools.needs_poppler, pytest.mark.django_db]

REFERENCES = Path(__file__).parent / "references"
RESOLUTION = 50  # dpi: an A4 page is 414 × 585 pixels, a reference about 30 KB
MEAN_TOLERANCE = 0.5  # mean absolute difference, grey levels of 255
PIXEL_THRESHOLD = 32  # a pixel "differs" when it is more than this many grey levels off
SHARE_TOLERANCE = 0.005  # at most 0.5 % of the pixels (about 1,200) may differ
# The date of issue on the cover is the day of rendering (timezone.localdate): fixed here.
ISSUED_AT = datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC)
AREAS_HEADING = "2. 分野ごとの評価"


def _pin_names(round_) -> None:
    """The names the factories number by their sequence (they depend on which tests ran first)."""
    Municipality.objects.filter(pk=round_.municipality_id).update(
        name="見本市", name_kana="ミホンシ"
    )
    Edition.objects.filter(pk=round_.edition_id).update(
        version="1.0", title="自治体DX推進計画 第1.0版に基づく評価"
    )


@pytest.fixture(scope="module")
def report_pdf(django_db_setup, django_db_blocker) -> bytes:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        round_ = report_round(make_personas(), indicators=8, areas=3)
        _pin_names(round_)
        with mock.patch.object(timezone, "now", return_value=ISSUED_AT):
            pdf = render_municipality_report(round_)
        transaction.set_rollback(True)
    return pdf


def _areas_page(pdf: bytes) -> int:
    """The page where the area sections start: the first after the table of contents naming them."""
    pages = pdf_tools.text(pdf).split("\f")
    found = [n for n, page in enumerate(pages, start=1) if n > 2 and AREAS_HEADING in page]
    assert found, f"no page after the table of contents has {AREAS_HEADING}"
    return found[0]


def _difference(image: Image.Image, reference: Image.Image) -> tuple[float, float]:
    """(mean absolute difference, share of pixels differing by more than PIXEL_THRESHOLD)."""
    histogram = ImageChops.difference(image, reference).histogram()
    pixels = sum(histogram)
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    differing = sum(histogram[PIXEL_THRESHOLD + 1 :]) / pixels
    return mean, differing


@pytest.mark.parametrize("name", ["cover", "first-area"])
def test_the_page_matches_its_reference(report_pdf, name):
    page = 1 if name == "cover" else _areas_page(report_pdf)
    image = pdf_tools.page_image(report_pdf, page, resolution=RESOLUTION)
    path = REFERENCES / f"{name}.png"
    if os.environ.get("UPDATE_REFERENCES") == "1":
        if os.environ.get("CI"):
            pytest.fail(
                "UPDATE_REFERENCES=1 in CI: references are rewritten on a developer's machine"
            )
        REFERENCES.mkdir(exist_ok=True)
        image.save(path, optimize=True)
        pytest.skip(f"{path.name} rewritten: look at it and commit it")
    assert path.exists(), f"no reference {path}: run with UPDATE_REFERENCES=1"
    with Image.open(path) as stored:
        reference = stored.convert("L")
    assert image.size == reference.size, (image.size, reference.size)
    mean, differing = _difference(image, reference)
    assert mean <= MEAN_TOLERANCE and differing <= SHARE_TOLERANCE, (
        f"page {page} differs from {path.name}: mean {mean:.2f} (≤ {MEAN_TOLERANCE}),"
        f" {differing:.2%} of pixels (≤ {SHARE_TOLERANCE:.1%})"
    )


def test_the_cover_is_dated_by_the_fixed_clock(report_pdf):
    # The reference is only stable because the clock is: the cover prints ISSUED_AT's day.
    cover = pdf_tools.text(report_pdf).split("\f")[0]
    assert re.search(r"発行日\s*2026年11月27日", cover), cover
