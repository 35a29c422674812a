"""Checking a read catalogue file against the format and the database.

The rules an editor is held to (weights, rubric levels, choice scores, the
value a count is scored against) come from frameworks.rules, so a file and the
editor can never disagree. This module adds what only a file can get wrong
(unknown keys, types, references by code, duplicates) and what depends on the
database (the predecessor edition, an edition that already exists). Every
problem is collected with its line, so one run shows the author everything to
fix; the result is plain data that the importer writes without further checks.
"""

from decimal import Decimal

from frameworks.catalogue_io.citations import citations
from frameworks.catalogue_io.field_checks import FieldChecker, shown
from frameworks.catalogue_io.problems import CatalogueFileError
from frameworks.catalogue_io.reading import CatalogueDocument
from frameworks.catalogue_io.schema import (
    AREA_KEYS,
    CHOICE_KEYS,
    EDITION_KEYS,
    FORMAT,
    FRAMEWORK_KEYS,
    INDICATOR_KEYS,
    LEVEL_KEYS,
    LINKED_RELATIONS,
    PREDECESSOR_KEYS,
    STAGE_KEYS,
    TOP_KEYS,
    AreaEntry,
    Catalogue,
    ChoiceEntry,
    EditionEntry,
    FrameworkEntry,
    IndicatorEntry,
    LevelEntry,
    PredecessorEntry,
    StageEntry,
)
from frameworks.models import (
    AnswerType,
    Choice,
    Edition,
    EditionStatus,
    Framework,
    Indicator,
    PolicyArea,
    RubricLevel,
    Stage,
)
from frameworks.rules import (
    band_full_score_problems,
    choice_problems,
    count_problems,
    rubric_problems,
    weight_problems,
)
from municipalities.models import DepartmentKind, MunicipalityKind
from municipalities.size_bands import BAND_CODES

# full_score_at is DecimalField(max_digits=10, decimal_places=1).
_FULL_SCORE_LIMIT = Decimal(10**9)


def catalogue_validate(
    *,
    document: CatalogueDocument,
    existing_edition_is_error: bool = True,
    against_database: bool = True,
) -> Catalogue:
    """The file as plain data, or CatalogueFileError listing every problem (up to MAX_PROBLEMS).

    With `existing_edition_is_error=False` an edition already in the database is
    not a problem (the caller decides to skip it). With `against_database=False`
    only the file itself is checked, without a query (the predecessor edition and
    the codes it links to are not looked up): the default catalogue's checks in CI
    read the files so.
    """
    check = FieldChecker(document)
    catalogue = _catalogue(check, document.data)
    if catalogue is not None and against_database:
        _check_against_database(
            check, catalogue, existing_edition_is_error=existing_edition_is_error
        )
    if check.problems or catalogue is None:
        problems = sorted(check.problems, key=lambda problem: problem.line or 0)
        raise CatalogueFileError(problems, truncated=check.truncated)
    return catalogue


# --- the parts of a file ----------------------------------------------------------


def _catalogue(check: FieldChecker, data: object) -> Catalogue | None:
    if not isinstance(data, dict):
        check.add(
            "", f"ファイル全体を「項目名: 値」の形で書き、format: {FORMAT} で始めてください。"
        )
        return None
    check.unknown_keys(data, "", TOP_KEYS)
    file_format = data.get("format")
    if file_format is None:
        check.add("format", f"必須の項目がありません（format: {FORMAT} と書いてください）。")
    elif file_format != FORMAT:
        check.add(
            "format",
            f"この形式は読み込めません（現在: {shown(file_format)}）。format: {FORMAT} と書いてください。",
        )
    edition = _edition(check, check.section(data, "", "edition", EDITION_KEYS))
    stages = _stages(check, data)
    areas = _areas(check, data)
    indicators = _indicators(
        check,
        data,
        stages={stage.code for stage in stages},
        areas={area.code for area in areas},
        has_predecessor=bool(edition.predecessor),
    )
    _check_citation_dates(check, edition, areas, indicators)
    if edition.status in (EditionStatus.PUBLISHED, EditionStatus.RETIRED):
        # What publishing from the editor refuses (services.edition_problems).
        used = {indicator.area for indicator in indicators}
        for index, area in enumerate(areas):
            if area.code and area.code not in used:
                check.add(f"areas[{index}]", "公開する版では、どの分野にも指標が1つ以上必要です。")
    return Catalogue(
        file=check.file,
        framework=_framework(check, check.section(data, "", "framework", FRAMEWORK_KEYS)),
        edition=edition,
        stages=tuple(stages),
        areas=tuple(areas),
        indicators=tuple(indicators),
    )


