"""The crypto profile: which algorithms new signatures, audit seals and ciphertexts use.

``ONETHING_CRYPTO_PROFILE`` (the setting ``CRYPTO_PROFILE``) is ``intl`` (the default) or
``gm`` (国密, the Chinese commercial cryptography standards):

| what                         | intl                                | gm                         |
|------------------------------|-------------------------------------|----------------------------|
| certificate signatures       | Ed25519 (RFC 8032)                  | SM2 with SM3 (GB/T 32918)  |
| the audit chain's seals      | HMAC-SHA256                         | HMAC-SM3 (GB/T 32905)      |
| personal data at rest        | Fernet (AES-128-CBC + HMAC-SHA256)  | SM4-GCM (GB/T 32907)       |

The profile decides only what is *written* from now on. Everything written under the
other profile still verifies and decrypts: a certificate's signature names its scheme, an
audit seal its MAC (``sm3:…``, ``sha256:…``) and a stored ciphertext its cipher (``enc1:``
Fernet, ``sm4gcm1:`` SM4-GCM), and the keys of both kinds stay in the data directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

ENV = "ONETHING_CRYPTO_PROFILE"


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    signature: str  # a scheme of licences/signing.py
    seal: str  # an algorithm of core/audit_chain.py
    cipher: str  # a cipher of privacy/crypto.py


PROFILES = {
    "intl": Profile("intl", signature="ed25519", seal="sha256", cipher="fernet"),
    "gm": Profile("gm", signature="sm2", seal="sm3", cipher="sm4gcm"),
}
DEFAULT = "intl"


def profile_named(name: str | None) -> Profile:
    """The profile of this name (blank: the default); ValueError for an unknown one."""
    key = (name or "").strip().lower() or DEFAULT
    if key not in PROFILES:
        known = " or ".join(PROFILES)
        raise ValueError(f"{ENV}={name!r}: the crypto profile is {known}")
    return PROFILES[key]


def current() -> Profile:
    """The profile in force: the setting CRYPTO_PROFILE (from ONETHING_CRYPTO_PROFILE)."""
    from django.conf import settings

    if settings.configured:
        return profile_named(getattr(settings, "CRYPTO_PROFILE", None))
    return profile_named(os.environ.get(ENV))
