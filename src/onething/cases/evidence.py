"""How much a case's material can be trusted (材料可信等级), and who may raise it.

A  issued here and signed: an electronic certificate the applicant already holds,
   attached by reference — the applicant is not asked for it (免提交);
B  checked by a window clerk against the original;
C  uploaded by the applicant, the original still to be checked;
D  the applicant's own written promise (告知承诺).

A material still missing has no level. Pure rules, no framework.
"""

from __future__ import annotations

from enum import StrEnum


class TrustLevel(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


TRUST_LABELS = {
    TrustLevel.A: "A 电子证照（免提交，已验证签名）",
    TrustLevel.B: "B 窗口已核验原件",
    TrustLevel.C: "C 申请人已上传，待核验原件",
    TrustLevel.D: "D 告知承诺",
}
TRUST_SHORT = {
    TrustLevel.A: "免提交 · 电子证照",
    TrustLevel.B: "已核验原件",
    TrustLevel.C: "已上传 · 待核验",
    TrustLevel.D: "告知承诺",
}
PENDING_LABEL = "待提交"
# Materials the applicant is never asked for (免提交 within the case), by origin.
MADE_LABELS = {
    "form": ("平台生成 · 免提交", "A 由平台按一表申报内容生成，申请人提交即确认"),
    "package": ("本件事生成 · 免提交", "A 由本件事中先办结的事项签发的电子证照"),
}
AWAITING_PRODUCTION = "待生成"


def labels(level: TrustLevel | None, origin: str = "applicant") -> tuple[str, str]:
    """(short, long) words for a material's state: its level, or where it comes from."""
    if origin in MADE_LABELS:
        if level is None:
            waiting = "提交时自动生成" if origin == "form" else "前置事项办结后自动生成"
            return AWAITING_PRODUCTION, waiting
        return MADE_LABELS[origin]
    if level is None:
        return PENDING_LABEL, PENDING_LABEL
    return TRUST_SHORT[level], TRUST_LABELS[level]


def verified(level: TrustLevel | None) -> bool:
    """Whether the window has nothing left to check: a signed certificate or the
    platform's own document (A), an original seen (B), or a written promise the law
    accepts in its place (D, 告知承诺)."""
    return level in (TrustLevel.A, TrustLevel.B, TrustLevel.D)


class EvidenceRefused(ValueError):
    """A change of trust level the rules do not allow (the message says why)."""


def checked_by_clerk(current: TrustLevel | None) -> TrustLevel:
    """A clerk who has seen the original raises C (or a missing material brought to the
    window) to B; A needs nothing and B is already checked."""
    if current is None or current == TrustLevel.C:
        return TrustLevel.B
    if current == TrustLevel.A:
        raise EvidenceRefused("电子证照已由签名验证，无需核验原件")
    if current == TrustLevel.B:
        raise EvidenceRefused("该材料已经核验过原件")
    raise EvidenceRefused("告知承诺的材料按承诺办理，不核验原件")


def uploaded(current: TrustLevel | None) -> TrustLevel:
    """The applicant uploads a copy: a missing material becomes C (nothing lower)."""
    if current in (TrustLevel.A, TrustLevel.B):
        raise EvidenceRefused("该材料已经核验，无需再上传")
    return TrustLevel.C


def promised(current: TrustLevel | None, allowed: bool) -> TrustLevel:
    """The applicant promises in writing instead of providing the material (D), where
    the catalogue allows 告知承诺 for it and nothing better has been provided."""
    if not allowed:
        raise EvidenceRefused("该材料不适用告知承诺，请上传电子件或到窗口出示原件")
    if current in (TrustLevel.A, TrustLevel.B):
        raise EvidenceRefused("该材料已经核验，无需承诺")
    return TrustLevel.D
