"""Routing rules a city sets for its filings (攀人社发〔2020〕33号 四(一)): which office takes
the filings of named organisations, of a region's organisations, or of a learner group,
instead of the applicant's county bureau. City officers manage their own city's rules;
a rule is never deleted, only deactivated, so that filings keep the rule they were routed by."""

from __future__ import annotations

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.organizations.models import Organization
from jineng.projects import selectors
from jineng.projects.models import RoutingRule
from jineng.regions.models import Bureau, Region
from jineng.regions.selectors import region_contains


def _require_city_officer(*, actor, city: Region) -> None:
    if actor is None:  # the system itself (demo data)
        return
    if not any(c.code == city.code for c in selectors.routing_cities_for(user=actor)):
        raise PermissionDenied(f"只有{city.name}（或所在省）的市级管理人员可以设置{city.name}的分派规则")


def routing_rule_create(*, city: Region, match: str, office: Bureau, source: str, actor,
                        organization: Organization | None = None, region: Region | None = None,
                        learner_group: str = "", note: str = "") -> RoutingRule:
    if city is None or city.level != Region.Level.CITY:
        raise DomainError("city_required", "请选择一个地级市：分派规则由各市设置", field="city")
    _require_city_officer(actor=actor, city=city)
    if match not in RoutingRule.Match.values:
        raise DomainError("match_invalid", "请选择匹配方式：指定单位、单位所在区域或参训人员类别", field="match")
    source = " ".join((source or "").split())
    if not source:
        raise DomainError("source_required", "请填写依据（文号及条款），例如 攀人社发〔2020〕33号 四(一)", field="source")
    if len(source) > 128:
        raise DomainError("source_too_long", "依据不能超过 128 个字", field="source")
    if office is None or office.kind == Bureau.Kind.FINANCE or not region_contains(city.code, office.region_id):
        raise DomainError("office_invalid", f"受理部门须是{city.name}的人社部门或其中心", field="office")
    organization = organization if match == RoutingRule.Match.ORGANIZATION else None
    region = region if match == RoutingRule.Match.REGION else None
    learner_group = learner_group if match == RoutingRule.Match.LEARNER_GROUP else ""
    if match == RoutingRule.Match.ORGANIZATION and (
            organization is None or not region_contains(city.code, organization.region_id)):
        raise DomainError("organization_invalid", f"请选择{city.name}的单位", field="organization")
    if match == RoutingRule.Match.REGION and (
            region is None or region.code == city.code or not region_contains(city.code, region.code)):
        raise DomainError("region_invalid", f"请选择{city.name}下辖的县（市、区）", field="region")
    if match == RoutingRule.Match.LEARNER_GROUP and learner_group not in RoutingRule.LearnerGroup.values:
        raise DomainError("learner_group_invalid", "请选择参训人员类别", field="learner_group")
    duplicate = RoutingRule.objects.filter(city=city, match=match, active=True, organization=organization,
                                           region=region, learner_group=learner_group)
    if duplicate.exists():
        raise DomainError("rule_exists", "已有相同对象的生效规则；如需改派，请先停用原规则", field="match")
    with transaction.atomic():
        rule = RoutingRule.objects.create(city=city, match=match, organization=organization, region=region,
                                          learner_group=learner_group, office=office, source=source,
                                          note=(note or "").strip()[:200], created_by=actor, created_at=clock.now())
        audit_record(actor=actor, action="project.routing_rule.create", target=rule,
                     summary={"city": city.code, "match": match,
                              "organization": organization.credit_code if organization else "",
                              "region": region.code if region else "", "learner_group": learner_group,
                              "office": office.name, "source": source},
                     region_code=city.code)
    return rule


def routing_rule_deactivate(*, rule: RoutingRule, actor) -> RoutingRule:
    _require_city_officer(actor=actor, city=rule.city)
    if not rule.active:
        raise DomainError("rule_inactive", "该规则已停用")
    with transaction.atomic():
        rule.active = False
        rule.save(update_fields=["active"])
        audit_record(actor=actor, action="project.routing_rule.deactivate", target=rule,
                     summary={"city": rule.city_id, "office": rule.office.name, "source": rule.source},
                     region_code=rule.city_id)
    return rule
