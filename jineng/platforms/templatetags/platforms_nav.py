"""The platforms section's own small menu, by role (the site menu lives in jineng.web)."""

from django import template
from django.urls import reverse

from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role

register = template.Library()


@register.simple_tag
def platforms_nav(user) -> list[tuple[str, str]]:
    links = [(reverse("platforms:list"), "培训平台")]
    if user_has_role(user=user, role=Role.TRAINING_ADMIN) or user_has_role(user=user, role=Role.COUNTY_REVIEWER):
        links.append((reverse("platforms:evaluations"), "平台评估申请"))
    if user_has_role(user=user, role=Role.CITY_OFFICER):
        links.append((reverse("platforms:queue"), "评估受理"))
        links.append((reverse("platforms:filings"), "平台备案"))
    elif user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        links.append((reverse("platforms:evaluations"), "平台评估申请"))
    return links
