from onething.privacy import crypto
from onething.privacy.masking import mask_id_number, mask_name, mask_phone, mask_text


def test_masks():
    assert mask_id_number("142331198503151231") == "142331********1231"
    assert mask_phone("13935812345") == "139****2345"
    assert mask_name("张三") == "张*" and mask_name("欧阳小明") == "欧阳**"
    assert mask_text("申请人 142331198503151231 电话 13935812345") == (
        "申请人 142331********1231 电话 139****2345"
    )


def test_encryption_round_trip_and_rotation(monkeypatch):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("ONETHING_DATA_KEYS", old)
    crypto.reset_keys()
    stored = crypto.encrypt("142331198503151231")
    assert stored.startswith("enc1:") and "142331" not in stored
    monkeypatch.setenv("ONETHING_DATA_KEYS", f"{new},{old}")  # rotated: old still decrypts
    crypto.reset_keys()
    assert crypto.decrypt(stored) == "142331198503151231"
    assert crypto.decrypt(crypto.encrypt("x")) == "x"
    monkeypatch.delenv("ONETHING_DATA_KEYS")
    crypto.reset_keys()
