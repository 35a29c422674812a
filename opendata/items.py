"""The statistics the importer knows and the indicators they suggest answers for.

The table is data (items.yaml, described in FORMAT.md): a new dashboard item or
another spelling of one is a line there, not code. Names are compared folded
(`name_key`), so full-width letters and stray spaces in a file still match.
"""

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ITEMS_FILE = Path(__file__).resolve().parent / "items.yaml"
KINDS = ("percent", "count", "flag")


@dataclass(frozen=True)
class Item:
    key: str
    kind: str  # one of KINDS
    names: tuple[str, ...]  # the key and its other spellings
    indicators: tuple[str, ...]  # catalogue indicator codes


def name_key(text: str) -> str:
    """A name as compared: NFKC-folded (full-width → half-width), without any spaces."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@cache
def known_items() -> dict[str, Item]:
    """Every known item by its folded names (the key and each other spelling)."""
    data = yaml.safe_load(ITEMS_FILE.read_text(encoding="utf-8"))
    by_name: dict[str, Item] = {}
    for entry in data["items"]:
        if entry["kind"] not in KINDS:
            raise ValueError(f"{ITEMS_FILE.name}: {entry['key']}: unknown kind {entry['kind']!r}")
        item = Item(
            key=entry["key"],
            kind=entry["kind"],
            names=(entry["key"], *entry.get("names", ())),
            indicators=tuple(entry.get("indicators", ())),
        )
        for name in item.names:
            if name_key(name) in by_name:
                raise ValueError(f"{ITEMS_FILE.name}: the name {name!r} is listed twice")
            by_name[name_key(name)] = item
    return by_name


def item_named(text: str) -> Item | None:
    return known_items().get(name_key(text))


def items_by_indicator() -> dict[str, Item]:
    """Indicator code → the item whose values suggest its answer."""
    return {code: item for item in set(known_items().values()) for code in item.indicators}
