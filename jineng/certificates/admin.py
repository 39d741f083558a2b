"""Read-only admin: every change goes through the services (and the audit trail)."""

from django.contrib import admin

from jineng.certificates.models import Certificate, CertificateEvent, CertificateNumberSeries
from jineng.identity.admin import ReadOnlyAdmin


class EventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_status", "to_status", "actor", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "status", "person", "course_title", "class_hours", "final_score", "issued_at"]
    list_filter = ["status", "kind"]
    search_fields = ["number", "course_title"]
    list_select_related = ["person"]
    exclude = ["token", "token_digest"]
    inlines = [EventInline]


@admin.register(CertificateNumberSeries)
class CertificateNumberSeriesAdmin(ReadOnlyAdmin):
    list_display = ["year", "last"]
