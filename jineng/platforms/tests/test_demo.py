"""The demo loader: the platforms of the seeds, one request pending and one approved at
韶关, 韶关's filing — and nothing twice when it runs again."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.platforms import selectors
from jineng.platforms.demo import platforms_load_demo
from jineng.platforms.models import Platform, PlatformEvaluation, PlatformFiling
from jineng.platforms.tests.conftest import shanghai

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(shandong, centres, institution, enterprise, other_enterprise, training_admin, other_admin,
                             officer, frozen_clock):
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    counts = []
    for _ in range(2):
        platforms_load_demo(operator_org=institution, enterprises=[enterprise, other_enterprise], officer=officer,
                            stdout=lambda *_: None)
        counts.append((Platform.objects.count(), PlatformEvaluation.objects.count(), PlatformFiling.objects.count()))
    assert counts == [(7, 2, 2), (7, 2, 2)]
    shandong_list = Platform.objects.filter(recommendation="province").order_by("id")
    assert [(p.name, p.website, p.recommended_region_id) for p in shandong_list] == [
        ("行知学徒网", "www.ixueto.com", "370000"), ("潍坊职业培训网络平台", "www.wfjtip.com", "370000"),
        ("乐创空间-创新创业在线实训平台", "www.leonline.cn", "370000"), ("互联网+职业技能培训网", "www.wljnpx.com", "370000")]
    jineng = Platform.objects.get(ownership="ours")
    assert jineng.operator == institution
    pending = PlatformEvaluation.objects.get(organization=enterprise)
    approved = PlatformEvaluation.objects.get(organization=other_enterprise)
    assert (pending.status, pending.due_date, approved.status) == ("submitted", dt.date(2020, 5, 7), "approved")
    assert [row.evaluation for row in selectors.evaluation_queue(user=officer)] == [pending]
    assert selectors.platform_usable_by(organization=other_enterprise, platform=approved.platform,
                                        on=dt.date(2020, 4, 29))[0] is True
    ministry = Platform.objects.get(recommendation="ministry")
    assert selectors.platform_usable_by(organization=enterprise, platform=ministry, on=dt.date(2020, 4, 29))[0] is True
    assert sorted(PlatformFiling.objects.values_list("platform__name", flat=True)) == [
        "岭南职工云课堂（示例）", "技能 jineng 线上职业技能培训平台"]
