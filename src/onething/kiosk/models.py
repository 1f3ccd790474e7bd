"""A kiosk (自助终端) registered to a hall, and the one-time codes a citizen's phone shows
to sign in at one. The terminal's token and the codes are kept as digests only."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from onething.hall.models import Hall


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Kiosk(models.Model):
    code = models.SlugField("终端编号", max_length=40, unique=True)
    name = models.CharField("终端名称", max_length=100)
    hall = models.ForeignKey(
        Hall, on_delete=models.PROTECT, related_name="kiosks", verbose_name="所在大厅"
    )
    # The token the terminal presents (shown once to the administrator who sets it up).
    token_digest = models.CharField("令牌摘要", max_length=64, editable=False)
    # The card reader's public key (Ed25519, 32 bytes in base64): it signs each reading.
    reader_key = models.CharField(
        "读卡器公钥",
        max_length=64,
        blank=True,
        help_text="终端身份证读卡器的 Ed25519 公钥（32 字节，Base64）。"
        "未登记的终端不能刷身份证登录。",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "自助终端"
        verbose_name_plural = "自助终端"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class UsedReading(models.Model):
    """A card reading that signed someone in: its nonce, so that it signs in only once."""

    nonce_digest = models.CharField(max_length=64, unique=True, editable=False)
    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "已用读卡数据"
        verbose_name_plural = "已用读卡数据"


class SignInCode(models.Model):
    """在自助终端登录: a code the citizen's phone shows; single use, short-lived."""

    digest = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="申请人",
    )
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    used_at_kiosk = models.ForeignKey(
        Kiosk,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="使用终端",
    )

    class Meta:
        verbose_name = "自助终端登录码"
        verbose_name_plural = "自助终端登录码"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"登录码（{self.created_at:%Y-%m-%d %H:%M}）"
