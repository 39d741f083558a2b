"""System administrators' view of the catalogue. Courses change only through the audited
services (author pages and API), so everything here is read-only."""

from django.contrib import admin

from jineng.courses.models import Course, Lesson, LessonImage, Module, Occupation, ScormPackage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModuleInline(admin.TabularInline):
    model = Module
    extra = 0
    fields = ["position", "title", "category", "planned_minutes", "required"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class LessonInline(admin.TabularInline):
    model = Lesson
    extra = 0
    fields = ["position", "title", "kind", "planned_minutes", "video_seconds", "live_starts_at", "scorm_package"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "levels"]
    search_fields = ["code", "name"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "occupation", "level", "provider", "status", "published_at"]
    list_filter = ["status", "level"]
    search_fields = ["title", "occupation__name", "provider__name"]
    list_select_related = ["occupation", "provider"]
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "category", "planned_minutes", "position"]
    list_select_related = ["course"]
    inlines = [LessonInline]


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "module", "planned_minutes", "video_seconds"]
    list_filter = ["kind"]
    list_select_related = ["module__course"]


@admin.register(ScormPackage)
class ScormPackageAdmin(ReadOnlyAdmin):
    list_display = ["title", "version", "launch_path", "uploaded_at"]
    list_filter = ["version"]


@admin.register(LessonImage)
class LessonImageAdmin(ReadOnlyAdmin):
    list_display = ["pk", "course", "lesson", "caption", "width", "height", "uploaded_at"]
    list_select_related = ["course", "lesson"]
