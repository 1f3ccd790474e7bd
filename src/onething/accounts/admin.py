"""Accounts, authorisations and API tokens in the admin, and the log-in protection
(django-axes) and permission pickers in Chinese like the rest of it."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission

from onething.accounts.models import ApiToken, Authorisation, User

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_label(permission: Permission) -> str:
    """可修改 in 电子证照 | 电子证照 rather than "Can change 电子证照" (Django stores the
    English sentence when it creates the permission)."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    app = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{app} | {model._meta.verbose_name} | 可{ACTIONS[action]}"


class ChinesePermissions:
    """The permission picker of a user or a group, each permission named in Chinese."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(ChinesePermissions, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "department", "jurisdiction", "is_active")
    list_filter = ("role", "jurisdiction", "department", "is_active")
    search_fields = ("username", "full_name", "uscc")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "政务服务",
            {
                "fields": (
                    "role",
                    "full_name",
                    "applicant_kind",
                    "department",
                    "jurisdiction",
                    "uscc",
                )
            },
        ),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissions, DjangoGroupAdmin):
    pass


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ("principal", "agent", "valid_from", "valid_until", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("digest", "prefix")


# --------------------------------------------------------------------------- django-axes
# Its labels are translated in accounts/locale (it ships no Chinese); what it does not
# pass through gettext (its app name, two columns) is named here.

if getattr(settings, "AXES_ENABLE_ADMIN", True) and apps.is_installed("axes"):
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    apps.get_app_config("axes").verbose_name = "登录保护"
    admin.site.unregister(AccessAttempt)

    @admin.register(AccessAttempt)
    class LoginAttemptAdmin(AccessAttemptAdmin):
        @admin.display(description="状态")
        def status(self, obj: AccessAttempt) -> str:
            left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
            return f"还可尝试 {left} 次" if left > 0 else "已锁定"

        @admin.display(description="过期时间")
        def expiration(self, obj: AccessAttempt):
            return obj.expiration.expires_at if hasattr(obj, "expiration") else "未设置"
