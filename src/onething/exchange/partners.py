"""The partner list (合作节点): added from a partner's identity document, their keys with
validity, switched off; kept by the administrator (a page) and the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.core.errors import InvalidInput, NotFound
from onething.exchange import rules
from onething.exchange.identity import check_regions, identity
from onething.exchange.models import Partner, PartnerKey

KEY_RULE = "须为 OKP 公钥（签名 Ed25519、加密 X25519），并注明有效期"


def _text(document: dict, name: str, most: int = 200) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > most:
        raise InvalidInput(f"节点信息缺少 {name} 或其内容不正确")
    return value.strip()


def _keys_of(document: dict) -> list[dict[str, Any]]:
    keys = document.get("keys")
    if not isinstance(keys, list) or not keys:
        raise InvalidInput("节点信息缺少公钥（keys）")
    read = []
    for number, entry in enumerate(keys, 1):
        try:
            jwk, use = entry["jwk"], entry["use"]
            curve = {"sig": "Ed25519", "enc": "X25519"}[use]
            if jwk.get("kty") != "OKP" or jwk.get("crv") != curve or "d" in jwk:
                raise ValueError
            until = entry.get("valid_until")
            read.append(
                {
                    "kid": str(entry["kid"])[:40],
                    "use": use,
                    "jwk": {"kty": "OKP", "crv": curve, "x": str(jwk["x"]), "kid": entry["kid"]},
                    "valid_from": rules.parse_time(entry["valid_from"]),
                    "valid_until": rules.parse_time(until) if until else None,
                }
            )
        except (KeyError, TypeError, AttributeError, ValueError, rules.EnvelopeError):
            raise InvalidInput(f"第 {number} 个公钥不正确：{KEY_RULE}") from None
    if {k["use"] for k in read} != {"sig", "enc"}:
        raise InvalidInput("节点信息须同时包含签名公钥和加密公钥")
    return read


def add_partner(document: Any, base_url: str = "") -> tuple[Partner, bool]:
    """Add a partner from its identity document, or update one already listed (its keys:
    new ones added, validity of known ones updated). (partner, created)."""
    if not isinstance(document, dict) or document.get("onething_node") != 1:
        raise InvalidInput("不是 onething 节点信息文件（缺少 onething_node: 1）")
    code, name = _text(document, "code", 40), _text(document, "name", 100)
    regions = document.get("regions")
    if not isinstance(regions, list) or not all(isinstance(r, str) for r in regions):
        raise InvalidInput("节点信息的行政区划（regions）须为代码列表")
    check_regions(regions)
    url = (base_url or str(document.get("url") or "")).strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("请填写对方的访问地址（http:// 或 https:// 开头）")
    if code == identity().code:
        raise InvalidInput("不能把本节点添加为合作节点")
    keys = _keys_of(document)
    offered = document.get("offered") if isinstance(document.get("offered"), list) else []
    licence_keys = document.get("licence_keys")
    with transaction.atomic():
        partner, created = Partner.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "regions": regions,
                "base_url": url,
                "offered": offered,
                "licence_keys": licence_keys if isinstance(licence_keys, dict) else {},
                "active": True,
            },
        )
        for key in keys:
            PartnerKey.objects.update_or_create(
                partner=partner,
                kid=key["kid"],
                defaults={k: key[k] for k in ("use", "valid_from", "valid_until")}
                | {"public_jwk": key["jwk"]},
            )
    return partner, created


def partner_by_code(code: str) -> Partner:
    found = Partner.objects.filter(code=code).first()
    if found is None:
        raise NotFound(f"没有代码为 {code} 的合作节点")
    return found


def set_active(code: str, active: bool) -> Partner:
    partner = partner_by_code(code)
    partner.active = active
    partner.save(update_fields=["active", "updated_at"])
    return partner


def expire_key(code: str, kid: str, at: datetime | None = None) -> PartnerKey:
    """End a partner's key now (a compromised key): what it signs is refused from then."""
    key = PartnerKey.objects.filter(partner__code=code, kid=kid).first()
    if key is None:
        raise NotFound(f"合作节点 {code} 没有编号为 {kid} 的密钥")
    key.valid_until = at or timezone.now()
    key.save(update_fields=["valid_until"])
    return key


def encryption_key(partner: Partner) -> dict[str, Any]:
    """The partner's newest valid encryption key (public JWK)."""
    now = timezone.now()
    for key in partner.keys.filter(use="enc"):
        if rules.key_valid_at(key.valid_from, key.valid_until, now):
            return dict(key.public_jwk, kid=key.kid)
    raise InvalidInput(f"合作节点 {partner.name} 没有有效的加密公钥，请重新导入其节点信息")


def verification_key(partner: Partner, kid: str, sent: datetime) -> dict[str, Any]:
    """The partner's signing key `kid`, valid when the envelope was signed."""
    key = partner.keys.filter(use="sig", kid=kid).first()
    if key is None:
        raise rules.EnvelopeError("unknown_key", kid[:40])
    if not rules.key_valid_at(key.valid_from, key.valid_until, sent):
        raise rules.EnvelopeError("expired_key", kid[:40])
    return dict(key.public_jwk)


def apply_keys_message(partner: Partner, body: dict) -> None:
    """A `keys` message: the partner's new keys (signed with a key we already trust)."""
    document = {"keys": body.get("keys")}
    for key in _keys_of(document):
        PartnerKey.objects.update_or_create(
            partner=partner,
            kid=key["kid"],
            defaults={k: key[k] for k in ("use", "valid_from", "valid_until")}
            | {"public_jwk": key["jwk"]},
        )
