"""Import the official municipality master (総務省 全国地方公共団体コード) from a CSV.

The file is the complete list as of `effective_on`: bodies in it are created or
updated, bodies missing from it are marked abolished (never deleted — answers,
departments and accounts point at them). Every changed attribute leaves a
MunicipalityChange row, so the old value and the date it stopped being true are
kept.

The whole file is validated before anything is written; one bad row refuses the
file, because a half-imported master (a city without its prefecture, a list that
abolishes everything after row 800) is worse than the old one.

CSV columns: code,name,name_kana,prefecture_code,kind (UTF-8, header row).
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from dxportal.kana import kana_search_key
from municipalities.codes import check_digit, prefecture_code_of
from municipalities.models import Municipality, MunicipalityChange, MunicipalityKind

COLUMNS = ("code", "name", "name_kana", "prefecture_code", "kind")

# Attributes compared between the list and the database; each difference becomes
# one MunicipalityChange row. "prefecture" is compared by the prefecture's code.
TRACKED_FIELDS = ("name", "name_kana", "kind", "prefecture", "abolished_on")

# ASCII only: \d would also accept full-width digits (０１２１３１), which
# int() reads happily but which are not a code.
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_NAME_MAX = Municipality._meta.get_field("name").max_length
_KANA_MAX = Municipality._meta.get_field("name_kana").max_length
_SOURCE_MAX = MunicipalityChange._meta.get_field("source").max_length


@dataclass(frozen=True)
class RowProblem:
    """One reason the file is refused. `line` is the line in the file (header = 1)."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"{self.line}行目: {self.message}"


class MunicipalityImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class ListedBody:
    """A validated row of the list."""

    line: int
    code: str
    name: str
    name_kana: str
    prefecture_code: str  # "" for a prefecture
    kind: str


@dataclass(frozen=True)
class FieldChange:
    code: str
    name: str
    field: str
    old_value: str
    new_value: str


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    abolished: int
    unchanged: int
    changes: tuple[FieldChange, ...] = field(default=())
    dry_run: bool = False

    @property
    def total_listed(self) -> int:
        return self.created + self.updated + self.unchanged


def normalise_kana(value: str) -> str:
    # The official list spells readings in half-width katakana (ｻｯﾎﾟﾛｼ); NFKC
    # turns them into full-width and joins the voiced marks (サッポロシ).
    return unicodedata.normalize("NFKC", value).strip()


@transaction.atomic
def municipalities_import(
    *,
    rows_or_path: Path | str | Iterable[Mapping[str, str]],
    effective_on: date,
    source: str,
    dry_run: bool = False,
) -> ImportResult:
    """Bring the municipality master in line with a complete official list.

    `rows_or_path` is a CSV file path or already-read rows (dicts with COLUMNS;
    their line numbers are counted as if they followed a header line).
    Raises MunicipalityImportError, listing every problem, and writes nothing
    if any row is bad. With `dry_run` the counts are computed and nothing is written.
    """
    source = source.strip()
    if not source or len(source) > _SOURCE_MAX:
        raise MunicipalityImportError(
            [RowProblem(None, f"出典は1〜{_SOURCE_MAX}文字で指定してください。")]
        )
    numbered_rows = _read(rows_or_path)
    listed = _validate(numbered_rows)

    existing = {body.code: body for body in Municipality.objects.select_related("prefecture")}
    return _apply(listed, existing, effective_on=effective_on, source=source, dry_run=dry_run)


def _read(rows_or_path: Path | str | Iterable[Mapping[str, str]]) -> list[tuple[int, dict]]:
    if not isinstance(rows_or_path, str | Path):
        return [(index + 2, dict(row)) for index, row in enumerate(rows_or_path)]
    path = Path(rows_or_path)
    try:
        # utf-8-sig: a list saved from Excel starts with a BOM that would
        # otherwise stick to the first column name.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise MunicipalityImportError(
                    [
                        RowProblem(
                            1,
                            f"見出し行に列 {', '.join(missing)} がありません"
                            f"（必要な列: {','.join(COLUMNS)}）。",
                        )
                    ]
                )
            # line_num is the physical line just read, right even for quoted newlines.
            return [(reader.line_num, row) for row in reader]
    except FileNotFoundError:
        raise MunicipalityImportError(
            [RowProblem(None, f"ファイル {path} が見つかりません。")]
        ) from None
    except UnicodeDecodeError as error:
        raise MunicipalityImportError(
            [RowProblem(None, f"ファイル {path} が UTF-8 ではありません（{error.reason}）。")]
        ) from None
    except csv.Error as error:
        raise MunicipalityImportError(
            [RowProblem(None, f"CSV として読めません: {error}")]
        ) from None


