"""Recording the payments of a claim: the payment once the notice is over (the judged total, less
any advance; a negative rest is the excess paid back), which turns each line's reservation into the
person's subsidy history; the advance a running project may receive where its pack pays one; and
the advance paid back after the claim was rejected."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims.models import Claim, ClaimEvent, ClaimLine, ClaimState, Payment, SubsidyGrant
from jineng.claims.services.common import (
    CENT,
    ZERO,
    _check_reviewer,
    _late,
    _local_date,
    _lock_for,
    _move,
    _notify_applicant,
)
from jineng.claims.services.packs import advance_version
from jineng.common import clock
from jineng.common.errors import DomainError

PAYMENT_RECEIPT = "国库集中支付或银行回单编号"
REFUND_RECEIPT = "银行回单或缴款书编号"


def payment_order_checked(*, reference: str, paid_on: dt.date | None, now: dt.datetime, what: str = "支付",
                          receipt: str = PAYMENT_RECEIPT) -> str:
    """The trimmed reference of a payment (or refund) order, once it and its date are given and
    the date is not after today; ``what`` and ``receipt`` word the messages."""
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("reference_required", f"请填写{what}凭证号（{receipt}）", field="reference")
    if paid_on is None or paid_on > _local_date(now):
        raise DomainError("paid_on_invalid", f"请填写实际{what}日期（不能晚于今天）", field="paid_on")
    return reference


def claim_pay(*, claim: Claim, reference: str, paid_on: dt.date, actor) -> Claim:
    """payment_plan → paid: the payment reference is recorded, each eligible line's paid amount
    is its judged amount, and its reservation becomes the person's subsidy history. After an
    advance the payment is the judged total less the advance (negative: the applicant pays the
    excess back, and ``reference`` is the refund's receipt)."""
    _check_reviewer(claim, actor)
    now = clock.now()
    reference = payment_order_checked(reference=reference, paid_on=paid_on, now=now)
    with transaction.atomic():
        locked = _lock_for(claim, "pay")
        if paid_on < _local_date(locked.submitted_at):
            raise DomainError("paid_on_invalid", "支付日期不能早于申请提交日期", field="paid_on")
        lines = list(locked.lines.filter(status=ClaimLine.Status.ELIGIBLE))
        for line in lines:
            line.paid_amount = line.judged_amount
        ClaimLine.objects.bulk_update(lines, ["paid_amount"])
        locked.lines.exclude(status=ClaimLine.Status.ELIGIBLE).update(paid_amount=ZERO)
        for grant in SubsidyGrant.objects.filter(claim_line__claim=locked, status=SubsidyGrant.Status.RESERVED) \
                .select_related("claim_line"):
            grant.status, grant.amount = SubsidyGrant.Status.PAID, grant.claim_line.paid_amount
            grant.save(update_fields=["status", "amount"])
        locked.paid_total = sum((line.paid_amount for line in lines), ZERO)
        late = _late(locked.payment_due, paid_on)
        rest = locked.paid_total - locked.advance_paid
        Payment.objects.create(claim=locked, kind=Payment.Kind.FINAL, amount=rest,
                               reference=reference[:64], paid_on=paid_on, recorded_by=actor, recorded_at=now)
        locked.overdue = False
        if not locked.advance_paid:
            comment = f"拨付 {rest:.2f} 元，支付凭证号 {reference[:64]}"
        elif rest >= 0:
            comment = (f"审定 {locked.paid_total:.2f} 元，已先行拨付 {locked.advance_paid:.2f} 元，拨付余款 {rest:.2f} 元，"
                       f"支付凭证号 {reference[:64]}")
        else:
            comment = (f"审定 {locked.paid_total:.2f} 元，少于已先行拨付的 {locked.advance_paid:.2f} 元："
                       f"申请单位退回多拨付的 {-rest:.2f} 元，退款凭证号 {reference[:64]}")
        _move(locked, "pay", actor=actor, now=now, comment=comment, late=late)
        locked.save()
        _notify_applicant(locked, kind="paid", actor=actor, title=f"补贴申请 {locked.number} 已拨付", body=comment)
        audit_record(actor=actor, action="claim.pay", target=locked,
                     summary={"number": locked.number, "reference": reference[:64], "paid_on": paid_on.isoformat(),
                              "paid_total": f"{locked.paid_total:.2f}", "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_advance_pay(*, claim: Claim, reference: str, paid_on: dt.date, actor) -> Payment:
    """under_review → advance_paid, for a claim built while its project runs, where the pack pays
    project-based training partly in advance (晋政办〔2019〕79号 二(五)2: 培训实施后可先行拨付 60%): the
    reviewer, having checked that the training is under way, records the payment of the pack's
    share of the judged (projected) total. Once the project has finished the applicant finalises
    the claim (``claim_finalize``) and ``claim_pay`` pays the rest."""
    _check_reviewer(claim, actor)
    now = clock.now()
    reference = payment_order_checked(reference=reference, paid_on=paid_on, now=now)
    version = advance_version(policy=claim.policy, on=claim.project.start_date)
    if version is None:
        raise DomainError("advance_not_in_policy", f"{claim.document_number} 没有先行拨付的规定，只能在公示后一次拨付",
                          field="reference")
    if claim.phase != Claim.Phase.ADVANCE:
        raise DomainError("advance_not_allowed", "该申请是培训结束后按最终结果提出的，公示期满后一次拨付，不再先行拨付",
                          field="reference")
    with transaction.atomic():
        locked = _lock_for(claim, "advance")
        if paid_on < _local_date(locked.submitted_at):
            raise DomainError("paid_on_invalid", "支付日期不能早于申请提交日期", field="paid_on")
        if not locked.lines.filter(status=ClaimLine.Status.ELIGIBLE).exists():
            raise DomainError("nothing_to_approve", "本申请没有符合条件的明细，不能先行拨付；请退回或作出不通过结论",
                              field="reference")
        amount = (locked.judged_total * version.value / 100).quantize(CENT)
        payment = Payment.objects.create(claim=locked, kind=Payment.Kind.ADVANCE, amount=amount,
                                         reference=reference[:64], paid_on=paid_on, recorded_by=actor,
                                         recorded_at=now)
        locked.advance_paid = amount
        locked.decided_by = actor
        late = _late(locked.review_due, _local_date(now))
        locked.overdue = False
        _move(locked, "advance", actor=actor, now=now, late=late,
              comment=f"先行拨付 {version.value}%（{version.citation}）：{amount:.2f} 元，凭证号 {reference[:64]}")
        locked.save()
        _notify_applicant(locked, kind="advance_paid", actor=actor, title=f"补贴申请 {locked.number} 已先行拨付 {amount:.2f} 元",
                          body=f"按{version.citation}先行拨付预计补贴的 {version.value}%。培训结束后，请在申请页面"
                               "点击“培训结束，按最终记录申请余款”。")
        audit_record(actor=actor, action="claim.advance_pay", target=locked,
                     summary={"amount": f"{amount:.2f}", "percent": str(version.value), "reference": reference[:64],
                              "projected_total": f"{locked.judged_total:.2f}", "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return payment


def claim_advance_recover(*, claim: Claim, amount: Decimal | None, reference: str, paid_on: dt.date, actor) -> Payment:
    """Record money the applicant paid back of the advance of a rejected claim (all that is still
    owed when ``amount`` is None; in parts if it came in parts). The claim stays rejected; each
    refund is a ``Payment`` of kind ``refund`` with a negative amount, an event and an audit entry,
    and the applicant is told what is still owed."""
    _check_reviewer(claim, actor)
    now = clock.now()
    reference = payment_order_checked(reference=reference, paid_on=paid_on, now=now, what="退款", receipt=REFUND_RECEIPT)
    if amount is not None:
        try:
            amount = Decimal(amount).quantize(CENT)
        except (InvalidOperation, TypeError, ValueError):
            raise DomainError("amount_invalid", "退回金额应为以元为单位的数字，最多两位小数", field="amount") from None
        if amount <= ZERO:
            raise DomainError("amount_invalid", "退回金额应大于 0", field="amount")
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        owed = locked.advance_outstanding
        if locked.state != ClaimState.REJECTED or owed <= ZERO:
            raise DomainError("nothing_to_recover", "该申请没有待退回的先行拨付资金：只有审核不通过且已先行拨付的申请需要登记退款",
                              field="amount")
        amount = owed if amount is None else amount
        if amount > owed:
            raise DomainError("recovery_too_much", f"退回金额不能超过尚未退回的 {owed:.2f} 元", field="amount")
        rejected_at = ClaimEvent.objects.filter(claim=locked, transition="reject").latest("at").at
        if paid_on < _local_date(rejected_at):
            raise DomainError("paid_on_invalid", "退款日期不能早于不通过结论的日期", field="paid_on")
        payment = Payment.objects.create(claim=locked, kind=Payment.Kind.REFUND, amount=-amount,
                                         reference=reference[:64], paid_on=paid_on, recorded_by=actor, recorded_at=now)
        locked.advance_recovered += amount
        locked.save(update_fields=["advance_recovered"])
        left = locked.advance_outstanding
        comment = (f"申请单位退回先行拨付资金 {amount:.2f} 元，退款凭证号 {reference[:64]}；"
                   + (f"尚欠 {left:.2f} 元" if left > ZERO else "已全部退回"))
        ClaimEvent.objects.create(claim=locked, transition="recover", from_state=locked.state, to_state=locked.state,
                                  actor=actor, at=now, comment=comment)
        _notify_applicant(locked, kind="advance_recovered", actor=actor,
                          title=f"补贴申请 {locked.number} 退回的先行拨付资金已登记", body=comment)
        audit_record(actor=actor, action="claim.advance_recover", target=locked,
                     summary={"number": locked.number, "amount": f"{amount:.2f}", "reference": reference[:64],
                              "paid_on": paid_on.isoformat(), "outstanding": f"{left:.2f}"},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return payment
