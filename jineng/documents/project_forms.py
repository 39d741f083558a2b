"""Fill the official forms from the database: a training project's 附表1–4 (韶关) and 附件1–2
(攀枝花), and a platform evaluation's 附表5-1.

Permission checks belong to the caller (the projects and platforms pages): these functions
render whatever they are given. The rosters print the full ID number and phone, read from
``identity.Person`` (encrypted at rest; the field decrypts on read) because they are filed
with the bureau; nothing here shows them on a screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import ModuleType
from zoneinfo import ZoneInfo

from jineng.common.errors import DomainError
from jineng.courses.models import Lesson, Level
from jineng.documents import data as d
from jineng.documents.formatting import age_on
from jineng.documents.forms import class_opening, class_roster, filing, outline, plan, roster
from jineng.documents.forms import evaluation as evaluation_form
from jineng.documents.selectors import project_for_forms, project_lesson_kinds
from jineng.identity.models import KeyGroup
from jineng.organizations.models import Organization
from jineng.platforms.models import EvaluationStatus, Platform, PlatformEvaluation
from jineng.platforms.selectors import evaluation_with_details, platform_facts
from jineng.projects.models import MaterialKind, OutlineModule, Project, ProjectState

SHANGHAI = ZoneInfo("Asia/Shanghai")
FORMATS = ("pdf", "xlsx")
DECIDED_STATES = frozenset({ProjectState.APPROVED, ProjectState.RUNNING, ProjectState.FINISHED})
LESSON_FORMS = {Lesson.Kind.VIDEO: "录播视频", Lesson.Kind.LIVE: "直播", Lesson.Kind.DOCUMENT: "图文",
                Lesson.Kind.SCORM: "SCORM 课件"}
PANZHIHUA_METHOD_OF = {Lesson.Kind.LIVE: "在线直播", Lesson.Kind.VIDEO: "教学视频录播",
                       Lesson.Kind.SCORM: "教学视频录播", Lesson.Kind.DOCUMENT: "文字或图片资料教学"}


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(SHANGHAI).date() if moment else None


def _organization(org: Organization | None) -> d.OrganizationFacts | None:
    if org is None:
        return None
    return d.OrganizationFacts(name=org.name, credit_code=org.credit_code, address=org.address,
                               legal_representative=org.legal_representative, contact_phone=org.contact_phone)


def _platform(platform: Platform, facts: dict | None = None) -> d.PlatformFacts:
    facts = facts or platform_facts(platform)
    ip_city = " ".join(str(x) for x in (facts.get("ip_address"), facts.get("server_city")) if x)
    return d.PlatformFacts(name=facts.get("name") or platform.name, icp_number=facts.get("icp_number", ""),
                           address=facts.get("website") or facts.get("app_package") or "", ip_and_server_city=ip_city)


def _level(project: Project) -> str:
    return Level(project.level).label if project.level else ""


def _occupation(project: Project) -> str:
    level = _level(project)
    return f"{project.occupation.name}（{level}）" if level else project.occupation.name


def _commitment(project: Project) -> d.Opinion:
    return d.Opinion(date=_local_date(project.commitment_accepted_at))


def _review(project: Project) -> d.Opinion:
    """The bureau's box is filled once the filing is approved; until then it is left for the pen."""
    if project.state not in DECIDED_STATES or not project.decided_at:
        return d.Opinion()
    text = "审核通过。" + (project.review_comment or "")
    return d.Opinion(text=text, date=_local_date(project.decided_at))


def _headcount(project: Project) -> int:
    return len(project.roster.all()) or project.planned_headcount


def _resource_form(module: OutlineModule, lesson_kinds: set[str]) -> str:
    if module.mode == OutlineModule.Mode.OFFLINE:
        return module.get_mode_display()
    kinds = [label for kind, label in LESSON_FORMS.items() if kind in lesson_kinds]
    return "线上：" + "、".join(kinds) if kinds else module.get_mode_display()


def _filed(project: Project) -> bool:
    """Whether the project has its real filing number (drafts carry a placeholder until their
    first submission)."""
    return bool(project.number) and getattr(project, "has_number", True)


def _number(project: Project) -> str:
    """The number printed top right: blank on a draft, for the bureau to fill."""
    return project.number if _filed(project) else ""


def _file_number(project: Project) -> str:
    return project.number if _filed(project) else f"草稿{project.pk}"


