"""A case's chain cannot fork (unique (case, seq)), and its actions are append-only: a
trigger refuses UPDATE and DELETE (privacy/audit.py: PostgreSQL and SQLite). PostgreSQL
also gets the function that locks a case and reads its chain's head in one round trip
(cases/audit.py)."""

from django.db import migrations, models


def protect(apps, schema_editor):
    from onething.cases.audit import HEAD_FUNCTION
    from onething.privacy.audit import protect

    protect(schema_editor, "cases_action")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(HEAD_FUNCTION, params=None)


def unprotect(apps, schema_editor):
    from onething.cases.audit import DROP_HEAD_FUNCTION
    from onething.privacy.audit import unprotect

    unprotect(schema_editor, "cases_action")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_HEAD_FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0015_audit_chain"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="action",
            constraint=models.UniqueConstraint(fields=("case", "seq"), name="action_chain_seq"),
        ),
        migrations.RunPython(protect, unprotect),
    ]
