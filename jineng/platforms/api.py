"""Platforms API (mounted at /api/platforms/): the platform register, evaluation requests
(submitted as multipart with the four material groups of 附表5-2) and the service centre's
decisions. Session auth with CSRF on every state-changing call (``jineng.api``); domain
errors come back as ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ValidationError

from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.organizations.models import Organization
from jineng.platforms import selectors, services
from jineng.platforms.models import EvaluationStatus, MaterialGroup, Platform, PlatformEvaluation
from jineng.regions.models import Region
from jineng.regions.selectors import working_day_calendar

router = Router(tags=["platforms"])


class PlatformOut(Schema):
    id: int
    name: str
    website: str
    app_package: str
    icp_number: str
    ip_address: str | None
    server_city: str
    operator_id: int | None
    operator_name: str
    ownership: str
    recommendation: str
    recommendation_label: str
    recommended_region: str | None
    recommendation_source: str
    evaluation_needed_for_me: bool | None = None
    usable_for_me: bool | None = None
    usable_reason: str | None = None


class PlatformIn(Schema):
    name: str
    website: str = ""
    app_package: str = ""
    icp_number: str = ""
    ip_address: str = ""
    server_city: str = ""
    operator_id: int | None = None
    operator_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    ownership: str = Platform.Ownership.THIRD_PARTY
    recommendation: str = Platform.Recommendation.NONE
    recommended_region: str | None = None
    recommendation_source: str = ""


class CourseIn(Schema):
    name: str
    key_points: str
    resource_form: str
    minutes: int


class CourseOut(CourseIn):
    position: int


class MaterialOut(Schema):
    id: int
    group: str
    group_label: str
    name: str
    kind: str
    size: int
    sha256: str
    url: str


class EventOut(Schema):
    transition: str
    from_status: str
    to_status: str
    at: dt.datetime
    actor: str | None
    comment: str
    late: bool


class EvaluationOut(Schema):
    id: int
    status: str
    status_label: str
    platform_id: int
    platform_name: str
    organization_id: int
    organization_name: str
    centre: str
    project_name: str
    occupation_name: str
    submitted_at: dt.datetime | None
    due_date: dt.date | None
    overdue: bool
    working_days_left: int | None
    working_days_over: int | None
    decided_at: dt.datetime | None
    decision_comment: str
    decided_late: bool
    late_working_days: int
    courses: list[CourseOut]
    materials: list[MaterialOut]
    events: list[EventOut]


class DecisionIn(Schema):
    decision: str
    comment: str = ""


class UsabilityOut(Schema):
    usable: bool
    reason: str
    on: dt.date


def _platform_out(platform: Platform, *, organization: Organization | None = None) -> PlatformOut:
    out = PlatformOut(
        id=platform.pk, name=platform.name, website=platform.website, app_package=platform.app_package,
        icp_number=platform.icp_number, ip_address=platform.ip_address, server_city=platform.server_city,
        operator_id=platform.operator_id, operator_name=platform.operator_label, ownership=platform.ownership,
        recommendation=platform.recommendation, recommendation_label=selectors.recommendation_label(platform),
        recommended_region=platform.recommended_region_id, recommendation_source=platform.recommendation_source,
    )
    if organization is not None:
        usable, reason = selectors.platform_usable_by(organization=organization, platform=platform, on=selectors.today())
        out.evaluation_needed_for_me = not selectors.recommendation_covers(platform=platform, organization=organization)
        out.usable_for_me, out.usable_reason = usable, reason
    return out


def _evaluation_out(evaluation: PlatformEvaluation, *, calendar=None, detailed: bool = False) -> EvaluationOut:
    """``detailed``: the instance comes from ``selectors.evaluations_with_details`` already."""
    if not detailed:
        evaluation = selectors.evaluation_with_details(evaluation=evaluation)
    deadline = (selectors.evaluation_deadline(evaluation, calendar=calendar)
                if evaluation.status == EvaluationStatus.SUBMITTED else None)
    return EvaluationOut(
        id=evaluation.pk, status=evaluation.status, status_label=evaluation.get_status_display(),
        platform_id=evaluation.platform_id, platform_name=evaluation.platform.name,
        organization_id=evaluation.organization_id, organization_name=evaluation.organization.name,
        centre=evaluation.centre.name, project_name=evaluation.project_name,
        occupation_name=evaluation.occupation_name, submitted_at=evaluation.submitted_at,
        due_date=evaluation.due_date, overdue=bool(deadline and deadline.overdue),
        working_days_left=deadline.working_days_left if deadline else None,
        working_days_over=deadline.working_days_over if deadline else None,
        decided_at=evaluation.decided_at, decision_comment=evaluation.decision_comment,
        decided_late=evaluation.decided_late, late_working_days=evaluation.late_working_days,
        courses=[CourseOut(position=c.position, name=c.name, key_points=c.key_points, resource_form=c.resource_form,
                           minutes=c.minutes) for c in evaluation.courses.all()],
        materials=[MaterialOut(id=m.pk, group=m.group, group_label=m.get_group_display(), name=m.original_name,
                               kind=m.kind, size=m.size, sha256=m.sha256,
                               url=reverse("platforms:material", args=[m.pk])) for m in evaluation.materials.all()],
        events=[EventOut(transition=e.transition, from_status=e.from_status, to_status=e.to_status, at=e.at,
                         actor=str(e.actor) if e.actor_id else None, comment=e.comment, late=e.late)
                for e in evaluation.events.all()],
    )


def _platform_data(payload: PlatformIn):
    operator = None
    if payload.operator_id is not None:
        operator = Organization.objects.filter(pk=payload.operator_id).first()
        if operator is None:
            raise DomainError("operator_not_found", "运营单位不存在", field="operator_id")
    region = None
    if payload.recommended_region:
        region = Region.objects.filter(code=payload.recommended_region).first()
        if region is None:
            raise DomainError("region_not_found", "推荐省份的区划代码不存在", field="recommended_region")
    return services.PlatformData(
        name=payload.name, website=payload.website, app_package=payload.app_package, icp_number=payload.icp_number,
        ip_address=payload.ip_address, server_city=payload.server_city, operator=operator,
        operator_name=payload.operator_name, contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        ownership=payload.ownership, recommendation=payload.recommendation, recommended_region=region,
        recommendation_source=payload.recommendation_source,
    )


def _my_organization(request: HttpRequest) -> Organization | None:
    return selectors.applicant_organizations(user=request.auth).first()


# --- platforms ----------------------------------------------------------------------------------

@router.get("/", response=list[PlatformOut], summary="线上培训平台（培训管理员另见本企业能否使用）")
def platforms_list(request: HttpRequest):
    organization = _my_organization(request)
    return [_platform_out(p, organization=organization) for p in selectors.platforms_all()]


@router.post("/", response={201: PlatformOut}, summary="登记平台")
def platform_register(request: HttpRequest, payload: PlatformIn):
    platform = services.platform_register(data=_platform_data(payload), actor=request.auth)
    return Status(201, _platform_out(platform))


@router.get("/evaluations", response=list[EvaluationOut], summary="我能看到的评估申请")
def evaluations_list(request: HttpRequest, status: str | None = None):
    qs = selectors.evaluations_visible_to(user=request.auth).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    calendar = working_day_calendar()
    return [_evaluation_out(e, calendar=calendar, detailed=True) for e in selectors.evaluations_with_details(qs[:200])]


@router.get("/evaluations/queue", response=list[EvaluationOut], summary="待评估的申请，按评估期限排列（市级管理人员）")
def evaluations_queue(request: HttpRequest):
    rows = selectors.evaluation_queue(user=request.auth)
    calendar = working_day_calendar()
    detailed = {e.pk: e for e in selectors.evaluations_with_details(
        PlatformEvaluation.objects.filter(pk__in=[row.evaluation.pk for row in rows]))}
    return [_evaluation_out(detailed[row.evaluation.pk], calendar=calendar, detailed=True) for row in rows]


@router.post("/evaluations", response={201: EvaluationOut},
             summary="提交平台评估申请（multipart：四类材料各一个 PDF 或图片，courses 为 JSON 数组）")
def evaluation_submit_new(
    request: HttpRequest,
    platform_id: Form[int],
    project_name: Form[str],
    occupation_name: Form[str],
    courses: Form[str],
    organization_id: Form[int | None] = None,
    applicant_opinion: Form[str] = "",
    credentials: File[UploadedFile] = None,
    construction: File[UploadedFile] = None,
    operation: File[UploadedFile] = None,
    content: File[UploadedFile] = None,
):
    platform = Platform.objects.filter(pk=platform_id).first()
    if platform is None:
        raise DomainError("platform_not_found", "平台不存在", field="platform_id")
    organizations = selectors.applicant_organizations(user=request.auth)
    organization = organizations.filter(pk=organization_id).first() if organization_id else organizations.first()
    if organization is None:
        raise PermissionDenied("只有本企业的线上培训管理员可以申请平台评估")
    try:
        rows = [services.CourseRow(**CourseIn.model_validate(row).model_dump()) for row in json.loads(courses or "[]")]
    except (ValueError, TypeError, ValidationError):
        raise DomainError("courses_invalid",
                          "courses 应为 JSON 数组，每项含 name、key_points、resource_form、minutes", field="courses") from None
    materials = {group: [upload] for group, upload in (("credentials", credentials), ("construction", construction),
                                                       ("operation", operation), ("content", content)) if upload}
    missing = [g for g in ("credentials", "construction", "operation", "content") if g not in materials]
    if missing:
        raise DomainError("materials_missing", f"请上传附表5-2 所列材料，尚缺：{'、'.join(MaterialGroup(g).label for g in missing)}",
                          field=missing[0], details={"missing": missing})
    if not rows:
        raise DomainError("courses_missing", "请至少填写一行线上培训计划", field="courses")
    with transaction.atomic():  # a request that cannot be submitted leaves no draft behind
        evaluation = services.evaluation_create(
            organization=organization, platform=platform, project_name=project_name, occupation_name=occupation_name,
            courses=rows, materials=materials, applicant_opinion=applicant_opinion, actor=request.auth)
        evaluation = services.evaluation_submit(evaluation=evaluation, actor=request.auth)
    return Status(201, _evaluation_out(evaluation))


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut, summary="评估申请详情")
def evaluation_detail(request: HttpRequest, evaluation_id: int):
    return _evaluation_out(selectors.evaluation_get_visible(user=request.auth, evaluation_id=evaluation_id))


@router.post("/evaluations/{evaluation_id}/submit", response=EvaluationOut, summary="提交（或退回后重新提交）")
def evaluation_submit(request: HttpRequest, evaluation_id: int):
    evaluation = selectors.evaluation_get_visible(user=request.auth, evaluation_id=evaluation_id)
    return _evaluation_out(services.evaluation_submit(evaluation=evaluation, actor=request.auth))


@router.post("/evaluations/{evaluation_id}/decision", response=EvaluationOut,
             summary="评估结论：approve 通过 / return 退回修改 / reject 不通过（市级管理人员）")
def evaluation_decide(request: HttpRequest, evaluation_id: int, payload: DecisionIn):
    evaluation = selectors.evaluation_get_visible(user=request.auth, evaluation_id=evaluation_id)
    evaluation = services.evaluation_decide(evaluation=evaluation, decision=payload.decision, comment=payload.comment,
                                            actor=request.auth)
    return _evaluation_out(evaluation)


@router.get("/{platform_id}", response=PlatformOut, summary="平台详情")
def platform_detail(request: HttpRequest, platform_id: int):
    return _platform_out(selectors.platform_get(platform_id=platform_id), organization=_my_organization(request))


@router.get("/{platform_id}/usable", response=UsabilityOut, summary="某企业某日能否使用该平台备案培训")
def platform_usable(request: HttpRequest, platform_id: int, organization_id: int, on: dt.date | None = None):
    platform = selectors.platform_get(platform_id=platform_id)
    from jineng.organizations.selectors import organizations_visible_to

    organization = organizations_visible_to(user=request.auth).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound("单位不存在或不在您的权限范围内", code="organization_not_found")
    on = on or selectors.today()
    usable, reason = selectors.platform_usable_by(organization=organization, platform=platform, on=on)
    return UsabilityOut(usable=usable, reason=reason, on=on)
