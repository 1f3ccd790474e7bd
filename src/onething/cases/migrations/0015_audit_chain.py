"""The case's action log becomes an audit chain (privacy/audit.py): each action gets its
place in its case's chain (seq) and its seal (mac); the actions already written are sealed
here, in id order per case. Deleting a case or a task no longer cascades into its actions
(PROTECT). The (case, at) index gives way to the unique (case, seq) index of 0016."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def seal_actions(apps, schema_editor):
    from onething.cases.audit import SEALED_FIELDS
    from onething.privacy.audit import ChainSpec, seal_existing

    seal_existing(ChainSpec(apps.get_model("cases", "Action"), SEALED_FIELDS, "case_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0014_outbox_sending_since"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="action", name="action_case_time"),
        migrations.AddField(
            model_name="action",
            name="seq",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="链内序号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="action",
            name="mac",
            field=models.CharField(
                default="", editable=False, max_length=80, verbose_name="链式校验值"
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="action",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name="action",
            name="case",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="actions",
                to="cases.case",
            ),
        ),
        migrations.AlterField(
            model_name="action",
            name="task",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="cases.task",
            ),
        ),
        migrations.RunPython(seal_actions, migrations.RunPython.noop, elidable=False),
    ]
