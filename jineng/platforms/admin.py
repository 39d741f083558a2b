"""Read-only admin: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from jineng.identity.admin import ReadOnlyAdmin
from jineng.platforms.models import (
    EvaluationCourse,
    EvaluationMaterial,
    Platform,
    PlatformEvaluation,
    PlatformEvaluationEvent,
    PlatformFiling,
)


@admin.register(Platform)
class PlatformAdmin(ReadOnlyAdmin):
    list_display = ["name", "website", "ownership", "recommendation", "operator"]
    list_filter = ["ownership", "recommendation"]
    search_fields = ["name", "website", "icp_number"]
    list_select_related = ["operator"]


class CourseInline(admin.TabularInline):
    model = EvaluationCourse
    extra = 0
    can_delete = False
    readonly_fields = ["position", "name", "key_points", "resource_form", "minutes"]

    def has_add_permission(self, request, obj=None):
        return False


class MaterialInline(admin.TabularInline):
    model = EvaluationMaterial
    extra = 0
    can_delete = False
    fields = ["group", "original_name", "kind", "size", "sha256", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = PlatformEvaluationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_status", "to_status", "actor", "at", "comment", "late"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PlatformEvaluation)
class PlatformEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["platform", "organization", "status", "due_date", "decided_late"]
    list_filter = ["status", "decided_late"]
    list_select_related = ["platform", "organization"]
    inlines = [CourseInline, MaterialInline, EventInline]


@admin.register(PlatformFiling)
class PlatformFilingAdmin(ReadOnlyAdmin):
    list_display = ["city", "platform", "filed_at", "withdrawn_at"]
    list_select_related = ["city", "platform"]
