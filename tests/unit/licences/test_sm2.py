"""SM2 certificates (the gm crypto profile): the GB/T 32918 example, GmSSL's signatures
cross-checked with an independent pure-Python SM2 (gmalg), the key ring holding both
schemes, and certificates of either scheme verifying with the exported public keys."""

import base64
from datetime import date
from pathlib import Path

import pytest
from gmalg import SM2 as PureSm2, ellipticcurve
from gmalg.sm2 import SM2Core
from gmalg.sm3 import SM3

from onething.licences.certificate import LicenceStatus, check_document, sign_certificate
from onething.licences.signing import SCHEMES, KeyRing, PublicKeys
from onething.licences.sm2 import SIGNER_ID, SM2, der_rs, rs_der
from tests.unit.licences.samples import ISSUER, payload

MESSAGE = "吕梁康民大药房有限公司".encode()


def number(text: str) -> int:
    return int(text.replace(" ", ""), 16)


# GB/T 32918.2-2016 Annex A (GM/T 0003.2-2012 Annex A): the example curve Fp-256, Alice's
# key, "message digest" signed with ID ALICE123@YAHOO.COM and k = 6CB28D99….
EXAMPLE_CURVE = ellipticcurve.ECDLP(
    number("8542D69E 4C044F18 E8B92435 BF6FF7DE 45728391 5C45517D 722EDB8B 08F1DFC3"),
    number("787968B4 FA32C3FD 2417842E 73BBFEFF 2F3C848B 6831D7E0 EC65228B 3937E498"),
    number("63E4C6D3 B23B0C84 9CF84241 484BFE48 F61D59A5 B16BA06E 6E12D1DA 27C5249A"),
    (
        number("421DEBD6 1B62EAB6 746434EB C3CC315E 32220B3B ADD50BDC 4C4E6C14 7FEDD43D"),
        number("0680512B CBB42C07 D47349D2 153B70C4 E5D7FDFC BFA36EA1 A85841B9 E46E09A2"),
    ),
    number("8542D69E 4C044F18 E8B92435 BF6FF7DD 29772063 0485628D 5AE74EE7 C32E79B7"),
)
ALICE_PRIVATE = number("128B2FA8 BD433C6C 068C8D80 3DFF7979 2A519A55 171B1B65 0C23661D 15897263")
ALICE_PUBLIC = (
    number("0AE4C779 8AA0F119 471BEE11 825BE462 02BB79E2 A5844495 E97C04FF 4DF2548A"),
    number("7C0240F8 8F1CD4E1 6352A73C 17B7F16F 07353E53 A176D684 A9FE0C6B B798E857"),
)
ALICE_ID = b"ALICE123@YAHOO.COM"
Z_A = "F4A38489 E32B45B6 F876E3AC 2168CA39 2362DC8F 23459C1D 1146FC3D BFB7BC9A"
K = number("6CB28D99 385C175C 94F94E93 4817663F C176D925 DD72B727 260DBAAE 1FB2F96F")
R = number("40F1EC59 F793D9F4 9E09DCEF 49130D41 94F79FB1 EED2CAA5 5BACDB49 C4E755D1")
S = number("6FC6DAC3 2C5D5CF1 0C77DFB2 0F7C2EB6 67A45787 2FB09EC5 6327A67E C7DEEBE7")


def test_the_gbt_32918_example_verifies_and_signs_again_with_its_k():
    core = SM2Core(EXAMPLE_CURVE, SM3())
    assert core.generate_pk(ALICE_PRIVATE) == ALICE_PUBLIC
    assert core.entity_info(ALICE_ID, ALICE_PUBLIC).hex().upper() == Z_A.replace(" ", "")
    assert core.verify(b"message digest", R, S, ALICE_ID, ALICE_PUBLIC)
    assert not core.verify(b"message digesT", R, S, ALICE_ID, ALICE_PUBLIC)
    fixed = SM2Core(EXAMPLE_CURVE, SM3(), rnd_fn=lambda bits: K)
    assert fixed.sign(b"message digest", ALICE_PRIVATE, ALICE_ID, ALICE_PUBLIC) == (R, S)


