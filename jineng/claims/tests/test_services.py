"""The claim from the records to the payment, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import AuditEntry
from jineng.claims import selectors, services
from jineng.claims.models import Claim, ClaimEvent, ClaimLine, ClaimState, Objection, SubsidyGrant
from jineng.claims.tests import factories as f
from jineng.common.errors import DomainError, PermissionDenied
from jineng.policy.selectors import policy_calculate, subsidy_history_for

pytestmark = pytest.mark.django_db


def lines_of(claim):
    return {line.person.name: line for line in claim.lines.select_related("person")}


def test_a_claim_is_built_from_the_records_and_judged_line_by_line(project, training_admin, learners):
    claim = services.claim_create(project=project, actor=training_admin)

    assert (claim.policy, claim.subsidy, claim.state) == ("shaoguan-2020-11", "online_post_training", "draft")
    lines = lines_of(claim)
    passed, failed = lines["张三丰"], lines["李四"]
    assert (passed.status, str(passed.judged_amount), passed.payee, passed.payer_region) == (
        "eligible", "600.00", "employer", "440204")
    assert (passed.facts["planned_minutes"], passed.facts["countable_minutes"], passed.facts["class_hours"],
            passed.facts["passed"], passed.facts["score"]) == (900, 900, 20, True, "86.00")
    assert (failed.status, str(failed.judged_amount), failed.reason, failed.reason_clause) == (
        "excluded", "0.00", "not_passed", "韶人社函〔2020〕11号 附件1 一(三)")
    assert failed.facts["class_hours"] == 13
    assert str(claim.judged_total) == "600.00"
    steps = passed.trace["steps"]
    assert [(s["outcome"], s["amount"]) for s in steps][-2:] == [("amount", "600.00"), ("passed", "600.00")]
    totals = selectors.claim_totals(claim=claim, lines=selectors.claim_lines(claim=claim))
    assert [(t.label, t.name, t.lines, str(t.judged)) for t in totals] == [("企业", "浈江机械厂", 1, "600.00")]
    assert AuditEntry.objects.filter(action="claim.create").count() == 1


def test_only_a_finished_project_of_ones_own_organisation_may_be_claimed(project, reviewer, training_admin,
                                                                         employer, course):
    with pytest.raises(PermissionDenied):
        services.claim_create(project=project, actor=reviewer)
    running = f.make_project(organization=employer, created_by=training_admin, course=course, state="running")
    with pytest.raises(DomainError) as exc:
        services.claim_create(project=running, actor=training_admin)
    assert exc.value.code == "project_not_finished"
    assert "培训结束后才能申请补贴" in exc.value.message


def test_a_person_not_on_the_approved_roster_is_refused_with_the_reason(project, training_admin, employer, course):
    claim = services.claim_create(project=project, actor=training_admin)
    late = f.make_learner(name="王五")
    f.add_to_roster(project=project, user=late, organization=employer,
                    added_at=project.decided_at + dt.timedelta(days=1))  # added after the approval
    with pytest.raises(DomainError) as exc:
        services.claim_line_add(claim=claim, person=late.person, actor=training_admin)
    assert (exc.value.code, exc.value.field) == ("not_on_roster", "person")
    assert exc.value.message.startswith("王*不在该项目备案时经审核的培训人员名册上")
    assert claim.lines.count() == 2


def test_the_whole_path_to_payment_makes_history(project, training_admin, reviewer, learners, frozen_clock):
    claim = services.claim_create(project=project, actor=training_admin)
    claim = services.claim_submit(claim=claim, actor=training_admin)
    assert claim.state == ClaimState.SUBMITTED
    assert claim.review_due == dt.date(2020, 5, 12)  # 15 working days: 五一 off, 4-26 and 5-9 (调休) on
    assert claim.review_due_citation == "韶人社函〔2020〕11号 附件1 二(二)"
    grant = SubsidyGrant.objects.get()
    assert (grant.status, str(grant.amount)) == ("reserved", "600.00")

    services.claim_review_start(claim=claim, actor=reviewer)
    claim = services.claim_approve(claim=claim, actor=reviewer, comment="材料齐全")
    assert (claim.state, claim.notice_start, claim.notice_end) == ("public_notice", dt.date(2020, 4, 20),
                                                                   dt.date(2020, 4, 26))  # Sunday 4-26: 调休 workday
    assert services.claims_advance_due(on=dt.date(2020, 4, 26)) == {"notices_closed": 0, "overdue_flagged": 0}
    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))
    assert services.claims_advance_due() == {"notices_closed": 1, "overdue_flagged": 0}
    claim.refresh_from_db()
    assert (claim.state, claim.payment_due) == ("payment_plan", dt.date(2020, 6, 9))

    claim = services.claim_pay(claim=claim, reference="GK2020-0611", paid_on=dt.date(2020, 4, 27), actor=reviewer)
    assert (claim.state, str(claim.paid_total), str(claim.judged_total)) == ("paid", "600.00", "600.00")
    passed = lines_of(claim)["张三丰"]
    assert (str(passed.judged_amount), str(passed.paid_amount)) == ("600.00", "600.00")
    assert SubsidyGrant.objects.get().status == "paid"
    assert [e.transition for e in ClaimEvent.objects.filter(claim=claim)] == [
        "create", "submit", "start_review", "approve", "close_notice", "pay"]
    history = subsidy_history_for(id_number=learners["passed"].person.id_number)
    assert [(h.policy, h.subsidy, str(h.amount), h.end) for h in history] == [
        ("shaoguan-2020-11", "online_post_training", "600.00", dt.date(2020, 4, 10))]


def test_the_history_caps_a_later_claim(project, training_admin, reviewer, learners, employer, course):
    first = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    assert str(first.judged_total) == "600.00"
    second_project = f.make_project(organization=employer, created_by=training_admin, course=course,
                                    name="第二期焊工培训")
    f.add_to_roster(project=second_project, user=learners["passed"], organization=employer)
    second_course = f.make_course(provider=course.provider, created_by=training_admin)
    f.study(project=second_project, user=learners["passed"], course=second_course, organization=employer,
            minutes=900, by=training_admin, final_score=Decimal("90"))
    second = services.claim_submit(claim=services.claim_create(project=second_project, actor=training_admin),
                                   actor=training_admin)
    line = second.lines.get()
    assert (line.status, str(line.judged_amount)) == ("eligible", "400.00")  # 1000 yearly cap − 600
    # the calculator reads the same history
    case = {"policy": "shaoguan-2020-11", "subsidy": "online_post_training", "claimed_on": "2020-04-20",
            "person": {"id_number": learners["passed"].person.id_number},
            "employer": {"size": "sme", "contract_months": 24},
            "training": {"kind": "on_the_job", "delivery": "online", "occupation": "6-18-02-04", "level": 5,
                         "filed_on": "2020-03-02", "start": "2020-03-16", "end": "2020-04-10", "minutes": 900,
                         "passed": True}}
    assert (policy_calculate(case_data=case).reason, str(policy_calculate(case_data=case).amount)) == (
        "annual_cap_reached", "0.00")

    # a return releases the reservation: the amount is free again
    services.claim_return(claim=first, actor=reviewer, comment="请补充成本凭证")
    assert SubsidyGrant.objects.filter(status="released").count() == 1
    assert str(policy_calculate(case_data=case).amount) == "600.00"


def test_submission_after_the_claim_deadline_is_refused(project, training_admin, frozen_clock):
    claim = services.claim_create(project=project, actor=training_admin)
    frozen_clock(f.shanghai(2020, 10, 12, 9, 0))  # 6 months after 2020-04-10 is 2020-10-10
    with pytest.raises(DomainError) as exc:
        services.claim_submit(claim=claim, actor=training_admin)
    assert exc.value.code == "claim_deadline_passed"
    assert "须在 2020年10月10日 前提出申请（韶人社函〔2020〕11号 附件1 一(三)、二(二)）" in exc.value.message
    claim.refresh_from_db()
    assert claim.state == "draft" and not SubsidyGrant.objects.exists()


def test_an_objection_holds_the_claim_until_the_reviewer_decides(project, training_admin, reviewer, frozen_clock):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    claim = services.claim_approve(claim=claim, actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.objection_lodge(claim=claim, contact_name="赵六", contact_phone="13900001111", reason="太短")
    assert exc.value.field == "reason"
    objection = services.objection_lodge(claim=claim, contact_name="赵六", contact_phone="13900001111",
                                         reason="张三丰在培训期间一直在外地出差，没有参加培训")
    claim.refresh_from_db()
    assert claim.state == ClaimState.OBJECTED
    frozen_clock(f.shanghai(2020, 4, 28, 8, 0))
    assert services.claims_advance_due()["notices_closed"] == 0  # held: not closed
    with pytest.raises(PermissionDenied):
        services.objection_resolve(objection=objection, upheld=False, resolution="核查无误", actor=training_admin)
    services.objection_resolve(objection=objection, upheld=False, resolution="经核查学习记录与出差时间不冲突",
                               actor=reviewer)
    assert Objection.objects.get().status == "dismissed"
    assert services.claims_advance_due()["notices_closed"] == 1
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAYMENT_PLAN


def test_an_upheld_objection_leads_to_exclusion_or_rejection(project, training_admin, reviewer):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    claim = services.claim_approve(claim=claim, actor=reviewer)
    objection = services.objection_lodge(claim=claim, contact_name="赵六", contact_phone="0751-1234567",
                                         reason="张三丰的学习是别人代学的，有聊天记录为证")
    services.objection_resolve(objection=objection, upheld=True, resolution="经核查属实", actor=reviewer)
    claim.refresh_from_db()
    assert claim.state == ClaimState.OBJECTED
    with pytest.raises(DomainError) as exc:
        services.claim_reject(claim=claim, actor=reviewer, comment="")
    assert exc.value.code == "comment_required"
    claim = services.claim_reject(claim=claim, actor=reviewer, comment="经核查存在代学，不予补贴")
    assert claim.state == ClaimState.REJECTED
    assert SubsidyGrant.objects.get().status == "released"


def test_a_reviewer_of_another_county_cannot_decide(project, training_admin, other_reviewer):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    with pytest.raises(PermissionDenied):
        services.claim_review_start(claim=claim, actor=other_reviewer)
    assert not selectors.claims_visible_to(user=other_reviewer).exists()


def test_overdue_reviews_are_flagged_by_the_background_task(project, training_admin, reviewer, frozen_clock):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    frozen_clock(f.shanghai(2020, 5, 13, 9, 0))
    assert services.claims_advance_due() == {"notices_closed": 0, "overdue_flagged": 1}
    assert services.claims_advance_due() == {"notices_closed": 0, "overdue_flagged": 0}
    rows = selectors.review_queue(user=reviewer)
    assert [(r.claim.pk, r.overdue, r.due) for r in rows] == [(claim.pk, True, dt.date(2020, 5, 12))]
    services.claim_review_start(claim=claim, actor=reviewer)
    claim = services.claim_approve(claim=claim, actor=reviewer)
    assert ClaimEvent.objects.get(claim=claim, transition="approve").late is True


def test_wrong_transitions_say_what_state_the_claim_is_in(project, training_admin, reviewer):
    claim = services.claim_create(project=project, actor=training_admin)
    with pytest.raises(DomainError) as exc:
        services.claim_approve(claim=claim, actor=reviewer)
    assert exc.value.message == "当前状态为“草稿”，不能“审核通过并公示”：申请尚未提交"


def test_claim_totals_after_cost_update_and_vouchers(project, training_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = services.claim_create(project=project, actor=training_admin)
    with pytest.raises(DomainError) as exc:
        services.claim_voucher_add(claim=claim, upload=SimpleUploadedFile("凭证.pdf", b"MZ not a pdf"),
                                   actor=training_admin)
    assert exc.value.code == "file_type_not_allowed"
    voucher = services.claim_voucher_add(claim=claim, upload=SimpleUploadedFile("凭证.pdf", b"%PDF-1.4 test"),
                                         actor=training_admin)
    assert (voucher.file_type, voucher.original_name) == ("pdf", "凭证.pdf")
    with pytest.raises(DomainError) as exc:
        services.claim_update(claim=claim, bank_account="12ab", actor=training_admin)
    assert exc.value.field == "bank_account"
    services.claim_update(claim=claim, bank_account="6222 0000 1111 2222", actor=training_admin)
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.bank_account == "6222000011112222"
    assert ClaimLine.objects.filter(claim=claim, status="eligible").count() == 1


def test_a_learner_claims_their_own_living_allowance_in_one_step(employer, training_admin, course, reviewer):
    """Shandong (鲁人社字〔2020〕11号 三): 5.00 per class hour to a verified key-group learner, paid by
    the bureau of the hukou county, claimed online by the learner."""
    from jineng.identity.models import KeyGroupMembership

    learner = f.make_learner(name="孙小梅", region_code="370902")
    KeyGroupMembership.objects.create(person=learner.person, group="migrant_worker", evidence="evidence/x.pdf",
                                      evidence_name="x.pdf", status="verified")
    project = f.make_project(organization=employer, created_by=training_admin, course=course,
                             policy_pack="shandong-2020-11")
    entry = f.add_to_roster(project=project, user=learner, organization=employer)
    f.study(project=project, user=learner, course=course, organization=employer, minutes=900, by=training_admin,
            final_score=Decimal("75"))
    with pytest.raises(DomainError) as exc:
        services.claim_self_submit(roster_entry=entry, bank_name="农业银行泰安分行", bank_account="62-28",
                                   actor=learner)
    assert exc.value.field == "bank_account" and not Claim.objects.exists()
    claim = services.claim_self_submit(roster_entry=entry, bank_name="农业银行泰安分行",
                                       bank_account="6228480000000000000", actor=learner)
    line = claim.lines.get()
    assert (claim.kind, claim.state, claim.region_code, claim.payee_kind) == ("self", "submitted", "370902", "person")
    assert (line.status, str(line.judged_amount), line.payee, line.payer_region) == ("eligible", "100.00", "person",
                                                                                     "370902")
    assert claim.review_due is None  # Shandong leaves the procedure to the cities: no deadline is invented
    # the Zhenjiang reviewer does not see it: the hukou county's bureau reviews it
    assert not selectors.claims_visible_to(user=reviewer).filter(pk=claim.pk).exists()
    assert selectors.claims_visible_to(user=learner).get() == claim


def test_an_advance_payment_needs_a_policy_that_allows_it(project, training_admin, reviewer):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.claim_advance_pay(claim=claim, reference="GK-1", paid_on=dt.date(2020, 4, 20), actor=reviewer)
    assert (exc.value.code, exc.value.message) == (
        "advance_not_in_policy", "韶人社函〔2020〕11号 没有先行拨付的规定，只能在公示后一次拨付")


def test_the_jinjiang_pack_allows_sixty_percent_in_advance():
    from jineng.policy.engine import load_packs

    version = load_packs()["jinjiang-2019-79"].procedure.at("advance_percent", dt.date(2020, 6, 1))
    assert (str(version.value), version.citation) == ("60", "晋政办〔2019〕79号 二(五)2")


def test_an_employer_that_received_the_affected_aid_gets_nothing_for_job_transfer_training(
        employer, training_admin, course, learners):
    """韶人社函〔2020〕11号 附件1 一(四): 受影响企业开展受影响职工转岗转业培训已申领受影响企业培训补助的，不能再申领此项补贴."""
    project = f.make_project(organization=employer, created_by=training_admin, course=course, kind="job_transfer")
    f.add_to_roster(project=project, user=learners["passed"], organization=employer)
    f.study(project=project, user=learners["passed"], course=course, organization=employer, minutes=900,
            by=training_admin, final_score=Decimal("86"))
    project.received_affected_aid = True
    project.save(update_fields=["received_affected_aid"])
    claim = services.claim_create(project=project, actor=training_admin)
    line = claim.lines.get()
    assert (line.status, str(line.judged_amount), line.reason) == ("excluded", "0.00", "exclusive_with_prior_subsidy")

    project.received_affected_aid = False  # a corrected filing: the claim, refreshed, judges again
    project.save(update_fields=["received_affected_aid"])
    services.claim_refresh(claim=claim, actor=training_admin)
    assert str(claim.lines.get().judged_amount) == "600.00"
