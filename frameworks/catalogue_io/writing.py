"""Writing an edition as a catalogue file (FORMAT.md).

The output is deterministic so that catalogue files can live in git and be
reviewed as diffs: keys in the order of FORMAT.md, optional keys left out when
empty, lines never folded, numbers in one fixed form. Export → import into an
empty database → export gives the same bytes.
"""

from decimal import Decimal

import yaml
from django.db.models import Prefetch

from frameworks.catalogue_io.schema import FORMAT
from frameworks.models import Edition, Indicator, IndicatorLineage
from municipalities.size_bands import BAND_CODES

# Long Japanese sentences are never folded: a change to one word stays a
# one-line diff, and the output does not depend on where PyYAML would wrap.
_NO_WRAP = 1_000_000


def framework_export(*, edition: Edition) -> str:
    """The edition as `dxportal-catalogue/1` YAML text (seven queries whatever its size)."""
    edition = _load(edition)
    document = {
        "format": FORMAT,
        "framework": _framework(edition),
        "edition": _edition(edition),
        "stages": [_stage(stage) for stage in edition.stages.all()],
        "areas": [_area(area) for area in edition.areas.all()],
        "indicators": [_indicator(indicator) for indicator in edition.indicators.all()],
    }
    return yaml.dump(
        document,
        Dumper=_CatalogueDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=_NO_WRAP,
    )


def _load(edition: Edition) -> Edition:
    indicators = (
        Indicator.objects.select_related("area", "stage")
        .order_by("area__order", "order", "pk")
        .prefetch_related(
            "levels",
            "choices",
            # In the order they were recorded, which is the order of the file.
            Prefetch(
                "lineage",
                queryset=IndicatorLineage.objects.select_related("predecessor").order_by("pk"),
            ),
        )
    )
    return (
        Edition.objects.select_related("framework", "predecessor")
        .prefetch_related("stages", "areas", Prefetch("indicators", queryset=indicators))
        .get(pk=edition.pk)
    )


class _Version(str):
    """Always quoted: unquoted, "2.10" would read back as the number 2.1."""


class _Inline(list):
    """A short list of codes, written on one line as in FORMAT.md: `[town, village]`."""


def _framework(edition: Edition) -> dict:
    framework = edition.framework
    item = {"code": framework.code, "name": framework.name}
    _put(item, "name_en", framework.name_en)
    _put(item, "description", framework.description)
    _put(item, "description_en", framework.description_en)
    return item


def _edition(edition: Edition) -> dict:
    item = {"version": _Version(edition.version), "title": edition.title}
    _put(item, "title_en", edition.title_en)
    _put(item, "published_on", edition.published_on)
    item["status"] = edition.status
    _put(item, "source", edition.source)
    _put(item, "source_url", edition.source_url)
    if edition.predecessor is not None:
        item["predecessor"] = _Version(edition.predecessor.version)
    return item


def _stage(stage) -> dict:
    item = {"code": stage.code, "name": stage.name}
    _put(item, "name_en", stage.name_en)
    _put(item, "description", stage.description)
    _put(item, "description_en", stage.description_en)
    item["threshold"] = stage.threshold
    return item


def _area(area) -> dict:
    item = {"code": area.code, "name": area.name}
    _put(item, "name_en", area.name_en)
    _put(item, "description", area.description)
    _put(item, "description_en", area.description_en)
    _put(item, "source", area.source)
    if area.is_foundation:  # omitted when false, as every optional key
        item["foundation"] = True
    return item


def _indicator(indicator: Indicator) -> dict:
    item = {
        "code": indicator.code,
        "area": indicator.area.code,
        "stage": indicator.stage.code,
        "question": indicator.question,
    }
    _put(item, "question_en", indicator.question_en)
    _put(item, "help", indicator.help_text)
    _put(item, "help_en", indicator.help_text_en)
    item["answer_type"] = indicator.answer_type
    item["weight"] = Decimal(indicator.weight)
    _put(item, "unit", indicator.unit)
    _put(item, "full_score_at", indicator.full_score_at)
    if indicator.full_score_by_band:
        item["full_score_by_band"] = {
            code: Decimal(str(indicator.full_score_by_band[code]))
            for code in BAND_CODES  # the bands' own order, whatever order they were stored in
            if code in indicator.full_score_by_band
        }
    _put(item, "municipality_kinds", _Inline(indicator.municipality_kinds))
    _put(item, "department_kinds", _Inline(indicator.department_kinds))
    _put(item, "source", indicator.source)
    _put(item, "source_url", indicator.source_url)
    _put(item, "levels", [_level(level) for level in indicator.levels.all()])
    _put(item, "choices", [_choice(choice) for choice in indicator.choices.all()])
    # A "new" row has no predecessor; in the file, that is no predecessors key.
    links = [
        {"code": link.predecessor.code, "relation": link.relation}
        for link in indicator.lineage.all()
        if link.predecessor is not None
    ]
    _put(item, "predecessors", links)
    return item


def _level(level) -> dict:
    item = {"level": level.level, "label": level.label}
    _put(item, "label_en", level.label_en)
    item["description"] = level.description
    _put(item, "description_en", level.description_en)
    return item


def _choice(choice) -> dict:
    item = {"code": choice.code, "label": choice.label}
    _put(item, "label_en", choice.label_en)
    item["score"] = choice.score
    return item


def _put(item: dict, key: str, value) -> None:
    """An optional key, written only when it has a value."""
    if value is not None and value != "" and value != []:
        item[key] = value


class _CatalogueDumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # List items indented under their key, as FORMAT.md shows them.
        return super().increase_indent(flow, False)

    def ignore_aliases(self, data):
        # The reader refuses anchors, so the writer must never emit one (PyYAML
        # would for any object that appears twice, such as a shared date).
        return True


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Multi-line text as a literal block, so it reads as written.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_version(dumper: yaml.SafeDumper, value: _Version) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    # Weights and full_score_at have one decimal place in the database.
    return dumper.represent_scalar("tag:yaml.org,2002:float", f"{value:.1f}")


def _represent_inline(dumper: yaml.SafeDumper, value: _Inline) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", list(value), flow_style=True)


_CatalogueDumper.add_representer(str, _represent_text)
_CatalogueDumper.add_representer(_Version, _represent_version)
_CatalogueDumper.add_representer(Decimal, _represent_decimal)
_CatalogueDumper.add_representer(_Inline, _represent_inline)
