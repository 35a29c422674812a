from django.core.management.base import BaseCommand, CommandError

from assessments.coordination import CoordinationError
from assessments.models import Round
from assessments.reminders import default_base_url, reminders_send, rounds_to_remind


class Command(BaseCommand):
    help = (
        "未提出の調査票の回答者に督促メールを送ります。"
        "--round を省略すると、開始済みで実施中のすべてのラウンドが対象です。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, dest="round_id", help="ラウンドのID")
        parser.add_argument(
            "--base-url",
            default=None,
            help="メールに載せる調査票URLの先頭（既定: 設定 PORTAL_BASE_URL）",
        )

    def handle(self, *args, round_id=None, base_url=None, **options):
        base_url = base_url or default_base_url()
        if not base_url:
            raise CommandError(
                "メールに載せるURLが決まりません。環境変数 PORTAL_BASE_URL を設定するか --base-url を指定してください。"
            )
        if round_id is not None:
            try:
                rounds = [Round.objects.select_related("municipality__prefecture").get(pk=round_id)]
            except Round.DoesNotExist:
                raise CommandError(f"ラウンド {round_id} はありません。") from None
        else:
            rounds = list(rounds_to_remind())
        total = 0
        for round_ in rounds:
            try:
                sent = reminders_send(round=round_, base_url=base_url)
            except CoordinationError as error:
                raise CommandError(f"{round_}: {error}") from None
            total += sent
            self.stdout.write(f"{round_}: {sent}通")
        self.stdout.write(self.style.SUCCESS(f"督促メールを{total}通送信しました。"))
