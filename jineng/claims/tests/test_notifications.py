"""In-site notifications: the claim's creator hears when it is returned, rejected, publicly
noticed, objected to and paid; the reviewers of its region hear of objections and of claims
past their deadline (the background task marks them overdue)."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.claims import selectors, services
from jineng.claims.models import ClaimEvent
from jineng.claims.tests import factories as f
from jineng.identity.models import Role
from jineng.notifications.models import Notification

pytestmark = pytest.mark.django_db


def received(user) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "title"))


@pytest.fixture
def city_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="officer_sg")


def submitted(project, training_admin):
    return services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                 actor=training_admin)


def test_the_creator_hears_of_return_notice_objection_and_payment(project, training_admin, reviewer, city_officer,
                                                                  other_reviewer, frozen_clock):
    claim = submitted(project, training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    services.claim_return(claim=claim, actor=reviewer, comment="请上传培训成本凭证")
    claim = services.claim_submit(claim=claim, actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    services.claim_approve(claim=claim, actor=reviewer)
    objection = services.objection_lodge(claim=claim, contact_name="赵六", contact_phone="13900001111",
                                         reason="张三丰培训期间在外地出差，请核实学习记录")
    services.objection_resolve(objection=objection, upheld=False, resolution="经核查学习记录与出差时间不冲突",
                               actor=reviewer)
    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))
    services.claims_advance_due()
    claim.refresh_from_db()
    services.claim_pay(claim=claim, reference="GK2020-0427-001", paid_on=dt.date(2020, 4, 27), actor=reviewer)

    n = claim.number
    assert received(training_admin) == [
        ("claims.returned", f"补贴申请 {n} 已退回修改"),
        ("claims.public_notice", f"补贴申请 {n} 审核通过，进入公示"),
        ("claims.objection", f"补贴申请 {n} 公示期间收到异议"),
        ("claims.paid", f"补贴申请 {n} 已拨付"),
    ]
    returned, notice, _, paid = Notification.objects.filter(recipient=training_admin).order_by("pk")
    assert returned.body == "审核意见：请上传培训成本凭证\n请按意见修改后重新提交。"
    assert returned.link == f"/claims/{claim.pk}/"
    assert notice.body == ("审定金额 600.00 元；公示期 2020-04-20 至 2020-04-26（韶人社函〔2020〕11号 附件1 二(二)），"
                           "期满无异议后列入拨付计划。")
    assert paid.body == "拨付 600.00 元，支付凭证号 GK2020-0427-001"
    # the county reviewer and the city officer above hear of the objection; another county's does not
    for user in (reviewer, city_officer):
        assert received(user) == [("claims.objection_lodged", f"补贴申请 {n} 收到公示异议，请核查")]
    assert Notification.objects.get(recipient=reviewer).body == (
        "浈江机械厂 · 企业职工线上适岗培训补贴：张三丰培训期间在外地出差，请核实学习记录")
    assert received(other_reviewer) == []
    assert [r.pk for r in selectors.reviewers_of(region_code="440204")] == [reviewer.pk, city_officer.pk]


def test_the_creator_hears_of_a_rejection(project, training_admin, reviewer):
    claim = submitted(project, training_admin)
    services.claim_reject(claim=claim, actor=reviewer, comment="未按备案计划开展培训")
    assert received(training_admin) == [("claims.rejected", f"补贴申请 {claim.number} 审核不通过")]
    assert Notification.objects.get(recipient=training_admin).body == "审核意见：未按备案计划开展培训"


def test_an_overdue_payment_is_flagged_and_the_reviewers_are_told(project, training_admin, reviewer, city_officer,
                                                                  frozen_clock):
    claim = submitted(project, training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    services.claim_approve(claim=claim, actor=reviewer)
    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))
    assert services.claims_advance_due() == {"notices_closed": 1, "overdue_flagged": 0}
    claim.refresh_from_db()
    assert (claim.state, claim.payment_due, claim.overdue) == ("payment_plan", dt.date(2020, 6, 9), False)

    assert services.claims_advance_due(on=dt.date(2020, 6, 9)) == {"notices_closed": 0, "overdue_flagged": 0}
    frozen_clock(f.shanghai(2020, 6, 10, 8, 0))
    assert services.claims_advance_due() == {"notices_closed": 0, "overdue_flagged": 1}
    assert services.claims_advance_due() == {"notices_closed": 0, "overdue_flagged": 0}  # once
    claim.refresh_from_db()
    assert claim.overdue is True
    entry = AuditEntry.objects.get(action="claim.overdue")
    assert (entry.summary, entry.region_code) == ({"state": "payment_plan", "due": "2020-06-09"}, "440204")
    title = f"补贴申请 {claim.number} 拨付已超期（期限 2020-06-09）"
    for user in (reviewer, city_officer):
        assert ("claims.overdue", title) in received(user)
    rows = selectors.review_queue(user=reviewer)
    assert [(r.claim.pk, r.overdue, r.due, r.due_label) for r in rows] == [
        (claim.pk, True, dt.date(2020, 6, 9), "拨付期限")]

    claim = services.claim_pay(claim=claim, reference="GK2020-0610", paid_on=dt.date(2020, 6, 10), actor=reviewer)
    assert claim.overdue is False
    assert ClaimEvent.objects.get(claim=claim, transition="pay").late is True
