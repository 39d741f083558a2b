"""Reads about training projects: who sees which project, the roster, the policy pack that
governs a filing (lead time, contract length), routing to the reviewing office, the review
deadline and the reviewer's queue.

Scope (``projects_visible_to``): system administrators see every project; training
administrators the projects of their organisation and those entrusted to their institution;
reviewers and officers the projects whose reviewing office, or whose applicant, lies in their
region, once the project has been submitted (a draft stays with its applicant). Others see none.

Review deadline (decided here, shown in the queue): the working day before the training
starts (``review_due_for``); when the filing comes in later than that — possible only where
the city's pack has no lead time — the next working day after submission.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from jineng.common import clock
from jineng.common.errors import DomainError, NotFound
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_roles
from jineng.organizations.models import Contract, Organization
from jineng.policy.engine.rules import add_months
from jineng.projects.models import (
    MaterialKind,
    OutlineModule,
    Project,
    ProjectEvent,
    ProjectMaterial,
    ProjectState,
    RosterEntry,
    RoutingRule,
)
from jineng.regions.models import Bureau, Region
from jineng.regions.selectors import (
    bureau_for_region,
    calendar_year_unknown_error,
    region_contains,
    regions_scope_q,
    working_day_calendar,
)
from jineng.workdays import CalendarYearUnknown, WorkingDayCalendar

REVIEW_ROLES = (Role.COUNTY_REVIEWER, Role.CITY_OFFICER)


def today() -> dt.date:
    return timezone.localdate(clock.now())


# --------------------------------------------------------------------------------------------
# Scope
# --------------------------------------------------------------------------------------------


def projects_visible_to(*, user) -> QuerySet[Project]:
    qs = Project.objects.select_related(
        "organization", "organization__region", "institution", "occupation", "platform",
        "reviewing_office", "reviewing_office__region", "routing_rule",
    )
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    own = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if own:
        q |= Q(organization_id__in=own) | Q(institution_id__in=own)
    regions = [a.region for a in user_roles(user=user) if a.role in REVIEW_ROLES and a.region_id]
    if regions:  # a draft stays with its applicant until it is first submitted
        q |= Q(submitted_at__isnull=False) & (regions_scope_q(regions, field="reviewing_office__region__code")
                                              | regions_scope_q(regions, field="organization__region__code"))
    return qs.filter(q)


def project_get_visible(*, user, project_id: int) -> Project:
    project = projects_visible_to(user=user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("培训项目不存在或不在您的权限范围内", code="project_not_found")
    return project


def roster_of(*, project: Project) -> list[RosterEntry]:
    return list(RosterEntry.objects.filter(project=project).select_related("person", "contract").order_by("position"))


def outline_of(*, project: Project) -> list[OutlineModule]:
    return list(OutlineModule.objects.filter(project=project).order_by("position"))


def materials_of(*, project: Project) -> list[ProjectMaterial]:
    return list(ProjectMaterial.objects.filter(project=project, removed_at__isnull=True)
                .select_related("uploaded_by").order_by("kind", "id"))


def events_of(*, project: Project) -> list[ProjectEvent]:
    return list(ProjectEvent.objects.filter(project=project).select_related("actor").order_by("id"))


def material_get_visible(*, user, material_id: int) -> ProjectMaterial:
    material = ProjectMaterial.objects.filter(pk=material_id).first()
    if material is None or not projects_visible_to(user=user).filter(pk=material.project_id).exists():
        raise NotFound("材料不存在或不在您的权限范围内", code="material_not_found")
    return material


def user_files_for(*, user, organization: Organization) -> bool:
    """A training administrator of the applicant organisation (or a system administrator)."""
    return (user_has_role(user=user, role=Role.SYSTEM_ADMIN)
            or organization.pk in user_organization_ids(user=user, role=Role.TRAINING_ADMIN))


def applicant_organizations(*, user) -> QuerySet[Organization]:
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return Organization.objects.select_related("region").order_by("name")
    return (Organization.objects.filter(pk__in=user_organization_ids(user=user, role=Role.TRAINING_ADMIN))
            .select_related("region").order_by("name"))


def user_reviews(*, user, project: Project) -> bool:
    """A county reviewer or city officer whose region holds the reviewing office's seat."""
    if project.reviewing_office_id is None:
        return False
    office_region = project.reviewing_office.region_id
    return any(a.role in REVIEW_ROLES and a.region_id and region_contains(a.region_id, office_region)
               for a in user_roles(user=user))


def user_is_reviewer(*, user) -> bool:
    return any(a.role in REVIEW_ROLES for a in user_roles(user=user))