def _validate(numbered_rows: list[tuple[int, dict]]) -> list[ListedBody]:
    problems: list[RowProblem] = []
    listed: list[ListedBody] = []
    first_line_of: dict[str, int] = {}

    for line, row in numbered_rows:
        if None in row or any(row.get(column) is None for column in COLUMNS):
            # csv.DictReader files surplus fields under None and fills short rows with None.
            problems.append(RowProblem(line, f"列の数が見出し（{len(COLUMNS)}列）と合いません。"))
            continue
        values = {column: str(row[column]).strip() for column in COLUMNS}
        code = values["code"]
        row_problems = _row_problems(values)
        if code in first_line_of:
            row_problems.append(
                f"団体コード {code} が重複しています（{first_line_of[code]}行目と同じ）。"
            )
        else:
            first_line_of[code] = line
        if row_problems:
            problems.extend(RowProblem(line, message) for message in row_problems)
            continue
        listed.append(
            ListedBody(
                line=line,
                code=code,
                name=values["name"],
                name_kana=normalise_kana(values["name_kana"]),
                prefecture_code=values["prefecture_code"],
                kind=values["kind"],
            )
        )

    problems.extend(_prefecture_problems(listed))
    if problems:
        raise MunicipalityImportError(sorted(problems, key=lambda p: p.line or 0))
    if not listed:
        raise MunicipalityImportError([RowProblem(None, "データ行が1行もありません。")])
    return listed


def _row_problems(values: dict[str, str]) -> list[str]:
    """Problems that can be seen from the row alone."""
    problems = []
    code, kind = values["code"], values["kind"]

    code_ok = False
    if not _SIX_DIGITS.fullmatch(code):
        problems.append(f"団体コード「{code}」は6桁の数字ではありません。")
    elif int(code[5]) != (expected := check_digit(code[:5])):
        problems.append(
            f"団体コード {code} の検査数字（6桁目）が正しくありません"
            f"（正しくは {code[:5]}{expected}）。"
        )
    else:
        code_ok = True

    if not values["name"]:
        problems.append("名称（name）が空です。")
    elif len(values["name"]) > _NAME_MAX:
        problems.append(f"名称が長すぎます（{_NAME_MAX}文字まで）。")
    kana = normalise_kana(values["name_kana"])
    if not kana:
        problems.append("ふりがな（name_kana）が空です。")
    elif len(kana) > _KANA_MAX:
        problems.append(f"ふりがなが長すぎます（{_KANA_MAX}文字まで）。")

    kind_ok = kind in MunicipalityKind.values
    if not kind_ok:
        problems.append(
            f"区分「{kind}」は不明です（使える値: {', '.join(MunicipalityKind.values)}）。"
        )

    if code_ok and kind_ok:
        problems.extend(_code_kind_problems(code, kind, values["prefecture_code"]))
    return problems


def _code_kind_problems(code: str, kind: str, prefecture_code: str) -> list[str]:
    # PP000K is the prefecture itself and nothing else (DOMAIN §5).
    is_prefecture_code = code[2:5] == "000"
    if kind == MunicipalityKind.PREFECTURE:
        problems = []
        if not is_prefecture_code:
            problems.append(
                f"区分が prefecture ですが、団体コード {code} は"
                "都道府県の形（PP000K）ではありません。"
            )
        if prefecture_code:
            problems.append("都道府県の行では prefecture_code を空欄にしてください。")
        return problems
    if is_prefecture_code:
        return [f"団体コード {code} は都道府県のコードですが、区分が {kind} になっています。"]
    if not prefecture_code:
        return ["都道府県コード（prefecture_code）が空です。"]
    if prefecture_code != (expected := prefecture_code_of(code)):
        return [
            f"都道府県コード {prefecture_code} が団体コード {code} の上2桁（{code[:2]}）と"
            f"合いません（正しくは {expected}）。"
        ]
    return []


def _prefecture_problems(listed: list[ListedBody]) -> list[RowProblem]:
    """Each municipality's prefecture must be in the list itself.

    The list is complete: a prefecture only in the database would be marked
    abolished by this very import, leaving its members under an abolished body.
    The database is still read to say which of the two mistakes it is.
    """
    in_file = {body.code for body in listed if body.kind == MunicipalityKind.PREFECTURE}
    wanted = {body.prefecture_code for body in listed if body.prefecture_code} - in_file
    if not wanted:
        return []
    in_db = dict(
        Municipality.objects.filter(code__in=wanted, kind=MunicipalityKind.PREFECTURE).values_list(
            "code", "name"
        )
    )
    problems = []
    for body in listed:
        if body.prefecture_code not in wanted:
            continue
        if body.prefecture_code in in_db:
            message = (
                f"都道府県 {body.prefecture_code}（{in_db[body.prefecture_code]}）の行が"
                "ファイルにありません。一覧にない団体は廃止扱いになるため、都道府県の行も含めてください。"
            )
        else:
            message = (
                f"都道府県コード {body.prefecture_code} の都道府県が"
                "ファイルにもデータベースにもありません。"
            )
        problems.append(RowProblem(body.line, message))
    return problems


