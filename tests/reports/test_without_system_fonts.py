"""A report renders the same on a server with no Japanese font installed.

The render runs in a subprocess whose fontconfig knows DejaVu only (no CJK
font at all), from the same HTML as the render in this process, which has
BIZ UDPGothic and Noto CJK installed system-wide: the fonts, the text and
every page's pixels must be the same.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.reports import pdf_tools

pytestmark = [pdf_tools.needs_poppler, pytest.mark.django_db]

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")

RENDER = """
import sys
import django
django.setup()
from reports.rendering import html_to_pdf
sys.stdout.buffer.write(html_to_pdf(sys.stdin.read()))
"""


@pytest.fixture
def latin_only_fontconfig(tmp_path) -> dict[str, str]:
    """An environment whose fontconfig sees DejaVu (if installed) and nothing else."""
    folders = f"<dir>{DEJAVU}</dir>" if DEJAVU.exists() else ""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig>{folders}<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>\n"
    )
    return {
        **os.environ,
        "FONTCONFIG_FILE": str(config),
        "DJANGO_SETTINGS_MODULE": "dxportal.settings",
        "DJANGO_ENV": os.environ.get("DJANGO_ENV", "development"),
    }


def test_the_environment_really_has_no_japanese_font(latin_only_fontconfig):
    listed = subprocess.run(
        ["fc-list", ":lang=ja", "family"],
        env=latin_only_fontconfig,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    assert listed.strip() == ""


def test_report_renders_the_same_without_japanese_system_fonts(rendered, latin_only_fontconfig):
    bare = subprocess.run(
        [sys.executable, "-c", RENDER],
        input=rendered.municipality_html.encode(),
        env=latin_only_fontconfig,
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout

    assert bare.startswith(b"%PDF")
    assert {f.name for f in pdf_tools.fonts(bare)} == {
        f.name for f in pdf_tools.fonts(rendered.municipality_pdf)
    }
    assert {f.name for f in pdf_tools.fonts(bare)} >= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold"}
    assert pdf_tools.text(bare) == pdf_tools.text(rendered.municipality_pdf)
    pages = int(pdf_tools.info(bare)["Pages"])
    assert pages == int(pdf_tools.info(rendered.municipality_pdf)["Pages"])
    for page in range(1, pages + 1):
        image = pdf_tools.page_image(bare, page)
        assert pdf_tools.ink(image) > 500, f"page {page} is blank"
        expected = pdf_tools.page_image(rendered.municipality_pdf, page)
        assert image.tobytes() == expected.tobytes(), f"page {page} differs"


def test_an_emoji_and_a_rare_ideograph_print_as_geta_with_only_the_portals_fonts(
    rendered, latin_only_fontconfig
):
    """On a host with no extra fonts: no box (.notdef), no font of the host, the same on any host."""
    html = rendered.municipality_html.replace("窓口の電子申請", "窓口😀の\U00030000電子申請", 1)
    assert "😀" in html
    pdf = subprocess.run(
        [sys.executable, "-c", RENDER],
        input=html.encode(),
        env=latin_only_fontconfig,
        cwd=settings.BASE_DIR,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    names = {f.name for f in pdf_tools.fonts(pdf)}
    assert names == {f.name for f in pdf_tools.fonts(rendered.municipality_pdf)}
    assert names <= {"BIZ-UDPGothic", "BIZ-UDPGothic-Bold", "Noto-Sans-CJK-JP-Fallback"}, names
    text = pdf_tools.text(pdf)
    assert "窓口〓の〓電子申請" in text and "😀" not in text
