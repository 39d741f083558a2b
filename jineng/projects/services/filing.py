"""The filing of a training project (备案 / 开班申请) and its workflow (``models.TRANSITIONS``)::

    draft ──submit──▶ submitted ──approve──▶ approved ──start──▶ running ──finish──▶ finished
      ▲                  │
      └──── returned ◀─return── (with the reviewer's comments; edit and submit again)
    draft / submitted / returned ──withdraw──▶ withdrawn

Edits (plan, outline, courses, roster, materials, commitment) are allowed in ``draft`` and
``returned``; an edit of the content after the 附表1 commitment voids it (``commitment_void``), so
the applicant confirms the final content again before submitting. One service per transition; each checks the actor's right, locks the row, moves
the state, appends a ``ProjectEvent`` and an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.uploads import check_evidence_file
from jineng.courses.models import Course, Occupation
from jineng.organizations.models import Organization
from jineng.platforms.models import Platform
from jineng.projects import selectors
from jineng.projects.models import (
    DRAFT_NUMBER_PREFIX,
    EDITABLE_STATES,
    TRANSITION_LABELS,
    TRANSITIONS,
    Delivery,
    MaterialKind,
    OutlineModule,
    Project,
    ProjectEvent,
    ProjectMaterial,
    ProjectState,
    TrainingKind,
)

MAX_OUTLINE_MODULES = 60
MAX_COURSES = 30

# --------------------------------------------------------------------------------------------
# The plan (附表1 项目基本情况, 附表2 培训计划)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectData:
    organization: Organization
    kind: str
    occupation: Occupation
    platform: Platform
    name: str
    start_date: dt.date
    end_date: dt.date
    purpose: str
    planned_headcount: int
    planned_class_hours: int
    contact_name: str
    contact_phone: str
    organiser: str = Project.Organiser.SELF
    institution: Organization | None = None
    delivery: str = Delivery.ONLINE
    level: int | None = None
    learners_are_students: bool = False
    received_affected_aid: bool | None = None  # None: not answered


def _text(value: str, *, label: str, field: str, max_length: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(f"{field}_required", f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError(f"{field}_too_long", f"{label}不能超过 {max_length} 个字", field=field)
    return value


def _clean_plan(data: ProjectData) -> dict:
    if data.organiser not in Project.Organiser.values:
        raise DomainError("organiser_invalid", "请选择组织方式：企业自行组织或委托培训机构", field="organiser")
    institution = data.institution if data.organiser == Project.Organiser.ENTRUSTED else None
    if data.organiser == Project.Organiser.ENTRUSTED:
        if institution is None:
            raise DomainError("institution_required", "委托培训机构组织培训时，请选择受托的培训机构", field="institution")
        if institution.kind != Organization.Kind.INSTITUTION or institution.pk == data.organization.pk:
            raise DomainError("institution_invalid", "受托单位须是另一家已登记的培训机构（职业院校、技工院校或培训机构）",
                              field="institution")
    if data.kind not in TrainingKind.values:
        raise DomainError("kind_invalid", "请选择培训类型", field="kind")
    if data.delivery not in Delivery.values:
        raise DomainError("delivery_invalid", "请选择培训方式：线上，或线上线下结合", field="delivery")
    if data.occupation is None:
        raise DomainError("occupation_required", "请选择职业（工种）", field="occupation")
    levels = list(data.occupation.levels or [])
    if data.level is not None and (not levels or data.level not in levels):
        allowed = "、".join(str(x) for x in levels) if levels else "不分等级（请留空）"
        raise DomainError("level_invalid", f"{data.occupation.name}可培训的等级为：{allowed}", field="level")
    if data.platform is None:
        raise DomainError("platform_required", "请选择线上培训平台", field="platform")
    if not isinstance(data.start_date, dt.date) or not isinstance(data.end_date, dt.date):
        raise DomainError("dates_required", "请填写培训起止日期", field="start_date")
    if data.end_date < data.start_date:
        raise DomainError("period_invalid", "培训结束日期不能早于开始日期", field="end_date")
    for value, label, name, high in ((data.planned_headcount, "计划培训人数", "planned_headcount", 10000),
                                     (data.planned_class_hours, "计划课时", "planned_class_hours", 2000)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise DomainError(f"{name}_invalid", f"{label}应为 1–{high} 的整数", field=name)
    pack = selectors.policy_pack_for(region_code=data.organization.region_id, on=data.start_date)
    if pack is not None:
        _refuse_uncovered_kind(pack, data.kind, data.start_date)
    return {
        "organization": data.organization, "organiser": data.organiser, "institution": institution,
        "kind": data.kind, "delivery": data.delivery, "occupation": data.occupation, "level": data.level,
        "platform": data.platform,
        "name": _text(data.name, label="培训项目名称", field="name", max_length=128),
        "start_date": data.start_date, "end_date": data.end_date,
        "purpose": _text(data.purpose, label="培训目的", field="purpose", max_length=2000),
        "planned_headcount": data.planned_headcount, "planned_class_hours": data.planned_class_hours,
        "contact_name": _text(data.contact_name, label="联系人", field="contact_name", max_length=32),
        "contact_phone": _text(data.contact_phone, label="联系电话", field="contact_phone", max_length=32),
        "learners_are_students": bool(data.learners_are_students),
        "received_affected_aid": data.received_affected_aid,
        "policy_pack": pack.id if pack else "",
    }


def _refuse_uncovered_kind(pack, kind: str, on: dt.date) -> None:
    """A pack whose items all name their training kinds accepts only those."""
    covered: set[str] = set()
    for item in pack.items.values():
        rules = [r for r in item.rules if r.kind == "training_kind"]
        if not rules:
            return
        for rule in rules:
            try:
                covered |= set(rule.params["kinds"].at(on).value)
            except DomainError:
                continue
    if covered and kind not in covered:
        labels = "、".join(TrainingKind(k).label for k in TrainingKind.values if k in covered)
        raise DomainError("kind_not_covered", f"{pack.document_number}备案的培训类型为：{labels}；请选择其中之一",
                          field="kind")


def _plan_summary(project: Project) -> dict:
    return {
        "name": project.name, "kind": project.kind, "delivery": project.delivery, "organiser": project.organiser,
        "institution": project.institution.credit_code if project.institution_id else "",
        "occupation": project.occupation.code, "level": project.level, "platform": project.platform.name,
        "start_date": project.start_date.isoformat(), "end_date": project.end_date.isoformat(),
        "planned_headcount": project.planned_headcount, "planned_class_hours": project.planned_class_hours,
        "students": project.learners_are_students, "affected_aid": project.received_affected_aid,
        "policy_pack": project.policy_pack,
    }


def _require_filer(*, actor, organization: Organization) -> None:
    if actor is None or not selectors.user_files_for(user=actor, organization=organization):
        raise PermissionDenied("只有申请单位的线上培训管理员可以办理该培训项目的备案")


def _require_editable(project: Project) -> None:
    if project.state not in EDITABLE_STATES:
        hint = "；如需更正请联系受理部门退回" if project.state == ProjectState.SUBMITTED else ""
        raise DomainError("project_not_editable", f"培训项目{project.get_state_display()}，不能再修改{hint}")


def _event(project: Project, *, transition: str, from_state: str, actor, at: dt.datetime, comment: str = "",
           late: bool = False) -> ProjectEvent:
    return ProjectEvent.objects.create(project=project, transition=transition, from_state=from_state,
                                       to_state=project.state, actor=actor, at=at, comment=comment, late=late)


def _audit(project: Project, *, actor, action: str, summary: dict) -> None:
    audit_record(actor=actor, action=f"project.{action}", target=project, summary=summary,
                 organization_id=project.organization_id, region_code=project.organization.region_id)


def commitment_void(locked: Project) -> bool:
    """An edit after the 附表1 commitment voids it: the applicant vouched for the content as it was, so
    it confirms again before submitting. Call with the project row locked; True when there was one."""
    if locked.commitment_accepted_at is None:
        return False
    locked.commitment_accepted_at, locked.commitment_by = None, None
    Project.objects.filter(pk=locked.pk).update(commitment_accepted_at=None, commitment_by=None)
    return True


def project_create(*, data: ProjectData, actor) -> Project:
    """A draft filing by a training administrator of the applicant organisation."""
    _require_filer(actor=actor, organization=data.organization)
    fields = _clean_plan(data)
    now = clock.now()
    with transaction.atomic():
        project = Project.objects.create(**fields, number=f"{DRAFT_NUMBER_PREFIX}{uuid.uuid4().hex[:16].upper()}",
                                         created_by=actor, created_at=now, updated_at=now)
        _event(project, transition="create", from_state="", actor=actor, at=now)
        _audit(project, actor=actor, action="create", summary=_plan_summary(project))
    return project


def project_update(*, project: Project, data: ProjectData, actor) -> Project:
    """Change the plan of a draft or returned filing (the applicant organisation stays)."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    if data.organization.pk != project.organization_id:
        raise DomainError("organization_fixed", "申请单位不能更改；如需以其他单位申请，请新建培训项目", field="organization")
    fields = _clean_plan(data)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        before = _plan_summary(locked)
        for key, value in fields.items():
            setattr(locked, key, value)
        after = _plan_summary(locked)
        changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        voided = bool(changed) and commitment_void(locked)
        locked.updated_at = clock.now()
        locked.save()
        _audit(locked, actor=actor, action="update", summary={"changed": changed, "commitment_voided": voided})
    project.refresh_from_db()
    return project


