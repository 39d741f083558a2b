"""Reads about platforms, evaluations and filings, and who may see and do what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes, user_roles
from jineng.organizations.models import Organization
from jineng.platforms.models import (
    EvaluationMaterial,
    EvaluationStatus,
    Platform,
    PlatformEvaluation,
    PlatformEvaluationEvent,
    PlatformFiling,
)
from jineng.regions.models import Bureau, Region
from jineng.regions.selectors import bureaus_within, region_contains, regions_scope_q, working_day_calendar
from jineng.workdays import CalendarYearUnknown, WorkingDayCalendar

EVALUATION_DEADLINE_WORKING_DAYS = 3  # 韶人社函〔2020〕11号 一：收到书面报告 3 个工作日内给予评估意见


def today() -> dt.date:
    return timezone.localdate(clock.now())


# --------------------------------------------------------------------------------------------
# Platforms
# --------------------------------------------------------------------------------------------


def platforms_all() -> QuerySet[Platform]:
    """Every platform: their basics are public facts (names, websites, ICP numbers)."""
    return Platform.objects.select_related("operator", "recommended_region").order_by("name")


def platform_get(*, platform_id: int) -> Platform:
    platform = platforms_all().filter(pk=platform_id).first()
    if platform is None:
        raise NotFound("平台不存在", code="platform_not_found")
    return platform


def user_can_edit_platform(*, user, platform: Platform) -> bool:
    """System administrators; the platform operators of its operating organisation; for a
    third-party platform, the training administrators of the enterprise that registered it."""
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    if platform.operator_id and platform.operator_id in user_organization_ids(user=user, role=Role.PLATFORM_OPERATOR):
        return True
    return bool(
        platform.ownership == Platform.Ownership.THIRD_PARTY and platform.registered_for_id
        and platform.registered_for_id in user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    )


def user_can_register_platform(*, user) -> bool:
    return (user_has_role(user=user, role=Role.SYSTEM_ADMIN)
            or user_has_role(user=user, role=Role.PLATFORM_OPERATOR)
            or user_has_role(user=user, role=Role.TRAINING_ADMIN))


def recommendation_covers(*, platform: Platform, organization: Organization) -> bool:
    """Whether the platform's recommendation spares this enterprise the evaluation: the
    ministry's everywhere, a province's inside that province."""
    if platform.recommendation == Platform.Recommendation.MINISTRY:
        return True
    if platform.recommendation == Platform.Recommendation.PROVINCE and platform.recommended_region_id:
        return region_contains(platform.recommended_region_id, organization.region_id)
    return False


def recommendation_label(platform: Platform) -> str:
    if platform.recommendation == Platform.Recommendation.MINISTRY:
        return "人力资源社会保障部推荐"
    if platform.recommendation == Platform.Recommendation.PROVINCE:
        province = platform.recommended_region.name if platform.recommended_region_id else "省"
        return f"{province}人力资源社会保障厅推荐"
    return "未列入推荐名单"


def platform_usable_by(*, organization: Organization, platform: Platform, on: dt.date) -> tuple[bool, str]:
    """May ``organization`` train on ``platform`` on day ``on`` (the precondition of filing a
    training project)? Yes if a recommendation covers it, or the city's service centre approved
    an evaluation for this enterprise on or before ``on``. The reason says why, or what to do."""
    if recommendation_covers(platform=platform, organization=organization):
        source = f"（{platform.recommendation_source}）" if platform.recommendation_source else ""
        return True, f"{recommendation_label(platform)}的平台{source}，无需评估"
    evaluations = list(
        PlatformEvaluation.objects.filter(organization=organization, platform=platform)
        .select_related("centre").order_by("-created_at", "-id")
    )
    for evaluation in evaluations:
        if evaluation.status == EvaluationStatus.APPROVED:
            decided_on = timezone.localdate(evaluation.decided_at)
            if decided_on <= on:
                return True, f"已于 {decided_on:%Y-%m-%d} 通过{evaluation.centre.name}评估"
            return False, f"评估于 {decided_on:%Y-%m-%d} 通过，{on:%Y-%m-%d} 时尚未通过评估"
    for evaluation in evaluations:
        if evaluation.status == EvaluationStatus.SUBMITTED:
            return False, (f"评估申请正在{evaluation.centre.name}审核，评估期限 {evaluation.due_date:%Y-%m-%d}；"
                           "通过评估后才能用于备案")
        if evaluation.status == EvaluationStatus.RETURNED:
            return False, "评估申请已被退回，请按评估意见修改材料后重新提交"
        if evaluation.status == EvaluationStatus.DRAFT:
            return False, "评估申请尚未提交，请补齐材料后提交市职业技能服务中心评估"
    if evaluations:
        return False, "该平台评估未通过，不能用于备案；可改用推荐平台或其他已通过评估的平台"
    return False, "该平台尚未经过评估：请先向市职业技能服务中心提交平台评估申请（附表5-1、5-2），通过后方可备案"


# --------------------------------------------------------------------------------------------
# Routing and deadlines
# --------------------------------------------------------------------------------------------


def city_of(organization: Organization) -> Region:
    """The city (地级) an enterprise lies in; a county directly under its province
    (省直辖, no city code) is its own city for this purpose."""
    region = organization.region
    code = region.city_code or region.code
    if code == region.code:
        return region
    return Region.objects.get(code=code)


def service_centre_for(*, organization: Organization) -> Bureau | None:
    """The skills service centre of the enterprise's city: one seated at the city itself
    first, else one inside the city."""
    city = city_of(organization)
    centres = list(bureaus_within(region=city, kind=Bureau.Kind.SERVICE_CENTRE))
    for centre in centres:
        if centre.region_id == city.code:
            return centre
    return centres[0] if centres else None


@dataclass(frozen=True)
class Deadline:
    due_date: dt.date
    overdue: bool
    working_days_left: int | None  # working days after today up to the due date
    working_days_over: int | None  # working days after the due date up to today

    @property
    def label(self) -> str:
        if self.overdue:
            if self.working_days_over:
                return f"已超期 {self.working_days_over} 个工作日"
            return "已超过评估期限"
        if self.working_days_left == 0:
            return "今天到期"
        if self.working_days_left is None:
            return ""
        return f"剩余 {self.working_days_left} 个工作日"


def evaluation_deadline(evaluation: PlatformEvaluation, *, on: dt.date | None = None,
                        calendar: WorkingDayCalendar | None = None) -> Deadline | None:
    """Where an evaluation stands against its 3-working-day limit on day ``on`` (today)."""
    if evaluation.due_date is None:
        return None
    on = on or today()
    due = evaluation.due_date
    calendar = calendar or working_day_calendar()
    try:
        if on > due:
            return Deadline(due, True, None, calendar.working_days_between(due, on))
        return Deadline(due, False, calendar.working_days_between(on, due), None)
    except CalendarYearUnknown:
        return Deadline(due, on > due, None, None)


# --------------------------------------------------------------------------------------------
# Evaluations: scope
# --------------------------------------------------------------------------------------------


def evaluations_visible_to(*, user) -> QuerySet[PlatformEvaluation]:
    """System administrators see all; officers and reviewers the requests of enterprises in
    their region; a training administrator their own enterprise's requests."""
    qs = PlatformEvaluation.objects.select_related("platform", "organization", "organization__region", "centre")
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    regions = user_region_scopes(user=user)
    if regions:
        q |= regions_scope_q(regions, field="organization__region__code")
    own = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if own:
        q |= Q(organization_id__in=own)
    return qs.filter(q)


