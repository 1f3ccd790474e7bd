"""The chain of personal-data views cannot fork (unique seq), and its records are
append-only: a trigger refuses UPDATE and DELETE (privacy/audit.py)."""

from django.db import migrations, models


def protect(apps, schema_editor):
    from onething.privacy.audit import protect

    protect(schema_editor, "privacy_personaldataview")


def unprotect(apps, schema_editor):
    from onething.privacy.audit import unprotect

    unprotect(schema_editor, "privacy_personaldataview")


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0002_audit_chain"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="personaldataview",
            constraint=models.UniqueConstraint(fields=("seq",), name="data_view_chain_seq"),
        ),
        migrations.RunPython(protect, unprotect),
    ]
