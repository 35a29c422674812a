from django.db import migrations, models

from dxportal.kana import kana_search_key


def fill_search_keys(apps, schema_editor):
    # Bodies imported before the column existed; later imports keep it in step.
    Municipality = apps.get_model("municipalities", "Municipality")
    bodies = list(Municipality.objects.only("id", "name_kana"))
    for body in bodies:
        body.name_kana_search = kana_search_key(body.name_kana)
    Municipality.objects.bulk_update(bodies, ["name_kana_search"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("municipalities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="municipality",
            name="name_kana_search",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
