"""Helpers for tests that import (modified copies of) the municipality master."""

import csv
from pathlib import Path

from municipalities.importing import COLUMNS
from municipalities.models import Municipality, MunicipalityChange

# DOMAIN §5: 47 / 20 / 62 (as of 2024-10) / 23 / 687 / 23 / 743 / 183 = 1,788.
EXPECTED_KIND_COUNTS = {
    "prefecture": 47,
    "designated_city": 20,
    "core_city": 62,
    "former_special_city": 23,
    "city": 687,
    "special_ward": 23,
    "town": 743,
    "village": 183,
}

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "municipalities" / "municipalities.csv"


def read_rows(path: Path = FIXTURE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row_for(rows: list[dict[str, str]], code: str) -> dict[str, str]:
    return next(row for row in rows if row["code"] == code)


def line_of(rows: list[dict[str, str]], code: str) -> int:
    """The line of a row in a file written by write_rows (the header is line 1)."""
    return next(index for index, row in enumerate(rows) if row["code"] == code) + 2


def db_state() -> tuple[list[tuple], int]:
    """Everything an import may write, to compare before and after."""
    bodies = list(
        Municipality.objects.order_by("code").values_list(
            "id", "code", "name", "name_kana", "kind", "prefecture__code", "abolished_on"
        )
    )
    return bodies, MunicipalityChange.objects.count()
