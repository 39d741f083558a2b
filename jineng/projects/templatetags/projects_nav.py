"""The projects section's own small menu, by role (the site menu lives in jineng.web)."""

from django import template
from django.urls import reverse

from jineng.projects import selectors

register = template.Library()


@register.simple_tag
def projects_nav(user) -> list[tuple[str, str]]:
    links = [(reverse("projects:list"), "培训项目")]
    if selectors.applicant_organizations(user=user).exists():
        links.append((reverse("projects:new"), "新建备案"))
    if selectors.user_is_reviewer(user=user) or user.is_superuser:
        links.append((reverse("projects:queue"), "备案审核"))
    if selectors.routing_cities_for(user=user):
        links.append((reverse("projects:routing"), "分派规则"))
    return links
