"""Every write about platforms: registration, the evaluation workflow and city filings.

The evaluation workflow (``models.TRANSITIONS``)::

    draft ──submit──▶ submitted ──approve──▶ approved
      ▲                  │  ├────return───▶ returned ──submit──▶ submitted …
      └ (edit)           │  └────reject───▶ rejected

One service per transition; each checks the actor's role, locks the row, moves the state,
appends a ``PlatformEvaluationEvent`` and an audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.uploads import check_evidence_file
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_roles
from jineng.organizations.models import Organization
from jineng.platforms import selectors
from jineng.platforms.models import (
    EDITABLE_STATES,
    TRANSITION_LABELS,
    TRANSITIONS,
    EvaluationCourse,
    EvaluationMaterial,
    EvaluationStatus,
    MaterialGroup,
    Platform,
    PlatformEvaluation,
    PlatformEvaluationEvent,
    PlatformFiling,
)
from jineng.regions.models import Region
from jineng.regions.selectors import (
    add_working_days,
    calendar_year_unknown_error,
    region_contains,
    working_days_between,
)
from jineng.workdays import CalendarYearUnknown

MAX_COURSES = 100
MAX_FILES_PER_GROUP = 10

# --------------------------------------------------------------------------------------------
# Platforms
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlatformData:
    """What a platform's registrant states (附表5-1 平台基本情况)."""

    name: str
    website: str = ""
    app_package: str = ""
    icp_number: str = ""
    ip_address: str = ""
    server_city: str = ""
    operator: Organization | None = None
    operator_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    ownership: str = Platform.Ownership.THIRD_PARTY
    recommendation: str = Platform.Recommendation.NONE
    recommended_region: Region | None = None
    recommendation_source: str = ""


def _clean_platform(data: PlatformData) -> dict:
    name = " ".join((data.name or "").split())
    if not name:
        raise DomainError("platform_name_required", "请填写平台名称（网站或 APP 产品名称）", field="name")
    if len(name) > 128:
        raise DomainError("platform_name_too_long", "平台名称不能超过 128 个字", field="name")
    website = (data.website or "").strip()
    app_package = (data.app_package or "").strip()
    if not website and not app_package:
        raise DomainError("platform_address_required", "请填写网站地址或 APP 的包名（至少一项）", field="website")
    if website and (" " in website or "." not in website or len(website) > 200):
        raise DomainError("website_invalid", "网站地址格式不正确，例如 www.example.cn 或 https://px.example.cn",
                          field="website")
    ip_text = (data.ip_address or "").strip()
    ip_value = None
    if ip_text:
        try:
            ip_value = str(ipaddress.ip_address(ip_text))
        except ValueError:
            raise DomainError("ip_address_invalid", "IP 地址格式不正确，例如 203.0.113.10", field="ip_address") from None
    if data.ownership not in Platform.Ownership.values:
        raise DomainError("ownership_invalid", "请选择平台归属（本系统平台或第三方平台）", field="ownership")
    if data.recommendation not in Platform.Recommendation.values:
        raise DomainError("recommendation_invalid", "请选择推荐情况", field="recommendation")
    recommended_region = None
    if data.recommendation == Platform.Recommendation.PROVINCE:
        recommended_region = data.recommended_region
        if recommended_region is None or recommended_region.level != Region.Level.PROVINCE:
            raise DomainError("recommended_region_required", "省级推荐的平台请选择推荐的省份",
                              field="recommended_region")
    source = (data.recommendation_source or "").strip()
    if data.recommendation != Platform.Recommendation.NONE and not source:
        raise DomainError("recommendation_source_required", "请填写推荐依据的文号，例如 鲁人社字〔2020〕11号",
                          field="recommendation_source")
    operator_name = (data.operator_name or "").strip()
    if data.ownership == Platform.Ownership.OURS and data.operator is None:
        raise DomainError("operator_required", "本系统平台须选择在本系统登记的运营单位", field="operator")
    return {
        "name": name, "website": website, "app_package": app_package,
        "icp_number": (data.icp_number or "").strip(), "ip_address": ip_value,
        "server_city": (data.server_city or "").strip(), "operator": data.operator,
        "operator_name": "" if data.operator is not None else operator_name,
        "contact_name": (data.contact_name or "").strip(), "contact_phone": (data.contact_phone or "").strip(),
        "ownership": data.ownership, "recommendation": data.recommendation,
        "recommended_region": recommended_region,
        "recommendation_source": source if data.recommendation != Platform.Recommendation.NONE else "",
    }


