"""Read-only back office for claims: every change goes through the services (and the audit
trail). Personal data is masked: learners' names, the bank account, objectors' names and phones;
the ID-number digest of the subsidy accounts is not shown."""

from django.contrib import admin

from jineng.claims.models import (
    Claim,
    ClaimEvent,
    ClaimLine,
    ClaimVoucher,
    Objection,
    Payment,
    SubsidyAccount,
    SubsidyGrant,
)
from jineng.common.masking import mask_account, mask_name, mask_phone
from jineng.identity.admin import ReadOnlyAdmin


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ReadOnlyInline):
    model = ClaimEvent
    fields = ["transition", "from_state", "to_state", "actor", "at", "late", "comment"]
    readonly_fields = fields


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["kind", "amount", "reference", "paid_on", "recorded_by", "recorded_at"]
    readonly_fields = fields


class VoucherInline(ReadOnlyInline):
    model = ClaimVoucher
    fields = ["original_name", "file_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "phase", "organization", "item_title", "state", "judged_total", "advance_paid",
                    "paid_total", "region_code", "overdue"]
    list_filter = ["state", "phase", "kind", "policy", "overdue"]
    search_fields = ["number", "organization__name", "project__number"]
    list_select_related = ["organization"]
    fields = ["number", "kind", "phase", "project", "organization", "policy", "subsidy", "document_number",
              "item_title", "payee_kind", "region_code", "state", "cost_per_learner", "bank_account_name", "bank_name",
              "masked_bank_account", "judged_total", "advance_paid", "paid_total", "submitted_at", "review_due",
              "review_due_citation", "notice_start", "notice_end", "notice_citation", "payment_due",
              "payment_due_citation", "overdue", "decided_by", "decision_comment", "created_by", "created_at",
              "updated_at"]
    readonly_fields = fields
    inlines = [EventInline, PaymentInline, VoucherInline]

    @admin.display(description="银行账号")
    def masked_bank_account(self, obj):
        return mask_account(obj.bank_account)


@admin.register(ClaimLine)
class ClaimLineAdmin(ReadOnlyAdmin):
    list_display = ["claim", "position", "masked_name", "status", "judged_amount", "paid_amount", "payee", "reason"]
    list_filter = ["status", "payee"]
    search_fields = ["claim__number"]
    list_select_related = ["claim", "person"]
    fields = ["claim", "position", "masked_name", "status", "judged_amount", "paid_amount", "payee", "payer_region",
              "reason", "reason_clause", "facts", "trace", "judged_at", "judged_at_submission"]
    readonly_fields = fields

    @admin.display(description="姓名")
    def masked_name(self, obj):
        return mask_name(obj.person.name)


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["claim", "masked_contact", "masked_phone", "status", "lodged_at", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["claim"]
    fields = ["claim", "masked_contact", "masked_phone", "reason", "lodged_at", "status", "resolved_by", "resolved_at",
              "resolution"]
    readonly_fields = fields

    @admin.display(description="联系人")
    def masked_contact(self, obj):
        return mask_name(obj.contact_name)

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return mask_phone(obj.contact_phone)


@admin.register(SubsidyGrant)
class SubsidyGrantAdmin(ReadOnlyAdmin):
    list_display = ["account", "policy", "subsidy", "occupation", "level", "start", "end", "amount", "status",
                    "source"]
    list_filter = ["status", "policy"]
    list_select_related = ["account"]
    fields = ["account", "claim_line", "policy", "subsidy", "occupation", "level", "start", "end", "amount", "status",
              "source", "created_at"]
    readonly_fields = fields


@admin.register(SubsidyAccount)
class SubsidyAccountAdmin(ReadOnlyAdmin):
    list_display = ["pk", "masked_person"]
    fields = ["masked_person"]
    readonly_fields = fields
    list_select_related = ["person"]

    @admin.display(description="人员")
    def masked_person(self, obj):
        return mask_name(obj.person.name) if obj.person_id else "（非本系统人员的导入记录）"