def evaluation_get_visible(*, user, evaluation_id: int) -> PlatformEvaluation:
    evaluation = evaluations_visible_to(user=user).filter(pk=evaluation_id).first()
    if evaluation is None:
        raise NotFound("评估申请不存在或不在您的权限范围内", code="evaluation_not_found")
    return evaluation


def user_can_decide(*, user, evaluation: PlatformEvaluation) -> bool:
    """A city officer whose region contains the enterprise (the service centre's staff)."""
    code = evaluation.organization.region_id
    return any(a.role == Role.CITY_OFFICER and a.region_id and region_contains(a.region_id, code)
               for a in user_roles(user=user))


def user_applies_for(*, user, organization: Organization) -> bool:
    return organization.pk in user_organization_ids(user=user, role=Role.TRAINING_ADMIN)


def applicant_organizations(*, user) -> QuerySet[Organization]:
    """The enterprises a training administrator may request evaluations for."""
    return Organization.objects.filter(pk__in=user_organization_ids(user=user, role=Role.TRAINING_ADMIN)).select_related(
        "region").order_by("name")


def evaluation_with_details(*, evaluation: PlatformEvaluation) -> PlatformEvaluation:
    """The evaluation with its materials, courses and events, in four queries."""
    return evaluations_with_details(PlatformEvaluation.objects.filter(pk=evaluation.pk)).get()


def evaluations_with_details(qs: QuerySet[PlatformEvaluation]) -> QuerySet[PlatformEvaluation]:
    """``qs`` with everything a detail page or an API body shows: four queries however many rows."""
    return (
        qs.select_related("platform", "platform__operator", "platform__recommended_region", "organization",
                        "organization__region", "centre", "decided_by", "created_by")
        .prefetch_related(
            Prefetch("materials", queryset=EvaluationMaterial.objects.order_by("group", "id")),
            "courses",
            Prefetch("events", queryset=PlatformEvaluationEvent.objects.select_related("actor").order_by("id")),
        )
    )


def material_get_visible(*, user, material_id: int) -> EvaluationMaterial:
    material = EvaluationMaterial.objects.filter(pk=material_id).select_related("evaluation").first()
    if material is None or not evaluations_visible_to(user=user).filter(pk=material.evaluation_id).exists():
        raise NotFound("材料不存在或不在您的权限范围内", code="material_not_found")
    return material


