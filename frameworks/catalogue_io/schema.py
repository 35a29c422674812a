"""What a catalogue file holds: its keys in the order of FORMAT.md, and the validated content.

The validator refuses any key not in these tuples; tests hold the tuples and
the writer's output to the order of FORMAT.md. The dataclasses are what the
validator hands the importer: plain data, every value already checked.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from frameworks.models import LineageRelation

FORMAT = "dxportal-catalogue/1"

# The keys of each part of a file, in the order of FORMAT.md (the writer follows it too).
TOP_KEYS = ("format", "framework", "edition", "stages", "areas", "indicators")
FRAMEWORK_KEYS = ("code", "name", "name_en", "description", "description_en")
EDITION_KEYS = (
    "version",
    "title",
    "title_en",
    "published_on",
    "status",
    "source",
    "source_url",
    "predecessor",
)
STAGE_KEYS = ("code", "name", "name_en", "description", "description_en", "threshold")
AREA_KEYS = ("code", "name", "name_en", "description", "description_en", "source", "foundation")
INDICATOR_KEYS = (
    "code",
    "area",
    "stage",
    "question",
    "question_en",
    "help",
    "help_en",
    "answer_type",
    "weight",
    "unit",
    "full_score_at",
    "full_score_by_band",
    "municipality_kinds",
    "department_kinds",
    "source",
    "source_url",
    "levels",
    "choices",
    "predecessors",
)
LEVEL_KEYS = ("level", "label", "label_en", "description", "description_en")
CHOICE_KEYS = ("code", "label", "label_en", "score")
PREDECESSOR_KEYS = ("code", "relation")

# "new" is what an indicator without predecessors is; the file does not say it.
LINKED_RELATIONS = (LineageRelation.SAME, LineageRelation.SPLIT, LineageRelation.MERGED)


@dataclass(frozen=True)
class FrameworkEntry:
    code: str
    name: str
    name_en: str
    description: str
    description_en: str


@dataclass(frozen=True)
class EditionEntry:
    version: str
    title: str
    title_en: str
    published_on: date | None
    status: str
    source: str
    source_url: str
    predecessor: str  # version of the predecessor edition, "" when there is none


@dataclass(frozen=True)
class StageEntry:
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    threshold: int


@dataclass(frozen=True)
class AreaEntry:
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    source: str
    is_foundation: bool  # `foundation:` in the file


@dataclass(frozen=True)
class LevelEntry:
    level: int
    label: str
    label_en: str
    description: str
    description_en: str


@dataclass(frozen=True)
class ChoiceEntry:
    code: str
    label: str
    label_en: str
    score: int


@dataclass(frozen=True)
class PredecessorEntry:
    code: str
    relation: str
    path: str  # where it is in the file, for problems found against the database


@dataclass(frozen=True)
class IndicatorEntry:
    code: str
    area: str
    stage: str
    question: str
    question_en: str
    help_text: str
    help_text_en: str
    answer_type: str
    weight: Decimal
    unit: str
    full_score_at: Decimal | None
    full_score_by_band: dict[str, Decimal]  # size band code → value, in size_bands order
    municipality_kinds: tuple[str, ...]
    department_kinds: tuple[str, ...]
    source: str
    source_url: str
    levels: tuple[LevelEntry, ...]
    choices: tuple[ChoiceEntry, ...]
    predecessors: tuple[PredecessorEntry, ...]


@dataclass(frozen=True)
class Catalogue:
    file: str
    framework: FrameworkEntry
    edition: EditionEntry
    stages: tuple[StageEntry, ...]
    areas: tuple[AreaEntry, ...]
    indicators: tuple[IndicatorEntry, ...]
