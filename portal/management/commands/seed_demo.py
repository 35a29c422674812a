from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from municipalities.models import Municipality
from portal.demo import DEMO_PASSWORD, DemoDataMissing, demo_seed


class Command(BaseCommand):
    help = (
        "デモ用の団体・部署・利用者と、過去2年度分と今年度の評価ラウンドを作成します"
        "（開発環境専用・何度実行しても同じ結果）。"
    )

    def handle(self, *args, **options):
        if not settings.DEVELOPMENT:
            raise CommandError(
                "seed_demo は本番設定では実行できません（DJANGO_ENV=development のときだけ使えます）。"
            )
        try:
            # The demo's reviews would e-mail the demo people: on the console, pages of noise.
            with override_settings(
                MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
            ):
                users = demo_seed()
        except DemoDataMissing as exc:
            raise CommandError(
                f"団体マスタにデモ用の団体がありません（{exc}）。先に import_municipalities を実行してください。"
            ) from None
        self.stdout.write(
            self.style.SUCCESS("デモデータを用意しました。次のアカウントでログインできます:")
        )
        names = dict(Municipality.objects.values_list("code", "name"))
        for user in users:
            scope = "・".join(names[code] for code in user.municipality_codes) or "全体"
            self.stdout.write(f"  {user.email:<26} {user.role.label}（{scope}）")
        self.stdout.write(f"  パスワード（共通）: {DEMO_PASSWORD}")