def _registrant_organization(*, actor, fields: dict) -> Organization | None:
    """Check the actor may register a platform with these facts; return the enterprise the
    platform is registered for (a training administrator's), if any."""
    if actor is None or user_has_role(user=actor, role=Role.SYSTEM_ADMIN):  # None: the system (demo, imports)
        return None
    if fields["recommendation"] != Platform.Recommendation.NONE:
        raise PermissionDenied("推荐名单由系统管理员按文件录入；如该平台已列入人社部或省人社厅推荐名单，请联系系统管理员并提供文号",
                               code="recommendation_not_allowed")
    operator = fields["operator"]
    operated = user_organization_ids(user=actor, role=Role.PLATFORM_OPERATOR)
    if operator is not None and operator.pk in operated:
        return None
    trained = user_organization_ids(user=actor, role=Role.TRAINING_ADMIN)
    if trained:
        if fields["ownership"] != Platform.Ownership.THIRD_PARTY:
            raise PermissionDenied("培训管理员只能登记本单位使用的第三方平台", code="ownership_not_allowed")
        return Organization.objects.get(pk=trained[0])
    if operated:
        raise PermissionDenied("平台运营人员只能登记本单位运营的平台：请在“运营单位”中选择您的单位",
                               code="operator_not_yours")
    raise PermissionDenied("只有平台运营人员、培训管理员或系统管理员可以登记平台")


def platform_register(*, data: PlatformData, actor) -> Platform:
    """Register a platform: a platform operator for their own organisation, a training
    administrator for a third-party platform their enterprise uses, or a system administrator
    (who alone may mark a platform as recommended by the ministry or a province). ``actor=None``
    is the system itself (demo data, imports), never a web or API request."""
    fields = _clean_platform(data)
    registered_for = _registrant_organization(actor=actor, fields=fields)
    if Platform.objects.filter(name=fields["name"]).exists():
        raise DomainError("platform_exists", f"平台“{fields['name']}”已登记，请在平台列表中直接选用", field="name")
    with transaction.atomic():
        try:
            with transaction.atomic():
                platform = Platform.objects.create(**fields, registered_by=actor, registered_for=registered_for)
        except IntegrityError:
            raise DomainError("platform_exists", f"平台“{fields['name']}”已登记，请在平台列表中直接选用",
                              field="name") from None
        audit_record(actor=actor, action="platform.register", target=platform, summary=_platform_summary(platform),
                     organization_id=platform.operator_id or getattr(registered_for, "pk", None))
    return platform


def platform_update(*, platform: Platform, data: PlatformData, actor) -> Platform:
    """Change a platform's basics. Requests already submitted keep the facts they were
    submitted with (``PlatformEvaluation.platform_facts``)."""
    admin = actor is None or user_has_role(user=actor, role=Role.SYSTEM_ADMIN)  # None: the system
    if not admin and not selectors.user_can_edit_platform(user=actor, platform=platform):
        raise PermissionDenied("只有该平台的运营单位、登记该平台的企业或系统管理员可以修改平台信息")
    fields = _clean_platform(data)
    if not admin:
        if (fields["recommendation"], fields["recommended_region"], fields["recommendation_source"]) != (
                platform.recommendation, platform.recommended_region, platform.recommendation_source):
            raise PermissionDenied("推荐情况只能由系统管理员按推荐名单文件修改", code="recommendation_not_allowed")
        if fields["ownership"] != platform.ownership:
            raise PermissionDenied("平台归属只能由系统管理员修改", code="ownership_not_allowed")
        if fields["operator"] != platform.operator and platform.operator_id:
            raise PermissionDenied("运营单位只能由系统管理员修改", code="operator_not_yours")
    if Platform.objects.filter(name=fields["name"]).exclude(pk=platform.pk).exists():
        raise DomainError("platform_exists", f"已有名为“{fields['name']}”的平台", field="name")
    before = _platform_summary(platform)
    with transaction.atomic():
        for key, value in fields.items():
            setattr(platform, key, value)
        try:
            with transaction.atomic():
                platform.save()
        except IntegrityError:
            raise DomainError("platform_exists", f"已有名为“{fields['name']}”的平台", field="name") from None
        after = _platform_summary(platform)
        changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        audit_record(actor=actor, action="platform.update", target=platform, summary={"changed": changed},
                     organization_id=platform.operator_id or platform.registered_for_id)
    return platform


