"""Read-only admin views: sessions, sign-ins and suspensions change only through the services."""

from django.contrib import admin

from jineng.practicals.models import (
    PracticalSession,
    PracticalSessionEvent,
    PracticalSignIn,
    PracticalSuspension,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PracticalSession)
class PracticalSessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "project", "starts_at", "ends_at", "credited_minutes", "capacity", "state")
    list_filter = ("state",)
    exclude = ("secret",)


@admin.register(PracticalSessionEvent)
class PracticalSessionEventAdmin(ReadOnlyAdmin):
    list_display = ("session", "transition", "from_state", "to_state", "actor", "at")


@admin.register(PracticalSignIn)
class PracticalSignInAdmin(ReadOnlyAdmin):
    list_display = ("session", "person", "signed_at", "device_label", "method")


@admin.register(PracticalSuspension)
class PracticalSuspensionAdmin(ReadOnlyAdmin):
    list_display = ("city", "document_number", "started_at", "lifted_at")
