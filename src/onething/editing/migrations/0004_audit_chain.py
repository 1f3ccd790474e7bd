"""The editing steps become an audit chain (privacy/audit.py), as the licence events are:
one chain, each step with its place (seq) and seal (mac); the steps already written are
sealed here in id order; then the chain cannot fork (unique seq) and the table is
append-only (a trigger refuses UPDATE and DELETE)."""

import django.utils.timezone
from django.db import migrations, models


def seal_steps(apps, schema_editor):
    from onething.editing.services import STEP_CHAIN
    from onething.privacy.audit import ChainSpec, seal_existing

    seal_existing(ChainSpec(apps.get_model("editing", "EditingStep"), STEP_CHAIN.fields))


def protect(apps, schema_editor):
    from onething.privacy.audit import protect

    protect(schema_editor, "editing_editingstep")


def unprotect(apps, schema_editor):
    from onething.privacy.audit import unprotect

    unprotect(schema_editor, "editing_editingstep")


class Migration(migrations.Migration):
    dependencies = [
        ("editing", "0003_discarded"),
    ]

    operations = [
        migrations.AlterField(
            model_name="editingstep",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="时间",
            ),
        ),
        migrations.AddField(
            model_name="editingstep",
            name="seq",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="链内序号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="editingstep",
            name="mac",
            field=models.CharField(
                default="", editable=False, max_length=80, verbose_name="链式校验值"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_steps, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="editingstep",
            constraint=models.UniqueConstraint(fields=("seq",), name="editing_step_chain_seq"),
        ),
        migrations.RunPython(protect, unprotect),
    ]