def _filing(project: Project) -> d.FilingForm:
    kinds = project_lesson_kinds(project=project)
    return d.FilingForm(
        number=_number(project), enterprise=_organization(project.organization),
        received_affected_subsidy=project.received_affected_aid,
        institution=_organization(project.institution) if project.organiser == Project.Organiser.ENTRUSTED else None,
        platform=_platform(project.platform), project_name=project.name, occupation=_occupation(project),
        kind_label=project.get_kind_display(), planned_headcount=project.planned_headcount,
        delivery=project.get_delivery_display(), start_date=project.start_date, end_date=project.end_date,
        class_hours=project.planned_class_hours, manager_name=project.contact_name,
        manager_phone=project.contact_phone, goal=project.purpose,
        courses=tuple(d.CourseLine(m.title, m.goals, _resource_form(m, kinds), m.minutes) for m in project.outline.all()),
        commitment=_commitment(project), review=_review(project),
    )


def _plan(project: Project) -> d.PlanForm:
    headcount = _headcount(project)
    return d.PlanForm(
        number=_number(project), enterprise_name=project.organization.name,
        filled_on=_local_date(project.submitted_at), project_name=project.name, kind_label=project.get_kind_display(),
        start_date=project.start_date, end_date=project.end_date, purpose=project.purpose,
        lines=tuple(
            d.PlanLine(m.title, m.goals, m.minutes,
                       project.platform.name if m.mode == OutlineModule.Mode.ONLINE else m.get_mode_display(), headcount)
            for m in project.outline.all()
        ),
    )


def _outline(project: Project) -> d.OutlineForm:
    return d.OutlineForm(
        number=_number(project), enterprise_name=project.organization.name,
        filled_on=_local_date(project.submitted_at), project_name=project.name, kind_label=project.get_kind_display(),
        lines=tuple(
            d.OutlineLine(m.title, project.start_date, project.end_date, m.get_category_display(), m.goals,
                          f"{m.get_mode_display()}，学习时长 {m.minutes} 分钟")
            for m in project.outline.all()
        ),
    )


def _roster(project: Project) -> d.RosterForm:
    return d.RosterForm(
        number=_number(project), enterprise_name=project.organization.name,
        filled_on=_local_date(project.submitted_at), project_name=project.name, kind_label=project.get_kind_display(),
        lines=tuple(
            d.RosterLine(e.person.name, e.person.get_sex_display(), e.person.id_number, e.person.phone,
                         e.platform_account)
            for e in project.roster.all()
        ),
    )


def _remark(entry) -> str:
    if entry.key_group:
        try:
            return KeyGroup(entry.key_group).label
        except ValueError:
            return entry.key_group
    if entry.contract_id and entry.contract.dispatched:
        return "劳务派遣"
    return ""


def _class_roster(project: Project) -> d.ClassRosterForm:
    return d.ClassRosterForm(
        number=_number(project), organization_name=project.organization.name, project_name=project.name,
        lines=tuple(
            d.ClassRosterLine(e.person.name, e.person.get_sex_display(), age_on(e.person.birth_date, project.start_date),
                              e.person.id_number, e.person.phone, _remark(e))
            for e in project.roster.all()
        ),
    )


def _class_opening(project: Project) -> d.ClassOpeningForm:
    org = project.organization
    modules = list(project.outline.all())
    present = {m.kind for m in project.materials.all()}
    kinds = project_lesson_kinds(project=project)
    methods = tuple(m for m in d.PANZHIHUA_METHODS if m in {PANZHIHUA_METHOD_OF[k] for k in kinds})
    materials = [
        d.MaterialCheck("《攀枝花市线上职业技能培训参训人员花名册》（附件2）", bool(project.roster.all())),
        d.MaterialCheck("企业营业执照复印件", MaterialKind.BUSINESS_LICENCE in present),
        d.MaterialCheck("企业职工劳动合同复印件或重点就业群体身份证明",
                        bool({MaterialKind.LABOUR_CONTRACTS, MaterialKind.KEY_GROUP_PROOF} & present)),
    ]
    if project.organiser == Project.Organiser.ENTRUSTED:
        materials.append(d.MaterialCheck("委托培训服务合同", MaterialKind.SERVICE_CONTRACT in present))
    enterprise = org.kind == Organization.Kind.ENTERPRISE
    return d.ClassOpeningForm(
        number=_number(project), applicant=_organization(org),
        applicant_kind="企业" if enterprise else "培训机构（职业、技工院校）",
        enterprise_size=org.get_size_display() if enterprise and org.size else "",
        contact_name=project.contact_name, contact_phone=project.contact_phone,
        organiser="委托培训机构（购买培训服务）" if project.organiser == Project.Organiser.ENTRUSTED else "企业自行组织",
        institution_name=project.institution.name if project.institution_id else "",
        project_name=project.name, occupation=project.occupation.name, level=_level(project),
        kind_label=project.get_kind_display(), platform_name=project.platform.name,
        platform_address=project.platform.address, methods=methods, start_date=project.start_date,
        end_date=project.end_date, headcount=_headcount(project),
        online_minutes=sum(m.minutes for m in modules if m.mode == OutlineModule.Mode.ONLINE),
        offline_minutes=sum(m.minutes for m in modules if m.mode == OutlineModule.Mode.OFFLINE),
        planned_class_hours=project.planned_class_hours,
        modules=tuple(d.ModuleLine(m.title, m.get_category_display(), m.get_mode_display(), m.minutes) for m in modules),
        materials=tuple(materials),
        reviewing_office=project.reviewing_office.name if project.reviewing_office_id else "所在地人力资源社会保障部门",
        commitment=_commitment(project), review=_review(project),
    )


