"""The envelope between onething nodes (跨省通办), as plain data and functions: no Django.

An envelope is a JWS in compact serialisation (RFC 7515) signed with the sender's Ed25519
key (EdDSA; the fully specified JOSE algorithm name "Ed25519", RFC 9864 — "EdDSA" is read
too). Its payload is UTF-8 JSON holding the message id, sender, recipient, created-at,
sent-at, case reference, sequence number and kind, a body of plain facts and, for
personal data and materials, `secret`: a JWE in compact serialisation encrypted to the
recipient's X25519 key (ECDH-ES+A256KW, A256GCM). docs/exchange.md is the reference.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwe import JWERegistry
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

VERSION = 1
ENVELOPE_TYPE = "onething-exchange+jws"
SIGNING_ALG = "Ed25519"
READ_SIGNING_ALGS = ("Ed25519", "EdDSA")
KEY_ALG = "ECDH-ES+A256KW"
CONTENT_ALG = "A256GCM"
MAX_AGE = timedelta(minutes=5)  # a signature older than this is a replay
MAX_AHEAD = timedelta(minutes=1)  # clocks a little ahead are tolerated
MAX_ENVELOPE_BYTES = 48 * 1024 * 1024  # an application with its materials (10 MB each)


class _EnvelopeRegistry(JWSRegistry):
    """joserfc's limits raised from 128 KB to what an envelope with materials needs."""

    max_payload_length = MAX_ENVELOPE_BYTES


class _SealedRegistry(JWERegistry):
    max_ciphertext_length = MAX_ENVELOPE_BYTES


SIGNING = _EnvelopeRegistry(algorithms=[SIGNING_ALG])
READING = _EnvelopeRegistry(algorithms=list(READ_SIGNING_ALGS))
SEALING = _SealedRegistry(algorithms=[KEY_ALG, CONTENT_ALG])

KINDS = {
    "application": "转办申请（收件地 → 办理地）",
    "status": "办理进度（办理地 → 收件地）",
    "certificate": "电子证照（办理地 → 收件地）",
    "handover": "办结送达（收件地 → 办理地）",
    "keys": "密钥更新",
    "ack": "签收回执",
}

# Why an envelope was refused: code → what the refusal table and the sender read.
REFUSALS = {
    "malformed": "信封格式不正确",
    "unknown_sender": "未知的交换节点",
    "wrong_recipient": "消息的接收方不是本节点",
    "unknown_key": "签名密钥未登记",
    "expired_key": "签名密钥不在有效期内",
    "bad_signature": "签名无效，消息可能被篡改",
    "stale": "消息已过时，疑似重放",
    "replay": "重复的消息编号，疑似重放",
    "undecryptable": "加密内容无法用本节点的密钥解开",
}


class EnvelopeError(Exception):
    """An envelope refused; `code` is a key of REFUSALS, `message` the Chinese detail."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.message = REFUSALS[code] + (f"：{detail}" if detail else "")
        super().__init__(self.message)


@dataclass(frozen=True, slots=True)
class Envelope:
    id: str
    sender: str
    recipient: str
    kind: str
    created: str  # ISO 8601, UTC: when the message was written to the outbox
    case: str = ""  # the case reference both nodes use
    seq: int = 0  # per sender and case: 1, 2, 3 … (0: not ordered, e.g. keys)
    body: dict[str, Any] = field(default_factory=dict)
    secret: str = ""  # compact JWE, or ""
    sent: str = ""  # ISO 8601, UTC: when this copy was signed (each try signs anew)

    def payload(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "id": self.id,
            "from": self.sender,
            "to": self.recipient,
            "kind": self.kind,
            "created": self.created,
            "sent": self.sent,
            "case": self.case,
            "seq": self.seq,
            "body": self.body,
            "secret": self.secret,
        }


def new_message_id() -> str:
    return str(uuid.uuid4())


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def parse_time(text: object) -> datetime:
    if not isinstance(text, str) or not text:
        raise EnvelopeError("malformed", "缺少时间")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise EnvelopeError("malformed", f"时间 {text[:40]} 不是 ISO 8601 格式") from None
    if moment.tzinfo is None:
        raise EnvelopeError("malformed", "时间须带时区（UTC）")
    return moment


def generate_key(use: str) -> dict[str, Any]:
    """A new private JWK: Ed25519 for signing ("sig"), X25519 for encryption ("enc")."""
    key = OKPKey.generate_key("Ed25519" if use == "sig" else "X25519")
    data = dict(key.as_dict(private=True))
    data["kid"] = f"{use}-{key.thumbprint()[:16]}"
    data["use"] = use
    return data


def public_part(private_jwk: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in private_jwk.items() if k != "d"}


def _key(jwk: dict[str, Any]) -> OKPKey:
    return OKPKey.import_key({k: v for k, v in jwk.items() if k in ("kty", "crv", "x", "d")})


def sign(envelope: Envelope, private_jwk: dict[str, Any]) -> str:
    header = {"alg": SIGNING_ALG, "kid": private_jwk["kid"], "typ": ENVELOPE_TYPE}
    data = json.dumps(envelope.payload(), ensure_ascii=False, separators=(",", ":"))
    return jws.serialize_compact(header, data.encode(), _key(private_jwk), registry=SIGNING)


def _b64json(part: str) -> Any:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and payload of an envelope, NOT verified: whom to verify it with."""
    parts = token.strip().split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise EnvelopeError("malformed", "应为 JWS 紧凑序列化（三段，以 . 分隔）")
    try:
        header, payload = _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise EnvelopeError("malformed", "头部或正文不是 base64url 编码的 JSON") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise EnvelopeError("malformed", "头部和正文须为 JSON 对象")
    if header.get("alg") not in READ_SIGNING_ALGS:
        raise EnvelopeError("malformed", f"签名算法须为 {SIGNING_ALG}")
    if not isinstance(header.get("kid"), str):
        raise EnvelopeError("malformed", "头部缺少 kid")
    return header, payload


