"""Accounts: one user table for applicants and staff, with role, department and jurisdiction."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from onething.core.authority import Subject, Written, refusal
from onething.core.roles import ADMINISTRATORS, ROLE_LABELS, ApplicantKind, Role
from onething.privacy.crypto import lookup_digest
from onething.privacy.fields import EncryptedTextField
from onething.privacy.masking import mask_id_number


class User(AbstractUser):
    role = models.CharField(
        "角色", max_length=20, choices=[(r.value, ROLE_LABELS[r]) for r in Role], db_index=True
    )
    full_name = models.CharField("姓名/名称", max_length=100)
    applicant_kind = models.CharField(
        "申请人类型",
        max_length=20,
        blank=True,
        choices=[(ApplicantKind.PERSON.value, "个人"), (ApplicantKind.ENTERPRISE.value, "企业")],
    )
    # Staff: the catalogue department id (e.g. "amr") and GB/T 2260 jurisdiction code.
    department = models.CharField("部门", max_length=50, blank=True, db_index=True)
    jurisdiction = models.CharField("行政区划", max_length=12, blank=True, db_index=True)
    # Personal data, encrypted at rest; digests to find a person without decrypting.
    id_number = EncryptedTextField("身份证号码", blank=True, default="")
    id_number_digest = models.CharField(
        "身份证号码检索摘要", max_length=64, blank=True, db_index=True, editable=False
    )
    phone = EncryptedTextField("手机号码", blank=True, default="")
    # Enterprises: the unified social credit code is public information.
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    # Raised to end every session of the account at once (a second factor reset); a new
    # password ends them too, as Django's session hash follows the password.
    session_generation = models.PositiveIntegerField("会话代次", default=0, editable=False)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def save(self, *args, **kwargs):
        self.id_number_digest = lookup_digest(self.id_number) if self.id_number else ""
        # The admin site is for the catalogue editor and the three administrators (and the
        # set-up superuser): the role decides, never a flag set by hand.
        self.is_staff = self.is_superuser or self.role in ADMIN_SITE_ROLES
        super().save(*args, **kwargs)
        if getattr(self, "_password_changed", False):
            self._password_changed = False
            ApiToken.revoke_all_of(self)  # a new password: every token of the old one ends

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self._password_changed = True

    def get_session_auth_hash(self) -> str:
        """Django's (it follows the password), and the session generation once raised."""
        django_hash = super().get_session_auth_hash()
        if not self.session_generation:
            return django_hash
        salt = "onething.accounts.User.get_session_auth_hash"
        value = f"{django_hash}:{self.session_generation}"
        return salted_hmac(salt, value, algorithm="sha256").hexdigest()

    def end_sessions(self) -> None:
        """End every session of this account (each one's hash no longer matches)."""
        User.objects.filter(pk=self.pk).update(session_generation=F("session_generation") + 1)
        self.refresh_from_db(fields=["session_generation"])

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    def __str__(self) -> str:
        return f"{self.full_name or self.username}（{ROLE_LABELS.get(self.role, self.role)}）"


class Authorisation(models.Model):
    """代办授权: an applicant lets an agent act for them, for some packages or all."""

    principal = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="authorisations_given", verbose_name="委托人"
    )
    agent = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="authorisations_held", verbose_name="代办员"
    )
    packages = models.JSONField("授权的一件事", default=list, blank=True)  # empty: all
    # The principal's projects (projects.Project public ids) it covers; empty: every case
    # within the packages. See core/authority.py for the rules.
    projects = models.JSONField("授权的项目", default=list, blank=True)
    valid_from = models.DateField("生效日期", default=timezone.localdate)
    valid_until = models.DateField("截止日期")
    document = models.CharField("授权委托书编号", max_length=100)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "代办授权"
        verbose_name_plural = "代办授权"

    def __str__(self) -> str:
        return f"{self.principal.full_name} 授权 {self.agent.full_name}（{self.document}）"

    def covers(self, package_id: str, on=None, project_id: str | None = None) -> bool:
        """In force on the day (today) for the one-thing, and for the project when the
        authorisation names projects (a filing not yet of a project is then outside)."""
        day = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.valid_from <= day <= self.valid_until
            and (not self.packages or package_id in self.packages)
            and (not self.projects or project_id in self.projects)
        )

    @classmethod
    def filing_refusal(cls, agent_id: int, principal_id: int, package_id: str) -> str | None:
        """Why the agent may not file this one-thing for the principal today (None: may)."""
        given = [
            a.written() for a in cls.objects.filter(agent_id=agent_id, principal_id=principal_id)
        ]
        return refusal(given, Subject(package_id), timezone.localdate())

    def written(self) -> Written:
        return Written(
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            revoked_at=timezone.localtime(self.revoked_at) if self.revoked_at else None,
            packages=tuple(self.packages or ()),
            projects=tuple(self.projects or ()),
        )


ADMIN_SITE_ROLES = frozenset({Role.EDITOR}) | ADMINISTRATORS


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 digest is stored. It lasts
    API_TOKEN_DAYS (ONETHING_API_TOKEN_DAYS) and its owner may revoke it."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户"
    )
    name = models.CharField("用途", max_length=100)
    digest = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=8)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    expires_at = models.DateTimeField("过期时间", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    def refusal(self, now=None) -> str:
        """Why the token no longer opens the API ("" while it does), in Chinese."""
        if self.revoked_at is not None:
            return "API 令牌已撤销，请重新申请（POST /api/v1/auth/token）"
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return "API 令牌已过期，请重新申请（POST /api/v1/auth/token）"
        return ""

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @classmethod
    def revoke_all_of(cls, user: User) -> int:
        """Revoke every token of the user (a new password, a second factor reset)."""
        return cls.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )

    @classmethod
    def issue(cls, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
        """A new token, lasting API_TOKEN_DAYS unless told; the plain token is returned
        once and never stored."""
        if expires_at is None:
            expires_at = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
        token = "ot_" + secrets.token_urlsafe(32)
        record = cls.objects.create(
            user=user,
            name=name,
            digest=cls.digest_of(token),
            prefix=token[:8],
            expires_at=expires_at,
        )
        return record, token
