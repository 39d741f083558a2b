from django.db.models import Count, QuerySet

from jineng.common.errors import NotFound
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes
from jineng.organizations.models import Contract, Organization
from jineng.regions.selectors import regions_scope_q


def organizations_visible_to(*, user) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region")
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    regions = user_region_scopes(user=user)
    own = user_organization_ids(user=user)
    q = regions_scope_q(regions, field="region__code")
    if own:
        from django.db.models import Q

        q |= Q(pk__in=own)
    return qs.filter(q)


def organization_get_visible(*, user, organization_id: int) -> Organization:
    organization = organizations_visible_to(user=user).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound()
    return organization


def organization_overview(*, user) -> QuerySet[Organization]:
    return organizations_visible_to(user=user).annotate(contract_count=Count("contracts")).order_by("region_id", "name")


def contracts_of_organization(*, organization: Organization) -> QuerySet[Contract]:
    return organization.contracts.select_related("person").order_by("-start", "person__name")