# --------------------------------------------------------------------------------------------
# Outline (附表3), courses, materials, commitment (附表1)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutlineRow:
    title: str
    category: str
    minutes: int
    goals: str = ""
    mode: str = OutlineModule.Mode.ONLINE


def _clean_outline(project: Project, rows: Iterable[OutlineRow]) -> list[OutlineRow]:
    cleaned = []
    for number, row in enumerate(rows, start=1):
        title = " ".join((row.title or "").split())
        if not title:
            raise DomainError("module_title_required", f"第 {number} 个模块：请填写模块名称", field="outline")
        if len(title) > 128:
            raise DomainError("module_title_too_long", f"第 {number} 个模块：名称不能超过 128 个字", field="outline")
        if row.category not in OutlineModule.Category.values:
            raise DomainError("module_category_invalid", f"第 {number} 个模块“{title}”：请选择公共必修课或专业技能课",
                              field="outline")
        if row.mode not in OutlineModule.Mode.values:
            raise DomainError("module_mode_invalid", f"第 {number} 个模块“{title}”：请选择线上或线下实操", field="outline")
        if row.mode == OutlineModule.Mode.OFFLINE and project.delivery != Delivery.BLENDED:
            raise DomainError("offline_module_not_allowed",
                              f"第 {number} 个模块“{title}”：线上培训项目不能含线下实操模块；请把培训方式改为线上线下结合",
                              field="outline")
        if isinstance(row.minutes, bool) or not isinstance(row.minutes, int) or not 0 < row.minutes <= 100_000:
            raise DomainError("module_minutes_invalid", f"第 {number} 个模块“{title}”：学习时长请填写大于 0 的分钟数",
                              field="outline")
        cleaned.append(OutlineRow(title, row.category, row.minutes, (row.goals or "").strip()[:2000], row.mode))
    if len(cleaned) > MAX_OUTLINE_MODULES:
        raise DomainError("too_many_modules", f"培训大纲最多 {MAX_OUTLINE_MODULES} 个模块", field="outline")
    return cleaned


