"""Import catalogue files as new editions of a framework.

    python manage.py import_framework FILE [FILE ...] [--dry-run] [--skip-existing]
                                                      [--correct-sources]

Files are imported in the order given, so an edition comes after the one it
names as its predecessor. Each file is one transaction; the first refused file
stops the command (files before it stay imported). `make run` passes
--skip-existing --correct-sources: loading the default catalogue again adds the
editions that are new and corrects the citations of those already there, and
changes nothing else (FORMAT.md, "Corrections to a published edition").
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from frameworks.catalogue_io import CatalogueFileError, ImportResult, framework_import
from frameworks.catalogue_io.problems import MAX_PROBLEMS


class Command(BaseCommand):
    help = "目録ファイル（dxportal-catalogue/1 形式の YAML・JSON）から評価フレームワークの版を取り込みます。"

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="+", metavar="FILE", help="目録ファイル（前の版を先に並べてください）"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="検査と件数の表示だけ行い、書き込まない"
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="既にある版（同じフレームワーク・同じ版番号）は誤りにせず、取り込みを省略する",
        )
        parser.add_argument(
            "--correct-sources",
            action="store_true",
            help="既にある公開済み・廃止済みの版は、出典と出典URLだけをファイルの内容に訂正する"
            "（--skip-existing を含む。設問などそのほかの違いは表示だけして変えない）",
        )

    def handle(self, *args, files, dry_run, skip_existing, correct_sources, **options):
        self.verbosity = options["verbosity"]
        flags = {"skip_existing": skip_existing, "correct_sources": correct_sources}
        if not dry_run:
            self._import_all(files, **flags)
            return
        # A later file may name an earlier one as its predecessor, so a dry run
        # really imports them all and then rolls everything back.
        with transaction.atomic():
            self._import_all(files, **flags, dry_run=True)
            transaction.set_rollback(True)

    def _import_all(
        self,
        files: list[str],
        *,
        skip_existing: bool,
        correct_sources: bool,
        dry_run: bool = False,
    ):
        for index, file in enumerate(files):
            try:
                result = framework_import(
                    path=file, skip_existing=skip_existing, correct_sources=correct_sources
                )
            except CatalogueFileError as error:
                for problem in error.problems:
                    self.stderr.write(str(problem))
                if error.truncated:
                    self.stderr.write(
                        f"{file}: 誤りが多いため、最初の{MAX_PROBLEMS}件だけ表示しています。"
                    )
                done = "" if index == 0 or dry_run else "（それより前のファイルは取り込み済みです）"
                raise CommandError(
                    f"{file} に誤りがあるため、取り込みを中止しました"
                    f"（このファイルからは何も書き込んでいません）{done}。"
                ) from None
            if self.verbosity >= 1:
                self._report(result, dry_run=dry_run)

    def _report(self, result: ImportResult, *, dry_run: bool):
        edition = f"「{result.framework} {result.version}」"
        if result.skipped:
            self.stdout.write(f"{result.file}: {edition}は既にあるため、取り込みを省略しました。")
            self._report_correction(result, dry_run=dry_run)
            return
        counts = f"段階 {result.stages}・分野 {result.areas}・指標 {result.indicators}"
        if dry_run:
            self.stdout.write(
                f"{result.file}: 【確認のみ】{edition}を取り込めます（{counts}）。書き込みはしていません。"
            )
        else:
            self.stdout.write(f"{result.file}: {edition}を取り込みました（{counts}）。")
        for notice in result.notices:
            self.stdout.write(f"  注意: {notice}")

    def _report_correction(self, result: ImportResult, *, dry_run: bool):
        for notice in result.notices:
            self.stdout.write(f"  注意: {notice}")
        # The counts always; which fields, with -v 2 (a first correction lists hundreds).
        listed = self.verbosity >= 2
        ending = ":" if listed else "（一覧は -v 2 で表示します）。"
        if result.corrected:
            done = "訂正できます（確認のみ。書き込みはしていません）" if dry_run else "訂正しました"
            self.stdout.write(f"  出典・出典URLを{len(result.corrected)}件{done}{ending}")
            for name in result.corrected if listed else ():
                self.stdout.write(f"    {name}")
        if result.left_alone:
            self.stdout.write(
                f"  出典以外でファイルと異なる項目（{len(result.left_alone)}件）は、"
                f"回答の前提を変えないよう、そのままにしています{ending}"
            )
            for name in result.left_alone if listed else ():
                self.stdout.write(f"    {name}")
