from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from onething.accounts.models import ApiToken, Authorisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(Authorisation)
class AuthorisationAdmin(admin.ModelAdmin):
    list_display = ("principal", "agent", "valid_from", "valid_until", "revoked_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("digest", "prefix")
