"""Read-only admin for learning records: they are evidence; every change goes through the services."""

from django.contrib import admin

from jineng.learning.models import BeatBatch, Enrolment, ScormRuntime, Segment, SignIn, StudySession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "course", "organization", "source", "enrolled_at", "credited_ms", "last_studied_at"]
    list_filter = ["source"]
    list_select_related = ["person", "course", "organization"]


@admin.register(StudySession)
class StudySessionAdmin(ReadOnlyAdmin):
    list_display = ["id", "person", "lesson", "state", "started_at", "ended_at", "device_label", "credited_ms",
                    "uncredited_ms", "beats_accepted"]
    list_filter = ["state", "end_reason"]
    list_select_related = ["person", "lesson"]


@admin.register(Segment)
class SegmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "session_id", "lesson_id", "day", "credited", "reason", "started_at", "ended_at", "duration_ms"]
    list_filter = ["credited", "reason"]


@admin.register(SignIn)
class SignInAdmin(ReadOnlyAdmin):
    list_display = ["id", "enrolment_id", "kind", "day", "signed_at", "method", "ip", "device_label"]
    list_filter = ["kind", "method"]


@admin.register(BeatBatch)
class BeatBatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "session_id", "received_at", "first_seq", "last_seq", "beat_count"]


@admin.register(ScormRuntime)
class ScormRuntimeAdmin(ReadOnlyAdmin):
    list_display = ["id", "enrolment_id", "lesson_id", "lesson_status", "completion_status", "success_status",
                    "score_raw", "total_time", "last_commit_at"]
