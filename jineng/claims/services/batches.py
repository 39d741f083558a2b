"""拨付计划: the paying county's reviewers gather claims whose public notice is over (state
``payment_plan``) into one plan, export it for the treasury (with the payees' full bank accounts:
audited, sent ``no-store``), and record the one payment order that pays them all, or cancel the
plan to gather its claims differently. A claim whose judged total does not exceed its advance owes
money back instead and is settled on its own page (``claim_pay``), never in a plan."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import Claim, ClaimState, PaymentBatch
from jineng.claims.services.common import ZERO, _check_reviewer, _local_date
from jineng.claims.services.payments import claim_pay, payment_order_checked
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied

MAX_CLAIMS_PER_BATCH = 500


def _check_batch_reviewer(batch: PaymentBatch, actor) -> None:
    if not selectors.user_may_review_region(user=actor, region_code=batch.region_code):
        raise PermissionDenied("只有支付地区的审核人员可以办理该拨付计划")


def _number(region_code: str, now: dt.datetime) -> str:
    prefix = f"BF{region_code}-{_local_date(now):%Y%m%d}-"
    taken = PaymentBatch.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:02d}"


def payment_batch_create(*, claim_ids: list[int], actor) -> PaymentBatch:
    """A plan of the chosen claims: each must be visible to and decidable by ``actor``, in
    ``payment_plan``, in no other open plan, owe a positive amount, and all pay from one county."""
    claim_ids = sorted({int(pk) for pk in claim_ids})
    if not claim_ids:
        raise DomainError("batch_empty", "请至少勾选一件已列入拨付计划的申请", field="claims")
    if len(claim_ids) > MAX_CLAIMS_PER_BATCH:
        raise DomainError("batch_too_large", f"一份拨付计划最多 {MAX_CLAIMS_PER_BATCH} 件申请", field="claims")
    now = clock.now()
    with transaction.atomic():
        claims = list(selectors.claims_visible_to(user=actor).select_for_update(of=("self",))
                      .filter(pk__in=claim_ids).order_by("pk"))
        if len(claims) != len(claim_ids):
            raise DomainError("claim_not_found", "所选申请中有的不存在或不在您的权限范围内，请刷新页面后重新勾选",
                              field="claims")
        for claim in claims:
            _check_reviewer(claim, actor)
            if claim.state != ClaimState.PAYMENT_PLAN:
                raise DomainError("claim_not_payable", f"申请 {claim.number} 当前为“{claim.get_state_display()}”，"
                                  "公示期满列入拨付计划后才能编入", field="claims")
            if claim.payment_batch_id:  # only an open plan keeps its claims (a cancelled one lets them go)
                raise DomainError("claim_in_batch", f"申请 {claim.number} 已编入拨付计划 {claim.payment_batch.number}",
                                  field="claims")
            if claim.rest_to_pay <= ZERO:
                raise DomainError("claim_owes_refund", f"申请 {claim.number} 审定金额不高于已先行拨付金额，"
                                  "应在申请页面单独登记退款，不编入拨付计划", field="claims")
        regions = {claim.region_code for claim in claims}
        if len(regions) > 1:
            raise DomainError("batch_mixed_regions", "一份拨付计划只能包含同一支付地区（县区）的申请", field="claims")
        region_code = regions.pop()
        batch = PaymentBatch.objects.create(number=_number(region_code, now), region_code=region_code,
                                            total=sum((c.rest_to_pay for c in claims), ZERO),
                                            created_by=actor, created_at=now)
        Claim.objects.filter(pk__in=[c.pk for c in claims]).update(payment_batch=batch)
        audit_record(actor=actor, action="claim.batch_create", target=batch,
                     summary={"number": batch.number, "claims": [c.number for c in claims],
                              "total": f"{batch.total:.2f}"}, region_code=region_code)
    return batch


def _lock_open(batch: PaymentBatch) -> PaymentBatch:
    locked = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state != PaymentBatch.State.OPEN:
        raise DomainError("batch_closed", f"拨付计划 {locked.number} 当前为“{locked.get_state_display()}”，不能再办理",
                          field="batch")
    return locked


def payment_batch_pay(*, batch: PaymentBatch, reference: str, paid_on: dt.date, actor) -> PaymentBatch:
    """open → paid: one payment order pays every claim of the plan (each through ``claim_pay``,
    with the order's reference); all or none."""
    _check_batch_reviewer(batch, actor)
    now = clock.now()
    reference = payment_order_checked(reference=reference, paid_on=paid_on, now=now)
    with transaction.atomic():
        locked = _lock_open(batch)
        claims = list(locked.claims.order_by("pk"))
        for claim in claims:
            claim_pay(claim=claim, reference=reference, paid_on=paid_on, actor=actor)
        locked.state, locked.reference, locked.paid_on = PaymentBatch.State.PAID, reference[:64], paid_on
        locked.closed_by, locked.closed_at = actor, now
        locked.save()
        audit_record(actor=actor, action="claim.batch_pay", target=locked,
                     summary={"number": locked.number, "claims": len(claims), "total": f"{locked.total:.2f}",
                              "reference": reference[:64], "paid_on": paid_on.isoformat()},
                     region_code=locked.region_code)
    batch.refresh_from_db()
    return batch


def payment_batch_cancel(*, batch: PaymentBatch, reason: str, actor) -> PaymentBatch:
    """open → cancelled, with a reason: its claims stay in ``payment_plan`` and may join another plan."""
    _check_batch_reviewer(batch, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", "请填写撤销原因，例如“收款账号有误，待更正后重新编制”", field="reason")
    with transaction.atomic():
        locked = _lock_open(batch)
        numbers = list(locked.claims.values_list("number", flat=True))
        locked.claims.update(payment_batch=None)
        locked.state, locked.cancel_reason = PaymentBatch.State.CANCELLED, reason[:200]
        locked.closed_by, locked.closed_at = actor, clock.now()
        locked.save()
        audit_record(actor=actor, action="claim.batch_cancel", target=locked,
                     summary={"number": locked.number, "claims": numbers, "reason": reason[:200]},
                     region_code=locked.region_code)
    batch.refresh_from_db()
    return batch


def payment_batch_export(*, batch: PaymentBatch, actor) -> tuple[bytes, str]:
    """The plan as .xlsx for the treasury, with each payee's full bank account; audited."""
    from jineng.claims.batch_sheet import payment_batch_xlsx

    _check_batch_reviewer(batch, actor)
    claims = list(batch.claims.select_related("organization", "applicant_person").order_by("pk"))
    content = payment_batch_xlsx(batch=batch, claims=claims)
    with transaction.atomic():
        audit_record(actor=actor, action="claim.batch_export", target=batch,
                     summary={"number": batch.number, "claims": len(claims)}, region_code=batch.region_code)
    return content, f"拨付计划_{batch.number}.xlsx"
