"""python manage.py recompute_scores [--round ID]: rebuild the stored results from the answers.

Safe to run at any time and as often as needed: each round's snapshots are
recomputed in place in one transaction (trigger "recomputed"), so the
numbers come out the same and no rows are duplicated.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Round
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh


class Command(BaseCommand):
    help = (
        "評価結果（団体全体と部署ごとの得点）を回答から計算し直して保存します。"
        "--round を省略すると、すべてのラウンドが対象です。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, dest="round_id", help="ラウンドのID")

    def handle(self, *args, round_id=None, **options):
        rounds = Round.objects.select_related("municipality").order_by("pk")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
            if not rounds.exists():
                raise CommandError(f"ラウンド {round_id} はありません。")
        started = time.perf_counter()
        count = snapshots = 0
        for round_ in rounds:
            round_started = time.perf_counter()
            stored = snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
            count += 1
            snapshots += len(stored)
            if options["verbosity"] >= 2:
                self.stdout.write(
                    f"ラウンド {round_.pk}（{round_}）: {len(stored)}件"
                    f"（{time.perf_counter() - round_started:.2f}秒）"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{count}ラウンドの評価結果を{snapshots}件計算し直しました"
                f"（{time.perf_counter() - started:.2f}秒）。"
            )
        )
