"""Reads about integrity flags, and who may see them: reviewers and officers of the flag's region
(a county reviewer their county, a city officer the whole city, by region code prefix) and system
administrators. Training administrators and learners never see flags."""

from __future__ import annotations

from django.db.models import QuerySet

from jineng.common.errors import NotFound
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_roles
from jineng.integrity.models import Flag
from jineng.regions.selectors import region_contains, regions_scope_q

REVIEWER_ROLES = {Role.COUNTY_REVIEWER, Role.CITY_OFFICER}


def _review_regions(user) -> list:
    return [a.region for a in user_roles(user=user) if a.role in REVIEWER_ROLES and a.region_id]


def user_can_review_flags(*, user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user_has_role(user=user, role=Role.SYSTEM_ADMIN) or bool(_review_regions(user))


def user_can_decide_flag(*, user, flag: Flag) -> bool:
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    return any(region_contains(region.code, flag.region_code) for region in _review_regions(user))


def flags_visible_to(*, user, status: str = "", kind: str = "") -> QuerySet[Flag]:
    """The flags in ``user``'s regions, newest first, with persons, organisation and decider loaded."""
    qs = Flag.objects.all()
    if not user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        qs = qs.filter(regions_scope_q(_review_regions(user), field="region_code"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("organization", "decided_by").prefetch_related("persons").order_by("-created_at", "-pk")


def flag_get_visible(*, user, flag_id: int) -> Flag:
    flag = flags_visible_to(user=user).filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("风险标记不存在或不在您的辖区内")
    return flag


def open_flag_count(*, user) -> int:
    if not user_can_review_flags(user=user):
        return 0
    return flags_visible_to(user=user, status=Flag.Status.OPEN).count()
