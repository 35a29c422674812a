"""Import an official population table into the master (Municipality.population).

The file (fixtures/municipalities/population.csv; its provenance is in
fixtures/municipalities/README.md) starts with two comment lines that say what
the figures are, then a CSV header and one row per body:

    # as_of: 2020-10-01
    # source: 総務省統計局「令和2年国勢調査 人口速報集計」…
    code,name,population
    011002,札幌市,1975065

`name` is the source's own spelling, kept for the reader and not compared (the
source writes 檮原町 where the master has 梼原町). Every row is checked first —
a 6-digit code with its check digit, a body the master has, a whole number of
people, no code twice — and one bad row refuses the file, naming the file and
line, with nothing written. Bodies the table has no row for keep what they had
(none, at first: shown as 不明); a figure is never estimated.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from municipalities.codes import is_valid_code
from municipalities.models import Municipality

COLUMNS = ("code", "name", "population")
HEADER_KEYS = ("as_of", "source")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also read full-width digits
_SOURCE_MAX = Municipality._meta.get_field("population_source").max_length
# PositiveIntegerField holds up to 2,147,483,647 on every database; no body comes near.
_POPULATION_MAX = 2_147_483_647


class PopulationImportError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class PopulationImportResult:
    as_of: date
    source: str
    updated: int
    unchanged: int
    without_figure: int  # bodies of the master the table has no row for
    dry_run: bool = False


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """The `# key: value` lines at the top, and how many lines they take."""
    header: dict[str, str] = {}
    count = 0
    for line in lines:
        if not line.startswith("#"):
            break
        count += 1
        key, _sep, value = line[1:].partition(":")
        header[key.strip()] = value.strip()
    return header, count


@transaction.atomic
def import_population(path: Path | str, *, dry_run: bool = False) -> PopulationImportResult:
    """Set each listed body's population, its date and its source; refuse the file on any error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PopulationImportError([f"ファイル {path} が見つかりません。"]) from None
    except UnicodeDecodeError as error:
        raise PopulationImportError([f"{path}: UTF-8 ではありません（{error.reason}）。"]) from None
    lines = text.splitlines()
    header, skipped = _header(lines)
    problems: list[str] = []
    missing = [key for key in HEADER_KEYS if not header.get(key)]
    if missing:
        problems.append(
            f"{path}:1: 先頭の注記行に {', '.join(f'# {key}: …' for key in missing)} がありません"
            "（人口の基準日と出典）。"
        )
    as_of = None
    if header.get("as_of"):
        try:
            as_of = date.fromisoformat(header["as_of"])
        except ValueError:
            problems.append(
                f"{path}:1: as_of「{header['as_of']}」は YYYY-MM-DD の日付ではありません。"
            )
    source = header.get("source", "")
    if len(source) > _SOURCE_MAX:
        problems.append(f"{path}: source は{_SOURCE_MAX}文字以内にしてください。")

    reader = csv.DictReader(io.StringIO("\n".join(lines[skipped:])))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        problems.append(f"{path}:{skipped + 1}: 見出し行は {','.join(COLUMNS)} にしてください。")
        raise PopulationImportError(problems)

    known = dict(Municipality.objects.values_list("code", "pk"))
    figures: dict[str, int] = {}
    first_line: dict[str, int] = {}
    for row in reader:
        line = skipped + reader.line_num
        if None in row or any(row.get(column) is None for column in COLUMNS):
            problems.append(f"{path}:{line}: 列の数が見出し（{len(COLUMNS)}列）と合いません。")
            continue
        code = row["code"].strip()
        number = row["population"].strip()
        if not is_valid_code(code):
            problems.append(
                f"{path}:{line}: 団体コード「{code}」は6桁の正しい地方公共団体コード"
                "ではありません（検査数字）。"
            )
        elif code not in known:
            problems.append(f"{path}:{line}: 団体コード {code} は団体マスタにありません。")
        elif code in first_line:
            problems.append(
                f"{path}:{line}: 団体コード {code} が重複しています（{first_line[code]}行目と同じ）。"
            )
        else:
            first_line[code] = line
        if _DIGITS.fullmatch(number) and 0 < int(number) <= _POPULATION_MAX:
            figures[code] = int(number)
        else:
            problems.append(
                f"{path}:{line}: 人口「{number}」は1以上の整数（半角数字、区切りなし）にしてください。"
            )
    if problems:
        raise PopulationImportError(problems)

    bodies = list(
        Municipality.objects.filter(code__in=figures).only(
            "code", "population", "population_as_of", "population_source"
        )
    )
    changed = []
    for body in bodies:
        new = (figures[body.code], as_of, source)
        if (body.population, body.population_as_of, body.population_source) != new:
            body.population, body.population_as_of, body.population_source = new
            changed.append(body)
    if changed and not dry_run:
        Municipality.objects.bulk_update(
            changed, ["population", "population_as_of", "population_source"], batch_size=500
        )
    return PopulationImportResult(
        as_of=as_of,
        source=source,
        updated=len(changed),
        unchanged=len(bodies) - len(changed),
        without_figure=len(known) - len(bodies),
        dry_run=dry_run,
    )