def _check_citation_dates(
    check: FieldChecker,
    edition: EditionEntry,
    areas: list[AreaEntry],
    indicators: list[IndicatorEntry],
) -> None:
    """An edition rests on what was published by its own date: a source citing a later
    document (FORMAT.md, "Citing a source") would let a past round be asked about
    something that did not exist yet."""
    published_on = edition.published_on
    if published_on is None:
        return
    sources = [("edition.source", edition.source)]
    sources += [(f"areas[{i}].source", area.source) for i, area in enumerate(areas)]
    sources += [(f"indicators[{i}].source", item.source) for i, item in enumerate(indicators)]
    for path, source in sources:
        for citation in citations(source):
            if citation.earliest > published_on:
                check.add(
                    path,
                    f"{citation.text} は版の日付（published_on: {published_on.isoformat()}）"
                    "より後の資料です。版の日付までに公表された資料を出典にしてください。",
                )


def _framework(check: FieldChecker, record: dict | None) -> FrameworkEntry:
    if record is None:  # already reported
        return FrameworkEntry(code="", name="", name_en="", description="", description_en="")
    path = "framework"
    return FrameworkEntry(
        code=check.text(record, path, "code", Framework, required=True),
        name=check.text(record, path, "name", Framework, required=True),
        name_en=check.text(record, path, "name_en", Framework),
        description=check.text(record, path, "description", Framework),
        description_en=check.text(record, path, "description_en", Framework),
    )


def _edition(check: FieldChecker, record: dict | None) -> EditionEntry:
    if record is None:  # already reported
        return EditionEntry(
            version="",
            title="",
            title_en="",
            published_on=None,
            status="",
            source="",
            source_url="",
            predecessor="",
        )
    path = "edition"
    return EditionEntry(
        version=check.version(record, path, "version", required=True),
        title=check.text(record, path, "title", Edition, required=True),
        title_en=check.text(record, path, "title_en", Edition),
        published_on=check.date(record, path, "published_on"),
        status=check.one_of(record, path, "status", EditionStatus.values, required=True),
        source=check.text(record, path, "source", Edition),
        source_url=check.text(record, path, "source_url", Edition),
        predecessor=check.version(record, path, "predecessor"),
    )


def _stages(check: FieldChecker, data: dict) -> list[StageEntry]:
    stages, codes = [], []
    for path, record in check.records(data, "", "stages", STAGE_KEYS, required=True, at_least=1):
        stages.append(
            StageEntry(
                code=check.text(record, path, "code", Stage, required=True),
                name=check.text(record, path, "name", Stage, required=True),
                name_en=check.text(record, path, "name_en", Stage),
                description=check.text(record, path, "description", Stage),
                description_en=check.text(record, path, "description_en", Stage),
                threshold=check.integer(record, path, "threshold", required=True, low=1, high=100)
                or 0,
            )
        )
        codes.append((path, stages[-1].code))
    check.unique_codes(codes, "段階")
    return stages


def _areas(check: FieldChecker, data: dict) -> list[AreaEntry]:
    areas, codes = [], []
    for path, record in check.records(data, "", "areas", AREA_KEYS, required=True, at_least=1):
        areas.append(
            AreaEntry(
                code=check.text(record, path, "code", PolicyArea, required=True),
                name=check.text(record, path, "name", PolicyArea, required=True),
                name_en=check.text(record, path, "name_en", PolicyArea),
                description=check.text(record, path, "description", PolicyArea),
                description_en=check.text(record, path, "description_en", PolicyArea),
                source=check.text(record, path, "source", PolicyArea),
                is_foundation=check.boolean(record, path, "foundation"),
            )
        )
        codes.append((path, areas[-1].code))
    check.unique_codes(codes, "分野")
    if areas and all(area.is_foundation for area in areas):
        check.add(
            "areas",
            "すべての分野が foundation: true です。段階で評価する分野を1つ以上残してください。",
        )
    return areas


