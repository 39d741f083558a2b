"""Admin for regions, bureaus and the working-day calendar.

Regions come from ``jineng regions load`` and calendar years from ``jineng calendar year``
(which validate the notice and write the audit entry), so both are read-only here. Bureaus
and their windows are reference data a system administrator may correct.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from jineng.regions.models import Bureau, CalendarYear, Region, ServiceWindow, WorkingDayOverride


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent", "province_code", "city_code")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    show_full_result_count = False


class ServiceWindowInline(admin.TabularInline):
    model = ServiceWindow
    extra = 0
    fields = ("name", "address", "phone")


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "phone")
    list_filter = ("kind",)
    search_fields = ("name", "region__name", "region__code")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    inlines = (ServiceWindowInline,)


@admin.register(ServiceWindow)
class ServiceWindowAdmin(admin.ModelAdmin):
    list_display = ("name", "bureau", "address", "phone")
    search_fields = ("name", "address", "bureau__name", "bureau__region__name")
    list_select_related = ("bureau",)
    autocomplete_fields = ("bureau",)


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("note",)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "source", "entered_at")
    ordering = ("-year",)
