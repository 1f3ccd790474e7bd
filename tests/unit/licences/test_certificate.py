"""Signed licence documents: valid, expired, and forged for any tampering or garbage."""

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, strategies as st

from onething.licences.canonical import canonical_bytes
from onething.licences.certificate import (
    STATUS_LABELS,
    Holder,
    LicenceStatus,
    certificate_payload,
    check_document,
    payload_of,
    sign_certificate,
    signed_document,
)
from onething.licences.identifiers import issuer_code_for, make_number
from onething.licences.signing import KeyRing, PublicKeys
from tests.unit.licences.samples import ISSUER, PHARMACY, payload

TODAY = date(2026, 3, 1)


@pytest.fixture
def ring(tmp_path: Path) -> KeyRing:
    return KeyRing(tmp_path / "keys")


@pytest.fixture
def document(ring: KeyRing) -> dict[str, Any]:
    return sign_certificate(payload(), ring)


def test_payload_shape() -> None:
    built = payload()
    assert built["holder"] == {"kind": "enterprise", "name": PHARMACY.name, "code": PHARMACY.code}
    assert built["issuer"]["uscc"] == ISSUER.uscc
    assert (built["issued_on"], built["valid_until"]) == ("2026-01-05", "2031-01-04")
    assert payload(valid_until=None)["valid_until"] is None
    canonical_bytes(built)  # plain JSON throughout


def test_payload_parts_must_agree() -> None:
    other_issuer = issuer_code_for("141100", "health")
    number = make_number("YPJYXKZ", other_issuer, 1)
    base = dict(
        number=number,
        type_code="YPJYXKZ",
        type_name="药品经营许可证",
        holder=PHARMACY,
        issuer=ISSUER,
        issued_on=date(2026, 1, 5),
        valid_until=None,
        data={},
    )
    with pytest.raises(ValueError, match="not issued by"):
        certificate_payload(**base)
    with pytest.raises(ValueError, match="not of licence type"):
        certificate_payload(**{**base, "number": make_number("X", ISSUER.uscc, 1)})
    with pytest.raises(ValueError, match="before issued on"):
        certificate_payload(
            **{
                **base,
                "number": make_number("YPJYXKZ", ISSUER.uscc, 1),
                "valid_until": date(2025, 1, 1),
            }
        )
    with pytest.raises(ValueError, match="holder kind"):
        robot = Holder("robot", "x", "y")  # type: ignore[arg-type]
        certificate_payload(
            **{**base, "number": make_number("YPJYXKZ", ISSUER.uscc, 1), "holder": robot}
        )


def test_a_signed_document_is_valid(ring: KeyRing, document: dict[str, Any]) -> None:
    assert set(document["signature"]) == {"scheme", "key_id", "value"}
    assert payload_of(document) == payload()
    assert check_document(document, ring, TODAY) is LicenceStatus.valid
    assert (
        check_document(
            payload(valid_until=None) | {"signature": document["signature"]}, ring, TODAY
        )
        is LicenceStatus.forged
    )


def test_valid_until_the_last_day_then_expired(ring: KeyRing, document: dict[str, Any]) -> None:
    assert check_document(document, ring, date(2031, 1, 4)) is LicenceStatus.valid
    assert check_document(document, ring, date(2031, 1, 5)) is LicenceStatus.expired
    open_ended = sign_certificate(payload(valid_until=None), ring)
    assert check_document(open_ended, ring, date(2099, 1, 1)) is LicenceStatus.valid


def test_verified_offline_with_exported_keys_after_rotation(
    ring: KeyRing, document: dict[str, Any], tmp_path: Path
) -> None:
    ring.rotate(ISSUER.uscc)
    newer = sign_certificate(payload(serial=2), ring)
    ring.export_public(tmp_path / "public.json")
    keys = PublicKeys.load(tmp_path / "public.json")
    assert check_document(document, keys, TODAY) is LicenceStatus.valid
    assert check_document(newer, keys, TODAY) is LicenceStatus.valid
    assert newer["signature"]["key_id"] != document["signature"]["key_id"]


def leaf_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in leaf_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in leaf_paths(item, (*path, index))]
    return [path]


def tampered(value: Any) -> Any:
    if isinstance(value, str):
        return value[:-1] + ("1" if value[-1:] != "1" else "2")
    return "2031-01-05" if value is None else None


@pytest.mark.parametrize("path", leaf_paths(payload()))
def test_changing_any_field_is_forgery(
    ring: KeyRing, document: dict[str, Any], path: tuple
) -> None:
    forged = copy.deepcopy(document)
    target = forged
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = tampered(target[path[-1]])
    assert check_document(forged, ring, TODAY) is LicenceStatus.forged


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.pop("signature"),
        lambda d: d.pop("data"),
        lambda d: d.update(extra="field"),
        lambda d: d["data"].update(新增="内容"),
        lambda d: d["holder"].update(kind="person"),
        lambda d: d["signature"].update(key_id="another"),
        lambda d: d["signature"].update(scheme="sm2"),
        lambda d: d["signature"].update(value=d["signature"]["value"][::-1]),
        lambda d: d["signature"].pop("scheme"),
        lambda d: d.update(number=d["number"].lower()),
        lambda d: d.update(issued_on="2026-1-5"),
        lambda d: d.update(valid_until="2031-02-30"),
        lambda d: d.update(valid_until="2025-01-01"),
        lambda d: d["data"].update({"x": float("nan")}),
    ],
)
def test_structural_tampering_is_forgery(ring: KeyRing, document: dict[str, Any], change) -> None:
    forged = copy.deepcopy(document)
    change(forged)
    assert check_document(forged, ring, TODAY) is LicenceStatus.forged


def test_another_authority_cannot_sign_for_the_issuer(ring: KeyRing, tmp_path: Path) -> None:
    impostor = KeyRing(tmp_path / "impostor")
    forged = sign_certificate(payload(), impostor)
    assert check_document(forged, impostor, TODAY) is LicenceStatus.valid
    assert check_document(forged, ring, TODAY) is LicenceStatus.forged


json_garbage = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(json_garbage)
def test_garbage_is_forged_never_an_exception(garbage: Any) -> None:
    assert check_document(garbage, PublicKeys({}), TODAY) is LicenceStatus.forged


@given(st.sampled_from(sorted(payload().keys() | {"signature"})), json_garbage)
def test_a_field_replaced_by_garbage_is_forged(key: str, garbage: Any) -> None:
    document = payload() | {"signature": {"scheme": "ed25519", "key_id": "k", "value": "AAAA"}}
    document[key] = garbage
    assert check_document(document, PublicKeys({}), TODAY) is LicenceStatus.forged


def test_odd_python_objects_are_forged(ring: KeyRing, document: dict[str, Any]) -> None:
    for change in ({"issued_on": date(2026, 1, 5)}, {"data": {1: "x"}}, {"holder": None}):
        assert check_document(document | change, ring, TODAY) is LicenceStatus.forged
    assert check_document(None, ring, TODAY) is LicenceStatus.forged  # type: ignore[arg-type]


def test_signed_document_refuses_a_signed_payload(document: dict[str, Any], ring: KeyRing) -> None:
    with pytest.raises(ValueError, match="already signed"):
        signed_document(document, ring.sign(ISSUER.uscc, b"x"))


def test_every_status_has_a_chinese_label() -> None:
    assert set(STATUS_LABELS) == set(LicenceStatus)
    assert LicenceStatus.forged.label == "伪造或被篡改"
    assert LicenceStatus.valid.label == "有效"
