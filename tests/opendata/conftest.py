import csv
from pathlib import Path

import pytest

from municipalities.models import Municipality

FILES = Path(__file__).resolve().parent / "files"
MASTER = Path(__file__).resolve().parents[2] / "fixtures" / "municipalities" / "municipalities.csv"
# The bodies the fixture files name, and one more city of 広島県 and 福島県 not in them.
CODES = {
    "010006", "011002", "012025", "012033", "012335", "070009", "072133", "130001", "131016",
    "131041", "132063", "133035", "140007", "141003", "143014", "144029", "340006", "342084",
}  # fmt: skip


def load_bodies(codes=CODES) -> dict[str, Municipality]:
    """The master's rows for `codes` (prefectures first), as the official list has them."""
    with MASTER.open(encoding="utf-8", newline="") as master:
        rows = [row for row in csv.DictReader(master) if row["code"] in codes]
    bodies: dict[str, Municipality] = {}
    for row in sorted(rows, key=lambda row: row["prefecture_code"] != ""):
        # get_or_create: the personas' factory may have made 東京都 already.
        bodies[row["code"]], _created = Municipality.objects.get_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_kana": row["name_kana"],
                "kind": row["kind"],
                "prefecture": bodies.get(row["prefecture_code"]),
            },
        )
    return bodies


@pytest.fixture
def bodies(db):
    return load_bodies()


def file_bytes(name: str) -> bytes:
    return (FILES / name).read_bytes()
