"""Build static/fonts/NotoSansCJKjp-Fallback.otf: the rare kanji BIZ UDPGothic lacks.

Reports are set in BIZ UDPGothic, which covers everyday Japanese but not every
character found in names (𠮷 of 𠮷野家, for one). The fallback face holds
exactly the characters that BIZ UDPGothic has no glyph for, among:

- JIS X 0213:2004 (Python's euc_jis_2004 codec) and Windows-31J (cp932, with
  the NEC and IBM extensions such as 髙 and 﨑): the sets Japanese systems use;
- every supplementary-plane ideograph (CJK Extension B onwards), where the
  rare name kanji outside those sets live,

and the spaces (SHARED_SPACES), which Pango sets in the font of a neighbouring
rare kanji: without them a space next to 𠮷 would be a missing glyph. All are
taken from Noto Sans CJK JP Regular (its Japanese glyph forms). Run it again
with the same input fonts and the output is byte-for-byte the same:

    .venv/bin/python scripts/build-fallback-font.py [--noto PATH.ttc] [--output PATH]

fontTools comes with WeasyPrint. Noto Sans CJK is Debian's fonts-noto-cjk.
"""

import argparse
import hashlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "static" / "fonts"
PRIMARY = FONTS / "BIZUDPGothic-Regular.ttf"
OUTPUT = FONTS / "NotoSansCJKjp-Fallback.otf"
NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_FAMILY = "Noto Sans CJK JP"

JAPANESE_CODECS = ("euc_jis_2004", "cp932")
SUPPLEMENTARY_IDEOGRAPHS = range(0x20000, 0x40000)
SHARED_SPACES = {0x20, 0xA0, 0x3000}  # space, no-break space, ideographic space


def japanese_code_points() -> set[int]:
    """Every character the Japanese codecs can encode, and the supplementary ideographs."""
    points = set(SUPPLEMENTARY_IDEOGRAPHS)
    for point in range(0x20, 0x30000):
        for codec in JAPANESE_CODECS:
            try:
                chr(point).encode(codec)
            except UnicodeEncodeError:
                continue
            points.add(point)
            break
    return points


def noto_japanese_index(path: Path) -> int:
    """The position of Noto Sans CJK JP in the collection (the JP glyph forms)."""
    for index, font in enumerate(TTCollection(path).fonts):
        if font["name"].getDebugName(1) == NOTO_FAMILY:
            return index
    raise SystemExit(f"{NOTO_FAMILY} is not in {path}")


def build(noto: Path, output: Path) -> int:
    covered = set(TTFont(PRIMARY).getBestCmap())
    # Not recalculating the timestamp keeps the output reproducible.
    font = TTFont(noto, fontNumber=noto_japanese_index(noto), recalcTimestamp=False)
    wanted = sorted(((japanese_code_points() - covered) | SHARED_SPACES) & set(font.getBestCmap()))
    options = subset.Options()
    options.name_IDs = ["*"]  # keep the copyright and licence names
    options.layout_features = []  # plain glyphs: the JP cmap already maps to JP forms
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.save(output)
    return len(wanted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--noto", type=Path, default=NOTO, help="NotoSansCJK-Regular.ttc")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    count = build(args.noto, args.output)
    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    print(f"{args.output}: {count} characters, {args.output.stat().st_size} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
