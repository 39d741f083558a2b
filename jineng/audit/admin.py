from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from jineng.audit.models import AuditEntry
from jineng.audit.selectors import audit_entries_visible_to


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, changes or deletes an entry here (the database refuses too)."""

    list_display = ("seq", "created_at", "actor_display", "action", "target_type", "target_id", "region_code")
    list_filter = ("action", "created_at")
    search_fields = ("=target_id", "=actor_label", "=action")
    ordering = ("-seq",)
    show_full_result_count = False  # no COUNT(*) over millions of rows on every page
    list_per_page = 100
    fields = (
        "seq",
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target_type",
        "target_id",
        "summary",
        "organization_id",
        "region_code",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields
    actions = None

    @admin.display(description="操作人", ordering="actor_label")
    def actor_display(self, entry: AuditEntry) -> str:
        return entry.actor_label or "系统"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        return audit_entries_visible_to(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