def _platform_summary(platform: Platform) -> dict:
    return {
        "name": platform.name, "website": platform.website, "app_package": platform.app_package,
        "icp_number": platform.icp_number, "ip_address": platform.ip_address or "",
        "server_city": platform.server_city, "operator": platform.operator_label, "ownership": platform.ownership,
        "recommendation": platform.recommendation,
        "recommended_region": platform.recommended_region_id or "",
        "recommendation_source": platform.recommendation_source,
    }


# --------------------------------------------------------------------------------------------
# Evaluation: drafts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseRow:
    """One line of the planned online courses (附表5-1 线上培训计划)."""

    name: str
    key_points: str
    resource_form: str
    minutes: int


def _clean_courses(rows: Iterable[CourseRow]) -> list[CourseRow]:
    cleaned: list[CourseRow] = []
    for number, row in enumerate(rows, start=1):
        name = " ".join((row.name or "").split())
        points = (row.key_points or "").strip()
        if not name:
            raise DomainError("course_name_required", f"第 {number} 行：请填写课程资源名称", field="courses")
        if not points:
            raise DomainError("course_points_required", f"第 {number} 行“{name}”：请填写内容要点", field="courses")
        if row.resource_form not in EvaluationCourse.ResourceForm.values:
            raise DomainError("course_form_invalid", f"第 {number} 行“{name}”：请选择资源形式", field="courses")
        if isinstance(row.minutes, bool) or not isinstance(row.minutes, int) or not 0 < row.minutes <= 100_000:
            raise DomainError("course_minutes_invalid", f"第 {number} 行“{name}”：培训时长请填写大于 0 的分钟数",
                              field="courses")
        if len(name) > 128 or len(points) > 500:
            raise DomainError("course_text_too_long", f"第 {number} 行“{name}”：名称不超过 128 字，内容要点不超过 500 字",
                              field="courses")
        cleaned.append(CourseRow(name, points, row.resource_form, row.minutes))
    if len(cleaned) > MAX_COURSES:
        raise DomainError("too_many_courses", f"线上培训计划最多 {MAX_COURSES} 行", field="courses")
    return cleaned


def _check_uploads(materials: Mapping[str, Iterable]) -> list[tuple[str, object, str, str]]:
    """Every file checked by its content before anything is stored: (group, upload, kind, sha256)."""
    checked = []
    for group, uploads in materials.items():
        if group not in MaterialGroup.values:
            raise DomainError("material_group_invalid", "材料类别不正确", field="materials")
        uploads = [u for u in uploads if u is not None]
        if len(uploads) > MAX_FILES_PER_GROUP:
            raise DomainError("too_many_files", f"{MaterialGroup(group).label}最多上传 {MAX_FILES_PER_GROUP} 个文件",
                              field=group)
        for upload in uploads:
            try:
                kind = check_evidence_file(upload, field=group)
            except DomainError as exc:
                raise DomainError(exc.code, f"{MaterialGroup(group).label}“{upload.name}”：{exc.message}",
                                  field=group) from None
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            checked.append((group, upload, kind, digest.hexdigest()))
    return checked


