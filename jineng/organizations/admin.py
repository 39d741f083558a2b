from django.contrib import admin

from jineng.common.masking import mask_account
from jineng.identity.admin import ReadOnlyAdmin
from jineng.organizations.models import Contract, Organization


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ["name", "credit_code", "kind", "size", "region"]
    list_filter = ["kind", "size"]
    search_fields = ["name", "credit_code"]
    fields = ["kind", "name", "credit_code", "region", "address", "legal_representative", "contact_phone", "size",
              "bank_account_name", "bank_name", "masked_account", "created_at"]
    readonly_fields = fields
    list_select_related = ["region"]

    @admin.display(description="银行账号")
    def masked_account(self, obj):
        return mask_account(obj.bank_account_number)


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["person", "organization", "start", "months", "dispatched"]
    list_filter = ["dispatched"]
    list_select_related = ["person", "organization"]
