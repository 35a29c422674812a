"""Import a filled questionnaire workbook, as the upload page does, on behalf of a user.

    python manage.py import_questionnaire FILE.xlsx --user EMAIL [--dry-run]

The workbook's signed identifier names the questionnaire; the user must be
allowed to answer it. The preview (changes, problems) is printed; any problem
or conflict stops the command with a non-zero exit and nothing saved. Without
--dry-run every change is saved in one transaction, recorded as via="excel".
"""

from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from accounts.models import User
from assessments.locking import QuestionnaireLocked, lock_reason
from assessments.selectors import questionnaire_for
from assessments.workbooks.importing import Preview, Problem, import_apply, import_preview
from assessments.workbooks.reading import MAX_FILE_BYTES, WorkbookRejected, workbook_open


class Command(BaseCommand):
    help = "記入済みの調査票Excelファイルを取り込みます（取り込む前に変更内容と誤りを表示します）。"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="調査票から書き出して記入した .xlsx")
        parser.add_argument("--user", required=True, metavar="EMAIL", help="回答者のメールアドレス")
        parser.add_argument(
            "--dry-run", action="store_true", help="変更内容と誤りを表示するだけで、書き込まない"
        )

    def handle(self, *args, file, user, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file} がありません。")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{file}: ファイルが大きすぎます（上限は 5 MB です）。")
        try:
            workbook = workbook_open(path.read_bytes())
        except WorkbookRejected as rejected:
            raise CommandError(f"{file}: {rejected.message}") from None

        person = User.objects.filter(email__iexact=user.strip(), is_active=True).first()
        if person is None:
            raise CommandError(f"利用者 {user} はいません（または無効です）。")
        try:
            # The same scoping helper as the upload page, with the user as the requester.
            questionnaire = questionnaire_for(
                SimpleNamespace(user=person), workbook.identifier.questionnaire_id, to_answer=True
            )
        except Http404:
            raise CommandError(
                f"{user} はこのファイルの調査票（ID {workbook.identifier.questionnaire_id}）に回答できません。"
            ) from None
        if reason := lock_reason(questionnaire):
            raise CommandError(reason)

        try:
            preview = import_preview(questionnaire=questionnaire, workbook=workbook)
        except WorkbookRejected as rejected:
            raise CommandError(f"{file}: {rejected.message}") from None
        self.stdout.write(f"調査票「{questionnaire}」（ID {questionnaire.pk}）")
        self._report(preview)
        if not preview.ok:
            raise CommandError(f"問題が{len(preview.problems)}件あるため、何も反映していません。")
        if dry_run:
            self.stdout.write(
                f"【確認のみ】{len(preview.changes)}件を反映できます。書き込みはしていません。"
            )
            return
        try:
            conflicts = import_apply(
                questionnaire=questionnaire, changes=preview.changes, user=person
            )
        except QuestionnaireLocked as locked:
            raise CommandError(str(locked)) from None
        if conflicts:
            self._problems(conflicts)
            raise CommandError(f"競合が{len(conflicts)}件あったため、何も反映していません。")
        self.stdout.write(f"{len(preview.changes)}件の回答を反映しました。")

    def _report(self, preview: Preview) -> None:
        for change in preview.changes:
            for field in change.fields:
                self.stdout.write(
                    f"  {change.sheet} {change.row}行 {change.code} {field.field}: "
                    f"{field.old or '（空欄）'} → {field.new or '（空欄）'}"
                )
        for skipped in preview.skipped:
            self.stdout.write(
                f"  {skipped.sheet} {skipped.row}行 {skipped.code}: {skipped.message}"
            )
        for title in preview.ignored_sheets:
            self.stdout.write(
                f"  {title}: DXポータルが書き出したシートではないため、読み込んでいません。"
            )
        if not preview.changes and preview.ok:
            self.stdout.write("  変更された回答はありません。")
        self._problems(preview.problems)

    def _problems(self, problems: list[Problem]) -> None:
        for problem in problems:
            where = f"{problem.sheet} {problem.row}行" if problem.row else problem.sheet
            self.stderr.write(f"  誤り: {where} {problem.code} {problem.field}: {problem.message}")
