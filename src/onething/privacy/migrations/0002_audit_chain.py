"""The record of personal-data views becomes an audit chain (privacy/audit.py): one
chain, each record with its place (seq) and seal (mac); the records already written are
sealed here, in id order. A record may name someone without an account (a complainant)
instead of an account: subject_label."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def seal_views(apps, schema_editor):
    from onething.privacy.audit import ChainSpec, seal_existing
    from onething.privacy.services import VIEW_CHAIN

    seal_existing(ChainSpec(apps.get_model("privacy", "PersonalDataView"), VIEW_CHAIN.fields))


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="personaldataview",
            name="subject_label",
            field=models.CharField(blank=True, max_length=200, verbose_name="信息主体（无账号）"),
        ),
        migrations.AlterField(
            model_name="personaldataview",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="信息主体",
            ),
        ),
        migrations.AlterField(
            model_name="personaldataview",
            name="at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="时间",
            ),
        ),
        migrations.AddField(
            model_name="personaldataview",
            name="seq",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="链内序号"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="personaldataview",
            name="mac",
            field=models.CharField(
                default="", editable=False, max_length=80, verbose_name="链式校验值"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(seal_views, migrations.RunPython.noop, elidable=False),
    ]