def _indicators(
    check: FieldChecker, data: dict, *, stages: set[str], areas: set[str], has_predecessor: bool
) -> list[IndicatorEntry]:
    indicators, codes = [], []
    for path, record in check.records(data, "", "indicators", INDICATOR_KEYS, required=True):
        indicators.append(
            _indicator(
                check, path, record, stages=stages, areas=areas, has_predecessor=has_predecessor
            )
        )
        codes.append((path, indicators[-1].code))
    check.unique_codes(codes, "指標")
    return indicators


def _indicator(
    check: FieldChecker,
    path: str,
    record: dict,
    *,
    stages: set[str],
    areas: set[str],
    has_predecessor: bool,
) -> IndicatorEntry:
    answer_type = check.one_of(record, path, "answer_type", AnswerType.values, required=True)
    weight = check.number(record, path, "weight", required=True)
    if weight is not None:
        for message in weight_problems(weight):
            check.add(f"{path}.weight", message)
    full_score_at = check.number(record, path, "full_score_at")
    if full_score_at is not None and full_score_at >= _FULL_SCORE_LIMIT:
        check.add(f"{path}.full_score_at", f"{_FULL_SCORE_LIMIT}未満にしてください。")
    full_score_by_band = _full_score_by_band(check, path, record)
    levels = _levels(check, path, record)
    choices = _choices(check, path, record)
    _check_scale(
        check,
        path,
        record,
        answer_type=answer_type,
        levels=levels,
        choices=choices,
        full_score_at=full_score_at,
    )
    predecessors = _predecessors(check, path, record)
    if predecessors and not has_predecessor:
        check.add(
            f"{path}.predecessors",
            "edition.predecessor（前の版）が書かれていないため、predecessors は書けません。",
        )
    return IndicatorEntry(
        code=check.text(record, path, "code", Indicator, required=True),
        area=check.reference(record, path, "area", areas, PolicyArea, "分野", "areas"),
        stage=check.reference(record, path, "stage", stages, Stage, "段階", "stages"),
        question=check.text(record, path, "question", Indicator, required=True),
        question_en=check.text(record, path, "question_en", Indicator),
        help_text=check.text(record, path, "help", Indicator, "help_text"),
        help_text_en=check.text(record, path, "help_en", Indicator, "help_text_en"),
        answer_type=answer_type,
        weight=weight or Decimal(0),
        unit=check.text(record, path, "unit", Indicator),
        full_score_at=full_score_at,
        full_score_by_band=full_score_by_band,
        municipality_kinds=check.kinds(record, path, "municipality_kinds", MunicipalityKind.values),
        department_kinds=check.kinds(record, path, "department_kinds", DepartmentKind.values),
        source=check.text(record, path, "source", Indicator),
        source_url=check.text(record, path, "source_url", Indicator),
        levels=tuple(level for level in levels if level is not None),
        choices=tuple(choice for choice in choices if choice is not None),
        predecessors=tuple(predecessors),
    )


def _full_score_by_band(check: FieldChecker, path: str, record: dict) -> dict[str, Decimal]:
    """The values that score 100 by size band (FORMAT.md, "Count thresholds by size")."""
    here = f"{path}.full_score_by_band"
    value = record.get("full_score_by_band")
    if value is None:
        return {}
    if not isinstance(value, dict):
        check.add(here, f"「区分のコード: 値」の形で書いてください（現在: {shown(value)}）。")
        return {}
    for code, message in band_full_score_problems(value):
        check.add(f"{here}.{code}", message)
    values = {}
    for code in BAND_CODES:  # in the bands' own order, as the writer writes them
        if code in value:
            number = check.number(value, here, code)
            if number is not None and number >= _FULL_SCORE_LIMIT:
                check.add(f"{here}.{code}", f"{_FULL_SCORE_LIMIT}未満にしてください。")
            elif number is not None and number > 0:
                values[code] = number
    return values


def _levels(check: FieldChecker, path: str, record: dict) -> list[LevelEntry | None]:
    """Each level, None for one whose number is unusable (so the rubric is not judged)."""
    levels: list[LevelEntry | None] = []
    for item_path, item in check.records(record, path, "levels", LEVEL_KEYS):
        level = check.integer(item, item_path, "level", required=True, low=0, high=100)
        entry = LevelEntry(
            level=level or 0,
            label=check.text(item, item_path, "label", RubricLevel, required=True),
            label_en=check.text(item, item_path, "label_en", RubricLevel),
            description=check.text(item, item_path, "description", RubricLevel, required=True),
            description_en=check.text(item, item_path, "description_en", RubricLevel),
        )
        levels.append(None if level is None else entry)
    return levels


