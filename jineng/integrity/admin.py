"""System administrators' view of integrity flags; decisions are made on the reviewers' pages
(audited), so everything here is read-only."""

from django.contrib import admin

from jineng.integrity.models import Flag


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "severity", "status", "title", "region_code", "created_at", "decided_by"]
    list_filter = ["kind", "severity", "status"]
    search_fields = ["title", "region_code"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
