"""python manage.py generate_national_data --seed 1 [--limit K | --prefecture 14] [--jobs N]

A made-up national data set for development and load tests (portal.national_data):
every current body of the master, its default departments, three rounds and their
answers, and stored scores. Refuses to run unless DJANGO_ENV=development, or with
--not-development for a throw-away database elsewhere: the answers are not real.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from municipalities.models import Municipality
from portal.national_data import NoCatalogue, national_data_generate

# Rounds need someone who opened them: an account that cannot sign in.
GENERATOR_EMAIL = "national-data@example.invalid"


def generator_user() -> User:
    user, created = User.objects.get_or_create(
        email=GENERATOR_EMAIL, defaults={"display_name": "生成データ", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


class Command(BaseCommand):
    help = (
        "開発・負荷試験用の全国データ（架空の回答）を作成します。"
        "同じ --seed なら同じデータになります（開発環境専用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="乱数の種（既定 1）")
        parser.add_argument("--limit", type=int, help="団体コード順に最初のK団体だけ")
        parser.add_argument("--prefecture", help="都道府県コード2桁（例: 14）の団体だけ")
        parser.add_argument(
            "--not-development",
            action="store_true",
            help="DJANGO_ENV=development でなくても実行する（使い捨てのデータベースに限る）",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="得点の計算に使うプロセスの数（既定: CPUの数）",
        )

    def handle(self, *args, seed, limit, prefecture, not_development, jobs, **options):
        if not settings.DEVELOPMENT and not not_development:
            raise CommandError(
                "generate_national_data は開発環境専用です（DJANGO_ENV=development のときだけ使えます。"
                "使い捨てのデータベースなら --not-development を付けてください）。"
            )
        bodies = Municipality.objects.current().order_by("code")
        if prefecture:
            bodies = bodies.filter(code__startswith=prefecture.zfill(2))
        bodies = list(bodies[:limit] if limit else bodies)
        if not bodies:
            raise CommandError(
                "対象の団体がありません。先に import_municipalities を実行してください。"
            )
        try:
            generated = national_data_generate(
                municipalities=bodies, seed=seed, user=generator_user(), jobs=max(jobs, 1)
            )
        except NoCatalogue:
            raise CommandError(
                "公開中のカタログがありません。先に import_framework を実行してください。"
            ) from None
        self.stdout.write(self.style.SUCCESS(f"{len(bodies)}団体の全国データを作成しました。"))
        for name, count in generated.rows.items():
            self.stdout.write(f"  {name}: {count}")
        for name, seconds in generated.seconds.items():
            self.stdout.write(f"  {name}: {seconds:.1f} s")