def _choices(check: FieldChecker, path: str, record: dict) -> list[ChoiceEntry | None]:
    """Each choice, None for one whose score is unusable (so the scores are not judged)."""
    choices: list[ChoiceEntry | None] = []
    codes = []
    for item_path, item in check.records(record, path, "choices", CHOICE_KEYS):
        score = check.integer(item, item_path, "score", required=True)
        entry = ChoiceEntry(
            code=check.text(item, item_path, "code", Choice, required=True),
            label=check.text(item, item_path, "label", Choice, required=True),
            label_en=check.text(item, item_path, "label_en", Choice),
            score=score or 0,
        )
        choices.append(None if score is None else entry)
        codes.append((item_path, entry.code))
    check.unique_codes(codes, "選択肢")
    return choices


def _check_scale(
    check: FieldChecker,
    path: str,
    record: dict,
    *,
    answer_type: str,
    levels: list[LevelEntry | None],
    choices: list[ChoiceEntry | None],
    full_score_at: Decimal | None,
) -> None:
    """How the indicator is answered and scored: only the parts its type uses, and valid ones."""
    only_for = {
        "levels": AnswerType.MATURITY,
        "choices": AnswerType.CHOICE,
        "unit": AnswerType.COUNT,
        "full_score_at": AnswerType.COUNT,
        "full_score_by_band": AnswerType.COUNT,
    }
    for key, owner in only_for.items():
        if answer_type and answer_type != owner and record.get(key) not in (None, "", []):
            check.add(f"{path}.{key}", f"{key} は answer_type が {owner} の指標にだけ書けます。")
    # The rules judge the rubric and the choices as a whole, so their problems
    # are reported at the `levels:` or `choices:` line.
    if answer_type == AnswerType.MATURITY and None not in levels:
        for message in rubric_problems([level.level for level in levels if level]):
            check.add(f"{path}.levels", message)
    if answer_type == AnswerType.CHOICE and None not in choices:
        for message in choice_problems([choice.score for choice in choices if choice]):
            check.add(f"{path}.choices", message)
    if answer_type == AnswerType.COUNT and (
        full_score_at is not None or record.get("full_score_at") is None
    ):
        for message in count_problems(full_score_at):
            check.add(f"{path}.full_score_at", message)


def _predecessors(check: FieldChecker, path: str, record: dict) -> list[PredecessorEntry]:
    links = []
    for item_path, item in check.records(record, path, "predecessors", PREDECESSOR_KEYS):
        links.append(
            PredecessorEntry(
                code=check.text(item, item_path, "code", Indicator, required=True),
                relation=check.one_of(item, item_path, "relation", LINKED_RELATIONS, required=True),
                path=item_path,
            )
        )
    check.unique_codes([(link.path, link.code) for link in links], "前の版の指標")
    return links


def _check_against_database(
    check: FieldChecker, catalogue: Catalogue, *, existing_edition_is_error: bool
) -> None:
    code, edition = catalogue.framework.code, catalogue.edition
    if not code or not edition.version:
        return
    existing = Edition.objects.filter(framework__code=code, version=edition.version).first()
    if existing is not None and existing_edition_is_error:
        if existing.is_draft:
            message = (
                f"版「{code} {edition.version}」は既にあります（下書き）。"
                "取り込み直すには、先にその下書きを削除してください。"
            )
        else:
            message = (
                f"版「{code} {edition.version}」は既に公開されています。公開済みの版は変更できません"
                "（内容を変えるには、新しい版番号で取り込んでください）。"
            )
        check.add("edition.version", message)
    if not edition.predecessor:
        return
    if edition.predecessor == edition.version:
        check.add("edition.predecessor", "自分自身を前の版にはできません。")
        return
    predecessor = Edition.objects.filter(framework__code=code, version=edition.predecessor).first()
    if predecessor is None:
        check.add(
            "edition.predecessor",
            f"前の版「{code} {edition.predecessor}」がデータベースにありません。先にその版を取り込んでください。",
        )
        return
    known = set(predecessor.indicators.values_list("code", flat=True))
    for indicator in catalogue.indicators:
        for link in indicator.predecessors:
            if link.code and link.code not in known:
                check.add(
                    f"{link.path}.code",
                    f"前の版（{edition.predecessor}）に指標「{link.code}」はありません。",
                )
