"""Write a questionnaire as an Excel workbook, the same file the download button gives.

    python manage.py export_questionnaire --questionnaire ID -o FILE.xlsx
    python manage.py export_questionnaire --municipality CODE --round ID --department NAME -o FILE.xlsx

An operator's command: it does not check a user's permissions.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Questionnaire
from assessments.workbooks.writing import workbook_build


class Command(BaseCommand):
    help = "部署の調査票を、回答を入力できるExcelファイル（.xlsx）に書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--questionnaire", type=int, metavar="ID", help="調査票のID")
        parser.add_argument("--municipality", metavar="CODE", help="団体コード（6桁）")
        parser.add_argument("--round", type=int, metavar="ID", dest="round_id", help="ラウンドのID")
        parser.add_argument("--department", metavar="NAME", help="部署名")
        parser.add_argument(
            "-o", "--output", metavar="FILE", required=True, help="書き出すファイル（.xlsx）"
        )

    def handle(self, *args, output, **options):
        questionnaire = _questionnaire(options)
        Path(output).write_bytes(workbook_build(questionnaire))
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"調査票「{questionnaire}」（ID {questionnaire.pk}）を {output} に書き出しました。"
            )


def _questionnaire(options) -> Questionnaire:
    questionnaires = Questionnaire.objects.select_related(
        "round__municipality__prefecture", "round__edition", "department"
    )
    if options["questionnaire"] is not None:
        found = questionnaires.filter(pk=options["questionnaire"]).first()
        if found is None:
            raise CommandError(f"調査票 {options['questionnaire']} はありません。")
        return found
    missing = [
        flag
        for flag, key in (
            ("--municipality", "municipality"),
            ("--round", "round_id"),
            ("--department", "department"),
        )
        if not options[key]
    ]
    if missing:
        raise CommandError(
            "--questionnaire か、--municipality・--round・--department の三つを指定してください"
            f"（足りないもの: {', '.join(missing)}）。"
        )
    found = questionnaires.filter(
        round_id=options["round_id"],
        round__municipality__code=options["municipality"],
        department__name=options["department"],
    ).first()
    if found is None:
        raise CommandError(
            f"団体 {options['municipality']} のラウンド {options['round_id']} に、"
            f"部署「{options['department']}」の調査票はありません。"
        )
    return found
