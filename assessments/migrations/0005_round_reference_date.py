import datetime

from django.db import migrations, models


def fill_reference_dates(apps, schema_editor):
    # Existing rounds answered as of the start of their fiscal year (4月1日), the default
    # new rounds get (assessments.rounds.default_reference_date; inlined: migrations stay
    # as they were written).
    Round = apps.get_model("assessments", "Round")
    for round_ in Round.objects.filter(reference_date__isnull=True):
        round_.reference_date = datetime.date(round_.fiscal_year, 4, 1)
        round_.save(update_fields=["reference_date"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_evidence_locations_and_indicator_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="reference_date",
            field=models.DateField(null=True, verbose_name="基準日"),
        ),
        migrations.RunPython(fill_reference_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="round",
            name="reference_date",
            field=models.DateField(verbose_name="基準日"),
        ),
    ]