# form key → (code, name in the file name, builder module, filler)
PROJECT_FORMS: dict[str, tuple[str, str, ModuleType, Callable[[Project], object]]] = {
    "filing": ("附表1", "备案表", filing, _filing),
    "plan": ("附表2", "培训计划", plan, _plan),
    "outline": ("附表3", "培训大纲", outline, _outline),
    "roster": ("附表4", "人员名册", roster, _roster),
    "class_opening": ("附件1", "开班申请表", class_opening, _class_opening),
    "class_roster": ("附件2", "参训人员花名册", class_roster, _class_roster),
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise DomainError("document_format_unknown", f"文件格式“{fmt}”不支持，请选择 pdf（打印盖章）或 xlsx（电子表格）",
                          field="fmt", details={"allowed": list(FORMATS)})


def _build(module: ModuleType, data, fmt: str) -> bytes:
    return module.build_pdf(data) if fmt == "pdf" else module.build_xlsx(data)


def project_form_render(*, project: Project, form: str, fmt: str) -> tuple[bytes, str]:
    """One of the project's official forms as PDF or .xlsx, and its file name
    (``附表1_备案表_440204-2020-0007.pdf``). ``form`` is one of ``PROJECT_FORMS``."""
    if form not in PROJECT_FORMS:
        allowed = "、".join(f"{key}（{code} {name}）" for key, (code, name, _, _) in PROJECT_FORMS.items())
        raise DomainError("document_form_unknown", f"表格“{form}”不存在，请选择：{allowed}", field="form",
                          details={"allowed": list(PROJECT_FORMS)})
    _check_format(fmt)
    code, name, module, fill = PROJECT_FORMS[form]
    project = project_for_forms(project_id=project.pk)
    return _build(module, fill(project), fmt), f"{code}_{name}_{_file_number(project)}.{fmt}"


def _evaluation(evaluation: PlatformEvaluation) -> d.EvaluationForm:
    decided = evaluation.status in (EvaluationStatus.APPROVED, EvaluationStatus.REJECTED) and evaluation.decided_at
    centre_opinion = (d.Opinion(f"{evaluation.get_status_display()}：{evaluation.decision_comment}".rstrip("："),
                                _local_date(evaluation.decided_at)) if decided else d.Opinion())
    return d.EvaluationForm(
        number=str(evaluation.pk), enterprise_name=evaluation.organization.name,
        platform=_platform(evaluation.platform, evaluation.platform_facts or None),
        project_name=evaluation.project_name, occupation=evaluation.occupation_name,
        courses=tuple(d.CourseLine(c.name, c.key_points, c.get_resource_form_display(), c.minutes)
                      for c in evaluation.courses.all()),
        applicant_opinion=d.Opinion(evaluation.applicant_opinion, _local_date(evaluation.submitted_at)),
        centre_name=evaluation.centre.name, centre_opinion=centre_opinion,
    )


def evaluation_form_render(*, evaluation: PlatformEvaluation, fmt: str) -> tuple[bytes, str]:
    """附表5-1 of a platform evaluation request as PDF or .xlsx, and its file name
    (``附表5-1_评估表_12.pdf``)."""
    _check_format(fmt)
    evaluation = evaluation_with_details(evaluation=evaluation)
    return _build(evaluation_form, _evaluation(evaluation), fmt), f"附表5-1_评估表_{evaluation.pk}.{fmt}"
