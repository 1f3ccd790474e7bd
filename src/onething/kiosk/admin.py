"""自助终端 in the admin: an administrator registers a kiosk to a hall; its token is made
on saving and shown once in the message (only a digest is kept). Sign-in codes are
read-only."""

from __future__ import annotations

from django.contrib import admin, messages

from onething.kiosk import services
from onething.kiosk.models import Kiosk, SignInCode, UsedReading
from onething.privacy.admin import ReadOnlyAdmin


@admin.register(Kiosk)
class KioskAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "hall", "active", "created_at")
    list_filter = ("active", "hall")
    fields = ("code", "name", "hall", "reader_key", "active")
    actions = ["give_new_token"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token = services.token_for(obj)
        super().save_model(request, obj, form, change)
        self._show_token(request, obj, token)

    def _show_token(self, request, kiosk: Kiosk, token: str) -> None:
        messages.warning(
            request,
            f"{kiosk.code} 的终端令牌（只显示这一次）：{token} —— 在终端浏览器打开 "
            f"/kiosk/{kiosk.code}/?token={token} 完成登记。",
        )

    @admin.action(description="重新生成终端令牌（原令牌作废）")
    def give_new_token(self, request, queryset):
        for kiosk in queryset:
            self._show_token(request, kiosk, services.new_token(kiosk))


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "expires_at", "used_at", "used_at_kiosk")
    fields = readonly_fields = ("user", "created_at", "expires_at", "used_at", "used_at_kiosk")


@admin.register(UsedReading)
class UsedReadingAdmin(ReadOnlyAdmin):
    list_display = ("kiosk", "used_at")
    fields = readonly_fields = ("kiosk", "used_at")
