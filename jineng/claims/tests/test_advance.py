"""Jinjiang's advance (晋政办〔2019〕79号 二(五)2: 对企业开展培训……培训实施后可先行拨付 60% 的培训补贴资金):
a claim built while the project runs is judged on the projected outcome and paid 60 % after
review; once the project has finished the applicant finalises it, the lines are judged again
from the final records, and the final payment is the judged total less the advance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import AuditEntry
from jineng.claims import selectors, services
from jineng.claims.models import ClaimEvent, ClaimLine, Payment, SubsidyGrant
from jineng.claims.tests import factories as f
from jineng.common.errors import DomainError
from jineng.notifications.models import Notification

pytestmark = pytest.mark.django_db


def amounts(claim) -> dict[str, tuple[str, str]]:
    return {line.person.name: (line.status, str(line.judged_amount))
            for line in ClaimLine.objects.filter(claim=claim).select_related("person")}


def finish(project, jj_admin, scores: dict[str, Decimal]) -> None:
    f.finish_project(project, by=jj_admin, scores=scores)


def advance_paid_claim(jj_project, jj_admin, jj_reviewer):
    claim = services.claim_submit(claim=services.claim_create(project=jj_project, actor=jj_admin), actor=jj_admin)
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    services.claim_advance_pay(claim=claim, reference="JJ2020-ADV-001", paid_on=dt.date(2020, 4, 20),
                               actor=jj_reviewer)
    claim.refresh_from_db()
    return claim


def test_a_running_jinjiang_project_is_advanced_sixty_percent_then_paid_the_rest(jj_project, jj_admin, jj_reviewer,
                                                                                  frozen_clock):
    assert [(p.pk, p.advance) for p in selectors.claimable_projects_for(user=jj_admin)] == [(jj_project.pk, True)]
    claim = services.claim_create(project=jj_project, actor=jj_admin)
    assert (claim.phase, claim.subsidy, str(claim.judged_total)) == ("advance", "on_the_job_training", "1600.00")
    # judged on the projected outcome: 300 of 900 minutes learned so far, no assessment yet
    line = claim.lines.get(position=1)
    assert (line.facts["countable_minutes"], line.facts["passed"], line.facts["certificate"]) == (300, False, "none")
    assert line.trace["projection"] == ("先行拨付按培训实施后的预计结果计算：假定学完计划的 900 分钟、结业考核合格并取得培训合格证书；"
                                        "培训结束后按实际记录重新判定，多退少补")
    claim = services.claim_submit(claim=claim, actor=jj_admin)
    assert (claim.state, claim.review_due) == ("submitted", None)  # 晋江 sets no review period
    assert sorted(str(g.amount) for g in SubsidyGrant.objects.filter(status="reserved")) == ["800.00", "800.00"]
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    with pytest.raises(DomainError) as exc:
        services.claim_approve(claim=claim, actor=jj_reviewer)
    assert exc.value.code == "advance_phase_not_approvable"

    payment = services.claim_advance_pay(claim=claim, reference="JJ2020-ADV-001", paid_on=dt.date(2020, 4, 20),
                                         actor=jj_reviewer)
    claim.refresh_from_db()
    assert (payment.kind, str(payment.amount)) == ("advance", "960.00")
    assert (claim.state, str(claim.advance_paid)) == ("advance_paid", "960.00")
    assert ClaimEvent.objects.get(claim=claim, transition="advance").comment == (
        "先行拨付 60%（晋政办〔2019〕79号 二(五)2）：960.00 元，凭证号 JJ2020-ADV-001")
    with pytest.raises(DomainError) as exc:
        services.claim_finalize(claim=claim, actor=jj_admin)
    assert (exc.value.code, exc.value.field) == ("project_not_finished", "claim")

    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    finish(jj_project, jj_admin, {"陈美玲": Decimal("88"), "林志强": Decimal("75")})
    claim = services.claim_finalize(claim=claim, actor=jj_admin)
    assert (claim.state, claim.phase, str(claim.judged_total)) == ("submitted", "final", "1600.00")
    line = claim.lines.get(position=1)
    assert (line.facts["countable_minutes"], line.facts["passed"], line.facts["certificate"]) == (900, True, "training")
    assert "projection" not in line.trace
    # the projected reservations were replaced by the final ones
    assert sorted((g.status, str(g.amount)) for g in SubsidyGrant.objects.all()) == [
        ("reserved", "800.00"), ("reserved", "800.00")]

    services.claim_review_start(claim=claim, actor=jj_reviewer)
    claim = services.claim_approve(claim=claim, actor=jj_reviewer, comment="培训已完成，证书齐全")
    assert (claim.state, claim.notice_end) == ("public_notice", dt.date(2020, 5, 25))  # 5 working days (default)
    frozen_clock(f.shanghai(2020, 5, 26, 9, 0))
    assert services.claims_advance_due() == {"notices_closed": 1, "overdue_flagged": 0}
    claim.refresh_from_db()
    claim = services.claim_pay(claim=claim, reference="JJ2020-FIN-001", paid_on=dt.date(2020, 5, 26),
                               actor=jj_reviewer)
    assert (claim.state, str(claim.paid_total), str(claim.advance_paid)) == ("paid", "1600.00", "960.00")
    assert [(p.kind, str(p.amount), p.reference) for p in Payment.objects.filter(claim=claim)] == [
        ("advance", "960.00", "JJ2020-ADV-001"), ("final", "640.00", "JJ2020-FIN-001")]
    assert ClaimEvent.objects.filter(claim=claim).last().comment == (
        "审定 1600.00 元，已先行拨付 960.00 元，拨付余款 640.00 元，支付凭证号 JJ2020-FIN-001")
    assert [e.transition for e in ClaimEvent.objects.filter(claim=claim)] == [
        "create", "submit", "start_review", "advance", "finalize", "start_review", "approve", "close_notice", "pay"]
    assert sorted((g.status, str(g.amount)) for g in SubsidyGrant.objects.all()) == [("paid", "800.00"),
                                                                                    ("paid", "800.00")]
    assert list(AuditEntry.objects.filter(action__in=["claim.advance_pay", "claim.finalize"])
                .values_list("action", flat=True).order_by("pk")) == ["claim.advance_pay", "claim.finalize"]
    assert list(Notification.objects.filter(recipient=jj_admin).order_by("pk").values_list("kind", flat=True)) == [
        "claims.advance_paid", "claims.public_notice", "claims.paid"]


def test_when_the_final_judgement_is_below_the_advance_the_excess_is_paid_back(jj_project, jj_admin, jj_reviewer,
                                                                               frozen_clock):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    finish(jj_project, jj_admin, {"陈美玲": Decimal("88"), "林志强": Decimal("40")})  # 林志强 fails
    claim = services.claim_finalize(claim=claim, actor=jj_admin)
    assert amounts(claim) == {"陈美玲": ("eligible", "800.00"), "林志强": ("excluded", "0.00")}
    assert str(claim.judged_total) == "800.00"
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    services.claim_approve(claim=claim, actor=jj_reviewer)
    frozen_clock(f.shanghai(2020, 5, 26, 9, 0))
    services.claims_advance_due()
    claim.refresh_from_db()
    claim = services.claim_pay(claim=claim, reference="TH2020-0526", paid_on=dt.date(2020, 5, 26), actor=jj_reviewer)
    assert (str(claim.paid_total), str(Payment.objects.get(claim=claim, kind="final").amount)) == ("800.00", "-160.00")
    assert ClaimEvent.objects.filter(claim=claim).last().comment == (
        "审定 800.00 元，少于已先行拨付的 960.00 元：申请单位退回多拨付的 160.00 元，退款凭证号 TH2020-0526")


def test_an_advanced_claim_cannot_be_withdrawn_and_a_returned_one_is_finalised_again(jj_project, jj_admin,
                                                                                     jj_reviewer, frozen_clock):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    finish(jj_project, jj_admin, {"陈美玲": Decimal("88"), "林志强": Decimal("75")})
    claim = services.claim_finalize(claim=claim, actor=jj_admin)
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    claim = services.claim_return(claim=claim, actor=jj_reviewer, comment="请上传培训成本凭证")
    with pytest.raises(DomainError) as exc:
        services.claim_withdraw(claim=claim, actor=jj_admin)
    assert exc.value.code == "advance_paid"
    assert exc.value.message.startswith("本申请已先行拨付 960.00 元，不能撤回")
    claim = services.claim_submit(claim=claim, actor=jj_admin)  # the returned claim goes in again
    assert (claim.state, str(claim.judged_total)) == ("submitted", "1600.00")
    assert sorted((g.status, str(g.amount)) for g in SubsidyGrant.objects.all()) == [
        ("reserved", "800.00"), ("reserved", "800.00")]


def test_only_packs_with_an_advance_may_claim_a_running_project(employer, training_admin, course, learners,
                                                               reviewer, project):
    running = f.make_project(organization=employer, created_by=training_admin, course=course, state="running",
                             name="韶关在训项目")
    assert [p.pk for p in selectors.claimable_projects_for(user=training_admin)] == [project.pk]
    with pytest.raises(DomainError) as exc:
        services.claim_create(project=running, actor=training_admin)
    assert exc.value.message == "培训项目“韶关在训项目”当前为“培训中”，培训结束后才能申请补贴"
    # a claim made after the training ended is paid once, after the notice: no advance
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.claim_advance_pay(claim=claim, reference="X", paid_on=dt.date(2020, 4, 20), actor=reviewer)
    assert exc.value.code == "advance_not_in_policy"


def test_a_finished_jinjiang_project_is_claimed_in_full_without_an_advance(jj_project, jj_admin, jj_reviewer,
                                                                          frozen_clock):
    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    finish(jj_project, jj_admin, {"陈美玲": Decimal("88"), "林志强": Decimal("75")})
    claim = services.claim_submit(claim=services.claim_create(project=jj_project, actor=jj_admin), actor=jj_admin)
    assert (claim.phase, str(claim.judged_total)) == ("final", "1600.00")
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    with pytest.raises(DomainError) as exc:
        services.claim_advance_pay(claim=claim, reference="X", paid_on=dt.date(2020, 5, 18), actor=jj_reviewer)
    assert exc.value.message == "该申请是培训结束后按最终结果提出的，公示期满后一次拨付，不再先行拨付"


# --- an advance on a claim that is finally refused is paid back -------------------------------------

def test_a_rejected_claim_owes_its_advance_until_the_refund_is_recorded(jj_project, jj_admin, jj_reviewer,
                                                                          frozen_clock):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    finish(jj_project, jj_admin, {"陈美玲": Decimal("88"), "林志强": Decimal("75")})
    claim = services.claim_finalize(claim=claim, actor=jj_admin)
    services.claim_review_start(claim=claim, actor=jj_reviewer)
    claim = services.claim_reject(claim=claim, actor=jj_reviewer, comment="培训记录与签到表不符")
    assert (claim.state, str(claim.advance_outstanding)) == ("rejected", "960.00")
    notice = Notification.objects.filter(kind="claims.rejected").latest("pk")
    assert "已先行拨付的 960.00 元须退回" in notice.body
    assert [row.claim.pk for row in selectors.review_queue(user=jj_reviewer)] == [claim.pk]
    assert selectors.review_queue(user=jj_reviewer)[0].due_label == "待退回先行拨付 960.00 元"

    with pytest.raises(DomainError) as exc:
        services.claim_advance_recover(claim=claim, amount=Decimal("961.00"), reference="TH-1",
                                       paid_on=dt.date(2020, 5, 18), actor=jj_reviewer)
    assert (exc.value.code, exc.value.field) == ("recovery_too_much", "amount")
    assert exc.value.message == "退回金额不能超过尚未退回的 960.00 元"
    services.claim_advance_recover(claim=claim, amount=Decimal("500.00"), reference="TH2020-0518-1",
                                   paid_on=dt.date(2020, 5, 18), actor=jj_reviewer)
    claim.refresh_from_db()
    assert str(claim.advance_outstanding) == "460.00"
    frozen_clock(f.shanghai(2020, 5, 25, 9, 0))
    services.claim_advance_recover(claim=claim, amount=None, reference="TH2020-0525-2",
                                   paid_on=dt.date(2020, 5, 25), actor=jj_reviewer)  # the rest
    claim.refresh_from_db()
    assert (str(claim.advance_recovered), str(claim.advance_outstanding)) == ("960.00", "0.00")
    assert [(p.kind, str(p.amount)) for p in Payment.objects.filter(claim=claim)] == [
        ("advance", "960.00"), ("refund", "-500.00"), ("refund", "-460.00")]
    assert ClaimEvent.objects.filter(claim=claim, transition="recover").count() == 2
    assert AuditEntry.objects.filter(action="claim.advance_recover").count() == 2
    assert selectors.review_queue(user=jj_reviewer) == []
    with pytest.raises(DomainError) as exc:
        services.claim_advance_recover(claim=claim, amount=Decimal("1.00"), reference="TH-3",
                                       paid_on=dt.date(2020, 5, 25), actor=jj_reviewer)
    assert exc.value.code == "nothing_to_recover"


def test_a_project_that_stops_after_the_advance_can_be_rejected_from_advance_paid(jj_project, jj_admin, jj_reviewer,
                                                                                   frozen_clock):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    claim = services.claim_reject(claim=claim, actor=jj_reviewer, comment="企业已停止培训，未按备案实施")
    assert (claim.state, str(claim.advance_outstanding)) == ("rejected", "960.00")
    assert not SubsidyGrant.objects.filter(status="reserved").exists()
    assert ClaimEvent.objects.filter(claim=claim, transition="reject").get().late is False


def test_only_a_rejected_claim_with_an_advance_is_recovered_and_only_by_its_reviewer(
        jj_project, jj_admin, jj_reviewer, frozen_clock):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    with pytest.raises(DomainError) as exc:
        services.claim_advance_recover(claim=claim, amount=None, reference="TH-1", paid_on=dt.date(2020, 4, 20),
                                       actor=jj_reviewer)
    assert exc.value.code == "nothing_to_recover"
    services.claim_reject(claim=claim, actor=jj_reviewer, comment="企业已停止培训")
    with pytest.raises(DomainError):
        services.claim_advance_recover(claim=claim, amount=None, reference="TH-1", paid_on=dt.date(2020, 4, 20),
                                       actor=jj_admin)
    with pytest.raises(DomainError) as exc:
        services.claim_advance_recover(claim=claim, amount=None, reference=" ", paid_on=dt.date(2020, 4, 20),
                                       actor=jj_reviewer)
    assert exc.value.field == "reference"
    with pytest.raises(DomainError) as exc:
        services.claim_advance_recover(claim=claim, amount=None, reference="TH-1", paid_on=dt.date(2020, 4, 21),
                                       actor=jj_reviewer)
    assert exc.value.field == "paid_on"


def test_the_reviewer_stops_an_advanced_claim_and_records_the_refund_on_the_page(
        jj_project, jj_admin, jj_reviewer, frozen_clock, staff_client):
    claim = advance_paid_claim(jj_project, jj_admin, jj_reviewer)
    client = staff_client(jj_reviewer)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "不通过，追回先行拨付资金" in page
    response = client.post(f"/claims/{claim.pk}/decide/", {"decision": "reject", "comment": "企业已停止培训"})
    assert response.status_code == 302
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "尚需退回 960.00 元" in page and 'id="recovery-form"' in page
    refused = client.post(f"/claims/{claim.pk}/recover/", {"amount": "1000", "reference": "TH-1", "paid_on": "2020-04-20"})
    assert refused.status_code == 400
    assert "退回金额不能超过尚未退回的 960.00 元" in refused.content.decode()
    done = client.post(f"/claims/{claim.pk}/recover/", {"amount": "", "reference": "TH-1", "paid_on": "2020-04-20"},
                       follow=True)
    page = done.content.decode()
    assert "退回的先行拨付资金已登记" in page and "已全部退回" in page and "退回先行拨付 -960.00 元" in page