# --------------------------------------------------------------------------------------------
# The policy pack of a filing
# --------------------------------------------------------------------------------------------


def _packs():
    from jineng.policy.engine import load_packs

    return load_packs()


def _specificity(code: str) -> int:
    return 0 if code.endswith("0000") else 1 if code.endswith("00") else 2


def policy_pack_for(*, region_code: str, on: dt.date):
    """The pack whose region covers ``region_code`` and which is in force on ``on``; the most
    specific region wins (a county's pack over its city's, a city's over its province's)."""
    candidates = [p for p in _packs().values() if region_contains(p.region, region_code) and p.validity.contains(on)]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (_specificity(p.region), p.validity.start))


def _rules(pack, kind: str):
    for item in pack.items.values():
        for rule in item.rules:
            if rule.kind == kind:
                yield item, rule


@dataclass(frozen=True)
class LeadTime:
    working_days: int
    citation: str
    document_number: str
    quote: str | None


def filing_lead_time(*, pack, on: dt.date) -> LeadTime | None:
    """The pack's ``filing_lead_time`` on ``on`` (the strictest if several items carry one)."""
    if pack is None:
        return None
    found: list[LeadTime] = []
    for _item, rule in _rules(pack, "filing_lead_time"):
        try:
            version = rule.params["working_days"].at(on)
        except DomainError:
            continue
        found.append(LeadTime(version.value, rule.citation, pack.document_number, rule.quote))
    return max(found, key=lambda lead: lead.working_days) if found else None


@dataclass(frozen=True)
class ContractRequirement:
    min_months: int
    citation: str
    document_number: str


def contract_requirement(*, pack, kind: str, on: dt.date) -> ContractRequirement | None:
    """The shortest labour contract the pack's items for training kind ``kind`` accept on
    ``on`` (``contract_length`` rules; an item without a ``training_kind`` rule covers every
    kind). None when no such item asks for a contract length."""
    if pack is None:
        return None
    found: list[ContractRequirement] = []
    for item in pack.items.values():
        kinds_rules = [r for r in item.rules if r.kind == "training_kind"]
        try:
            if kinds_rules and not any(kind in r.params["kinds"].at(on).value for r in kinds_rules):
                continue
            for rule in item.rules:
                if rule.kind == "contract_length":
                    version = rule.params["min_months"].at(on)
                    found.append(ContractRequirement(version.value, rule.citation, pack.document_number))
        except DomainError:
            continue
    return min(found, key=lambda r: r.min_months) if found else None


def latest_filing_day(start: dt.date, working_days: int, calendar: WorkingDayCalendar) -> dt.date:
    """As the policy engine's ``filing_lead_time`` rule: ``working_days`` working days before the start."""
    return calendar.add_working_days(start, -working_days)


def earliest_start(*, filed_on: dt.date, working_days: int, calendar: WorkingDayCalendar) -> dt.date:
    """The first start date a filing made on ``filed_on`` still meets."""
    day = filed_on + dt.timedelta(days=1)
    while latest_filing_day(day, working_days, calendar) < filed_on:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class LeadTimeCheck:
    required: bool
    ok: bool
    working_days: int | None = None
    latest_filing: dt.date | None = None
    earliest_start: dt.date | None = None
    source: str = ""
    message: str = ""


def lead_time_check(*, project: Project, filed_on: dt.date | None = None,
                    calendar: WorkingDayCalendar | None = None) -> LeadTimeCheck:
    """Whether a filing on ``filed_on`` (today) meets the lead time of the project's pack.
    Raises ``DomainError(calendar_year_unknown)`` rather than guess a year's holidays."""
    filed_on = filed_on or today()
    pack = policy_pack_for(region_code=project.organization.region_id, on=project.start_date)
    lead = filing_lead_time(pack=pack, on=project.start_date)
    if lead is None:
        name = pack.document_number if pack else "适用政策"
        return LeadTimeCheck(False, True, message=f"{name}未规定开训前备案的提前期")
    calendar = calendar or working_day_calendar()
    source = lead.citation  # the engine's citations carry the document number
    try:
        latest = latest_filing_day(project.start_date, lead.working_days, calendar)
        earliest = earliest_start(filed_on=filed_on, working_days=lead.working_days, calendar=calendar)
    except CalendarYearUnknown as exc:
        raise calendar_year_unknown_error(exc, field="start_date") from exc
    ok = filed_on <= latest
    if ok:
        message = (f"须在培训开始前至少 {lead.working_days} 个工作日备案（{source}）："
                   f"最迟 {latest:%Y-%m-%d} 提交，符合要求")
    else:
        message = (f"培训开始日期 {project.start_date:%Y-%m-%d} 距 {filed_on:%Y-%m-%d} 不足 {lead.working_days} 个工作日"
                   f"（{source}）：请把培训开始日期改为 {earliest:%Y-%m-%d} 或以后")
    return LeadTimeCheck(True, ok, lead.working_days, latest, earliest, source, message)


