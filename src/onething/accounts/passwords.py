"""Password rules: Django's validators, each saying in Chinese what is wrong and what is
asked (AUTH_PASSWORD_VALIDATORS in web/settings.py). Every password set through a page,
the admin or `onething manage changepassword` passes them; the demo's is checked by a
test."""

from __future__ import annotations

from django.contrib.auth import password_validation as django_rules


class MinimumLength(django_rules.MinimumLengthValidator):
    """At least 12 characters."""

    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"至少 {self.min_length} 个字符。"


class NotLikeTheAccount(django_rules.UserAttributeSimilarityValidator):
    """Not like the account's user name, name, e-mail, phone or credit code."""

    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "email", "phone", "uscc")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self) -> str:
        return "密码与账号的%(verbose_name)s太相似，请换一个。"

    def get_help_text(self) -> str:
        return "不能与用户名、姓名、手机号码等账号信息相似。"


class NotCommon(django_rules.CommonPasswordValidator):
    """Not one of the 20,000 most common passwords."""

    def get_error_message(self) -> str:
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self) -> str:
        return "不能是常见密码。"


class NotOnlyDigits(django_rules.NumericPasswordValidator):
    """Not digits alone."""

    def get_error_message(self) -> str:
        return "密码不能全是数字。"

    def get_help_text(self) -> str:
        return "不能全是数字。"
