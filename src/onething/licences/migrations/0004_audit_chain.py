"""Licence events become an audit chain (privacy/audit.py): one chain, each event with its
place (seq) and seal (mac); the events already written are sealed here, in id order."""

import django.utils.timezone
from django.db import migrations, models


def seal_events(apps, schema_editor):
    from onething.licences.events import EVENT_CHAIN
    from onething.privacy.audit import ChainSpec, seal_existing

    seal_existing(ChainSpec(apps.get_model("licences", "LicenceEvent"), EVENT_CHAIN.fields))


class Migration(migrations.Migration):
    dependencies = [
        ("licences", "0003_chinese_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="licenceevent",
            name="at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, editable=False, verbose_name="时间"
            ),
        ),
        migrations.AddField(
            model_name="licenceevent",
            name="seq",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="链内序号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="licenceevent",
            name="mac",
            field=models.CharField(
                default="", editable=False, max_length=80, verbose_name="链式校验值"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_events, migrations.RunPython.noop, elidable=False),
    ]
