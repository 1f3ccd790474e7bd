"""The chain of licence events cannot fork (unique seq), and its events are append-only:
a trigger refuses UPDATE and DELETE (privacy/audit.py)."""

from django.db import migrations, models


def protect(apps, schema_editor):
    from onething.privacy.audit import protect

    protect(schema_editor, "licences_licenceevent")


def unprotect(apps, schema_editor):
    from onething.privacy.audit import unprotect

    unprotect(schema_editor, "licences_licenceevent")


class Migration(migrations.Migration):
    dependencies = [
        ("licences", "0004_audit_chain"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="licenceevent",
            constraint=models.UniqueConstraint(fields=("seq",), name="licence_event_chain_seq"),
        ),
        migrations.RunPython(protect, unprotect),
    ]
