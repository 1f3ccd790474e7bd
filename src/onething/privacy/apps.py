from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "onething.privacy"
    label = "privacy"
    verbose_name = "个人信息保护"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from onething.privacy import audit

        # The audit tables are append-only (privacy/audit.py): SQLite's triggers ask a
        # function of each connection, and come back after a migration rebuilt a table.
        connection_created.connect(audit.register_sqlite_function)
        post_migrate.connect(audit.reprotect_sqlite, sender=self)
