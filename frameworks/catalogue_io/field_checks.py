"""Reading single values out of a parsed catalogue file, each problem recorded at its line.

Strings are checked against the model field they will be stored in (length,
slug, URL), so the database never refuses what the validator accepted.
"""

import math
import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import models

from frameworks.catalogue_io.problems import MAX_PROBLEMS, CatalogueProblem
from frameworks.catalogue_io.reading import CatalogueDocument
from frameworks.models import Edition

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The last step of a field path: `.weight` or `[3]`.
_LAST_STEP = re.compile(r"(\.[^.\[\]]*|\[[0-9]+\])$")
_validate_url = URLValidator()


class FieldChecker:
    """Reads values out of the parsed file, recording a problem wherever one is wrong.

    Every reader returns something usable (an empty string, None, an empty
    list) after a problem, so checking goes on and the author sees every problem.
    """

    def __init__(self, document: CatalogueDocument):
        self.file = document.file
        self.lines = document.lines
        self.problems: list[CatalogueProblem] = []
        self.truncated = False

    def add(self, path: str, message: str) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.truncated = True
            return
        self.problems.append(CatalogueProblem(self.file, self._line_of(path), path, message))

    def _line_of(self, path: str) -> int | None:
        # A missing key has no line of its own: the nearest enclosing item does.
        while path and path not in self.lines:
            parent = _LAST_STEP.sub("", path)
            path = "" if parent == path else parent
        return self.lines.get(path)

    def unknown_keys(self, record: dict, path: str, keys: tuple[str, ...]) -> None:
        for key in record:
            if key not in keys:
                self.add(
                    _join(path, str(key)), f"不明な項目です（書ける項目: {', '.join(keys)}）。"
                )

    def section(self, parent: dict, path: str, key: str, keys: tuple[str, ...]) -> dict | None:
        here = _join(path, key)
        value = parent.get(key)
        if value is None:
            self.add(here, "必須の項目がありません。")
            return None
        if not isinstance(value, dict):
            self.add(here, f"「項目名: 値」の形で書いてください（現在: {shown(value)}）。")
            return None
        self.unknown_keys(value, here, keys)
        return value

    def records(
        self,
        parent: dict,
        path: str,
        key: str,
        keys: tuple[str, ...],
        *,
        required: bool = False,
        at_least: int = 0,
    ) -> list[tuple[str, dict]]:
        """The items of a list of mappings with their paths; a missing optional list is empty."""
        here = _join(path, key)
        value = parent.get(key)
        if value is None:
            if required:
                self.add(here, "必須の項目がありません（空なら [] と書いてください）。")
            return []
        if not isinstance(value, list):
            self.add(here, f"「- 」で始まる一覧で書いてください（現在: {shown(value)}）。")
            return []
        if len(value) < at_least:
            self.add(here, f"{at_least}つ以上必要です。")
        items = []
        for index, item in enumerate(value):
            item_path = f"{here}[{index}]"
            if not isinstance(item, dict):
                self.add(item_path, f"「項目名: 値」の形で書いてください（現在: {shown(item)}）。")
                continue
            self.unknown_keys(item, item_path, keys)
            items.append((item_path, item))
        return items

    def text(
        self,
        record: dict,
        path: str,
        key: str,
        model: type[models.Model],
        attribute: str = "",
        *,
        required: bool = False,
    ) -> str:
        """A string checked against the model field it is stored in (length, slug, URL)."""
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            if required:
                self.add(here, "必須の項目がありません。")
            return ""
        if not isinstance(value, str):
            self.add(here, _not_text(value))
            return ""
        if required and not value.strip():
            self.add(here, "空にはできません。")
            return value
        model_field = model._meta.get_field(attribute or key)
        if model_field.max_length and len(value) > model_field.max_length:
            self.add(
                here, f"{model_field.max_length}文字以内にしてください（現在: {len(value)}文字）。"
            )
        if isinstance(model_field, models.SlugField) and not _is_valid(validate_slug, value):
            self.add(
                here,
                f"半角英数字・ハイフン・アンダースコアだけで書いてください（現在: {shown(value)}）。",
            )
        if (
            isinstance(model_field, models.URLField)
            and value
            and not _is_valid(_validate_url, value)
        ):
            self.add(here, f"URLの形式ではありません（現在: {shown(value)}）。")
        return value

    def version(self, record: dict, path: str, key: str, *, required: bool = False) -> str:
        value = record.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            # Unquoted, 2.10 would be read as the number 2.1.
            self.add(
                _join(path, key),
                f'版は引用符で囲んで文字列として書いてください（例: "{value}"）。',
            )
            return ""
        return self.text(record, path, key, Edition, "version", required=required)

    def one_of(self, record: dict, path: str, key: str, allowed, *, required: bool = False) -> str:
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            if required:
                self.add(here, f"必須の項目がありません（{' / '.join(allowed)} のいずれか）。")
            return ""
        if value not in allowed:
            self.add(
                here, f"{' / '.join(allowed)} のいずれかにしてください（現在: {shown(value)}）。"
            )
            return ""
        return value

    def reference(
        self,
        record: dict,
        path: str,
        key: str,
        codes: set[str],
        model: type[models.Model],
        noun: str,
        section: str,
    ) -> str:
        """A code that must name a stage or an area defined above in the file."""
        value = self.text(record, path, key, model, "code", required=True)
        if value and value not in codes:
            self.add(
                _join(path, key),
                f"{noun}「{value}」は {section} にありません（あるのは: {', '.join(sorted(codes)) or 'なし'}）。",
            )
        return value

    def integer(
        self,
        record: dict,
        path: str,
        key: str,
        *,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            if required:
                self.add(here, "必須の項目がありません。")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(here, f"整数で書いてください（現在: {shown(value)}）。")
            return None
        if low is not None and high is not None and not low <= value <= high:
            self.add(here, f"{low}以上{high}以下の整数にしてください（現在: {value}）。")
            return None
        return value

    def number(
        self, record: dict, path: str, key: str, *, required: bool = False
    ) -> Decimal | None:
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            if required:
                self.add(here, "必須の項目がありません。")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            self.add(here, f"数値で書いてください（現在: {shown(value)}）。")
            return None
        number = Decimal(str(value))
        if number.as_tuple().exponent < -1:  # type: ignore[operator]
            self.add(here, f"小数点以下は1桁までにしてください（現在: {value}）。")
            return None
        return number

    def boolean(self, record: dict, path: str, key: str) -> bool:
        """An optional true/false; omitted is false."""
        value = record.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.add(_join(path, key), f"true か false で書いてください（現在: {shown(value)}）。")
            return False
        return value

    def date(self, record: dict, path: str, key: str) -> date | None:
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.add(here, f"日付は YYYY-MM-DD の形で書いてください（現在: {shown(value)}）。")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.add(here, f"存在しない日付です（現在: {value}）。")
            return None

    def kinds(self, record: dict, path: str, key: str, allowed: list[str]) -> tuple[str, ...]:
        here = _join(path, key)
        value = record.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(here, f"一覧で書いてください（例: [town, village]、現在: {shown(value)}）。")
            return ()
        kinds = []
        for index, kind in enumerate(value):
            item_path = f"{here}[{index}]"
            if kind not in allowed:
                self.add(
                    item_path,
                    f"{', '.join(allowed)} のいずれかにしてください（現在: {shown(kind)}）。",
                )
            elif kind in kinds:
                self.add(item_path, f"「{kind}」が重複しています。")
            else:
                kinds.append(kind)
        return tuple(kinds)

    def unique_codes(self, items: list[tuple[str, str]], noun: str) -> None:
        """`items` are (path of the item, its code); a repeated code is reported where it repeats."""
        first: dict[str, str] = {}
        for path, code in items:
            if not code:
                continue
            if code in first:
                line = self._line_of(f"{first[code]}.code")
                self.add(
                    f"{path}.code",
                    f"{noun}のコード「{code}」が重複しています（{line}行目と同じ）。",
                )
            else:
                first[code] = path


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _is_valid(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


def _not_text(value: object) -> str:
    message = f"文字列で書いてください（現在: {shown(value)}）。"
    if isinstance(value, bool | int | float):
        # YAML reads yes, no, on, off, 1.0 and the like as booleans or numbers.
        message += "そのまま文字列にするには引用符で囲んでください。"
    return message


def shown(value: object) -> str:
    if isinstance(value, dict):
        return "項目の並び"
    if isinstance(value, list):
        return "一覧"
    if value is None:
        return "空"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"
