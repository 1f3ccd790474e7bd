"""A model field whose value is encrypted in the database and plain in Python."""

from __future__ import annotations

from django.db import models

from onething.privacy.crypto import decrypt, encrypt, is_encrypted


class EncryptedTextField(models.TextField):
    """Stored as ``enc1:<Fernet token>`` or ``sm4gcm1:…``, as the crypto profile says
    (privacy/crypto.py); never queried by value (use a digest field)."""

    description = "Encrypted text"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value):
        if is_encrypted(value):
            return decrypt(value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
