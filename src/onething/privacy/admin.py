"""The admin's rules for records and personal data, and the record of personal-data
views. What the services keep (cases, their audit trail, certificates, ratings, these
views) is shown read-only: an audit record is never added, changed or deleted by hand,
by anyone. A person's name, phone or ID number is masked in the admin as on every page."""

import json
from datetime import date, datetime

from django.contrib import admin
from django.utils import timezone

from onething.privacy.masking import mask_text
from onething.privacy.models import PersonalDataView
from onething.privacy.services import display_name


class ReadOnly:
    """Viewed in the admin, never added, changed or deleted there: the services keep it."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    show_full_result_count = False  # no second count of a large table


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False


class ChoiceFilter(admin.SimpleListFilter):
    """A filter on a column whose values are known: lists `options`, never reads the
    table for them (a plain field filter would, on millions of rows)."""

    options: dict[str, str] = {}

    def lookups(self, request, model_admin):
        return list(self.options.items())

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


def labelled(field: str, label: str, boolean: bool = False):
    """A model field shown under a Chinese label, for the fields that carry none of their
    own (timestamps, codes): `submitted = labelled("submitted_at", "提交时间")`."""

    @admin.display(description=label, ordering=field, boolean=boolean or None)
    def shown(self, record):
        value = getattr(record, field)
        return value if boolean else shown_value(value)

    return shown


def shown_value(value) -> str:
    """A value as the admin's pages write it: local time to the minute, none as —."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def masked_person(person) -> str:
    """A person masked (张*); an enterprise or staff in office by name; none as 系统."""
    return display_name(None, person)


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    list_display = ("at", "viewer", "masked_subject", "fields", "masked_purpose")
    list_filter = ("at",)
    search_fields = ("viewer__username", "purpose")
    list_select_related = ("viewer", "subject")
    fields = readonly_fields = ("at", "viewer", "masked_subject", "fields", "masked_purpose")

    @admin.display(description="信息主体")
    def masked_subject(self, record: PersonalDataView) -> str:
        """A person masked (张*); an enterprise or staff in office by name."""
        return masked_person(record.subject) if record.subject_id else record.subject_label

    @admin.display(description="事由")
    def masked_purpose(self, record: PersonalDataView) -> str:
        """The purpose as typed, any ID card or mobile number in it masked."""
        return mask_text(record.purpose)
