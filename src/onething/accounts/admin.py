"""Accounts, authorisations and API tokens in the admin, the admin's own change log (for
the audit administrator), and the log-in protection (django-axes) and permission pickers
in Chinese like the rest of it.

What each role may do here is core.access's (admin_permissions, account_fields_for): the
system administrator creates accounts and keeps their details; the security administrator
sets their role, place and whether they may log in, resets passwords and second factors
and lifts lock-outs; the audit administrator reads the records. Authenticator devices have
no page of their own: the user's page shows whether one is bound, and its reset is an
action there."""

from axes.utils import reset as axes_reset
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin, UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html
from django_otp.plugins.otp_totp.models import TOTPDevice

from onething.accounts import twofactor
from onething.accounts.forms import ResetPasswordForm
from onething.accounts.models import ApiToken, Authorisation, User
from onething.catalog.services import current_catalog
from onething.core.access import account_fields_for, administers_security, may_reset_credentials
from onething.privacy.masking import mask_text

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}
# Models of other packages that name themselves in English only.
MODEL_NAMES = {"otp_totp.totpdevice": "验证器"}
apps.get_app_config("otp_totp").verbose_name = "两步验证"


def permission_label(permission: Permission) -> str:
    """可修改 in 电子证照 | 电子证照 rather than "Can change 电子证照" (Django stores the
    English sentence when it creates the permission)."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    app = apps.get_app_config(model._meta.app_label).verbose_name
    name = MODEL_NAMES.get(model._meta.label_lower, model._meta.verbose_name)
    return f"{app} | {name} | 可{ACTIONS[action]}"


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


# Who keeps which fields of an account (core.access.account_fields_for): the system
# administrator its identity, the security administrator its role, place and whether it
# may log in; the password and the second factor only the security administrator resets.
ACCOUNT_FIELDSETS = (
    ("账号", {"fields": ("username", "full_name", "applicant_kind", "email", "uscc")}),
    ("角色与辖区", {"fields": ("role", "department", "jurisdiction", "is_active")}),
    ("登录", {"fields": ("last_login", "date_joined", "second_factor")}),
)


@admin.register(User)
class UserAdmin(ChinesePermissions, DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "role",
        "department_shown",
        "place",
        "is_active",
        "second_factor",
    )
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
                    "second_factor",
                )
            },
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name")}),
        ("初始密码", {"fields": ("usable_password", "password1", "password2")}),
    )
    actions = ["reset_second_factor", "lift_lock_out"]
    change_password_form = ResetPasswordForm

    def get_queryset(self, request):
        devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_device=Exists(devices))

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if may_reset_credentials(request.user, obj):  # with the link to reset it
            first, *rest = ACCOUNT_FIELDSETS
            return (("账号", {"fields": (*first[1]["fields"], "password_reset")}), *rest)
        return ACCOUNT_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return ("second_factor",)
        editable = account_fields_for(request.user, obj)
        shown = [f for _name, part in self.get_fieldsets(request, obj) for f in part["fields"]]
        return [f for f in shown if f not in editable]

    def user_change_password(self, request, id, form_url=""):
        """Setting someone's password is the security administrator's (never their own
        here: their own page asks for the current one)."""
        account = self.get_object(request, unquote(id))
        if not request.user.is_superuser and not may_reset_credentials(request.user, account):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "role" in form.changed_data:
            ApiToken.revoke_all_of(obj)  # asked for under the old role's rules

    @admin.display(description="部门", ordering="department")
    def department_shown(self, user: User) -> str:
        return department_name(user.department) if user.department else "—"

    @admin.display(description="行政区划", ordering="jurisdiction")
    def place(self, user: User) -> str:
        return place_name(user.jurisdiction) if user.jurisdiction else "—"

    @admin.display(description="密码")
    def password_reset(self, user: User) -> str:
        return format_html('<a href="{}">重置密码</a>（设置新密码并告知本人）', "../password/")

    @admin.display(description="两步验证", boolean=True)
    def second_factor(self, user: User) -> bool:
        if hasattr(user, "has_device"):
            return user.has_device
        return twofactor.confirmed_device(user) is not None

    def has_reset_credentials_permission(self, request) -> bool:
        return request.user.is_superuser or administers_security(request.user)

    def _resettable(self, request, accounts):
        return [
            a
            for a in accounts
            if request.user.is_superuser or may_reset_credentials(request.user, a)
        ]

    @admin.action(
        description="重置两步验证（下次登录重新绑定验证器）", permissions=["reset_credentials"]
    )
    def reset_second_factor(self, request, queryset):
        accounts = self._resettable(request, queryset)
        for account in accounts:
            twofactor.reset(account)
        self.message_user(
            request,
            f"已重置 {len(accounts)} 个账号的两步验证：其登录已全部退出，API 令牌已作废，"
            "下次登录时重新绑定验证器。",
        )

    @admin.action(description="解除登录锁定", permissions=["reset_credentials"])
    def lift_lock_out(self, request, queryset):
        accounts = self._resettable(request, queryset)
        lifted = sum(axes_reset(username=account.username) for account in accounts)
        self.message_user(
            request, f"已解除 {len(accounts)} 个账号的登录锁定（清除 {lifted} 条失败记录）。"
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
    list_display = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = ("digest", "prefix")
    actions = ["revoke"]

    @admin.action(description="撤销所选令牌", permissions=["delete"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"已撤销 {count} 个令牌。")


# The admin's change log (who added, changed or deleted what, here): an audit record,
# read by the audit administrator, never changed.
@admin.register(LogEntry)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ("action_time", "actor", "content_type", "shown_object", "action", "change")
    list_filter = ("action_flag",)
    search_fields = ("user__username", "object_repr")
    list_select_related = ("user", "content_type")
    fields = readonly_fields = list_display
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="操作人", ordering="user__username")
    def actor(self, entry: LogEntry) -> str:
        return f"{entry.user.username}（{entry.user.get_role_display() or '设置账号'}）"

    @admin.display(description="对象")
    def shown_object(self, entry: LogEntry) -> str:
        return mask_text(entry.object_repr)

    @admin.display(description="动作", ordering="action_flag")
    def action(self, entry: LogEntry) -> str:
        return CHANGE_LOG_ACTIONS.get(entry.action_flag, str(entry.action_flag))

    @admin.display(description="修改内容")
    def change(self, entry: LogEntry) -> str:
        return mask_text(entry.get_change_message())


CHANGE_LOG_ACTIONS = {ADDITION: "添加", CHANGE: "修改", DELETION: "删除"}
# Authenticator devices: reset from the user's page (an action), never edited one by one.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


# --------------------------------------------------------------------------- django-axes
# Its labels are translated in accounts/locale (it ships no Chinese); what it does not
# pass through gettext (its app name, two columns) is named here.


def _when(moment) -> str:
    from django.utils.timezone import localtime

    return f"{localtime(moment):%Y-%m-%d %H:%M:%S}" if moment else ""


def _chinese_axes_names() -> None:
    """django-axes names its records in English in code (the admin's titles and
    breadcrumbs show them): name them in Chinese, as the rest of the admin."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    AccessAttempt.__str__ = lambda self: f"{self.username} 的登录尝试（{_when(self.attempt_time)}）"
    AccessLog.__str__ = lambda self: f"{self.username} 的登录记录（{_when(self.attempt_time)}）"
    AccessFailureLog.__str__ = lambda self: (
        f"{self.username} 登录失败（{_when(self.attempt_time)}）"
        + ("，已锁定" if self.locked_out else "")
    )


if getattr(settings, "AXES_ENABLE_ADMIN", True) and apps.is_installed("axes"):
    from axes.admin import AccessAttemptAdmin
    from axes.models import AccessAttempt

    apps.get_app_config("axes").verbose_name = "登录保护"
    admin.site.unregister(AccessAttempt)
    _chinese_axes_names()

    @admin.register(AccessAttempt)
    class LoginAttemptAdmin(AccessAttemptAdmin):
        @admin.display(description="状态")
        def status(self, obj: AccessAttempt) -> str:
            left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
            return f"还可尝试 {left} 次" if left > 0 else "已锁定"

        @admin.display(description="过期时间")
        def expiration(self, obj: AccessAttempt):
            return obj.expiration.expires_at if hasattr(obj, "expiration") else "未设置"