def _apply(
    listed: list[ListedBody],
    existing: dict[str, Municipality],
    *,
    effective_on: date,
    source: str,
    dry_run: bool,
) -> ImportResult:
    to_create: list[ListedBody] = []
    to_update: list[Municipality] = []
    to_refresh: list[Municipality] = []  # unchanged, but with a stale search key
    changes: list[FieldChange] = []
    change_rows: list[MunicipalityChange] = []
    unchanged = 0

    def record(body: Municipality, field_name: str, old: str, new: str) -> None:
        changes.append(FieldChange(body.code, body.name, field_name, old, new))
        change_rows.append(
            MunicipalityChange(
                municipality=body,
                effective_on=effective_on,
                field=field_name,
                old_value=old,
                new_value=new,
                source=source,
            )
        )

    prefecture_ids = {
        code: body.pk for code, body in existing.items() if body.kind == MunicipalityKind.PREFECTURE
    }
    for row in listed:
        body = existing.get(row.code)
        if body is None:
            to_create.append(row)
            continue
        old = _tracked_values(body)
        new = {
            "name": row.name,
            "name_kana": row.name_kana,
            "kind": row.kind,
            "prefecture": row.prefecture_code,
            "abolished_on": "",  # listed again, so it exists
        }
        differing = [name for name in TRACKED_FIELDS if old[name] != new[name]]
        if not differing:
            unchanged += 1
            if body.name_kana_search != kana_search_key(body.name_kana):
                # Not a change of the body: the search key is ours, brought up to
                # date when its folding rule changes.
                body.name_kana_search = kana_search_key(body.name_kana)
                to_refresh.append(body)
            continue
        for name in differing:
            record(body, name, old[name], new[name])
        # Record first, with the old name in FieldChange; then change the body.
        body.name, body.name_kana, body.kind = row.name, row.name_kana, row.kind
        body.name_kana_search = kana_search_key(row.name_kana)
        body.abolished_on = None
        if row.prefecture_code:
            # Existing prefectures keep their row, so their id is already known.
            body.prefecture_id = prefecture_ids.get(row.prefecture_code)
        to_update.append(body)

    listed_codes = {row.code for row in listed}
    to_abolish = [
        body
        for code, body in existing.items()
        if code not in listed_codes and body.abolished_on is None
    ]
    for body in to_abolish:
        record(body, "abolished_on", "", effective_on.isoformat())
        body.abolished_on = effective_on

    result = ImportResult(
        created=len(to_create),
        updated=len(to_update),
        abolished=len(to_abolish),
        unchanged=unchanged,
        changes=tuple(changes),
        dry_run=dry_run,
    )
    if dry_run:
        return result

    # Bulk writes: 1,788 one-by-one saves take seconds on SQLite and this runs
    # on every `make run`. Validation above stands in for full_clean(): it
    # checks the code, lengths, kind and the prefecture/kind constraint.
    new_prefectures = [row for row in to_create if row.kind == MunicipalityKind.PREFECTURE]
    Municipality.objects.bulk_create(_new_body(row, None) for row in new_prefectures)
    if new_prefectures:
        prefecture_ids.update(
            Municipality.objects.filter(code__in=[row.code for row in new_prefectures]).values_list(
                "code", "id"
            )
        )
    Municipality.objects.bulk_create(
        _new_body(row, prefecture_ids[row.prefecture_code])
        for row in to_create
        if row.kind != MunicipalityKind.PREFECTURE
    )
    for body in to_update:
        if body.kind != MunicipalityKind.PREFECTURE and body.prefecture_id is None:
            # Its prefecture was created just now.
            body.prefecture_id = prefecture_ids[prefecture_code_of(body.code)]
    Municipality.objects.bulk_update(
        to_update + to_abolish,
        ["name", "name_kana", "name_kana_search", "kind", "prefecture", "abolished_on"],
    )
    Municipality.objects.bulk_update(to_refresh, ["name_kana_search"])
    MunicipalityChange.objects.bulk_create(change_rows)
    return result


def _tracked_values(body: Municipality) -> dict[str, str]:
    return {
        "name": body.name,
        "name_kana": body.name_kana,
        "kind": body.kind,
        "prefecture": body.prefecture.code if body.prefecture_id else "",
        "abolished_on": body.abolished_on.isoformat() if body.abolished_on else "",
    }


def _new_body(row: ListedBody, prefecture_id: int | None) -> Municipality:
    return Municipality(
        code=row.code,
        name=row.name,
        name_kana=row.name_kana,
        name_kana_search=kana_search_key(row.name_kana),
        kind=row.kind,
        prefecture_id=prefecture_id,
    )