def verify(token: str, public_jwk: dict[str, Any]) -> None:
    """Raises EnvelopeError("bad_signature") unless the key signed exactly these bytes."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "EdDSA" is deprecated by name only
            jws.deserialize_compact(token.strip(), _key(public_jwk), registry=READING)
    except (JoseError, ValueError):
        raise EnvelopeError("bad_signature") from None


def envelope_of(payload: dict[str, Any]) -> Envelope:
    """The envelope a verified payload holds; EnvelopeError("malformed") naming the field."""
    text: dict[str, str] = {}
    for name in ("id", "from", "to", "kind", "created", "sent"):
        value = payload.get(name)
        if not isinstance(value, str) or not value or len(value) > 100:
            raise EnvelopeError("malformed", f"字段 {name} 缺失或不正确")
        text[name] = value
    case, seq, body = payload.get("case", ""), payload.get("seq", 0), payload.get("body", {})
    secret = payload.get("secret", "")
    if payload.get("v") != VERSION:
        raise EnvelopeError("malformed", f"版本须为 {VERSION}")
    if text["kind"] not in KINDS:
        raise EnvelopeError("malformed", f"未知的消息类型 {text['kind'][:20]}")
    if not isinstance(case, str) or not isinstance(seq, int) or seq < 0:
        raise EnvelopeError("malformed", "字段 case 或 seq 不正确")
    if (case or seq) and not _is_uuid(case):
        raise EnvelopeError(
            "malformed", "办件编号（case）须为 UUID，且有序号（seq）的消息须有办件编号"
        )
    if not isinstance(body, dict) or not isinstance(secret, str):
        raise EnvelopeError("malformed", "字段 body 或 secret 不正确")
    parse_time(text["created"])
    parse_time(text["sent"])
    return Envelope(
        text["id"], text["from"], text["to"], text["kind"], text["created"],
        case, seq, body, secret, text["sent"],
    )  # fmt: skip


def freshness_problem(sent: str, now: datetime, max_age: timedelta = MAX_AGE) -> str | None:
    """Why a signature time is not acceptable now (None when it is)."""
    moment = parse_time(sent)
    if moment < now - max_age:
        return f"签发于 {sent}，超过 {int(max_age.total_seconds())} 秒"
    if moment > now + MAX_AHEAD:
        return f"签发时间 {sent} 晚于本节点时间"
    return None


def key_valid_at(valid_from: datetime, valid_until: datetime | None, moment: datetime) -> bool:
    return valid_from <= moment and (valid_until is None or moment <= valid_until)


def encrypt(data: dict[str, Any], public_jwk: dict[str, Any]) -> str:
    """`data` as JSON, encrypted to the recipient's X25519 key (compact JWE)."""
    header = {"alg": KEY_ALG, "enc": CONTENT_ALG, "kid": public_jwk["kid"], "cty": "json"}
    plain = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return jwe.encrypt_compact(header, plain, _key(public_jwk), registry=SEALING)


def decrypt(token: str, private_jwks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The JSON a JWE holds, with our key of its `kid`; EnvelopeError otherwise."""
    try:
        header = _b64json(token.split(".")[0])
        jwk = private_jwks.get(header.get("kid", "")) if isinstance(header, dict) else None
        if jwk is None:
            raise EnvelopeError("undecryptable", "未知的加密密钥")
        plain = jwe.decrypt_compact(token, _key(jwk), registry=SEALING).plaintext
        data = json.loads(plain or b"{}")
    except EnvelopeError:
        raise
    except (JoseError, ValueError, IndexError, RecursionError):
        raise EnvelopeError("undecryptable") from None
    if not isinstance(data, dict):
        raise EnvelopeError("undecryptable", "内容不是 JSON 对象")
    return data


def digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def content_digest(envelope: Envelope) -> str:
    """What stays the same however often a message is re-sent (all but `sent`)."""
    data = envelope.payload()
    data.pop("sent")
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def retry_delay(attempts: int, base_s: float = 10.0, most_s: float = 3600.0) -> timedelta:
    """Exponential back-off: 10 s, 20 s, 40 s … at most an hour."""
    return timedelta(seconds=min(most_s, base_s * 2 ** max(0, attempts - 1)))


def in_order(applied: int, waiting: list[int]) -> list[int]:
    """The waiting sequence numbers that may be applied now, in order: those that follow
    `applied` without a gap (a message that arrived early waits for its predecessors)."""
    ready, present = [], set(waiting)
    nxt = applied + 1
    while nxt in present:
        ready.append(nxt)
        nxt += 1
    return ready
