from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "onething.web"
    label = "web"
    verbose_name = "网站"

    def ready(self) -> None:
        from django.core import checks

        checks.register(shared_secrets, checks.Tags.security, deploy=False)
        from onething.keys_check import stored_data_readable  # the keys read the stored data

        checks.register(stored_data_readable, checks.Tags.database)


# What every instance on one PostgreSQL must share rather than make for itself.
SHARED = {
    "ONETHING_SECRET_KEY": "会话和 CSRF 令牌的签名密钥 (signs sessions and CSRF tokens)",
    "ONETHING_DATA_KEYS": "个人信息加密密钥 (encrypts personal data at rest)",
    "ONETHING_LOOKUP_KEY": "个人信息检索密钥 (finds people by ID number)",
}


def shared_secrets(app_configs, **kwargs):
    """On PostgreSQL (several instances), warn when a secret would be made per instance:
    a log-in would then work on one instance only, and personal data written by one
    could not be read by another."""
    import os

    from django.conf import settings
    from django.core.checks import Warning

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return []
    return [
        Warning(
            f"{name} is not set: each instance makes its own, which breaks several instances "
            f"on one database — {why}",
            hint="Set the same value on every instance (deploy/README.md).",
            id="onething.W001",
        )
        for name, why in SHARED.items()
        if not os.environ.get(name, "").strip()
    ]
