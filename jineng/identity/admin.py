"""System administrators' back office. People, roles and key groups change only through the
audited services (pages and API), so here they are read-only and personal data is masked."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from jineng.common.masking import mask_id_number, mask_phone
from jineng.identity.models import KeyGroupMembership, Person, RoleAssignment, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "organization", "region", "granted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class JinengUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password", "display_name", "person"]}),
        ("状态", {"fields": ["is_active", "is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["person", "last_login", "date_joined"]
    inlines = [RoleInline]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_id_number", "masked_phone", "sex", "birth_date", "hukou_region"]
    search_fields = ["name"]
    fields = ["name", "masked_id_number", "masked_phone", "sex", "birth_date", "birth_region_code", "hukou_region",
              "created_at"]
    readonly_fields = fields
    list_select_related = ["hukou_region"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="手机号码")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "role", "organization", "region", "granted_at"]
    list_filter = ["role"]
    list_select_related = ["user", "organization", "region"]


@admin.register(KeyGroupMembership)
class KeyGroupMembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "group", "status", "verified_by", "verified_at"]
    list_filter = ["group", "status"]
    list_select_related = ["person", "verified_by"]
