"""System administrators' view of banks, exams and attempts. Everything changes only through the
audited services (author pages and API), so everything here is read-only."""

from django.contrib import admin

from jineng.exams.models import (
    Attempt,
    AttemptAnswer,
    AttemptQuestion,
    Choice,
    Exam,
    Exercise,
    PaperRule,
    Question,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ChoiceInline(ReadOnlyInline):
    model = Choice
    fields = ["position", "text", "is_correct"]
    readonly_fields = fields


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "course", "kind", "stem", "module", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["stem"]
    inlines = [ChoiceInline]


class PaperRuleInline(ReadOnlyInline):
    model = PaperRule
    fields = ["position", "kind", "module", "count", "points"]
    readonly_fields = fields


@admin.register(Exam)
class ExamAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "is_final", "status", "time_limit_minutes", "max_attempts", "pass_score"]
    list_filter = ["status", "is_final"]
    inlines = [PaperRuleInline]


class AttemptQuestionInline(ReadOnlyInline):
    model = AttemptQuestion
    fields = ["position", "kind", "stem", "answer", "answered_at", "awarded", "is_correct"]
    readonly_fields = fields


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["pk", "exam", "person", "number", "status", "started_at", "submitted_at", "ended_by", "score",
                    "passed", "start_ip"]
    list_filter = ["status", "ended_by", "passed"]
    inlines = [AttemptQuestionInline]


@admin.register(AttemptAnswer)
class AttemptAnswerAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "item", "answer", "saved_at", "ip"]


@admin.register(Exercise)
class ExerciseAdmin(ReadOnlyAdmin):
    list_display = ["title", "lesson", "course", "updated_at"]
