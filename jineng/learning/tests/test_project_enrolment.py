"""``enrolments_create_for_project``: an approved project enrols its roster in its courses;
enrolments without a project are linked, those of another project reported and left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.learning.models import Enrolment, ModuleProgress
from jineng.learning.services import enrolment_create
from jineng.learning.services.enrolment import enrolments_create_for_project
from jineng.learning.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def bureau(regions):
    from jineng.regions.services import bureau_upsert

    return bureau_upsert(region_code="440204", name="韶关市浈江区人力资源和社会保障局", kind="bureau", actor=None)[0]


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff("county_reviewer", region=regions["zhenjiang"])


def make_project(*, employer, bureau, course, persons, author, number="440204-2026-0001", state="approved"):
    """Test data for the learning side: the projects app's services build the real thing."""
    from jineng.platforms.models import Platform
    from jineng.projects.models import Project, RosterEntry

    platform = Platform.objects.create(name=f"平台{number}", website="px.class.com.cn")
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    project = Project.objects.create(
        number=number, organization=employer, kind="on_the_job", occupation=course.occupation, platform=platform,
        name="车工在岗线上培训", start_date=dt.date(2026, 3, 9), end_date=dt.date(2026, 3, 31), purpose="提升技能",
        planned_headcount=len(persons), planned_class_hours=4, contact_name="黄小燕", contact_phone="0751-8879882",
        reviewing_office=bureau, state=state, created_by=author, created_at=now, updated_at=now)
    project.courses.set([course])
    for position, person in enumerate(persons, start=1):
        RosterEntry.objects.create(project=project, position=position, person=person, platform_account=f"acc{position}",
                                   added_at=now)
    return project


def enrol(project, actor):
    with transaction.atomic():
        return enrolments_create_for_project(project=project, actor=actor)


def test_every_roster_person_is_enrolled_in_every_course(employer, bureau, course, author, reviewer, regions):
    people = [factories.make_learner(name="李小红").person, factories.make_learner(name="王志强").person]
    project = make_project(employer=employer, bureau=bureau, course=course, persons=people, author=author)
    result = enrol(project, reviewer)
    assert (len(result.created), result.linked, result.conflicts) == (2, [], [])
    rows = Enrolment.objects.filter(project=project).order_by("person__name")
    assert [(e.person.name, e.source, e.organization_id, e.enrolled_by_id) for e in rows] == [
        ("李小红", "project", employer.pk, reviewer.pk), ("王志强", "project", employer.pk, reviewer.pk)]
    assert ModuleProgress.objects.filter(enrolment__project=project).count() == 4  # two modules each
    assert AuditEntry.objects.filter(action="learning.enrolment.create").count() == 2


def test_an_enrolment_without_a_project_is_linked(employer, bureau, course, author, reviewer, learner):
    own = enrolment_create(course=course, actor=learner)
    project = make_project(employer=employer, bureau=bureau, course=course, persons=[learner.person], author=author)
    result = enrol(project, reviewer)
    assert (result.created, [e.pk for e in result.linked]) == ([], [own.pk])
    own.refresh_from_db()
    assert (own.project, own.organization, own.source) == (project, employer, "self")
    assert AuditEntry.objects.filter(action="learning.enrolment.link_project").count() == 1
    again = enrol(project, reviewer)  # idempotent
    assert ([e.pk for e in again.unchanged], again.created, again.linked) == ([own.pk], [], [])


def test_an_enrolment_of_another_project_is_reported_not_changed(employer, bureau, course, author, reviewer, learner):
    first = make_project(employer=employer, bureau=bureau, course=course, persons=[learner.person], author=author)
    enrol(first, reviewer)
    second = make_project(employer=employer, bureau=bureau, course=course, persons=[learner.person], author=author,
                          number="440204-2026-0002")
    result = enrol(second, reviewer)
    assert result.created == [] and len(result.conflicts) == 1
    assert "属于培训项目 440204-2026-0001" in result.conflicts[0]
    assert Enrolment.objects.get(person=learner.person).project == first


def test_only_an_approved_project_enrols(employer, bureau, course, author, reviewer, learner):
    project = make_project(employer=employer, bureau=bureau, course=course, persons=[learner.person], author=author,
                           state="submitted")
    with pytest.raises(DomainError) as exc:
        enrol(project, reviewer)
    assert exc.value.code == "project_not_approved"
    assert not Enrolment.objects.exists()


def test_a_reviewer_of_another_region_may_not(employer, bureau, course, author, make_staff, regions, learner):
    project = make_project(employer=employer, bureau=bureau, course=course, persons=[learner.person], author=author)
    stranger = make_staff("county_reviewer", region=regions["dongqu"])
    with pytest.raises(PermissionDenied):
        enrol(project, stranger)
