"""python manage.py render_report --municipality CODE --round ID -o FILE.pdf [--department ID]

Writes the round's municipality report (or one department's report) as a
PDF, the same file the download button gives. An operator's command: it
checks that the round and department belong to the municipality named, not
who runs it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Round
from municipalities.models import Department
from reports.rendering import render_department_report, render_municipality_report


class Command(BaseCommand):
    help = "評価ラウンドの報告書（PDF）を作成します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--municipality", metavar="CODE", required=True, help="団体コード（6桁）"
        )
        parser.add_argument(
            "--round", type=int, dest="round_id", required=True, help="ラウンドのID"
        )
        parser.add_argument("-o", "--output", type=Path, required=True, help="書き出すPDFファイル")
        parser.add_argument(
            "--department",
            type=int,
            dest="department_id",
            help="部署のID（指定すると部署別の報告書）",
        )

    def handle(self, *args, municipality, round_id, output, department_id, **options):
        round_ = Round.objects.select_related("municipality").filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(f"ラウンド {round_id} はありません。")
        if round_.municipality.code != municipality:
            raise CommandError(
                f"ラウンド {round_id} は団体 {municipality} のラウンドではありません。"
            )
        if department_id is None:
            pdf = render_municipality_report(round_)
        else:
            department = Department.objects.filter(
                pk=department_id, municipality=round_.municipality
            ).first()
            if department is None:
                raise CommandError(f"団体 {municipality} に部署 {department_id} はありません。")
            pdf = render_department_report(round_, department)
        try:
            output.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"{output} に書き出せません: {error.strerror}") from None
        self.stdout.write(self.style.SUCCESS(f"{output} を作成しました（{len(pdf):,} バイト）。"))
