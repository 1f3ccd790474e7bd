from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错 5 次将锁定 15 分钟。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class CodeForm(forms.Form):
    """The 6-digit code an authenticator app shows (spaces allowed: 123 456)."""

    code = forms.CharField(
        label="动态验证码",
        max_length=12,
        error_messages={"required": "请输入验证器上显示的 6 位数字"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("动态验证码是 6 位数字")
        return code


class NewPasswordForm(PasswordChangeForm):
    """Django's password change, in Chinese, with the rules listed under the field."""

    error_messages = {
        "password_incorrect": "当前密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["old_password"].label = "当前密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = "".join(
            password_validation.password_validators_help_texts()
        )
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password2"].help_text = ""


USABLE_PASSWORD_HELP = (
    "关闭后，该账号不能再用密码登录，原密码作废；需要时再由安全管理员设置新密码。"
)


class ResetPasswordForm(AdminPasswordChangeForm):
    """The security administrator's password reset in the admin, said in Chinese (Django
    ships no translation of the password-based log-in switch's help)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = USABLE_PASSWORD_HELP