@dataclass
class QueueRow:
    evaluation: PlatformEvaluation
    deadline: Deadline | None

    @property
    def overdue(self) -> bool:
        return bool(self.deadline and self.deadline.overdue)


def evaluation_queue(*, user, on: dt.date | None = None) -> list[QueueRow]:
    """Submitted requests the officer may decide, earliest due date first, with the working
    days left (or over) on day ``on``."""
    regions = [a.region for a in user_roles(user=user) if a.role == Role.CITY_OFFICER and a.region_id]
    if not regions:
        return []
    qs = (
        PlatformEvaluation.objects.filter(status=EvaluationStatus.SUBMITTED)
        .filter(regions_scope_q(regions, field="organization__region__code"))
        .select_related("platform", "organization", "organization__region", "centre")
        .order_by("due_date", "submitted_at", "id")
    )
    calendar = working_day_calendar()
    on = on or today()
    return [QueueRow(e, evaluation_deadline(e, on=on, calendar=calendar)) for e in qs]


def evaluations_decided_by_region(*, user, limit: int = 20) -> QuerySet[PlatformEvaluation]:
    regions = [a.region for a in user_roles(user=user) if a.role == Role.CITY_OFFICER and a.region_id]
    return (
        PlatformEvaluation.objects.filter(status__in=[EvaluationStatus.APPROVED, EvaluationStatus.RETURNED,
                                                      EvaluationStatus.REJECTED])
        .filter(regions_scope_q(regions, field="organization__region__code"))
        .select_related("platform", "organization", "decided_by")
        .order_by("-decided_at")[:limit]
    )


def evaluations_of_user_organizations(*, user) -> QuerySet[PlatformEvaluation]:
    return (
        PlatformEvaluation.objects.filter(organization_id__in=user_organization_ids(user=user, role=Role.TRAINING_ADMIN))
        .select_related("platform", "organization", "centre")
        .order_by("-created_at", "-id")
    )


# --------------------------------------------------------------------------------------------
# Filings with the province
# --------------------------------------------------------------------------------------------


def filing_cities_for(*, user) -> list[Region]:
    """The cities an officer may file for: their own city, or every city of their province."""
    cities: dict[str, Region] = {}
    for assignment in user_roles(user=user):
        if assignment.role != Role.CITY_OFFICER or not assignment.region_id:
            continue
        region = assignment.region
        if region.level == Region.Level.CITY:
            cities[region.code] = region
        elif region.level == Region.Level.PROVINCE:
            for city in Region.objects.filter(parent=region, level=Region.Level.CITY).order_by("code"):
                cities[city.code] = city
    return [cities[code] for code in sorted(cities)]


@dataclass
class CityFilings:
    city: Region
    filings: list[PlatformFiling]


def platform_filings_by_city(*, user) -> list[CityFilings]:
    """Per city the officer oversees, the platforms it has filed with the province (a city
    with none is listed too: each city must file at least one)."""
    cities = filing_cities_for(user=user)
    filings = (
        PlatformFiling.objects.filter(city__in=[c.code for c in cities], withdrawn_at__isnull=True)
        .select_related("platform", "platform__recommended_region", "filed_by")
        .order_by("city_id", "filed_at", "id")
    )
    grouped: dict[str, list[PlatformFiling]] = {c.code: [] for c in cities}
    for filing in filings:
        grouped[filing.city_id].append(filing)
    return [CityFilings(city, grouped[city.code]) for city in cities]


def platform_filings_of(*, platform: Platform) -> QuerySet[PlatformFiling]:
    return platform.filings.filter(withdrawn_at__isnull=True).select_related("city").order_by("city_id")


def evaluation_form_rows(evaluation: PlatformEvaluation) -> dict:
    """The facts of 附表5-1, from the snapshot taken at submission (or the platform now)."""
    platform = evaluation.platform
    facts = evaluation.platform_facts or platform_facts(platform)
    return {
        "企业名称": evaluation.organization.name,
        "平台名称（或 APP 产品名称）": facts.get("name", ""),
        "ICP 备案号": facts.get("icp_number", ""),
        "IP 地址及服务器设置城市名称": " ".join(x for x in (facts.get("ip_address", ""), facts.get("server_city", "")) if x),
        "网站地址（APP 的包名）": facts.get("website", "") or facts.get("app_package", ""),
        "培训项目名称": evaluation.project_name,
        "培训岗位（工种）": evaluation.occupation_name,
    }


def platform_facts(platform: Platform) -> dict:
    return {
        "name": platform.name, "website": platform.website, "app_package": platform.app_package,
        "icp_number": platform.icp_number, "ip_address": platform.ip_address or "",
        "server_city": platform.server_city, "operator": platform.operator_label,
        "recommendation": platform.recommendation,
    }