def project_outline_set(*, project: Project, modules: Iterable[OutlineRow], actor) -> list[OutlineModule]:
    """Replace the outline as a whole (modules in the order given)."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    rows = _clean_outline(project, modules)
    if not rows:
        raise DomainError("outline_missing", "请至少填写一个模块（名称、类别、学习时长）", field="outline")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        OutlineModule.objects.filter(project=locked).delete()
        created = OutlineModule.objects.bulk_create([
            OutlineModule(project=locked, position=i, title=r.title, category=r.category, mode=r.mode, minutes=r.minutes,
                          goals=r.goals) for i, r in enumerate(rows, start=1)])
        Project.objects.filter(pk=locked.pk).update(updated_at=clock.now())
        _audit(locked, actor=actor, action="outline_set",
               summary={"modules": len(rows), "minutes": sum(r.minutes for r in rows),
                        "commitment_voided": commitment_void(locked)})
    return created


def project_courses_set(*, project: Project, courses: Iterable[Course], actor) -> list[Course]:
    """The published courses the roster will be enrolled in when the filing is approved."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    courses = list(dict.fromkeys(courses))
    if not courses:
        raise DomainError("courses_missing", "请至少选择一门线上课程", field="courses")
    if len(courses) > MAX_COURSES:
        raise DomainError("too_many_courses", f"一个培训项目最多 {MAX_COURSES} 门课程", field="courses")
    for course in courses:
        if course.status != Course.Status.PUBLISHED:
            raise DomainError("course_not_published", f"课程“{course.title}”未发布或已下架，不能选用", field="courses")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        before = set(locked.courses.values_list("pk", flat=True))
        locked.courses.set(courses)
        Project.objects.filter(pk=locked.pk).update(updated_at=clock.now())
        voided = before != {c.pk for c in courses} and commitment_void(locked)
        _audit(locked, actor=actor, action="courses_set",
               summary={"courses": [c.pk for c in courses], "commitment_voided": voided})
    return courses


