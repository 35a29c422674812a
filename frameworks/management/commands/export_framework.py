"""Write an edition as a catalogue file.

    python manage.py export_framework EDITION [-o FILE]

EDITION is FRAMEWORK_CODE:VERSION (jichitai-dx:2.0), or just the version when
only one framework has it. Without -o the file goes to standard output.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from frameworks.catalogue_io import framework_export
from frameworks.models import Edition


class Command(BaseCommand):
    help = (
        "評価フレームワークの版を目録ファイル（dxportal-catalogue/1 形式の YAML）に書き出します。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "edition",
            metavar="EDITION",
            help="フレームワークコード:版（例: jichitai-dx:2.0）。版が一つに決まるなら版だけでも可",
        )
        parser.add_argument(
            "-o", "--output", metavar="FILE", help="書き出すファイル（省略すると標準出力）"
        )

    def handle(self, *args, edition, output, **options):
        found = _edition(edition)
        text = framework_export(edition=found)
        if output is None:
            self.stdout.write(text, ending="")
            return
        # newline="\n": the same bytes on every platform, so the file diffs cleanly.
        Path(output).write_text(text, encoding="utf-8", newline="\n")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"「{found.framework.code} {found.version}」を {output} に書き出しました。"
            )


def _edition(name: str) -> Edition:
    editions = Edition.objects.select_related("framework")
    if ":" in name:
        code, version = name.split(":", 1)
        editions = editions.filter(framework__code=code, version=version)
    else:
        editions = editions.filter(version=name)
    found = list(editions[:2])
    if len(found) == 1:
        return found[0]
    known = ", ".join(
        f"{e.framework.code}:{e.version}"
        for e in Edition.objects.select_related("framework").order_by("framework__code", "version")
    )
    if not found:
        raise CommandError(f"版「{name}」はありません（あるのは: {known or 'なし'}）。")
    raise CommandError(
        f"版「{name}」は複数のフレームワークにあります。"
        f"フレームワークコード:版 の形で指定してください（あるのは: {known}）。"
    )
