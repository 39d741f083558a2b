"""Reads about people and accounts, and the scope rules: who may see whom."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from jineng.identity.models import STAFF_ROLES, Person, Role, RoleAssignment
from jineng.regions.selectors import regions_scope_q

ROLE_PRIORITY = [Role.SYSTEM_ADMIN, Role.CITY_OFFICER, Role.COUNTY_REVIEWER, Role.TRAINING_ADMIN,
                 Role.PLATFORM_OPERATOR, Role.LEARNER]


def _assignments(user) -> list[RoleAssignment]:
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = list(RoleAssignment.objects.filter(user=user).select_related("organization", "region"))
        user._role_cache = cache
    return cache


def user_roles(*, user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(_assignments(user), key=lambda a: ROLE_PRIORITY.index(a.role))


def user_has_role(*, user, role: str) -> bool:
    if role == Role.SYSTEM_ADMIN and getattr(user, "is_superuser", False):
        return True
    return any(a.role == role for a in user_roles(user=user))


def user_is_staff(*, user) -> bool:
    if user.is_superuser:
        return True
    return any(a.role in STAFF_ROLES for a in user_roles(user=user))


def primary_role(*, user) -> str | None:
    if getattr(user, "is_superuser", False):
        return Role.SYSTEM_ADMIN
    roles = user_roles(user=user)
    return roles[0].role if roles else None


def user_region_scopes(*, user) -> list:
    return [a.region for a in user_roles(user=user) if a.region_id]


def user_organization_ids(*, user, role: str | None = None) -> list[int]:
    return [a.organization_id for a in user_roles(user=user) if a.organization_id and (role is None or a.role == role)]


def persons_visible_to(*, user) -> QuerySet[Person]:
    """System administrators see everyone; reviewers and officers the persons whose hukou lies in
    their region or who work for an organisation there; a training administrator the persons with
    a labour contract at their organisation; a learner only themself."""
    qs = Person.objects.all()
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    regions = user_region_scopes(user=user)
    if regions:
        q |= regions_scope_q(regions, field="birth_region_code") | regions_scope_q(regions, field="hukou_region__code")
        q |= regions_scope_q(regions, field="contracts__organization__region__code")
    org_ids = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if org_ids:
        q |= Q(contracts__organization_id__in=org_ids)
    if user.person_id:
        q |= Q(pk=user.person_id)
    return qs.filter(q).distinct()


def person_get_visible(*, user, person_id: int) -> Person:
    from jineng.common.errors import NotFound

    person = persons_visible_to(user=user).filter(pk=person_id).select_related("hukou_region").first()
    if person is None:
        raise NotFound()
    return person


def can_reveal_id_number(*, user, person: Person) -> bool:
    """Reviewers and officers of the person's region and system administrators may see the full
    number (they check it against documents); the person may see their own. Everyone else sees it masked."""
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    if user.person_id == person.pk:
        return True
    regions = user_region_scopes(user=user)
    return bool(regions) and persons_visible_to(user=user).filter(pk=person.pk).exists()
