"""The committed fonts: BIZ UDPGothic as shipped, and the fallback subset the script builds."""

import hashlib
import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "build-fallback-font.py"


def build_script():
    spec = importlib.util.spec_from_file_location("build_fallback_font", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cmap(name: str) -> set[int]:
    return set(TTFont(FONTS / name).getBestCmap())


def test_fonts_and_licences_are_committed():
    for name in ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"):
        assert TTFont(FONTS / name)["name"].getDebugName(1) == "BIZ UDPGothic"
    for licence in ("LICENSE-BIZUDPGothic", "LICENSE-NotoSansCJK"):
        assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / licence).read_text()
    # TrueType/OpenType only: WOFF2 is slow and garbles glyphs in WeasyPrint.
    assert not list(FONTS.glob("*.woff*"))


def test_the_fallback_holds_only_what_biz_udpgothic_lacks():
    primary = cmap("BIZUDPGothic-Regular.ttf")
    fallback = cmap("NotoSansCJKjp-Fallback.otf")
    assert ord("𠮷") in fallback and ord("𠮷") not in primary
    assert fallback & primary == build_script().SHARED_SPACES
    assert ord("髙") in primary and ord("﨑") in primary
    assert (FONTS / "NotoSansCJKjp-Fallback.otf").stat().st_size < 2_000_000


@pytest.mark.skipif(not build_script().NOTO.exists(), reason="Noto Sans CJK is not installed")
def test_the_committed_fallback_is_what_the_script_builds(tmp_path):
    output = tmp_path / "fallback.otf"
    build_script().build(build_script().NOTO, output)
    committed = (FONTS / "NotoSansCJKjp-Fallback.otf").read_bytes()
    assert hashlib.sha256(output.read_bytes()).digest() == hashlib.sha256(committed).digest()
