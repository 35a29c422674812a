"""Set the master's population figures from an official table.

    python manage.py import_population FILE [--dry-run]

Run by `make db` every time, after import_municipalities: importing the same
file again changes nothing. See municipalities/population_import.py.
"""

from django.core.management.base import BaseCommand, CommandError

from municipalities.population_import import PopulationImportError, import_population

# A refused file lists every problem; past this many, the rest are only counted.
MAX_PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = "公的統計の人口表（CSV）から団体マスタの人口・基準日・出典を取り込みます。"

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="CSV（UTF-8、先頭に # as_of: と # source: の行、見出し行 code,name,population）",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="検査と件数の表示だけ行い、書き込まない"
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            result = import_population(file, dry_run=dry_run)
        except PopulationImportError as error:
            shown = error.problems[:MAX_PROBLEMS_SHOWN]
            if hidden := len(error.problems) - len(shown):
                shown = [*shown, f"ほか {hidden}件"]
            raise CommandError(
                f"{file} に誤りが {len(error.problems)}件あるため、取り込みを中止しました"
                "（何も書き込んでいません）。\n" + "\n".join(shown)
            ) from None
        if options["verbosity"] < 1:
            return
        heading = "【確認のみ】書き込みはしていません" if result.dry_run else "人口を取り込みました"
        self.stdout.write(f"{heading}（基準日 {result.as_of.isoformat()}、出典: {result.source}）")
        self.stdout.write(f"  更新: {result.updated}件")
        self.stdout.write(f"  変更なし: {result.unchanged}件")
        self.stdout.write(f"  人口の数値がない団体（不明のまま）: {result.without_figure}件")
