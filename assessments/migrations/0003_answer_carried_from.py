import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_text_limits"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="carried_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="assessments.answer",
                verbose_name="引き継ぎ元の回答（未確認）",
            ),
        ),
    ]
