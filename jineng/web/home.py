"""What each role sees first."""

from __future__ import annotations

from django.utils import timezone

from jineng.common import clock
from jineng.common.masking import mask_id_number
from jineng.identity import selectors as identity_selectors
from jineng.identity.models import KeyGroupMembership, Role
from jineng.organizations import selectors as organization_selectors
from jineng.regions import selectors as regions_selectors

HOME_TEMPLATES = {
    Role.LEARNER: "web/home_learner.html",
    Role.TRAINING_ADMIN: "web/home_training_admin.html",
    Role.PLATFORM_OPERATOR: "web/home_platform_operator.html",
    Role.COUNTY_REVIEWER: "web/home_reviewer.html",
    Role.CITY_OFFICER: "web/home_reviewer.html",
    Role.SYSTEM_ADMIN: "web/home_system_admin.html",
}


def home_context(*, user) -> dict:
    role = identity_selectors.primary_role(user=user) or Role.LEARNER
    context: dict = {"role": role, "role_label": Role(role).label, "template": HOME_TEMPLATES[role],
                     "assignments": identity_selectors.user_roles(user=user)}
    if role == Role.LEARNER and user.person_id:
        person = user.person
        context["person"] = person
        context["id_masked"] = mask_id_number(person.id_number)
        context["memberships"] = person.key_groups.order_by("-created_at")
        from jineng.learning.selectors import learner_enrolments

        context["enrolments"] = learner_enrolments(user=user)
    elif role in (Role.COUNTY_REVIEWER, Role.CITY_OFFICER):
        persons = identity_selectors.persons_visible_to(user=user)
        context["scopes"] = identity_selectors.user_region_scopes(user=user)
        context["pending_key_groups"] = (
            KeyGroupMembership.objects.filter(person__in=persons, status=KeyGroupMembership.Status.PENDING)
            .select_related("person").order_by("created_at")[:20]
        )
        context["organizations"] = organization_selectors.organization_overview(user=user)[:20]
        context["person_count"] = persons.count()
    elif role in (Role.TRAINING_ADMIN, Role.PLATFORM_OPERATOR):
        context["organizations"] = organization_selectors.organization_overview(user=user)
    elif role == Role.SYSTEM_ADMIN:
        from jineng.regions.models import Region

        context["region_count"] = Region.objects.count()
        context["organizations"] = organization_selectors.organization_overview(user=user)[:20]
        context["calendar_years"] = regions_selectors.calendar_years_overview(today=_today())
    if role in (Role.SYSTEM_ADMIN, Role.COUNTY_REVIEWER, Role.CITY_OFFICER):
        context["calendar_due"] = regions_selectors.calendar_year_due(today=_today())
    return context


def _today():
    return timezone.localdate(clock.now())
