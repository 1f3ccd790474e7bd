"""Accounts, authorisations and API tokens in the admin, and the log-in protection
(django-axes) and permission pickers in Chinese like the rest of it."""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission

from onething.accounts.models import ApiToken, Authorisation, User
from onething.catalog.services import current_catalog

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


def department_name(code: str) -> str:
    current = current_catalog()
    found = current.catalog.departments.get(code) if current else None
    return found.name if found else code


def place_name(code: str) -> str:
    current = current_catalog()
    return current.catalog.place_name(code) if current else code


class NamedCodeFilter(admin.SimpleListFilter):
    """A filter on a code column (部门 amr, 行政区划 141102) that lists names."""

    name_of = staticmethod(str)

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).values_list(self.parameter_name, flat=True)
        return sorted({(c, self.name_of(c)) for c in codes.distinct() if c}, key=lambda p: p[0])

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class DepartmentFilter(NamedCodeFilter):
    title = "部门"
    parameter_name = "department"
    name_of = staticmethod(department_name)


class PlaceFilter(NamedCodeFilter):
    title = "行政区划"
    parameter_name = "jurisdiction"
    name_of = staticmethod(place_name)


@admin.register(User)
class UserAdmin(ChinesePermissions, DjangoUserAdmin):
    list_display = ("username", "full_name", "role", "department_shown", "place", "is_active")
    list_filter = ("role", PlaceFilter, DepartmentFilter, "is_active")
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

    @admin.display(description="部门", ordering="department")
    def department_shown(self, user: User) -> str:
        return department_name(user.department) if user.department else "—"

    @admin.display(description="行政区划", ordering="jurisdiction")
    def place(self, user: User) -> str:
        return place_name(user.jurisdiction) if user.jurisdiction else "—"


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
