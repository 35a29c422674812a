"""Importing a statistics file: every value checked and matched first, then all written at once.

Bodies are matched by 団体コード (check digit validated), or by prefecture and name
together, never by name alone: 府中市 is in 東京都 and in 広島県, 伊達市 in 北海道 and in
福島県. A name may carry its 郡 or 北海道's 振興局 before it (「西多摩郡瑞穂町」); the master
lists names without them. Any problem refuses the whole file and changes nothing.

An import replaces the values of an earlier import of the same source and as-of date
for the items the file has; other items and other dates stay.
"""

import re
from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.recording import record
from municipalities.codes import is_valid_code
from municipalities.models import Municipality
from opendata.items import name_key
from opendata.models import OpenDataImport, OpenDataValue
from opendata.reading import MunicipalityRef, OpenDataRejected, Problems, read_entries

SOURCE_MAX = OpenDataImport._meta.get_field("source").max_length
# What a name may carry before the body's own name in a published table.
_NAME_PREFIXES = (re.compile(r"^.+?(総合)?振興局"), re.compile(r"^.+?郡"))


class _Directory:
    """The municipality master, loaded once (one query), for matching a file's bodies."""

    def __init__(self):
        self.by_code: dict[str, Municipality] = {}
        self.by_name: dict[tuple[str, str], list[Municipality]] = defaultdict(list)
        for municipality in Municipality.objects.select_related("prefecture"):
            self.by_code[municipality.code] = municipality
            if municipality.abolished_on is None:
                prefecture = municipality.prefecture or municipality
                key = (name_key(prefecture.name), name_key(municipality.name))
                self.by_name[key].append(municipality)

    def find(self, ref: MunicipalityRef, problems: Problems) -> Municipality | None:
        by_name = self._by_name(ref, problems) if ref.prefecture else None
        if ref.prefecture and by_name is None:
            return None
        if not ref.code:
            if by_name is None:
                problems.add(ref.place, _("団体コードが空欄です。"))
            return by_name
        return self._by_code(ref, by_name, problems)

    def _by_code(self, ref, by_name, problems) -> Municipality | None:
        code = ref.code
        if not is_valid_code(code):
            problems.add(
                ref.place,
                _(
                    "団体コード「%(code)s」は6桁の全国地方公共団体コードではありません（検査数字を含む6桁）。"
                )
                % {"code": code},
            )
            return None
        municipality = self.by_code.get(code)
        if municipality is None:
            problems.add(
                ref.place, _("団体コード「%(code)s」の団体は登録されていません。") % {"code": code}
            )
            return None
        if municipality.abolished_on is not None:
            problems.add(
                ref.place,
                _("団体コード「%(code)s」の%(name)sは廃止されています。")
                % {"code": code, "name": municipality.name},
            )
            return None
        if by_name is not None and by_name != municipality:
            problems.add(
                ref.place,
                _(
                    "団体コード「%(code)s」は%(name)sのコードで、「%(prefecture)s %(given)s」と一致しません。"
                )
                % {
                    "code": code,
                    "name": municipality.name,
                    "prefecture": ref.prefecture,
                    "given": ref.name,
                },
            )
            return None
        if ref.name and not ref.prefecture and self._name_of(municipality, ref.name) is None:
            problems.add(
                ref.place,
                _("団体コード「%(code)s」は%(name)sのコードで、団体名「%(given)s」と一致しません。")
                % {"code": code, "name": municipality.name, "given": ref.name},
            )
            return None
        return municipality

    def _name_of(self, municipality, given: str):
        prefecture = municipality.prefecture or municipality
        ref = MunicipalityRef(place=None, prefecture=prefecture.name, name=given)
        return municipality if municipality in self._candidates(ref) else None

    def _candidates(self, ref: MunicipalityRef) -> list[Municipality]:
        prefecture = name_key(ref.prefecture)
        name = name_key(ref.name or ref.prefecture)  # the prefecture's own column
        if name.startswith(prefecture) and name != prefecture:
            name = name.removeprefix(prefecture)
        found = self.by_name.get((prefecture, name))
        if found:
            return found
        for prefix in _NAME_PREFIXES:
            stripped = prefix.sub("", name, count=1)
            if stripped != name and (found := self.by_name.get((prefecture, stripped))):
                return found
        return []

    def _by_name(self, ref: MunicipalityRef, problems: Problems) -> Municipality | None:
        found = self._candidates(ref)
        if len(found) == 1:
            return found[0]
        if not found:
            problems.add(
                ref.place,
                _("「%(prefecture)s %(name)s」という団体は団体の一覧にありません。")
                % {"prefecture": ref.prefecture, "name": ref.name},
            )
        else:
            problems.add(
                ref.place,
                _(
                    "「%(prefecture)s %(name)s」に当たる団体が複数あります。団体コードで指定してください。"
                )
                % {"prefecture": ref.prefecture, "name": ref.name},
            )
        return None


@transaction.atomic
def open_data_import(
    *, data: bytes, file_name: str, source: str, as_of: date, user=None
) -> OpenDataImport:
    """Import the file's values as of `as_of` from `source`; OpenDataRejected changes nothing."""
    source = " ".join(source.split())
    if not source or len(source) > SOURCE_MAX:
        raise OpenDataRejected(
            [
                _(
                    "出典は1〜%(limit)d文字で書いてください（例：デジタル庁「自治体DXダッシュボード」）。"
                )
                % {"limit": SOURCE_MAX}
            ]
        )
    entries = read_entries(data, file_name)
    problems = Problems()
    directory = _Directory()
    values: dict[tuple[int, str], tuple] = {}
    for entry in entries:
        municipality = directory.find(entry.ref, problems)
        if municipality is None:
            continue
        key = (municipality.pk, entry.item.key)
        if key in values:
            problems.add(
                entry.place,
                _("%(name)sの「%(item)s」が2回あります（もう1つは %(other)s）。")
                % {"name": municipality.name, "item": entry.item.key, "other": values[key][1]},
            )
            continue
        values[key] = (entry.value, entry.place)
    problems.raise_any()
    items = sorted({item for _municipality, item in values})
    replaced, _by_model = OpenDataValue.objects.filter(
        source_import__source=source, source_import__as_of=as_of, item__in=items
    ).delete()
    imported = OpenDataImport(
        source=source,
        as_of=as_of,
        file_name=file_name[-255:],
        imported_by=user,
        value_count=len(values),
        municipality_count=len({municipality for municipality, _item in values}),
        replaced_count=replaced,
    )
    imported.full_clean()
    imported.save()
    OpenDataValue.objects.bulk_create(
        OpenDataValue(source_import=imported, municipality_id=municipality, item=item, value=value)
        for (municipality, item), (value, _place) in values.items()
    )
    record(
        AuditAction.OPEN_DATA_IMPORTED,
        user=user,
        target=f"{source} {as_of:%Y-%m-%d}",
        detail={
            "source": source,
            "as_of": as_of.isoformat(),
            "file": imported.file_name,
            "values": imported.value_count,
            "municipalities": imported.municipality_count,
            "items": items,
            "replaced": replaced,
        },
    )
    return imported
