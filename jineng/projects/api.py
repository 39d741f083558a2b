"""Projects API (mounted at /api/projects/): the filing (plan, outline, courses, roster import,
materials, commitment), its transitions, the reviewer's queue and the cities' routing rules.
Session auth with CSRF on every state-changing call (``jineng.api``); domain errors come back
as ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jineng.common.errors import DomainError
from jineng.common.masking import mask_id_number, mask_phone
from jineng.courses.models import Course, Occupation
from jineng.organizations.models import Organization
from jineng.platforms.models import Platform
from jineng.projects import selectors, services
from jineng.projects.models import Project, RoutingRule
from jineng.regions.models import Bureau, Region

router = Router(tags=["projects"])


class PlanIn(Schema):
    organization_id: int | None = None
    organiser: str = Project.Organiser.SELF
    institution_id: int | None = None
    kind: str
    delivery: str = "online"
    occupation_id: int
    level: int | None = None
    platform_id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    purpose: str
    planned_headcount: int
    planned_class_hours: int
    contact_name: str
    contact_phone: str
    learners_are_students: bool = False
    received_affected_aid: bool | None = None  # 是否已领取受影响企业培训补助; null: not answered


class ModuleIn(Schema):
    title: str
    category: str
    minutes: int
    goals: str = ""
    mode: str = "online"


class ModuleOut(ModuleIn):
    position: int


class CoursesIn(Schema):
    course_ids: list[int]


class RosterEntryOut(Schema):
    position: int
    person_id: int
    name: str
    id_number: str
    phone: str
    platform_account: str
    key_group: str
    contract_months: int | None


class MaterialOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    file_type: str
    size: int
    sha256: str
    url: str


class EventOut(Schema):
    transition: str
    from_state: str
    to_state: str
    at: dt.datetime
    actor: str | None
    comment: str
    late: bool


class ProjectOut(Schema):
    id: int
    number: str | None
    state: str
    state_label: str
    organization_id: int
    organization_name: str
    organiser: str
    institution_id: int | None
    kind: str
    delivery: str
    occupation: str
    level: int | None
    platform: str
    name: str
    start_date: dt.date
    end_date: dt.date
    purpose: str
    planned_headcount: int
    planned_class_hours: int
    learners_are_students: bool
    received_affected_aid: bool | None
    policy_pack: str
    reviewing_office: str | None
    routing_reason: str
    submitted_at: dt.datetime | None
    review_due: dt.date | None
    overdue: bool
    decided_at: dt.datetime | None
    review_comment: str
    commitment_accepted_at: dt.datetime | None
    course_ids: list[int]
    outline: list[ModuleOut]
    roster: list[RosterEntryOut]
    materials: list[MaterialOut]
    events: list[EventOut]


class ProblemOut(Schema):
    code: str
    column: str
    message: str


class ImportRowOut(Schema):
    row_number: int
    name: str
    id_number: str
    problems: list[ProblemOut]


class ImportReportOut(Schema):
    committed: bool
    imported: int
    replaced: int
    rows: int
    error_rows: list[ImportRowOut]


class DecisionIn(Schema):
    comment: str = ""


class ApprovalOut(Schema):
    project: ProjectOut
    enrolled: int
    linked: int
    conflicts: list[str]


class QueueRowOut(Schema):
    id: int
    number: str
    name: str
    organization_name: str
    region: str
    kind: str
    state: str
    start_date: dt.date
    review_due: dt.date | None
    overdue: bool


class RuleIn(Schema):
    city: str
    match: str
    office_id: int
    source: str
    organization_id: int | None = None
    region: str | None = None
    learner_group: str = ""
    note: str = ""


class RuleOut(Schema):
    id: int
    city: str
    match: str
    organization_id: int | None
    region: str | None
    learner_group: str
    office_id: int
    office: str
    source: str
    note: str
    active: bool


def _project_out(project: Project) -> ProjectOut:
    project = selectors.project_with_details(project=project)
    on = selectors.today()
    return ProjectOut(
        id=project.pk, number=project.number if project.has_number else None, state=project.state,
        state_label=project.get_state_display(), organization_id=project.organization_id,
        organization_name=project.organization.name, organiser=project.organiser, institution_id=project.institution_id,
        kind=project.kind, delivery=project.delivery, occupation=project.occupation.name, level=project.level,
        platform=project.platform.name, name=project.name, start_date=project.start_date, end_date=project.end_date,
        purpose=project.purpose, planned_headcount=project.planned_headcount,
        planned_class_hours=project.planned_class_hours, learners_are_students=project.learners_are_students,
        received_affected_aid=project.received_affected_aid, policy_pack=project.policy_pack,
        reviewing_office=project.reviewing_office.name if project.reviewing_office_id else None,
        routing_reason=selectors.routing_reason(project), submitted_at=project.submitted_at,
        review_due=project.review_due,
        overdue=bool(project.state == "submitted" and project.review_due and on > project.review_due),
        decided_at=project.decided_at, review_comment=project.review_comment,
        commitment_accepted_at=project.commitment_accepted_at,
        course_ids=[c.pk for c in project.courses.all()],
        outline=[ModuleOut(position=m.position, title=m.title, category=m.category, minutes=m.minutes, goals=m.goals,
                           mode=m.mode) for m in project.outline.all()],
        roster=[RosterEntryOut(position=e.position, person_id=e.person_id, name=e.person.name,
                               id_number=mask_id_number(e.person.id_number), phone=mask_phone(e.person.phone),
                               platform_account=e.platform_account, key_group=e.key_group,
                               contract_months=e.contract.months if e.contract_id else None)
                for e in selectors.roster_of(project=project)],
        materials=[MaterialOut(id=m.pk, kind=m.kind, kind_label=m.get_kind_display(), name=m.original_name,
                               file_type=m.file_type, size=m.size, sha256=m.sha256,
                               url=reverse("projects:material", args=[m.pk]))
                   for m in selectors.materials_of(project=project)],
        events=[EventOut(transition=e.transition, from_state=e.from_state, to_state=e.to_state, at=e.at,
                         actor=str(e.actor) if e.actor_id else None, comment=e.comment, late=e.late)
                for e in selectors.events_of(project=project)],
    )


def _get(model, pk, *, field: str, label: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise DomainError(f"{field}_not_found", f"{label}不存在", field=field)
    return found


def _plan(request: HttpRequest, payload: PlanIn, *, organization: Organization | None = None) -> services.ProjectData:
    if organization is None:
        applicants = selectors.applicant_organizations(user=request.auth)
        organization = (applicants.filter(pk=payload.organization_id).first() if payload.organization_id
                        else applicants.first())
        if organization is None:
            raise DomainError("organization_required", "请选择申请单位（您担任线上培训管理员的单位）", field="organization_id")
    return services.ProjectData(
        organization=organization, organiser=payload.organiser,
        institution=_get(Organization, payload.institution_id, field="institution_id", label="受托培训机构"),
        kind=payload.kind, delivery=payload.delivery,
        occupation=_get(Occupation, payload.occupation_id, field="occupation_id", label="职业（工种）"),
        level=payload.level, platform=_get(Platform, payload.platform_id, field="platform_id", label="线上培训平台"),
        name=payload.name, start_date=payload.start_date, end_date=payload.end_date, purpose=payload.purpose,
        planned_headcount=payload.planned_headcount, planned_class_hours=payload.planned_class_hours,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        learners_are_students=payload.learners_are_students, received_affected_aid=payload.received_affected_aid,
    )


def _visible(request: HttpRequest, project_id: int) -> Project:
    return selectors.project_get_visible(user=request.auth, project_id=project_id)


def _rule_out(rule: RoutingRule) -> RuleOut:
    return RuleOut(id=rule.pk, city=rule.city_id, match=rule.match, organization_id=rule.organization_id,
                   region=rule.region_id, learner_group=rule.learner_group, office_id=rule.office_id,
                   office=rule.office.name, source=rule.source, note=rule.note, active=rule.active)


# --- reading ------------------------------------------------------------------------------------

@router.get("/", response=list[ProjectOut], summary="我能看到的培训项目")
def projects_list(request: HttpRequest, state: str | None = None):
    qs = selectors.projects_visible_to(user=request.auth).order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    return [_project_out(p) for p in qs[:100]]


@router.get("/queue", response=list[QueueRowOut], summary="备案审核队列，按审核期限排列（可按状态、区域、类型、超期筛选）")
def projects_queue(request: HttpRequest, state: str = "submitted", region: str = "", kind: str = "",
                   overdue: bool = False):
    rows = selectors.review_queue(user=request.auth, filters=selectors.QueueFilters(
        state=state, region=region, kind=kind, overdue=overdue))
    return [QueueRowOut(id=r.project.pk, number=r.project.number, name=r.project.name,
                        organization_name=r.project.organization.name, region=r.project.organization.region_id,
                        kind=r.project.kind, state=r.project.state, start_date=r.project.start_date,
                        review_due=r.project.review_due, overdue=r.overdue) for r in rows]


@router.get("/routing-rules", response=list[RuleOut], summary="本市的备案分派规则（市级管理人员）")
def routing_rules(request: HttpRequest):
    cities = selectors.routing_cities_for(user=request.auth)
    return [_rule_out(r) for r in selectors.routing_rules_of(cities=cities)]


@router.post("/routing-rules", response={201: RuleOut}, summary="添加分派规则（依据必填）")
def routing_rule_create(request: HttpRequest, payload: RuleIn):
    city = Region.objects.filter(code=payload.city).first()
    region = Region.objects.filter(code=payload.region).first() if payload.region else None
    rule = services.routing_rule_create(
        city=city, match=payload.match, office=_get(Bureau, payload.office_id, field="office_id", label="受理部门"),
        source=payload.source, organization=_get(Organization, payload.organization_id, field="organization_id",
                                                 label="单位"),
        region=region, learner_group=payload.learner_group, note=payload.note, actor=request.auth)
    return Status(201, _rule_out(rule))


@router.post("/routing-rules/{rule_id}/deactivate", response=RuleOut, summary="停用分派规则")
def routing_rule_deactivate(request: HttpRequest, rule_id: int):
    rule = _get(RoutingRule, rule_id, field="rule_id", label="分派规则")
    return _rule_out(services.routing_rule_deactivate(rule=rule, actor=request.auth))


@router.get("/{project_id}", response=ProjectOut, summary="培训项目详情（名册已脱敏）")
def project_detail(request: HttpRequest, project_id: int):
    return _project_out(_visible(request, project_id))


# --- the filing ---------------------------------------------------------------------------------

@router.post("/", response={201: ProjectOut}, summary="新建培训项目（草稿）")
def project_create(request: HttpRequest, payload: PlanIn):
    return Status(201, _project_out(services.project_create(data=_plan(request, payload), actor=request.auth)))


@router.put("/{project_id}", response=ProjectOut, summary="修改培训计划")
def project_update(request: HttpRequest, project_id: int, payload: PlanIn):
    project = _visible(request, project_id)
    data = _plan(request, payload, organization=project.organization)
    return _project_out(services.project_update(project=project, data=data, actor=request.auth))


@router.put("/{project_id}/outline", response=ProjectOut, summary="培训大纲（整体替换）")
def project_outline(request: HttpRequest, project_id: int, payload: list[ModuleIn]):
    project = _visible(request, project_id)
    services.project_outline_set(project=project, modules=[services.OutlineRow(**m.model_dump()) for m in payload],
                                 actor=request.auth)
    return _project_out(project)


@router.put("/{project_id}/courses", response=ProjectOut, summary="线上课程")
def project_courses(request: HttpRequest, project_id: int, payload: CoursesIn):
    project = _visible(request, project_id)
    courses = list(Course.objects.filter(pk__in=payload.course_ids))
    if len(courses) != len(set(payload.course_ids)):
        raise DomainError("course_not_found", "有课程不存在，请检查 course_ids", field="course_ids")
    services.project_courses_set(project=project, courses=courses, actor=request.auth)
    return _project_out(project)


@router.post("/{project_id}/roster", response=ImportReportOut,
             summary="导入人员名册（multipart：file 为 .xlsx；import_valid_rows=true 时只导入正确的行）")
def project_roster_import(request: HttpRequest, project_id: int, file: File[UploadedFile],
                          import_valid_rows: Form[bool] = False):
    project = _visible(request, project_id)
    report = services.roster_import_xlsx(project=project, upload=file, actor=request.auth,
                                         import_valid_rows=import_valid_rows)
    return ImportReportOut(
        committed=report.committed, imported=report.imported, replaced=report.replaced, rows=len(report.rows),
        error_rows=[ImportRowOut(row_number=r.row_number, name=r.name, id_number=r.id_number_masked,
                                 problems=[ProblemOut(code=p.code, column=p.column, message=p.message)
                                           for p in r.problems]) for r in report.error_rows])


@router.post("/{project_id}/materials", response={201: MaterialOut}, summary="上传备案材料（multipart：kind、file）")
def project_material_add(request: HttpRequest, project_id: int, kind: Form[str], file: File[UploadedFile]):
    project = _visible(request, project_id)
    m = services.project_material_add(project=project, kind=kind, upload=file, actor=request.auth)
    return Status(201, MaterialOut(id=m.pk, kind=m.kind, kind_label=m.get_kind_display(), name=m.original_name,
                                   file_type=m.file_type, size=m.size, sha256=m.sha256,
                                   url=reverse("projects:material", args=[m.pk])))


@router.post("/{project_id}/materials/{material_id}/remove", response=ProjectOut, summary="删除备案材料（草稿阶段）")
def project_material_remove(request: HttpRequest, project_id: int, material_id: int):
    project = _visible(request, project_id)
    material = selectors.material_get_visible(user=request.auth, material_id=material_id)
    if material.project_id != project.pk:
        raise DomainError("material_not_found", "材料不属于该培训项目", field="material_id")
    services.project_material_remove(material=material, actor=request.auth)
    return _project_out(project)


@router.post("/{project_id}/commitment", response=ProjectOut, summary="确认附表1 单位承诺")
def project_commitment(request: HttpRequest, project_id: int):
    return _project_out(services.project_commitment_accept(project=_visible(request, project_id), actor=request.auth))


# --- transitions --------------------------------------------------------------------------------

@router.post("/{project_id}/submit", response=ProjectOut, summary="提交备案（缺项全部列在 error.details.missing）")
def project_submit(request: HttpRequest, project_id: int):
    return _project_out(services.project_submit(project=_visible(request, project_id), actor=request.auth))


@router.post("/{project_id}/approve", response=ApprovalOut, summary="同意备案（受理部门），名册人员自动报名课程")
def project_approve(request: HttpRequest, project_id: int, payload: DecisionIn):
    result = services.project_approve(project=_visible(request, project_id), actor=request.auth,
                                      comment=payload.comment)
    return ApprovalOut(project=_project_out(result.project), enrolled=result.enrolled, linked=result.linked,
                       conflicts=result.conflicts)


@router.post("/{project_id}/return", response=ProjectOut, summary="退回修改（意见必填）")
def project_return(request: HttpRequest, project_id: int, payload: DecisionIn):
    return _project_out(services.project_return(project=_visible(request, project_id), actor=request.auth,
                                                comment=payload.comment))


@router.post("/{project_id}/start", response=ProjectOut, summary="开始培训（开始日期当天或之后）")
def project_start(request: HttpRequest, project_id: int):
    return _project_out(services.project_start(project=_visible(request, project_id), actor=request.auth))


@router.post("/{project_id}/finish", response=ProjectOut, summary="结束培训（结束日期当天或之后）")
def project_finish(request: HttpRequest, project_id: int):
    return _project_out(services.project_finish(project=_visible(request, project_id), actor=request.auth))


@router.post("/{project_id}/withdraw", response=ProjectOut, summary="撤回")
def project_withdraw(request: HttpRequest, project_id: int, payload: DecisionIn):
    return _project_out(services.project_withdraw(project=_visible(request, project_id), actor=request.auth,
                                                  comment=payload.comment))
