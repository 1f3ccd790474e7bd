"""This node: its identity, its keys (made by `onething setup`, rotated by
`onething exchange keys rotate`) and the document a partner imports (`identity`)."""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from onething.core.errors import InvalidInput
from onething.exchange import rules
from onething.exchange.models import NodeIdentity, NodeKey

DEFAULT_CODE = "lvliang"
DEFAULT_NAME = "吕梁市政务服务平台"
DEFAULT_REGIONS = ["141100"]
ROTATION_OVERLAP = timedelta(days=30)  # an old key stays valid this long after a rotation


def _valid_code(code: str) -> bool:
    return bool(code) and len(code) <= 40 and all(c.isalnum() or c in "-_." for c in code)


def check_regions(regions: list[str]) -> list[str]:
    bad = [r for r in regions if not (r.isdigit() and len(r) in (6, 9, 12))]
    if not regions or bad:
        raise InvalidInput(f"行政区划须为 GB/T 2260 的 6 位代码：{'、'.join(bad) or '未填写'}")
    return regions


def identity() -> NodeIdentity:
    """This node's identity row, made from the environment (or the demo's) at first use."""
    found = NodeIdentity.objects.first()
    if found is not None:
        return found
    regions = os.environ.get("ONETHING_NODE_REGIONS", "").split(",")
    return NodeIdentity.objects.create(
        code=os.environ.get("ONETHING_NODE_CODE") or DEFAULT_CODE,
        name=os.environ.get("ONETHING_NODE_NAME") or DEFAULT_NAME,
        regions=[r.strip() for r in regions if r.strip()] or DEFAULT_REGIONS,
        base_url=os.environ.get("ONETHING_NODE_URL", ""),
    )


def configure(code: str, name: str, regions: list[str], base_url: str) -> NodeIdentity:
    """Set this node's code, name, regions and address (`onething exchange init`)."""
    code = code.strip()
    if not _valid_code(code):
        raise InvalidInput("节点代码只能由字母、数字和 - _ . 组成（不超过 40 个字符）")
    if not name.strip():
        raise InvalidInput("请填写节点名称")
    if base_url and not base_url.startswith(("http://", "https://")):
        raise InvalidInput("访问地址须以 http:// 或 https:// 开头")
    with transaction.atomic():
        node = identity()
        node.code, node.name = code, name.strip()
        node.regions = check_regions([r.strip() for r in regions if r.strip()])
        node.base_url = base_url.rstrip("/")
        node.save()
    ensure_keys()
    return node


def ensure_keys() -> list[str]:
    """A signing and an encryption key when there is none valid: the kids made."""
    made = []
    with transaction.atomic():
        for use in ("sig", "enc"):
            if not valid_keys(use):
                made.append(_make_key(use).kid)
    return made


def _make_key(use: str) -> NodeKey:
    private = rules.generate_key(use)
    return NodeKey.objects.create(
        kid=private["kid"],
        use=use,
        private_text=json.dumps(private),
        public_jwk=rules.public_part(private),
    )


def valid_keys(use: str, at: datetime | None = None) -> list[NodeKey]:
    """This node's keys of one use still valid at `at`, newest first."""
    moment = at or timezone.now()
    keys = NodeKey.objects.filter(use=use).order_by("-created_at", "-id")
    return [k for k in keys if k.valid_until is None or k.valid_until >= moment]


def rotate_keys(overlap: timedelta = ROTATION_OVERLAP) -> list[str]:
    """New signing and encryption keys; the old ones stay valid for `overlap` (for
    verifying and decrypting what is on its way). Partners learn the new keys from a
    `keys` message signed with the old key (services.announce_keys)."""
    with transaction.atomic():
        ends = timezone.now() + overlap
        NodeKey.objects.filter(valid_until__isnull=True).update(valid_until=ends)
        return [_make_key("sig").kid, _make_key("enc").kid]


def signing_key(known_kid: str = "") -> dict[str, Any]:
    """The private JWK to sign with: the partner's known key while valid, else the oldest
    valid one (a rotated-in key is used once the partner acknowledged it)."""
    keys = valid_keys("sig")
    if not keys:
        ensure_keys()
        keys = valid_keys("sig")
    chosen = next((k for k in keys if k.kid == known_kid), None) or keys[-1]
    return chosen.private_jwk


def decryption_keys() -> dict[str, dict[str, Any]]:
    """kid → private JWK of every encryption key we hold (expired ones too: a message
    encrypted before a rotation still opens)."""
    return {k.kid: k.private_jwk for k in NodeKey.objects.filter(use="enc")}


def public_keys() -> list[dict[str, Any]]:
    return [
        {
            "kid": k.kid,
            "use": k.use,
            "jwk": k.public_jwk,
            "valid_from": rules.iso(k.created_at),
            "valid_until": rules.iso(k.valid_until) if k.valid_until else None,
        }
        for k in NodeKey.objects.order_by("created_at", "id")
        if k.valid_until is None or k.valid_until >= timezone.now()
    ]


def licence_public_keys() -> dict[str, Any]:
    """The issuing authorities' public keys (电子证照), for partners to verify ours."""
    from onething.licences.services import keyring

    ring = keyring()
    authorities: dict[str, Any] = {}
    for authority in ring.authorities():
        keys = ring.public_keys(authority)
        authorities[authority] = {
            key_id: {"scheme": scheme, "public": base64.b64encode(raw).decode("ascii")}
            for key_id, (scheme, raw) in keys.items()
        }
    return {"version": 1, "authorities": authorities}


def identity_document() -> dict[str, Any]:
    """What a partner imports (`onething exchange partner-add FILE`): docs/exchange.md."""
    from onething.exchange.offers import current_offers  # offers reads the identity too

    node = identity()
    ensure_keys()
    return {
        "onething_node": 1,
        "code": node.code,
        "name": node.name,
        "regions": node.regions,
        "url": node.base_url,
        "keys": public_keys(),
        "licence_keys": licence_public_keys(),
        "offered": current_offers(),
    }
