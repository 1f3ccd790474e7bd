"""Start-up refuses to serve what it cannot read: Django system checks (Error level, tag
``database``: `onething manage check --database default` lists them), run by `onething
setup` after its migrations and by `onething serve` before it starts anything, that sample
the stored data against the keys present, cheaply:

- onething.E100: one stored ID number and one stored form decrypt with the data keys
  (``keys/data.keys`` or ``ONETHING_DATA_KEYS``);
- onething.E101: one person's look-up digest matches the look-up key (``keys/lookup.key``
  or ``ONETHING_LOOKUP_KEY``);
- onething.E102: the newest stored certificate verifies with the licence signing keys
  (``licence-keys/`` or ``ONETHING_LICENCE_KEYS_DIR``).

A restore without its keys is caught here, before anyone sees a page that cannot be
decrypted or a certificate shown as forged. A database not migrated yet, or out of reach,
has nothing to check (the site answers 503 until it is back: web/outage.py).
"""

from __future__ import annotations

from django.core.checks import Error
from django.db import DatabaseError
from django.utils import timezone

from onething import paths
from onething.accounts.models import User
from onething.cases.models import Case
from onething.licences.models import Licence
from onething.licences.services import verify_stored
from onething.privacy.crypto import DecryptionError, lookup_digest

DATA_KEYS = "数据加密密钥（数据目录的 keys/data.keys，或环境变量 ONETHING_DATA_KEYS）"
LOOKUP_KEY = "检索密钥（数据目录的 keys/lookup.key，或环境变量 ONETHING_LOOKUP_KEY）"


def stored_data_readable(app_configs=None, **kwargs) -> list[Error]:
    if not kwargs.get("databases"):
        return []
    try:
        return [*_personal_data(), *_certificates()]
    except DecryptionError:
        return [_data_keys_error("已存储的个人信息")]
    except DatabaseError:
        return []  # not migrated yet, or out of reach: nothing to check now


def _data_keys_error(what: str) -> Error:
    return Error(
        f"{what}无法用现有的{DATA_KEYS}解密：缺少备份时的数据加密密钥，拒绝启动",
        hint="从备份恢复 keys/ 目录（onething restore），"
        "或设置与写入数据时相同的 ONETHING_DATA_KEYS",
        id="onething.E100",
    )


def _personal_data() -> list[Error]:
    person = User.objects.exclude(id_number="").values_list("id_number", "id_number_digest").first()
    Case.objects.exclude(form_text="").values_list("form_text", flat=True).first()
    if person is None or not person[1] or lookup_digest(person[0]) == person[1]:
        return []
    return [
        Error(
            f"已存储的检索摘要与现有的{LOOKUP_KEY}不符：缺少备份时的检索密钥，拒绝启动",
            hint="从备份恢复 keys/lookup.key，或设置与写入数据时相同的 ONETHING_LOOKUP_KEY",
            id="onething.E101",
        )
    ]


def _certificates() -> list[Error]:
    licence = Licence.objects.order_by("-pk").first()
    if licence is None:
        return []
    if verify_stored(licence, timezone.localdate()).status != "forged":
        return []
    issuer = licence.document.get("issuer", {}) if isinstance(licence.document, dict) else {}
    signature = licence.document.get("signature", {}) if isinstance(licence.document, dict) else {}
    who = issuer.get("name") or issuer.get("uscc") or "签发机关"
    return [
        Error(
            f"电子证照 {licence.number} 无法用现有的签章密钥验证：缺少{who}的签章密钥 "
            f"{signature.get('key_id', '')}（{paths.licence_keys_dir()}，"
            "或环境变量 ONETHING_LICENCE_KEYS_DIR），拒绝启动",
            hint="从备份恢复 licence-keys/ 目录（onething restore），或指向原来的签章密钥目录",
            id="onething.E102",
        )
    ]


def start_up_errors() -> list[str]:
    """What `onething serve` refuses to start for: each error with its hint, one a line.
    Only these checks: others (Django's, the apps') keep their own levels and commands."""
    return [
        f"{error.id}: {error.msg}" + (f"（{error.hint}）" if error.hint else "")
        for error in stored_data_readable(databases=["default"])
    ]