def review_due_for(*, start_date: dt.date, submitted_on: dt.date, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """The working day before the training starts; if that is already past, the next working
    day after submission."""
    calendar = calendar or working_day_calendar()
    try:
        due = calendar.add_working_days(start_date, -1)
        if due <= submitted_on:
            due = calendar.add_working_days(submitted_on, 1)
    except CalendarYearUnknown as exc:
        raise calendar_year_unknown_error(exc, field="start_date") from exc
    return due


# --------------------------------------------------------------------------------------------
# Routing
# --------------------------------------------------------------------------------------------


def city_code_of(region: Region) -> str:
    """The city (地级) a county lies in; a 省直辖 county is its own city."""
    return region.city_code or region.code


@dataclass(frozen=True)
class Routing:
    office: Bureau
    rule: RoutingRule | None
    reason: str


def routing_for(*, organization: Organization, learners_are_students: bool) -> Routing:
    """Where the filing goes: the most specific active rule of the organisation's city (the
    organisation itself, then the region it lies in — the smallest region first —, then the
    learner group when the roster is university students), else the county bureau of the
    organisation's region (its city's or province's bureau where the county has none)."""
    region = organization.region
    rules = list(RoutingRule.objects.filter(city_id=city_code_of(region), active=True)
                 .select_related("office", "office__region", "organization", "region").order_by("id"))
    for rule in rules:
        if rule.match == RoutingRule.Match.ORGANIZATION and rule.organization_id == organization.pk:
            return Routing(rule.office, rule, f"分派规则：{organization.name}向{rule.office.name}申请（{rule.source}）")
    in_region = [r for r in rules if r.match == RoutingRule.Match.REGION and region_contains(r.region_id, region.code)]
    if in_region:
        rule = max(in_region, key=lambda r: _specificity(r.region_id))
        return Routing(rule.office, rule, f"分派规则：{rule.region.name}的单位向{rule.office.name}申请（{rule.source}）")
    if learners_are_students:
        for rule in rules:
            if (rule.match == RoutingRule.Match.LEARNER_GROUP
                    and rule.learner_group == RoutingRule.LearnerGroup.UNIVERSITY_STUDENT):
                return Routing(rule.office, rule, f"分派规则：在校大学生向{rule.office.name}申请（{rule.source}）")
    office = bureau_for_region(region=region, kind=Bureau.Kind.BUREAU)
    if office is None:
        raise DomainError("no_reviewing_office",
                          f"{region.name}尚未登记人力资源和社会保障局，暂时无法受理备案；请联系系统管理员在“人社部门”中添加",
                          field="organization")
    return Routing(office, None, f"按申请单位所在地（{region.name}）由{office.name}受理")


def routing_reason(project: Project) -> str:
    """Why a submitted project sits with its office (from the rule it was routed by)."""
    if project.reviewing_office_id is None:
        return ""
    rule = project.routing_rule
    if rule is None:
        return f"按申请单位所在地（{project.organization.region.name}）由{project.reviewing_office.name}受理"
    return f"分派规则：{rule.get_match_display()} → {project.reviewing_office.name}（{rule.source}）"


def routing_cities_for(*, user) -> list[Region]:
    """The cities whose rules a user may manage: a city officer's own city (or every city of
    their province); a system administrator every city that has rules or bureaus."""
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        codes = set(Bureau.objects.values_list("region__city_code", flat=True)) | set(
            RoutingRule.objects.values_list("city_id", flat=True))
        return list(Region.objects.filter(code__in=[c for c in codes if c], level=Region.Level.CITY).order_by("code"))
    cities: dict[str, Region] = {}
    for a in user_roles(user=user):
        if a.role != Role.CITY_OFFICER or not a.region_id:
            continue
        if a.region.level == Region.Level.CITY:
            cities[a.region.code] = a.region
        elif a.region.level == Region.Level.PROVINCE:
            for city in Region.objects.filter(parent=a.region, level=Region.Level.CITY):
                cities[city.code] = city
    return [cities[c] for c in sorted(cities)]


def routing_rules_of(*, cities: list[Region]) -> QuerySet[RoutingRule]:
    return (RoutingRule.objects.filter(city__in=[c.code for c in cities])
            .select_related("city", "organization", "region", "office", "created_by")
            .order_by("city_id", "-active", "match", "id"))


def offices_in(*, city: Region) -> QuerySet[Bureau]:
    return Bureau.objects.filter(region__city_code=city.code).exclude(kind=Bureau.Kind.FINANCE).select_related(
        "region").order_by("region_id", "kind", "id")


# --------------------------------------------------------------------------------------------
# Filing readiness
# --------------------------------------------------------------------------------------------


@dataclass
class Missing:
    code: str
    field: str
    message: str


def required_material_kinds(*, project: Project, roster: list[RosterEntry] | None = None) -> list[str]:
    """The seeds' materials: the business licence; labour contracts for employees, the
    key-group proof for key-group learners (攀人社发〔2020〕33号 四(一)); the service contract
    and the platform's function description when an institution is entrusted (韶人社函〔2020〕11号
    附件1 二(一))."""
    roster = roster_of(project=project) if roster is None else roster
    kinds = [MaterialKind.BUSINESS_LICENCE]
    if any(not e.key_group for e in roster) and not project.learners_are_students:
        kinds.append(MaterialKind.LABOUR_CONTRACTS)
    if any(e.key_group for e in roster):
        kinds.append(MaterialKind.KEY_GROUP_PROOF)
    if project.organiser == Project.Organiser.ENTRUSTED:
        kinds += [MaterialKind.SERVICE_CONTRACT, MaterialKind.PLATFORM_FUNCTIONS]
    return kinds


def platform_check(*, project: Project, filed_on: dt.date) -> tuple[bool, str] | None:
    """Where the pack makes the platform's evaluation a precondition of filing (韶人社函〔2020〕11号
    一): may the organisation train on the project's platform on ``filed_on``, and why (or what to
    do)? ``None`` where the pack asks for no evaluation."""
    from jineng.platforms.selectors import platform_usable_by

    pack = policy_pack_for(region_code=project.organization.region_id, on=project.start_date)
    version = pack.procedure.at("platform_evaluation_required", project.start_date) if pack else None
    if version is None or not version.value:
        return None
    ok, reason = platform_usable_by(organization=project.organization, platform=project.platform, on=filed_on)
    if ok:
        return True, reason
    return False, (f"线上培训平台：{reason.rstrip('。')}。依据{version.citation}，平台评估意见是备案的前提条件；"
                   "人社部推荐的平台无需评估")


def missing_for_submit(*, project: Project, filed_on: dt.date | None = None) -> list[Missing]:
    """Every item that still keeps the project from being submitted, each saying what to do."""
    missing: list[Missing] = []
    outline = outline_of(project=project)
    roster = roster_of(project=project)
    if not outline:
        missing.append(Missing("outline_missing", "outline", "培训大纲：请至少填写一个模块（名称、类别、学习时长）"))
    else:
        total = sum(m.minutes for m in outline)
        if total < project.planned_class_hours * 45:
            missing.append(Missing("outline_too_short", "outline",
                                   f"培训大纲：各模块学习时长合计 {total} 分钟，少于计划课时 {project.planned_class_hours} 课时"
                                   f"（{project.planned_class_hours * 45} 分钟），请补充模块或调整计划课时"))
        if project.delivery == "online" and any(m.mode == OutlineModule.Mode.OFFLINE for m in outline):
            missing.append(Missing("offline_module_not_allowed", "outline",
                                   "培训大纲：线上培训项目不能含线下实操模块；如需线下实操请把培训方式改为线上线下结合"))
    if not project.courses.exists():
        missing.append(Missing("courses_missing", "courses", "线上课程：请至少选择一门已发布的课程"))
    if not roster:
        missing.append(Missing("roster_missing", "roster", "人员名册：请导入参训人员名册（Excel）"))
    elif len(roster) > project.planned_headcount:
        missing.append(Missing("roster_over_headcount", "roster",
                               f"人员名册 {len(roster)} 人，超过计划培训人数 {project.planned_headcount} 人，请调整计划人数或名册"))
    present = set(ProjectMaterial.objects.filter(project=project, removed_at__isnull=True).values_list("kind", flat=True))
    for kind in required_material_kinds(project=project, roster=roster):
        if kind not in present:
            missing.append(Missing("material_missing", kind, f"备案材料：请上传{MaterialKind(kind).label}"))
    if project.received_affected_aid is None and affected_aid_matters(project=project):
        missing.append(Missing("affected_aid_unanswered", "received_affected_aid",
                               "培训计划：请填写“是否已领取受影响企业培训补助”（已领取的，本类培训不能再申领企业培训补贴）"))
    if project.commitment_accepted_at is None:
        missing.append(Missing("commitment_missing", "commitment", "单位承诺：请阅读附表1 的承诺并勾选确认"))
    filed_on = filed_on or today()
    platform = platform_check(project=project, filed_on=filed_on)
    if platform is not None and not platform[0]:
        missing.append(Missing("platform_not_evaluated", "platform", platform[1]))
    check = lead_time_check(project=project, filed_on=filed_on)
    if not check.ok:
        missing.append(Missing("lead_time_too_short", "start_date", check.message))
    elif project.start_date <= filed_on:
        missing.append(Missing("start_date_passed", "start_date",
                               f"培训开始日期 {project.start_date:%Y-%m-%d} 已到或已过：备案须在培训开始前提交，请修改培训开始日期"))
    return missing


# --------------------------------------------------------------------------------------------
# The reviewer's queue
# --------------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    project: Project
    overdue: bool
    days_left: int | None = None


@dataclass
class QueueFilters:
    state: str = ProjectState.SUBMITTED
    region: str = ""
    overdue: bool = False
    kind: str = ""
    errors: list[str] = field(default_factory=list)


def review_queue(*, user, filters: QueueFilters | None = None, on: dt.date | None = None) -> list[QueueRow]:
    """The projects a reviewer may see, earliest review deadline first, filtered by state
    (default: awaiting review), region (the applicant's), overdue and training kind."""
    filters = filters or QueueFilters()
    on = on or today()
    qs = projects_visible_to(user=user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.region:
        qs = qs.filter(Q(organization__region__code=filters.region)
                       | Q(organization__region__city_code=filters.region)
                       | Q(organization__region__province_code=filters.region))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.overdue:
        qs = qs.filter(state=ProjectState.SUBMITTED, review_due__lt=on)
    qs = qs.order_by("review_due", "submitted_at", "id")
    rows = []
    for project in qs[:500]:
        overdue = bool(project.state == ProjectState.SUBMITTED and project.review_due and project.review_due < on)
        days = (project.review_due - on).days if project.review_due and project.state == ProjectState.SUBMITTED else None
        rows.append(QueueRow(project, overdue, days))
    return rows


def queue_regions_for(*, user) -> list[Region]:
    """The counties a reviewer can filter the queue by."""
    regions = [a.region for a in user_roles(user=user) if a.role in REVIEW_ROLES and a.region_id]
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return list(Region.objects.filter(organizations__projects__isnull=False).distinct().order_by("code"))
    if not regions:
        return []
    return list(Region.objects.filter(regions_scope_q(regions, field="code"), level=Region.Level.COUNTY)
                .filter(organizations__isnull=False).distinct().order_by("code"))


def project_with_details(*, project: Project) -> Project:
    return (Project.objects.filter(pk=project.pk)
            .select_related("organization", "organization__region", "institution", "occupation", "platform",
                            "reviewing_office", "reviewing_office__region", "routing_rule", "decided_by",
                            "commitment_by", "created_by")
            .prefetch_related("courses", Prefetch("outline", queryset=OutlineModule.objects.order_by("position")))
            .get())


def contract_for(*, person_id: int, organization: Organization, on: dt.date) -> Contract | None:
    """The labour contract with ``organization`` in force on ``on`` (the longest if several)."""
    contracts = [c for c in Contract.objects.filter(person_id=person_id, organization=organization, start__lte=on)
                 if c.months is None or add_months(c.start, c.months) > on]
    return max(contracts, key=lambda c: (c.months is None, c.months or 0), default=None)


def commitment_voided(*, project_id: int) -> bool:
    """Whether the project has no 附表1 commitment now (an edit voided the one given)."""
    return Project.objects.filter(pk=project_id, commitment_accepted_at__isnull=True).exists()


def affected_aid_matters(*, project: Project) -> bool:
    """Whether the project's pack refuses a subsidy of this training kind to an employer that
    received the 受影响企业培训补助 (a ``no_prior_aid`` rule covering the kind): then the
    applicant must answer the question on 附表1 before submitting."""
    pack = policy_pack_for(region_code=project.organization.region_id, on=project.start_date)
    if pack is None:
        return False
    return any(rule.options.get("kinds") is None or project.kind in rule.options["kinds"]
               for _, rule in _rules(pack, "no_prior_aid"))