def project_material_add(*, project: Project, kind: str, upload, actor) -> ProjectMaterial:
    """One PDF or image of the materials the seeds ask for, checked by its content."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    if kind not in MaterialKind.values:
        raise DomainError("material_kind_invalid", "请选择材料类别", field="kind")
    try:
        file_type = check_evidence_file(upload, field="file")
    except DomainError as exc:
        raise DomainError(exc.code, f"{MaterialKind(kind).label}：{exc.message}", field="file") from None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        material = ProjectMaterial(project=locked, kind=kind, original_name=upload.name[:200], file_type=file_type,
                                   size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor,
                                   uploaded_at=clock.now())
        material.file.save(upload.name, upload, save=False)
        material.save()
        _audit(locked, actor=actor, action="material_add",
               summary={"kind": kind, "file": material.original_name, "sha256": material.sha256,
                        "commitment_voided": commitment_void(locked)})
    return material


def project_material_remove(*, material: ProjectMaterial, actor) -> ProjectMaterial:
    """Marks the material removed; the file stays on disk for the record."""
    project = material.project
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    if material.removed_at is not None:
        raise DomainError("material_removed", "该材料已删除")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        material.removed_at = clock.now()
        material.save(update_fields=["removed_at"])
        _audit(locked, actor=actor, action="material_remove",
               summary={"kind": material.kind, "file": material.original_name,
                        "commitment_voided": commitment_void(locked)})
    return material


COMMITMENT_TEXT = ("承诺：本企业保证所填内容及提供材料真实有效。备案后，严格按照培训计划实施职工线上适岗培训，"
                   "按培训计划完成培训任务，培训效果达到培训目标要求。如有弄虚作假骗取培训补贴，愿承担相应的法律责任，"
                   "接受相关部门处理。")


def project_commitment_accept(*, project: Project, actor) -> Project:
    """The applicant's commitment of 附表1 (申报企业承诺), given by its training administrator."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    now = clock.now()
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_editable(locked)
        locked.commitment_accepted_at, locked.commitment_by, locked.updated_at = now, actor, now
        locked.save(update_fields=["commitment_accepted_at", "commitment_by", "updated_at"])
        _audit(locked, actor=actor, action="commitment", summary={"text": COMMITMENT_TEXT})
    project.refresh_from_db()
    return project


# --------------------------------------------------------------------------------------------
# Transitions
# --------------------------------------------------------------------------------------------


def transition_refused(state: str, transition: str) -> DomainError:
    hint = {
        ProjectState.DRAFT: "项目尚未提交备案",
        ProjectState.SUBMITTED: "项目已提交，正在等待受理部门审核",
        ProjectState.RETURNED: "项目已退回修改，请申请单位修改后重新提交",
        ProjectState.APPROVED: "项目已备案，等待培训开始",
        ProjectState.RUNNING: "项目正在培训中",
        ProjectState.FINISHED: "项目已结束",
        ProjectState.WITHDRAWN: "项目已撤回",
    }[state]
    return DomainError(
        "project_transition_not_allowed",
        f"当前状态为“{ProjectState(state).label}”，不能“{TRANSITION_LABELS[transition]}”：{hint}",
        details={"state": state, "transition": transition},
    )


def _check_from(project: Project, transition: str) -> None:
    if project.state not in TRANSITIONS[transition][0]:
        raise transition_refused(project.state, transition)


def _lock_for(project: Project, transition: str) -> Project:
    locked = (Project.objects.select_for_update().select_related("organization", "organization__region")
              .get(pk=project.pk))
    _check_from(locked, transition)
    return locked


