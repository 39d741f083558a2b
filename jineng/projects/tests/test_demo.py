"""The demo data: Panzhihua's routing rules and a submitted Shaoguan filing, idempotent."""

from __future__ import annotations

import pytest

from jineng.projects.demo import load_demo
from jineng.projects.models import Project, RoutingRule

pytestmark = pytest.mark.django_db


def test_load_demo_twice(regions, bureaus, sysadmin, training_admin, enterprise, employees, course, platform):
    from jineng.regions.models import Region

    for code, name in (("510403", "西区"), ("510411", "仁和区")):
        Region.objects.create(code=code, name=name, level="county", parent=regions["panzhihua"],
                              province_code="510000", city_code="510400")
    lines: list[str] = []
    for _ in range(2):
        load_demo(actor=sysadmin, training_admin=training_admin, organization=enterprise, stdout=lines.append)
    rules = RoutingRule.objects.filter(active=True).select_related("office", "organization")
    assert sorted((r.match, r.organization.name if r.organization else r.learner_group, r.office.name)
                  for r in rules) == [
        ("learner_group", "university_student", "攀枝花市人社局就业创业促进中心"),
        ("organization", "中国十九冶集团有限公司", "攀枝花市人社局职业技能鉴定和培训指导中心"),
        ("organization", "攀枝花煤业（集团）有限责任公司", "攀枝花市人社局职业技能鉴定和培训指导中心"),
        ("organization", "攀钢集团有限公司", "攀枝花市人社局职业技能鉴定和培训指导中心"),
        ("organization", "攀钢集团钢城企业总公司", "攀枝花市人社局职业技能鉴定和培训指导中心"),
    ]
    project = Project.objects.get()
    assert (project.state, project.roster.count(), project.reviewing_office.name) == (
        "submitted", 3, "韶关市浈江区人力资源和社会保障局")
    assert lines[1] == "演示备案 440204-2020-0001 已提交韶关市浈江区人力资源和社会保障局"
