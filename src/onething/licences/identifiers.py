"""Electronic licence numbers in the style of GB/T 36904 (电子证照标识).

A number reads ``1.2.156.3005.2.{TYPE}.{ISSUER}.{SERIAL}.{VERSION}.{C}``: the licence
type code, the issuing authority's unified social credit code (统一社会信用代码), a
7-digit serial, a 3-digit version and an ISO 7064 MOD 37,36 check character over
TYPE+ISSUER+SERIAL+VERSION, which catches any single mistyped character.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.cn import uscc
from stdnum.iso7064 import mod_37_36

PREFIX = "1.2.156.3005.2."
MAX_SERIAL = 9_999_999
MAX_VERSION = 999

_TYPE_CODE = re.compile(r"[0-9A-Z]{1,20}")
_NUMBER = re.compile(
    re.escape(PREFIX)
    + r"(?P<type>[0-9A-Z]{1,20})\.(?P<issuer>[0-9A-Z]{18})\."
    + r"(?P<serial>[0-9]{7})\.(?P<version>[0-9]{3})\.(?P<check>[0-9A-Z])"
)
_SHAPE_MESSAGE = (
    "证照编号格式不正确，应为 1.2.156.3005.2.类型代码.发证机关统一社会信用代码"
    ".7位流水号.3位版本号.校验位"
)

# GB 11714 organisation codes: digits and capital letters valued 0–35.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


class NumberError(ValueError):
    """A licence number that cannot be right; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class LicenceNumber:
    type_code: str
    issuer_uscc: str
    serial: int
    version: int
    check: str

    @property
    def text(self) -> str:
        return (
            f"{PREFIX}{self.type_code}.{self.issuer_uscc}."
            f"{self.serial:07d}.{self.version:03d}.{self.check}"
        )

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=4096)
def _valid_uscc(code: str) -> bool:
    """``stdnum``'s check, cached: a few hundred authorities issue every licence."""
    return uscc.is_valid(code) and uscc.compact(code) == code


def check_character(type_code: str, issuer_uscc: str, serial: int, version: int) -> str:
    """The MOD 37,36 check character of a number's parts."""
    return mod_37_36.calc_check_digit(f"{type_code}{issuer_uscc}{serial:07d}{version:03d}")


def make_number(type_code: str, issuer_uscc: str, serial: int, version: int = 1) -> str:
    """The licence number for these parts; ``ValueError`` names a part that is wrong."""
    if not _TYPE_CODE.fullmatch(type_code):
        raise ValueError(
            f"licence type code must be 1-20 upper-case letters or digits: {type_code!r}"
        )
    if not _valid_uscc(issuer_uscc):
        raise ValueError(f"not a valid unified social credit code (USCC): {issuer_uscc!r}")
    if not 0 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be 0..{MAX_SERIAL}: {serial}")
    if not 1 <= version <= MAX_VERSION:
        raise ValueError(f"version must be 1..{MAX_VERSION}: {version}")
    check = check_character(type_code, issuer_uscc, serial, version)
    return LicenceNumber(type_code, issuer_uscc, serial, version, check).text


def parse_number(text: str) -> LicenceNumber:
    """Read a licence number (surrounding spaces and lower case allowed).

    Raises ``NumberError`` for a wrong shape, an invalid issuer code or a check
    character that does not match.
    """
    match = _NUMBER.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise NumberError(_SHAPE_MESSAGE)
    issuer = match["issuer"]
    if not _valid_uscc(issuer):
        raise NumberError(f"证照编号中的发证机关统一社会信用代码 {issuer} 不正确")
    serial, version = int(match["serial"]), int(match["version"])
    if version == 0:
        raise NumberError(_SHAPE_MESSAGE)
    if match["check"] != check_character(match["type"], issuer, serial, version):
        raise NumberError("校验位不符，证照编号可能输错了")
    return LicenceNumber(match["type"], issuer, serial, version, match["check"])


def organisation_check(code8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(code8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@lru_cache(maxsize=4096)  # asked at every certificate; a pure function of its two codes
def issuer_code_for(jurisdiction_code: str, department_id: str) -> str:
    """A deterministic, valid USCC for a government department (机关).

    It stands in for the department's real code when the catalogue gives none:
    registration authority ``1`` (机构编制), category ``1`` (机关), the 6-digit
    jurisdiction code, an organisation code of 8 digits derived from a hash of
    ``department_id`` plus its GB 11714 check character, then the GB 32100 check
    character. Real codes from the catalogue should always be preferred.
    """
    if not re.fullmatch(r"[0-9]{6}", jurisdiction_code):
        raise ValueError(f"jurisdiction code must be 6 digits: {jurisdiction_code!r}")
    if not department_id:
        raise ValueError("department id must not be empty")
    digest = hashlib.sha256(department_id.encode("utf-8")).digest()
    body = f"{int.from_bytes(digest[:8], 'big') % 10**8:08d}"
    partial = f"11{jurisdiction_code}{body}{organisation_check(body)}"
    return partial + uscc.calc_check_digit(partial)
