"""报名: a learner enrols themself, or a training administrator enrols employees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_id_number
from jineng.courses.models import Course
from jineng.identity.models import Person, Role, User
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes
from jineng.learning.models import Enrolment, ModuleProgress
from jineng.learning.services.common import learner_person, shanghai_day
from jineng.organizations.models import Contract, Organization


def _check_course_open(course: Course) -> None:
    if course.status != Course.Status.PUBLISHED:
        raise DomainError("course_not_published", "该课程未发布或已下架，不能报名", field="course")


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def contract_is_current(contract: Contract, today: dt.date) -> bool:
    if contract.start > today:
        return False
    return contract.months is None or _add_months(contract.start, contract.months) > today


def _create(*, course: Course, person: Person, actor: User, organization: Organization | None,
            source: str, project=None) -> Enrolment:
    now = clock.now()
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(person=person, course=course, organization=organization,
                                                 project=project, source=source, enrolled_by=actor, enrolled_at=now)
            ModuleProgress.objects.bulk_create(
                [ModuleProgress(enrolment=enrolment, module=module) for module in course.modules.all()]
            )
            audit_record(actor=actor, action="learning.enrolment.create", target=enrolment,
                         summary={"course": course.pk, "course_title": course.title, "person": person.pk,
                                  "id_number": mask_id_number(person.id_number), "source": source,
                                  "project": project.pk if project is not None else None},
                         organization_id=organization.pk if organization else None,
                         region_code=organization.region_id if organization else person.birth_region_code)
    except IntegrityError:
        raise DomainError("already_enrolled", "已报名该课程", field="course") from None
    return enrolment


def enrolment_create(*, course: Course, actor: User) -> Enrolment:
    """A learner enrols themself in a published course."""
    person = learner_person(actor)
    _check_course_open(course)
    if Enrolment.objects.filter(person=person, course=course).exists():
        raise DomainError("already_enrolled", "您已报名该课程，可直接开始学习", field="course")
    return _create(course=course, person=person, actor=actor, organization=None, source=Enrolment.Source.SELF)


def enrollable_employees(*, organization: Organization):
    """Persons with a current labour contract at the organisation and a sign-in account."""
    today = shanghai_day(clock.now())
    contracts = (Contract.objects.filter(organization=organization, start__lte=today, person__user__isnull=False)
                 .select_related("person", "person__user").order_by("person__name", "person_id"))
    seen: dict[int, Person] = {}
    for contract in contracts:
        if contract_is_current(contract, today):
            seen.setdefault(contract.person_id, contract.person)
    return list(seen.values())


def enrolments_create_for_employees(*, course: Course, persons: list[Person], organization: Organization,
                                    actor: User) -> list[Enrolment]:
    """A training administrator enrols employees: each needs a current labour contract with the
    organisation and an account to study with. All are checked before any is written; someone who
    enrolled themself already is attached to the organisation instead."""
    if not (user_has_role(user=actor, role=Role.SYSTEM_ADMIN)
            or organization.pk in user_organization_ids(user=actor, role=Role.TRAINING_ADMIN)):
        raise PermissionDenied("只有本单位的线上培训管理员可以为职工报名")
    _check_course_open(course)
    if not persons:
        raise DomainError("no_persons", "请选择要报名的职工", field="persons")
    eligible = {p.pk for p in enrollable_employees(organization=organization)}
    existing = {e.person_id: e for e in Enrolment.objects.filter(course=course, person__in=persons)}
    for person in persons:
        if person.pk not in eligible:
            raise DomainError("not_an_employee",
                              f"{person.name} 没有本单位有效的劳动合同或尚未注册学习账号，不能报名", field="persons")
        other = existing.get(person.pk)
        if other is not None and other.organization_id not in (None, organization.pk):
            raise DomainError("enrolled_elsewhere", f"{person.name} 已由其他单位报名该课程", field="persons")
    created: list[Enrolment] = []
    with transaction.atomic():
        for person in persons:
            enrolment = existing.get(person.pk)
            if enrolment is None:
                created.append(_create(course=course, person=person, actor=actor, organization=organization,
                                       source=Enrolment.Source.ORGANIZATION))
            elif enrolment.organization_id is None:
                Enrolment.objects.filter(pk=enrolment.pk).update(organization=organization)
                enrolment.organization = organization
                audit_record(actor=actor, action="learning.enrolment.attach", target=enrolment,
                             summary={"course": course.pk, "person": person.pk,
                                      "id_number": mask_id_number(person.id_number)},
                             organization_id=organization.pk, region_code=organization.region_id)
                created.append(enrolment)
    return created


@dataclass
class ProjectEnrolment:
    created: list[Enrolment] = field(default_factory=list)
    linked: list[Enrolment] = field(default_factory=list)
    unchanged: list[Enrolment] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    """One line per person and course already enrolled through another project (left as is)."""


def enrolments_create_for_project(*, project, actor: User | None) -> ProjectEnrolment:
    """An approved training project enrols every roster person in every course of the project
    (source ``project``). A person enrolled in the course without a project is linked to it;
    one enrolled through another project is reported in ``conflicts`` and left unchanged.
    Called by the project's approval (a reviewer of the project's region) inside its
    transaction; ``actor=None`` is the system."""
    from jineng.projects.models import ProjectState

    if actor is not None and not user_has_role(user=actor, role=Role.SYSTEM_ADMIN):
        codes = [project.organization.region_id]
        if project.reviewing_office_id:
            codes.append(project.reviewing_office.region_id)
        if not any(region.contains(code) for region in user_region_scopes(user=actor) for code in codes):
            raise PermissionDenied("只有受理该培训项目的审核人员可以为名册人员报名")
    if project.state not in (ProjectState.APPROVED, ProjectState.RUNNING):
        raise DomainError("project_not_approved", "培训项目备案通过后才能为名册人员报名", field="project")
    courses = list(project.courses.all().prefetch_related("modules").order_by("id"))
    for course in courses:
        if course.status != Course.Status.PUBLISHED:
            raise DomainError("course_not_published",
                              f"课程“{course.title}”未发布或已下架，不能报名；请退回申请单位更换课程", field="courses")
    persons = [entry.person for entry in project.roster.select_related("person").order_by("position")]
    existing = {(e.person_id, e.course_id): e for e in Enrolment.objects.filter(
        course__in=courses, person__in=persons).select_related("project")}
    organization = project.organization
    result = ProjectEnrolment()
    with transaction.atomic():
        for course in courses:
            for person in persons:
                enrolment = existing.get((person.pk, course.pk))
                if enrolment is None:
                    result.created.append(_create(course=course, person=person, actor=actor, organization=organization,
                                                  source=Enrolment.Source.PROJECT, project=project))
                elif enrolment.project_id == project.pk:
                    result.unchanged.append(enrolment)
                elif enrolment.project_id is None:
                    enrolment.project = project
                    enrolment.organization = enrolment.organization or organization
                    Enrolment.objects.filter(pk=enrolment.pk).update(project=project,
                                                                      organization=enrolment.organization)
                    audit_record(actor=actor, action="learning.enrolment.link_project", target=enrolment,
                                 summary={"course": course.pk, "person": person.pk, "project": project.pk,
                                          "id_number": mask_id_number(person.id_number)},
                                 organization_id=organization.pk, region_code=organization.region_id)
                    result.linked.append(enrolment)
                else:
                    result.conflicts.append(f"{person.name}（{mask_id_number(person.id_number)}）的“{course.title}”"
                                            f"属于培训项目 {enrolment.project.number}")
    return result