def _next_number(project: Project, on: dt.date) -> str:
    prefix = f"{project.organization.region_id}-{on.year}-"
    last = (Project.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True)
            .first())
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def project_submit(*, project: Project, actor) -> Project:
    """draft or returned → submitted: every missing item is listed at once; the filing is
    routed (``selectors.routing_for``) and gets its number and review deadline."""
    _require_filer(actor=actor, organization=project.organization)
    _check_from(project, "submit")
    filed_on = selectors.today()
    missing = selectors.missing_for_submit(project=project, filed_on=filed_on)
    if missing:
        raise DomainError(
            "submission_incomplete", "还不能提交备案，请先补齐：" + "；".join(m.message for m in missing),
            field=missing[0].field, details={"missing": [m.__dict__ for m in missing]},
        )
    routing = selectors.routing_for(organization=project.organization,
                                    learners_are_students=project.learners_are_students)
    due = selectors.review_due_for(start_date=project.start_date, submitted_on=filed_on)
    pack = selectors.policy_pack_for(region_code=project.organization.region_id, on=project.start_date)
    now = clock.now()
    try:
        with transaction.atomic():
            locked = _lock_for(project, "submit")
            from_state = locked.state
            if not locked.has_number:
                locked.number = _next_number(locked, filed_on)
            locked.state = TRANSITIONS["submit"][1]
            locked.reviewing_office, locked.routing_rule = routing.office, routing.rule
            locked.policy_pack = pack.id if pack else ""
            locked.submitted_at, locked.review_due, locked.updated_at = now, due, now
            locked.decided_at, locked.decided_by = None, None
            locked.save()
            _event(locked, transition="submit", from_state=from_state, actor=actor, at=now, comment=routing.reason)
            _audit(locked, actor=actor, action="submit",
                   summary={"number": locked.number, "office": routing.office.name, "routing": routing.reason,
                            "review_due": due.isoformat(), "policy_pack": locked.policy_pack,
                            "roster": locked.roster.count()})
    except IntegrityError:
        raise DomainError("number_taken", "备案编号生成冲突，请再点一次“提交备案”") from None
    project.refresh_from_db()
    return project


def _require_reviewer(*, actor, project: Project) -> None:
    if actor is None or not selectors.user_reviews(user=actor, project=project):
        office = project.reviewing_office.name if project.reviewing_office_id else "受理部门"
        raise PermissionDenied(f"只有{office}的审核人员可以审核该培训项目", code="not_the_reviewing_office")


@dataclass
class ApprovalResult:
    project: Project
    enrolled: int = 0
    linked: int = 0
    conflicts: list[str] = field(default_factory=list)


def project_approve(*, project: Project, actor, comment: str = "") -> ApprovalResult:
    """submitted → approved: the filing is accepted and every roster person is enrolled in
    every course of the project (``learning.enrolments_create_for_project``)."""
    from jineng.learning.services.enrolment import enrolments_create_for_project

    _require_reviewer(actor=actor, project=project)
    _check_from(project, "approve")
    comment = (comment or "").strip() or "同意备案。"
    if len(comment) > 2000:
        raise DomainError("comment_too_long", "审核意见不能超过 2000 字", field="comment")
    now = clock.now()
    late = bool(project.review_due and selectors.today() > project.review_due)
    with transaction.atomic():
        locked = _lock_for(project, "approve")
        locked.state = TRANSITIONS["approve"][1]
        locked.decided_at, locked.decided_by, locked.review_comment, locked.updated_at = now, actor, comment, now
        locked.save()
        enrolment = enrolments_create_for_project(project=locked, actor=actor)
        note = comment
        if enrolment.conflicts:
            note += f"（{len(enrolment.conflicts)} 条报名已属于其他培训项目，未改动：{'；'.join(enrolment.conflicts)}）"
        _event(locked, transition="approve", from_state=ProjectState.SUBMITTED, actor=actor, at=now, comment=note,
               late=late)
        _audit(locked, actor=actor, action="approve",
               summary={"comment": comment, "late": late, "enrolled": len(enrolment.created),
                        "linked": len(enrolment.linked), "conflicts": enrolment.conflicts})
    project.refresh_from_db()
    return ApprovalResult(project, len(enrolment.created), len(enrolment.linked), enrolment.conflicts)