def test_gmssl_signatures_verify_with_the_independent_sm2_and_back():
    private, public = SM2.generate()
    assert (len(private), len(public), public[0]) == (96, 65, 4)
    signature = SM2.sign(private, MESSAGE)
    r, s = der_rs(signature)
    pure = PureSm2(uid=SIGNER_ID, pk=public)
    assert pure.verify(MESSAGE, r.to_bytes(32, "big"), s.to_bytes(32, "big"))
    # and a signature of the pure implementation (same key) verifies with the scheme
    signer = PureSm2(sk=private[:32], uid=SIGNER_ID, pk=public)
    r2, s2 = signer.sign(MESSAGE)
    assert SM2.verify(public, MESSAGE, rs_der(int.from_bytes(r2, "big"), int.from_bytes(s2, "big")))


def test_sm2_refuses_what_is_not_its_signature_without_raising():
    private, public = SM2.generate()
    signature = SM2.sign(private, MESSAGE)
    assert SM2.verify(public, MESSAGE, signature)
    assert not SM2.verify(public, MESSAGE + b"!", signature)
    other_private, other_public = SM2.generate()
    assert not SM2.verify(other_public, MESSAGE, signature)
    r, s = der_rs(signature)
    for bad in (b"", b"\x30\x00", signature + b"\x00", rs_der(r, 0), rs_der(0, s), b"x" * 72):
        assert not SM2.verify(public, MESSAGE, bad)
    off_curve = b"\x04" + public[1:33] + bytes(32)
    for key in (b"", public[1:], off_curve, b"\x02" + public[1:33]):
        assert not SM2.verify(key, MESSAGE, signature)
    with pytest.raises(ValueError):
        der_rs(b"\x30\x06\x02\x01\x80\x02\x01\x01")  # a negative r


def test_der_round_trip():
    for r, s in ((1, 2), (2**255, 2**256 - 1), (R, S)):
        assert der_rs(rs_der(r, s)) == (r, s)


@pytest.fixture
def rings(tmp_path: Path) -> tuple[KeyRing, KeyRing]:
    return KeyRing(tmp_path, "ed25519"), KeyRing(tmp_path, "sm2")


def test_a_key_ring_holds_both_kinds_and_each_signs_with_its_own(rings):
    intl, gm = rings
    ed_key = intl.ensure(ISSUER.uscc)
    sm2_key = gm.ensure(ISSUER.uscc)
    assert (ed_key.scheme, sm2_key.scheme) == ("ed25519", "sm2")
    assert intl.current(ISSUER.uscc) == ed_key and gm.current(ISSUER.uscc) == sm2_key
    assert intl.sign(ISSUER.uscc, MESSAGE).key_id == ed_key.key_id
    signature = gm.sign(ISSUER.uscc, MESSAGE)
    assert (signature.scheme, signature.key_id) == ("sm2", sm2_key.key_id)
    assert intl.verify(ISSUER.uscc, MESSAGE, signature)  # any ring verifies every scheme
    rotated = gm.rotate(ISSUER.uscc)
    retired = {key.key_id: key.retired for key in gm.keys(ISSUER.uscc)}
    assert retired[sm2_key.key_id] and not retired[ed_key.key_id] and not retired[rotated.key_id]
    assert intl.verify(ISSUER.uscc, MESSAGE, signature)  # the retired SM2 key still verifies
    assert set(SCHEMES) >= {"ed25519", "sm2"}


def test_certificates_of_either_scheme_verify_offline_with_the_exported_keys(rings, tmp_path):
    intl, gm = rings
    today = date(2026, 6, 1)
    signed = {ring.scheme: sign_certificate(payload(), ring) for ring in (intl, gm)}
    assert signed["sm2"]["signature"]["scheme"] == "sm2"
    exported = tmp_path / "public.json"
    gm.export_public(exported)
    keys = PublicKeys.load(exported)
    for document in signed.values():
        assert check_document(document, keys, today) is LicenceStatus.valid
        assert check_document(document, intl, today) is LicenceStatus.valid
    forged = {**signed["sm2"], "holder": {**signed["sm2"]["holder"], "name": "别人"}}
    assert check_document(forged, keys, today) is LicenceStatus.forged
    # a signature claiming another scheme than its key's is forged, not an error
    swapped = {**signed["sm2"], "signature": {**signed["sm2"]["signature"], "scheme": "ed25519"}}
    assert check_document(swapped, keys, today) is LicenceStatus.forged
    value = base64.b64decode(signed["sm2"]["signature"]["value"])
    assert der_rs(value)  # DER (r, s), as GM/T 0009 writes it
