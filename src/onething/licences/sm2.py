"""SM2 signatures (GB/T 32918, 国密) for the key ring of licences/signing.py.

The arithmetic is GmSSL's (the gmssl-pyx binding of GmSSL 3.2, the reference C
implementation), on the recommended curve sm2p256v1 (GB/T 32918.5), with SM3 over
Z_A ‖ M and the default signer ID ``1234567812345678`` (GM/T 0009). Keys are raw bytes:
the public key is the uncompressed point ``04 ‖ x ‖ y`` (65 bytes); the private key's
file holds ``d ‖ x ‖ y`` (96 bytes: GmSSL signs with both halves, and nothing here has to
compute d·G itself). A signature is DER ``SEQUENCE { r INTEGER, s INTEGER }`` (GM/T 0009), which
``der_rs`` and ``rs_der`` read and write for other implementations.

Verification never raises: a malformed key or signature is False before GmSSL sees it
(GmSSL prints a trace on stderr for a well-formed signature that does not verify).
"""

from __future__ import annotations

import gmssl_pyx

N = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_7203DF6B_21C6052B_53BBF409_39D54123
P = 0xFFFFFFFE_FFFFFFFF_FFFFFFFF_FFFFFFFF_FFFFFFFF_00000000_FFFFFFFF_FFFFFFFF
A = P - 3
B = 0x28E9FA9E_9D9F5E34_4D5A9E4B_CF6509A7_F39789F5_15AB8F92_DDBCBD41_4D940E93
SIGNER_ID = b"1234567812345678"


def _der_length(data: bytes, at: int) -> tuple[int, int]:
    """(length, where the content starts) of the DER element whose length is at `at`."""
    first = data[at]
    if first < 0x80:
        return first, at + 1
    if first != 0x81 or at + 1 >= len(data) or data[at + 1] < 0x80:
        raise ValueError("not a short DER length")
    return data[at + 1], at + 2


def _der_integer(data: bytes, at: int) -> tuple[int, int]:
    if at >= len(data) or data[at] != 0x02:
        raise ValueError("not a DER INTEGER")
    length, start = _der_length(data, at + 1)
    end = start + length
    body = data[start:end]
    if length == 0 or end > len(data) or body[0] & 0x80:
        raise ValueError("not a positive DER INTEGER")
    if length > 1 and body[0] == 0 and not body[1] & 0x80:
        raise ValueError("a DER INTEGER with a needless leading zero")
    return int.from_bytes(body, "big"), end


def der_rs(signature: bytes) -> tuple[int, int]:
    """(r, s) of a DER-encoded SM2 signature; ValueError if it is not exactly one."""
    if len(signature) < 8 or signature[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    length, start = _der_length(signature, 1)
    if start + length != len(signature):
        raise ValueError("trailing or missing bytes")
    r, at = _der_integer(signature, start)
    s, at = _der_integer(signature, at)
    if at != len(signature):
        raise ValueError("more than two INTEGERs")
    return r, s


def _der_int(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")  # a leading 0 if needed
    return b"\x02" + bytes([len(body)]) + body


def rs_der(r: int, s: int) -> bytes:
    """The DER encoding of (r, s)."""
    body = _der_int(r) + _der_int(s)
    return b"\x30" + bytes([len(body)]) + body


def _point(public_key: bytes) -> bytes | None:
    """x ‖ y of an uncompressed public key on the curve; None otherwise."""
    if len(public_key) != 65 or public_key[0] != 4:
        return None
    x, y = int.from_bytes(public_key[1:33], "big"), int.from_bytes(public_key[33:], "big")
    if x >= P or y >= P or (y * y - (x * x * x + A * x + B)) % P:
        return None
    return public_key[1:]


class Sm2Scheme:
    """SM2 with SM3 and the default signer ID, keys and signatures as above."""

    name = "sm2"

    def generate(self) -> tuple[bytes, bytes]:
        public, private = gmssl_pyx.sm2_key_generate()
        return private + public, b"\x04" + public

    def sign(self, private_key: bytes, message: bytes) -> bytes:
        if len(private_key) != 96:
            raise ValueError("an SM2 private key file holds d, x and y: 96 bytes")
        secret, public = private_key[:32], private_key[32:]
        return gmssl_pyx.sm2_sign(secret, public, message, signer_id=SIGNER_ID)

    def verify(self, public_key: bytes, message: bytes, signature: bytes) -> bool:
        point = _point(public_key) if isinstance(public_key, bytes) else None
        if point is None or not isinstance(message, bytes) or not isinstance(signature, bytes):
            return False
        try:
            r, s = der_rs(signature)
        except (ValueError, IndexError):
            return False
        if not (0 < r < N and 0 < s < N) or (r + s) % N == 0:
            return False
        try:
            return bool(gmssl_pyx.sm2_verify(point, message, signature, signer_id=SIGNER_ID))
        except gmssl_pyx.GmsslInnerError:
            return False


SM2 = Sm2Scheme()
