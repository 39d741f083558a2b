"""Claims API (mounted at /api/claims/): build a claim from a finished project, read it with
its lines and totals, submit it, the reviewer's decisions and payment, and the public notice
(no sign-in). Session auth with CSRF on every state-changing call (``jineng.api``); domain errors
come back as ``{"error": {"code", "message", "field"}}``."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from jineng.claims import selectors, services
from jineng.claims.models import Claim, ClaimLine
from jineng.common.masking import mask_name
from jineng.projects.selectors import project_get_visible

router = Router(tags=["claims"])


class LineOut(Schema):
    position: int
    name: str
    status: str
    judged_amount: str
    paid_amount: str | None
    payee: str
    payer_region: str
    reason: str
    reason_label: str
    reason_clause: str
    class_hours: int
    passed: bool
    certificate: str


class TotalOut(Schema):
    payee: str
    name: str
    lines: int
    judged: str
    paid: str | None


class ClaimOut(Schema):
    id: int
    number: str
    kind: str
    phase: str
    project_id: int
    policy: str
    subsidy: str
    document_number: str
    state: str
    state_label: str
    judged_total: str
    paid_total: str
    advance_paid: str
    review_due: dt.date | None
    notice_end: dt.date | None
    payment_due: dt.date | None
    overdue: bool
    lines: list[LineOut] = []
    totals: list[TotalOut] = []


def _out(claim: Claim, *, with_lines: bool = True) -> dict:
    lines = selectors.claim_lines(claim=claim) if with_lines else []
    return {
        "id": claim.pk, "number": claim.number, "kind": claim.kind, "phase": claim.phase,
        "project_id": claim.project_id,
        "policy": claim.policy, "subsidy": claim.subsidy, "document_number": claim.document_number,
        "state": claim.state, "state_label": claim.get_state_display(), "judged_total": f"{claim.judged_total:.2f}",
        "paid_total": f"{claim.paid_total:.2f}", "advance_paid": f"{claim.advance_paid:.2f}",
        "review_due": claim.review_due, "notice_end": claim.notice_end,
        "payment_due": claim.payment_due, "overdue": claim.overdue,
        "lines": [{
            "position": line.position, "name": line.person.name, "status": line.status,
            "judged_amount": f"{line.judged_amount:.2f}",
            "paid_amount": f"{line.paid_amount:.2f}" if line.paid_amount is not None else None,
            "payee": line.payee, "payer_region": line.payer_region, "reason": line.reason,
            "reason_label": line.get_reason_label() if line.reason else "", "reason_clause": line.reason_clause,
            "class_hours": int(line.facts.get("class_hours") or 0), "passed": bool(line.facts.get("passed")),
            "certificate": line.facts.get("certificate") or "none",
        } for line in lines],
        "totals": [{"payee": t.payee, "name": t.name, "lines": t.lines, "judged": f"{t.judged:.2f}",
                    "paid": f"{t.paid:.2f}" if t.paid is not None else None}
                   for t in selectors.claim_totals(claim=claim, lines=lines)],
    }


class CreateIn(Schema):
    project_id: int
    subsidy: str = ""


class DecisionIn(Schema):
    decision: str
    comment: str = ""


class PaymentIn(Schema):
    reference: str
    paid_on: dt.date


class NoticeLineOut(Schema):
    position: int
    name: str
    amount: str


class NoticeOut(Schema):
    id: int
    organization: str
    project: str
    item_title: str
    document_number: str
    notice_start: dt.date | None
    notice_end: dt.date | None
    total: str
    lines: list[NoticeLineOut]


class ObjectionIn(Schema):
    contact_name: str
    contact_phone: str
    reason: str


@router.get("/", response=list[ClaimOut], summary="我能看到的补贴申请（不含明细）")
def claim_list(request):
    return [_out(c, with_lines=False) for c in selectors.claims_visible_to(user=request.auth).order_by("-pk")[:200]]


@router.post("/", response={201: ClaimOut}, summary="按平台记录为已结束的培训项目生成补贴申请（草稿）")
def claim_create(request, payload: CreateIn):
    project = project_get_visible(user=request.auth, project_id=payload.project_id)
    claim = services.claim_create(project=project, subsidy=payload.subsidy, actor=request.auth)
    return Status(201, _out(claim))


@router.get("/review-queue", response=list[ClaimOut], summary="审核工作台：按期限排列的待办申请")
def review_queue(request):
    return [_out(row.claim, with_lines=False) for row in selectors.review_queue(user=request.auth)]


@router.get("/notices", response=list[NoticeOut], auth=None, summary="正在公示的补贴申请（无需登录，姓名已脱敏）")
def notices(request):
    result = []
    for claim in selectors.claims_on_notice():
        lines = [line for line in selectors.claim_lines(claim=claim) if line.status == ClaimLine.Status.ELIGIBLE]
        result.append({
            "id": claim.pk, "organization": claim.organization.name if claim.kind == "project" else "个人申领",
            "project": claim.project.name, "item_title": claim.item_title, "document_number": claim.document_number,
            "notice_start": claim.notice_start, "notice_end": claim.notice_end, "total": f"{claim.judged_total:.2f}",
            "lines": [{"position": i, "name": mask_name(line.person.name), "amount": f"{line.judged_amount:.2f}"}
                      for i, line in enumerate(lines, start=1)],
        })
    return result


@router.post("/notices/{claim_id}/objections", response={201: dict}, auth=None,
             summary="对公示中的申请提出异议（无需登录）")
def objection_lodge(request, claim_id: int, payload: ObjectionIn):
    claim = selectors.claim_on_notice(claim_id=claim_id)
    objection = services.objection_lodge(claim=claim, contact_name=payload.contact_name,
                                         contact_phone=payload.contact_phone, reason=payload.reason,
                                         ip=request.META.get("REMOTE_ADDR"), actor=None)
    return Status(201, {"objection_id": objection.pk, "message": "异议已提交，审核人员将与您联系核实"})


@router.get("/{claim_id}", response=ClaimOut, summary="补贴申请详情：明细、判定、按受领方合计")
def claim_detail(request, claim_id: int):
    return _out(selectors.claim_get_visible(user=request.auth, claim_id=claim_id))


@router.post("/{claim_id}/submit", response=ClaimOut, summary="提交申请（按提交时的补贴记录重新判定）")
def claim_submit(request, claim_id: int):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    return _out(services.claim_submit(claim=claim, actor=request.auth))


@router.post("/{claim_id}/start-review", response=ClaimOut, summary="受理审核")
def claim_review_start(request, claim_id: int):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    return _out(services.claim_review_start(claim=claim, actor=request.auth))


@router.post("/{claim_id}/decision", response=ClaimOut, summary="审核结论：approve（公示）、return、reject")
def claim_decide(request, claim_id: int, payload: DecisionIn):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    return _out(services.claim_decide(claim=claim, decision=payload.decision, comment=payload.comment,
                                      actor=request.auth))


@router.post("/{claim_id}/payment", response=ClaimOut, summary="登记拨付（支付凭证号）")
def claim_pay(request, claim_id: int, payload: PaymentIn):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    return _out(services.claim_pay(claim=claim, reference=payload.reference, paid_on=payload.paid_on,
                                   actor=request.auth))


@router.post("/{claim_id}/advance", response=ClaimOut,
             summary="登记先行拨付（培训实施中的申请，政策规定的比例，如晋政办〔2019〕79号 二(五)2 的 60%）")
def claim_advance(request, claim_id: int, payload: PaymentIn):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    services.claim_advance_pay(claim=claim, reference=payload.reference, paid_on=payload.paid_on, actor=request.auth)
    return _out(selectors.claim_get_visible(user=request.auth, claim_id=claim_id))


@router.post("/{claim_id}/finalize", response=ClaimOut, summary="培训结束后按最终记录重新判定并申请余款")
def claim_finalize(request, claim_id: int):
    claim = selectors.claim_get_visible(user=request.auth, claim_id=claim_id)
    return _out(services.claim_finalize(claim=claim, actor=request.auth))
