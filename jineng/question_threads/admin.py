from django.contrib import admin

from jineng.question_threads.models import QuestionReply, QuestionThread, QuestionThreadEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: threads change through the services only (state, events, audit, notifications)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(QuestionThread)
class QuestionThreadAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "status", "created_at", "reply_count"]
    list_filter = ["status"]
    search_fields = ["title"]


@admin.register(QuestionReply)
class QuestionReplyAdmin(ReadOnlyAdmin):
    list_display = ["thread", "author", "author_role", "created_at"]


@admin.register(QuestionThreadEvent)
class QuestionThreadEventAdmin(ReadOnlyAdmin):
    list_display = ["thread", "transition", "from_status", "to_status", "actor", "at"]