def _clean_text(value: str, *, code: str, label: str, field: str, max_length: int) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError(code, f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError(f"{field}_too_long", f"{label}不能超过 {max_length} 个字", field=field)
    return value


def _refuse_if_recommended(*, platform: Platform, organization: Organization) -> None:
    if selectors.recommendation_covers(platform=platform, organization=organization):
        source = f"（{platform.recommendation_source}）" if platform.recommendation_source else ""
        raise DomainError(
            "evaluation_not_needed",
            f"“{platform.name}”是{selectors.recommendation_label(platform)}的线上培训平台{source}，无需评估，可直接用于培训备案",
            field="platform",
        )


def _store(evaluation: PlatformEvaluation, checked, *, actor, replace_groups: bool) -> list[str]:
    names = []
    groups = {group for group, *_ in checked}
    if replace_groups and groups:
        # replaced files stay on disk and in the audit trail; only the link to the request goes
        EvaluationMaterial.objects.filter(evaluation=evaluation, group__in=groups).delete()
    for group, upload, kind, sha in checked:
        material = EvaluationMaterial(evaluation=evaluation, group=group, original_name=upload.name[:200], kind=kind,
                                      size=upload.size, sha256=sha, uploaded_by=actor)
        material.file.save(upload.name, upload, save=False)
        material.save()
        names.append(f"{group}:{material.original_name}")
    return names


def _set_courses(evaluation: PlatformEvaluation, courses: list[CourseRow]) -> None:
    evaluation.courses.all().delete()
    EvaluationCourse.objects.bulk_create([
        EvaluationCourse(evaluation=evaluation, position=i, name=row.name, key_points=row.key_points,
                         resource_form=row.resource_form, minutes=row.minutes)
        for i, row in enumerate(courses, start=1)
    ])


def _event(evaluation: PlatformEvaluation, *, transition: str, from_status: str, actor, at: dt.datetime,
           comment: str = "", late: bool = False) -> PlatformEvaluationEvent:
    return PlatformEvaluationEvent.objects.create(evaluation=evaluation, transition=transition, from_status=from_status,
                                                  to_status=evaluation.status, actor=actor, at=at, comment=comment,
                                                  late=late)


def evaluation_create(*, organization: Organization, platform: Platform, project_name: str, occupation_name: str,
                      courses: Iterable[CourseRow] = (), materials: Mapping[str, Iterable] | None = None,
                      applicant_opinion: str = "", actor) -> PlatformEvaluation:
    """A draft evaluation request by a training administrator of ``organization``, routed to
    the skills service centre of the enterprise's city. Uploaded files are checked by content
    first; nothing is stored if one fails."""
    if not selectors.user_applies_for(user=actor, organization=organization):
        raise PermissionDenied("只有本企业的线上培训管理员可以申请平台评估")
    _refuse_if_recommended(platform=platform, organization=organization)
    project_name = _clean_text(project_name, code="project_name_required", label="培训项目名称",
                               field="project_name", max_length=128)
    occupation_name = _clean_text(occupation_name, code="occupation_required", label="培训岗位（工种）",
                                  field="occupation_name", max_length=64)
    course_rows = _clean_courses(courses)
    checked = _check_uploads(materials or {})
    centre = selectors.service_centre_for(organization=organization)
    if centre is None:
        city = selectors.city_of(organization)
        raise DomainError("no_service_centre",
                          f"{city.name}尚未登记职业技能服务中心，暂时无法受理平台评估；请联系系统管理员在“人社部门”中添加",
                          field="platform")
    existing = PlatformEvaluation.objects.filter(organization=organization, platform=platform).exclude(
        status=EvaluationStatus.REJECTED).first()
    if existing is not None:
        _refuse_duplicate(existing)
    with transaction.atomic():
        try:
            with transaction.atomic():
                evaluation = PlatformEvaluation.objects.create(
                    platform=platform, organization=organization, centre=centre,
                    city_code=selectors.city_of(organization).code, project_name=project_name,
                    occupation_name=occupation_name, applicant_opinion=(applicant_opinion or "").strip()[:300],
                    created_by=actor,
                )
        except IntegrityError:
            raise DomainError("evaluation_exists", "本企业已有该平台的评估申请，请在原申请中继续办理",
                              field="platform") from None
        _set_courses(evaluation, course_rows)
        stored = _store(evaluation, checked, actor=actor, replace_groups=False)
        _event(evaluation, transition="create", from_status="", actor=actor, at=clock.now())
        audit_record(actor=actor, action="platform_evaluation.create", target=evaluation,
                     summary={"platform": platform.name, "centre": centre.name, "courses": len(course_rows),
                              "materials": stored},
                     organization_id=organization.pk, region_code=organization.region_id)
    return evaluation


def _refuse_duplicate(existing: PlatformEvaluation) -> None:
    if existing.status == EvaluationStatus.APPROVED:
        raise DomainError("evaluation_already_approved", "本企业使用该平台已通过评估，无需重复申请", field="platform")
    raise DomainError("evaluation_exists",
                      f"本企业已有该平台的评估申请（{existing.get_status_display()}），请在原申请中继续办理",
                      field="platform", details={"evaluation_id": existing.pk})


def evaluation_update(*, evaluation: PlatformEvaluation, project_name: str, occupation_name: str,
                      courses: Iterable[CourseRow], materials: Mapping[str, Iterable] | None = None,
                      replace_materials: bool = False, applicant_opinion: str = "", actor) -> PlatformEvaluation:
    """Change a draft or a returned request: its project, its course rows (replaced as a
    whole) and its materials (added, or with ``replace_materials`` replacing the groups given)."""
    if not selectors.user_applies_for(user=actor, organization=evaluation.organization):
        raise PermissionDenied("只有本企业的线上培训管理员可以修改评估申请")
    if evaluation.status not in EDITABLE_STATES:
        raise DomainError("evaluation_not_editable",
                          f"评估申请{evaluation.get_status_display()}，不能再修改"
                          + ("；如需更正请联系市职业技能服务中心退回" if evaluation.status == EvaluationStatus.SUBMITTED else ""))
    project_name = _clean_text(project_name, code="project_name_required", label="培训项目名称",
                               field="project_name", max_length=128)
    occupation_name = _clean_text(occupation_name, code="occupation_required", label="培训岗位（工种）",
                                  field="occupation_name", max_length=64)
    course_rows = _clean_courses(courses)
    checked = _check_uploads(materials or {})
    if not replace_materials:
        for group in MaterialGroup.values:
            added = sum(1 for g, *_ in checked if g == group)
            if added and evaluation.materials.filter(group=group).count() + added > MAX_FILES_PER_GROUP:
                raise DomainError("too_many_files", f"{MaterialGroup(group).label}最多 {MAX_FILES_PER_GROUP} 个文件",
                                  field=group)
    with transaction.atomic():
        locked = PlatformEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if locked.status not in EDITABLE_STATES:
            raise DomainError("evaluation_not_editable", f"评估申请{locked.get_status_display()}，不能再修改")
        locked.project_name, locked.occupation_name = project_name, occupation_name
        locked.applicant_opinion = (applicant_opinion or "").strip()[:300]
        locked.save(update_fields=["project_name", "occupation_name", "applicant_opinion", "updated_at"])
        _set_courses(locked, course_rows)
        stored = _store(locked, checked, actor=actor, replace_groups=replace_materials)
        audit_record(actor=actor, action="platform_evaluation.update", target=locked,
                     summary={"courses": len(course_rows), "materials": stored, "replace": replace_materials},
                     organization_id=locked.organization_id, region_code=locked.organization.region_id)
    evaluation.refresh_from_db()
    return evaluation


def evaluation_material_remove(*, material: EvaluationMaterial, actor) -> None:
    evaluation = material.evaluation
    if not selectors.user_applies_for(user=actor, organization=evaluation.organization):
        raise PermissionDenied("只有本企业的线上培训管理员可以删除评估材料")
    if evaluation.status not in EDITABLE_STATES:
        raise DomainError("evaluation_not_editable", f"评估申请{evaluation.get_status_display()}，材料不能再删除")
    with transaction.atomic():
        name, group = material.original_name, material.group
        material.delete()
        audit_record(actor=actor, action="platform_evaluation.material_remove", target=evaluation,
                     summary={"group": group, "file": name}, organization_id=evaluation.organization_id,
                     region_code=evaluation.organization.region_id)


# --------------------------------------------------------------------------------------------
# Evaluation: transitions
# --------------------------------------------------------------------------------------------


def _lock_for(evaluation: PlatformEvaluation, transition: str) -> PlatformEvaluation:
    """The row, locked, if ``transition`` is allowed from its current state; else a refusal
    that names the state and what can be done."""
    locked = (PlatformEvaluation.objects.select_for_update()
              .select_related("platform", "organization", "organization__region", "centre").get(pk=evaluation.pk))
    allowed_from, _target = TRANSITIONS[transition]
    if locked.status not in allowed_from:
        raise transition_refused(locked.status, transition)
    return locked


def transition_refused(status: str, transition: str) -> DomainError:
    hint = {
        EvaluationStatus.DRAFT: "申请尚未提交，请先由企业提交",
        EvaluationStatus.SUBMITTED: "申请已提交，正在等待市职业技能服务中心评估",
        EvaluationStatus.APPROVED: "申请已评估通过，结论不能更改",
        EvaluationStatus.RETURNED: "申请已退回企业修改，请等待企业重新提交",
        EvaluationStatus.REJECTED: "申请评估不通过，已办结；企业可另行提交新的申请",
    }[status]
    return DomainError(
        "evaluation_transition_not_allowed",
        f"当前状态为“{EvaluationStatus(status).label}”，不能“{TRANSITION_LABELS[transition]}”：{hint}",
        details={"status": status, "transition": transition},
    )


def evaluation_submit(*, evaluation: PlatformEvaluation, actor) -> PlatformEvaluation:
    """Send the request to the centre (draft or returned → submitted). Every material group of
    附表5-2 and at least one course row are required; the deadline is the 3rd working day after
    the day of submission on the Chinese working-day calendar."""
    if not selectors.user_applies_for(user=actor, organization=evaluation.organization):
        raise PermissionDenied("只有本企业的线上培训管理员可以提交评估申请")
    allowed_from, target = TRANSITIONS["submit"]
    if evaluation.status not in allowed_from:
        raise transition_refused(evaluation.status, "submit")
    _refuse_if_recommended(platform=evaluation.platform, organization=evaluation.organization)
    present = set(evaluation.materials.values_list("group", flat=True))
    missing = [MaterialGroup(g).label for g in MaterialGroup.values if g not in present]
    if missing:
        first = next(g for g in MaterialGroup.values if g not in present)
        raise DomainError("materials_missing", f"请上传附表5-2 所列材料后再提交，尚缺：{'、'.join(missing)}", field=first,
                          details={"missing": [g for g in MaterialGroup.values if g not in present]})
    if not evaluation.courses.exists():
        raise DomainError("courses_missing", "请至少填写一行线上培训计划（课程资源名称、内容要点、资源形式、培训时长）",
                          field="courses")
    now = clock.now()
    try:
        due = add_working_days(timezone.localdate(now), selectors.EVALUATION_DEADLINE_WORKING_DAYS)
    except CalendarYearUnknown as exc:
        raise calendar_year_unknown_error(exc) from exc
    with transaction.atomic():
        locked = _lock_for(evaluation, "submit")
        from_status = locked.status
        locked.status = target
        locked.submitted_at, locked.due_date = now, due
        locked.rounds += 1
        locked.platform_facts = selectors.platform_facts(locked.platform)
        locked.decided_at, locked.decided_by, locked.decided_late, locked.late_working_days = None, None, False, 0
        locked.save()
        _event(locked, transition="submit", from_status=from_status, actor=actor, at=now)
        audit_record(actor=actor, action="platform_evaluation.submit", target=locked,
                     summary={"platform": locked.platform.name, "centre": locked.centre.name,
                              "due_date": due.isoformat(), "round": locked.rounds},
                     organization_id=locked.organization_id, region_code=locked.organization.region_id)
    evaluation.refresh_from_db()  # the caller's instance shows the new state too
    return evaluation


def _decide(*, evaluation: PlatformEvaluation, transition: str, comment: str, actor) -> PlatformEvaluation:
    if not selectors.user_can_decide(user=actor, evaluation=evaluation):
        raise PermissionDenied("只有企业所在市的职业技能服务中心（市级管理人员）可以作出评估结论",
                               code="not_the_deciding_centre")
    if evaluation.status not in TRANSITIONS[transition][0]:
        raise transition_refused(evaluation.status, transition)
    comment = (comment or "").strip()
    if transition in ("return", "reject") and not comment:
        raise DomainError("comment_required",
                          "退回或不通过时请填写评估意见，写明需要补充或修改哪些材料、哪些内容不符合要求",
                          field="comment")
    if transition == "approve" and not comment:
        comment = "经评估，该平台可用于企业职工线上适岗职业技能培训。"
    if len(comment) > 2000:
        raise DomainError("comment_too_long", "评估意见不能超过 2000 字", field="comment")
    now = clock.now()
    decided_on = timezone.localdate(now)
    late_days = 0
    late = decided_on > evaluation.due_date
    if late:
        try:
            late_days = working_days_between(evaluation.due_date, decided_on)
        except CalendarYearUnknown as exc:
            raise calendar_year_unknown_error(exc) from exc
    with transaction.atomic():
        locked = _lock_for(evaluation, transition)
        from_status = locked.status
        locked.status = TRANSITIONS[transition][1]
        locked.decided_at, locked.decided_by, locked.decision_comment = now, actor, comment
        locked.decided_late, locked.late_working_days = late, late_days
        locked.save()
        _event(locked, transition=transition, from_status=from_status, actor=actor, at=now, comment=comment, late=late)
        audit_record(actor=actor, action=f"platform_evaluation.{transition}", target=locked,
                     summary={"platform": locked.platform.name, "comment": comment, "due_date": locked.due_date.isoformat(),
                              "late": late, "late_working_days": late_days},
                     organization_id=locked.organization_id, region_code=locked.organization.region_id)
    evaluation.refresh_from_db()
    return evaluation


def evaluation_approve(*, evaluation: PlatformEvaluation, actor, comment: str = "") -> PlatformEvaluation:
    """submitted → approved: the platform may be used by this enterprise for filing."""
    return _decide(evaluation=evaluation, transition="approve", comment=comment, actor=actor)


def evaluation_return(*, evaluation: PlatformEvaluation, actor, comment: str) -> PlatformEvaluation:
    """submitted → returned, with what to fix; the enterprise edits and submits again."""
    return _decide(evaluation=evaluation, transition="return", comment=comment, actor=actor)


def evaluation_reject(*, evaluation: PlatformEvaluation, actor, comment: str) -> PlatformEvaluation:
    """submitted → rejected: final for this request."""
    return _decide(evaluation=evaluation, transition="reject", comment=comment, actor=actor)


DECISIONS = {"approve": evaluation_approve, "return": evaluation_return, "reject": evaluation_reject}


def evaluation_decide(*, evaluation: PlatformEvaluation, decision: str, comment: str, actor) -> PlatformEvaluation:
    """Dispatch a decision named by a form or an API call to its transition's service."""
    service = DECISIONS.get(decision)
    if service is None:
        raise DomainError("decision_invalid", "请选择评估结论：通过、退回修改或不通过", field="decision")
    return service(evaluation=evaluation, actor=actor, comment=comment)


# --------------------------------------------------------------------------------------------
# City filings with the province
# --------------------------------------------------------------------------------------------


def _may_file_for(*, actor, city: Region) -> bool:
    return any(a.role == Role.CITY_OFFICER and a.region_id and region_contains(a.region_id, city.code)
               for a in user_roles(user=actor))


def platform_filing_create(*, city: Region, platform: Platform, note: str = "", actor) -> PlatformFiling:
    """A city files a platform it uses with the province (鲁人社字〔2020〕11号 二)."""
    if city.level != Region.Level.CITY:
        raise DomainError("city_required", "请选择一个地级市：平台由各市报省人社厅备案", field="city")
    if not _may_file_for(actor=actor, city=city):
        raise PermissionDenied(f"只有{city.name}或所在省的市/省级管理人员可以为{city.name}报备平台")
    if PlatformFiling.objects.filter(city=city, platform=platform, withdrawn_at__isnull=True).exists():
        raise DomainError("filing_exists", f"{city.name}已报备“{platform.name}”，无需重复报备", field="platform")
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                filing = PlatformFiling.objects.create(city=city, platform=platform, note=(note or "").strip()[:300],
                                                       filed_at=now, filed_by=actor)
        except IntegrityError:
            raise DomainError("filing_exists", f"{city.name}已报备“{platform.name}”，无需重复报备",
                              field="platform") from None
        audit_record(actor=actor, action="platform_filing.create", target=filing,
                     summary={"city": city.code, "platform": platform.name, "note": filing.note}, region_code=city.code)
    return filing


def platform_filing_withdraw(*, filing: PlatformFiling, actor) -> PlatformFiling:
    if not _may_file_for(actor=actor, city=filing.city):
        raise PermissionDenied(f"只有{filing.city.name}或所在省的市/省级管理人员可以撤回备案")
    if filing.withdrawn_at is not None:
        raise DomainError("filing_withdrawn", "该备案已撤回")
    with transaction.atomic():
        filing.withdrawn_at, filing.withdrawn_by = clock.now(), actor
        filing.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(actor=actor, action="platform_filing.withdraw", target=filing,
                     summary={"city": filing.city_id, "platform": filing.platform.name}, region_code=filing.city_id)
    return filing

