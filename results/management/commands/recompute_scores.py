"""python manage.py recompute_scores [--round ID] [--jobs N]: rebuild the stored results from the answers.

Safe to run at any time and as often as needed: each round's snapshots are
recomputed in place (trigger "recomputed"; many rounds per transaction, scored in
--jobs processes, by default one per CPU, results.snapshots.snapshots_refresh_many;
or one at a time, timed, with --verbosity 2), so the numbers come out the same and
no rows are duplicated.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from assessments.models import Round
from results.models import SnapshotTrigger
from results.snapshots import snapshots_refresh, snapshots_refresh_many


class Command(BaseCommand):
    help = (
        "評価結果（団体全体と部署ごとの得点）を回答から計算し直して保存します。"
        "--round を省略すると、すべてのラウンドが対象です。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, dest="round_id", help="ラウンドのID")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="計算に使うプロセスの数（既定: CPUの数）",
        )

    def handle(self, *args, round_id=None, jobs=1, **options):
        if jobs < 1:
            raise CommandError("--jobs は1以上にしてください。")
        rounds = Round.objects.select_related("municipality").order_by("pk")
        if round_id is not None:
            rounds = rounds.filter(pk=round_id)
            if not rounds.exists():
                raise CommandError(f"ラウンド {round_id} はありません。")
        started = time.perf_counter()
        rounds = list(rounds)
        if options["verbosity"] >= 2:
            # One round at a time, each timed.
            snapshots = 0
            for round_ in rounds:
                round_started = time.perf_counter()
                stored = snapshots_refresh(round=round_, trigger=SnapshotTrigger.RECOMPUTED)
                snapshots += len(stored)
                self.stdout.write(
                    f"ラウンド {round_.pk}（{round_}）: {len(stored)}件"
                    f"（{time.perf_counter() - round_started:.2f}秒）"
                )
        else:
            # Many rounds per query and per transaction, scored in `jobs` processes.
            snapshots = snapshots_refresh_many(
                rounds, trigger=SnapshotTrigger.RECOMPUTED, jobs=jobs
            )
        count = len(rounds)
        self.stdout.write(
            self.style.SUCCESS(
                f"{count}ラウンドの評価結果を{snapshots}件計算し直しました"
                f"（{time.perf_counter() - started:.2f}秒）。"
            )
        )
