"""Routing (the county bureau by default; Panzhihua's rules for its four large enterprises and
for university students) and who sees which project."""

from __future__ import annotations

import pytest

from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.projects import selectors, services
from jineng.projects.models import RoutingRule
from jineng.projects.tests.conftest import plan

pytestmark = pytest.mark.django_db

SOURCE = "攀人社发〔2020〕33号 四(一)"


def rule(officer, bureaus, regions, **kwargs):
    return services.routing_rule_create(city=regions["panzhihua"], office=bureaus["pzh_centre"], source=SOURCE,
                                        actor=officer, **kwargs)


def test_without_rules_the_county_bureau_takes_the_filing(pzh_enterprise, bureaus):
    routing = selectors.routing_for(organization=pzh_enterprise, learners_are_students=False)
    assert (routing.office, routing.rule) == (bureaus["dongqu"], None)


def test_a_named_enterprise_goes_to_the_city_centre(pzh_enterprise, pzh_officer, bureaus, regions):
    made = rule(pzh_officer, bureaus, regions, match="organization", organization=pzh_enterprise,
                note="攀钢、十九冶、攀煤、钢城集团")
    routing = selectors.routing_for(organization=pzh_enterprise, learners_are_students=False)
    assert (routing.office, routing.rule) == (bureaus["pzh_centre"], made)
    assert routing.reason == f"分派规则：攀钢集团有限公司向攀枝花市人社局职业技能鉴定和培训指导中心申请（{SOURCE}）"


def test_students_go_to_the_employment_centre(pzh_enterprise, pzh_officer, bureaus, regions):
    made = services.routing_rule_create(city=regions["panzhihua"], match="learner_group",
                                        learner_group="university_student", office=bureaus["pzh_jobs"], source=SOURCE,
                                        actor=pzh_officer)
    assert selectors.routing_for(organization=pzh_enterprise, learners_are_students=False).office == bureaus["dongqu"]
    routing = selectors.routing_for(organization=pzh_enterprise, learners_are_students=True)
    assert (routing.office, routing.rule) == (bureaus["pzh_jobs"], made)


def test_the_organisation_rule_beats_region_and_group_rules(pzh_enterprise, pzh_officer, bureaus, regions):
    rule(pzh_officer, bureaus, regions, match="region", region=regions["dongqu"])
    services.routing_rule_create(city=regions["panzhihua"], match="learner_group", learner_group="university_student",
                                 office=bureaus["pzh_jobs"], source=SOURCE, actor=pzh_officer)
    by_org = services.routing_rule_create(city=regions["panzhihua"], match="organization", organization=pzh_enterprise,
                                          office=bureaus["dongqu"], source=SOURCE, actor=pzh_officer)
    assert selectors.routing_for(organization=pzh_enterprise, learners_are_students=True).rule == by_org


def test_a_deactivated_rule_no_longer_routes(pzh_enterprise, pzh_officer, bureaus, regions):
    made = rule(pzh_officer, bureaus, regions, match="organization", organization=pzh_enterprise)
    services.routing_rule_deactivate(rule=made, actor=pzh_officer)
    assert selectors.routing_for(organization=pzh_enterprise, learners_are_students=False).office == bureaus["dongqu"]


def test_rules_need_a_source_and_the_citys_officer(pzh_enterprise, pzh_officer, officer, dongqu_reviewer, bureaus,
                                                   regions):
    with pytest.raises(DomainError) as exc:
        services.routing_rule_create(city=regions["panzhihua"], match="organization", organization=pzh_enterprise,
                                     office=bureaus["pzh_centre"], source=" ", actor=pzh_officer)
    assert (exc.value.code, exc.value.field) == ("source_required", "source")
    for actor in (officer, dongqu_reviewer):
        with pytest.raises(PermissionDenied):
            rule(actor, bureaus, regions, match="organization", organization=pzh_enterprise)
    with pytest.raises(DomainError) as exc:
        services.routing_rule_create(city=regions["panzhihua"], match="organization", organization=pzh_enterprise,
                                     office=bureaus["pzh_finance"], source=SOURCE, actor=pzh_officer)
    assert exc.value.code == "office_invalid"
    assert RoutingRule.objects.count() == 0


def test_a_routed_filing_is_decided_by_the_city_not_the_county(pzh_enterprise, pzh_admin, pzh_officer,
                                                               dongqu_reviewer, bureaus, regions, occupation, platform):
    rule(pzh_officer, bureaus, regions, match="organization", organization=pzh_enterprise)
    project = services.project_create(data=plan(pzh_enterprise, occupation, platform), actor=pzh_admin)
    routing = selectors.routing_for(organization=pzh_enterprise, learners_are_students=False)
    project.reviewing_office, project.routing_rule, project.submitted_at = routing.office, routing.rule, project.created_at
    project.save(update_fields=["reviewing_office", "routing_rule", "submitted_at"])
    assert selectors.user_reviews(user=pzh_officer, project=project) is True
    assert selectors.user_reviews(user=dongqu_reviewer, project=project) is False
    # the county still sees its enterprise's project
    assert selectors.project_get_visible(user=dongqu_reviewer, project_id=project.pk) == project


def test_scope(submitted, training_admin, reviewer, wujiang_reviewer, officer, pzh_officer, pzh_admin, sysadmin,
               institution_admin):
    for user in (training_admin, reviewer, officer, sysadmin):
        assert selectors.project_get_visible(user=user, project_id=submitted.pk) == submitted
    for user in (wujiang_reviewer, pzh_officer, pzh_admin, institution_admin):
        with pytest.raises(NotFound):
            selectors.project_get_visible(user=user, project_id=submitted.pk)
        assert list(selectors.projects_visible_to(user=user)) == []


def test_the_entrusted_institution_sees_the_project(draft, training_admin, institution, institution_admin,
                                                    enterprise, occupation, platform):
    services.project_update(project=draft, data=plan(enterprise, occupation, platform, organiser="entrusted",
                                                     institution=institution), actor=training_admin)
    assert selectors.project_get_visible(user=institution_admin, project_id=draft.pk) == draft


def test_the_queue_is_ordered_by_deadline_and_flags_overdue(submitted, reviewer, training_admin, enterprise,
                                                            occupation, platform, course, roster_rows, frozen_clock):
    from jineng.projects.tests.conftest import shanghai

    later = services.project_create(data=plan(enterprise, occupation, platform, name="第二期",
                                              start_date=submitted.start_date.replace(day=10)), actor=training_admin)
    assert later.start_date.isoformat() == "2020-04-10"
    rows = selectors.review_queue(user=reviewer)
    assert [r.project.pk for r in rows] == [submitted.pk]
    frozen_clock(shanghai(2020, 4, 15, 9))
    rows = selectors.review_queue(user=reviewer)
    assert [(r.project.pk, r.overdue) for r in rows] == [(submitted.pk, True)]
    only_overdue = selectors.review_queue(user=reviewer, filters=selectors.QueueFilters(overdue=True))
    assert len(only_overdue) == 1
    other_kind = selectors.review_queue(user=reviewer, filters=selectors.QueueFilters(kind="pre_job"))
    assert other_kind == []
    # a draft stays with its applicant until it is submitted
    assert selectors.review_queue(user=reviewer, filters=selectors.QueueFilters(state="draft")) == []
    assert selectors.review_queue(user=training_admin, filters=selectors.QueueFilters(state="draft"))[0].project == later
