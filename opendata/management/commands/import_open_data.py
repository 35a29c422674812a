"""Import official open data (e.g. the Digital Agency's 自治体DXダッシュボード) as suggested answers.

    python manage.py import_open_data PATH --source 'デジタル庁「自治体DXダッシュボード」' --as-of 2026-09-30

PATH is a ZIP of CSV/XLSX files, or one CSV or XLSX, in either shape of
opendata/FORMAT.md. The whole file is one transaction: any problem is listed
with its file, member, row and column, and nothing changes.
"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.importing import open_data_import
from opendata.reading import MAX_FILE_BYTES, OpenDataRejected


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of は YYYY-MM-DD で指定してください（{text!r}）。") from None


class Command(BaseCommand):
    help = "オープンデータ（自治体DXダッシュボードのZIP・CSV・XLSX、団体コード付きCSV）を回答の候補として取り込みます。"

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help=".zip・.csv・.xlsx のファイル")
        parser.add_argument(
            "--source",
            required=True,
            help="出典（発行者「表題」）。例：デジタル庁「自治体DXダッシュボード」",
        )
        parser.add_argument("--as-of", required=True, type=_day, help="データの時点（YYYY-MM-DD）")

    def handle(self, *args, path, source, as_of, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: ファイルがありません。")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(
                f"{file.name}: ファイルが大きすぎます（上限は {MAX_FILE_BYTES // (1024 * 1024)} MB です）。"
            )
        try:
            imported = open_data_import(
                data=file.read_bytes(), file_name=file.name, source=source, as_of=as_of
            )
        except OpenDataRejected as rejected:
            raise CommandError(
                "取り込みませんでした（何も変更していません）：\n" + "\n".join(rejected.problems)
            ) from None
        self.stdout.write(
            f"{imported.source}（{imported.as_of:%Y-%m-%d}時点）: "
            f"{imported.municipality_count}団体・{imported.value_count}件の値を取り込みました"
            f"（置き換えた値 {imported.replaced_count}件）。"
        )
