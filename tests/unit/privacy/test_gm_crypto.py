"""The gm crypto profile's primitives against the standards' examples (SM3: GB/T 32905,
SM4: GB/T 32907, HMAC-SM3 as the audit chain uses it), and personal data encrypted under
either profile decrypting under both (the stored prefix names the cipher)."""

import base64
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from onething.core import crypto_profile
from onething.core.audit_chain import ALGORITHMS
from onething.privacy import crypto


def sm3(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def test_sm3_gbt_32905_examples():
    assert sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16) == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_sm4_gbt_32907_example():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == (
        "681edf34d206965e86b3e94f536e4246"
    )


def test_hmac_sm3_is_rfc_2104_over_sm3():
    key, message = b"k" * 16, "办理记录".encode()
    inner = bytes(b ^ 0x36 for b in key.ljust(64, b"\0"))
    outer = bytes(b ^ 0x5C for b in key.ljust(64, b"\0"))
    expected = sm3(outer + bytes.fromhex(sm3(inner + message)))
    assert ALGORITHMS["sm3"](key, message).hex() == expected
    assert hmac.compare_digest(
        ALGORITHMS["sha256"](key, message), hmac.digest(key, message, "sha256")
    )


@pytest.fixture
def profile(settings):
    def use(name: str) -> None:
        settings.CRYPTO_PROFILE = name

    yield use
    crypto.reset_keys()


def test_data_encrypted_under_either_profile_decrypts_under_both(profile):
    profile("gm")
    gm_text = crypto.encrypt("142331198503151231")
    gm_file = crypto.encrypt_bytes(b"%PDF-1.4 scan")
    assert gm_text.startswith("sm4gcm1:") and gm_file.startswith(b"sm4gcm1:")
    profile("intl")
    intl_text = crypto.encrypt("142331198503151231")
    assert intl_text.startswith("enc1:") and crypto.is_encrypted(gm_text)
    for profile_name in ("intl", "gm"):
        profile(profile_name)
        assert crypto.decrypt(gm_text) == crypto.decrypt(intl_text) == "142331198503151231"
        assert crypto.decrypt_bytes(gm_file) == b"%PDF-1.4 scan"
    assert gm_text != crypto.encrypt("142331198503151231")  # a fresh nonce each time


def test_sm4_data_another_key_or_a_change_cannot_read(profile, monkeypatch):
    profile("gm")
    stored = crypto.encrypt("张三")
    blob = bytearray(base64.urlsafe_b64decode(stored[len("sm4gcm1:") :]))
    blob[14] ^= 1
    damaged = "sm4gcm1:" + base64.urlsafe_b64encode(bytes(blob)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(damaged)
    other = base64.urlsafe_b64encode(b"o" * 16).decode()
    monkeypatch.setenv("ONETHING_SM4_KEYS", other)
    crypto.reset_keys()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(stored)
    file_key = (crypto.keys_dir() / "sm4.keys").read_text().strip()
    monkeypatch.setenv("ONETHING_SM4_KEYS", f"{other},{file_key}")  # rotation: all decrypt
    crypto.reset_keys()
    assert crypto.decrypt(stored) == "张三"
    assert crypto.encrypt("李四") != stored and crypto.decrypt(crypto.encrypt("李四")) == "李四"


def test_the_profile_is_intl_or_gm(settings):
    assert crypto_profile.profile_named(None).name == "intl"
    assert crypto_profile.profile_named(" GM ").signature == "sm2"
    with pytest.raises(ValueError, match="intl or gm"):
        crypto_profile.profile_named("aes")
    settings.CRYPTO_PROFILE = "gm"
    assert crypto_profile.current().seal == "sm3"