def project_return(*, project: Project, actor, comment: str) -> Project:
    """submitted → returned, with what to fix; the applicant edits and submits again."""
    _require_reviewer(actor=actor, project=project)
    _check_from(project, "return")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError("comment_required", "退回时请填写审核意见，写明需要补充或修改的内容和材料", field="comment")
    if len(comment) > 2000:
        raise DomainError("comment_too_long", "审核意见不能超过 2000 字", field="comment")
    now = clock.now()
    late = bool(project.review_due and selectors.today() > project.review_due)
    with transaction.atomic():
        locked = _lock_for(project, "return")
        locked.state = TRANSITIONS["return"][1]
        locked.decided_at, locked.decided_by, locked.review_comment, locked.updated_at = now, actor, comment, now
        locked.save()
        _event(locked, transition="return", from_state=ProjectState.SUBMITTED, actor=actor, at=now, comment=comment,
               late=late)
        _audit(locked, actor=actor, action="return", summary={"comment": comment, "late": late})
    project.refresh_from_db()
    return project


DECISIONS = {"approve", "return"}


def project_start(*, project: Project, actor) -> Project:
    """approved → running, by the organiser (or the system, ``actor=None``) once the start date has come."""
    if actor is not None:
        _require_filer(actor=actor, organization=project.organization)
    _check_from(project, "start")
    on = selectors.today()
    if on < project.start_date:
        raise DomainError("not_started_yet",
                          f"培训开始日期为 {project.start_date:%Y-%m-%d}，届时才能开始培训；如需提前，请撤回后重新备案",
                          field="start_date")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(project, "start")
        locked.state, locked.updated_at = TRANSITIONS["start"][1], now
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, transition="start", from_state=ProjectState.APPROVED, actor=actor, at=now,
               comment="" if actor else "到达培训开始日期，系统自动开始")
        _audit(locked, actor=actor, action="start", summary={"on": on.isoformat(), "automatic": actor is None})
    project.refresh_from_db()
    return project


def project_finish(*, project: Project, actor) -> Project:
    """running → finished, by the organiser on or after the end date."""
    _require_filer(actor=actor, organization=project.organization)
    _check_from(project, "finish")
    on = selectors.today()
    if on < project.end_date:
        raise DomainError("not_ended_yet", f"培训结束日期为 {project.end_date:%Y-%m-%d}，当天或之后才能结束培训",
                          field="end_date")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(project, "finish")
        locked.state, locked.updated_at = TRANSITIONS["finish"][1], now
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, transition="finish", from_state=ProjectState.RUNNING, actor=actor, at=now)
        _audit(locked, actor=actor, action="finish", summary={"on": on.isoformat()})
    project.refresh_from_db()
    return project


def project_withdraw(*, project: Project, actor, comment: str = "") -> Project:
    """draft, submitted or returned → withdrawn, by the applicant."""
    _require_filer(actor=actor, organization=project.organization)
    _check_from(project, "withdraw")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(project, "withdraw")
        from_state = locked.state
        locked.state, locked.updated_at = TRANSITIONS["withdraw"][1], now
        locked.save(update_fields=["state", "updated_at"])
        _event(locked, transition="withdraw", from_state=from_state, actor=actor, at=now,
               comment=(comment or "").strip()[:2000])
        _audit(locked, actor=actor, action="withdraw", summary={"from": from_state, "comment": comment[:200]})
    project.refresh_from_db()
    return project


def projects_start_due() -> list[Project]:
    """The scheduled job (daily, after midnight Asia/Shanghai): start every approved project
    whose start date has come."""
    on = selectors.today()
    started = []
    for project in Project.objects.filter(state=ProjectState.APPROVED, start_date__lte=on).select_related(
            "organization", "organization__region").order_by("start_date", "id"):
        started.append(project_start(project=project, actor=None))
    return started


FORMS_WITH_ID_NUMBERS = frozenset({"roster", "class_roster"})


def project_form_export(*, project: Project, form: str, fmt: str, actor) -> tuple[bytes, str]:
    """One official form of the filing (附表1–4, 攀枝花 附件1–2) as PDF or .xlsx. The rosters print
    full ID numbers and phones (they are filed with the bureau), so every export is audited.
    The caller has checked that ``actor`` may see the project (``selectors.project_get_visible``)."""
    from jineng.documents.project_forms import project_form_render

    content, filename = project_form_render(project=project, form=form, fmt=fmt)
    with transaction.atomic():
        _audit(project, actor=actor, action="form_export",
               summary={"form": form, "format": fmt, "personal_data": form in FORMS_WITH_ID_NUMBERS})
    return content, filename
