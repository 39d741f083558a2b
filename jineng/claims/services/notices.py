"""The public notice and objections: anyone may object while the notice runs, which holds the
claim until a reviewer has decided every objection; the notice then resumes, and once its period is
over without an open objection the claim goes into the payment plan."""

from __future__ import annotations

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims.models import Claim, ClaimState, Objection
from jineng.claims.services.common import (
    _check_reviewer,
    _local_date,
    _lock_for,
    _move,
    _notify_applicant,
    _notify_reviewers,
)
from jineng.claims.services.packs import _add_working_days, _procedure_days
from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.common.masking import mask_name, mask_phone
from jineng.workdays import WorkingDayCalendar


def objection_lodge(*, claim: Claim, contact_name: str, contact_phone: str, reason: str, ip: str | None = None,
                    actor=None) -> Objection:
    """Anyone may object during the notice; the claim is held (objected) until a reviewer decides."""
    name = " ".join((contact_name or "").split())
    phone = "".join((contact_phone or "").split())
    reason = (reason or "").strip()
    if not name:
        raise DomainError("contact_name_required", "请填写联系人姓名，以便审核人员核实异议", field="contact_name")
    if not phone or not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20:
        raise DomainError("contact_phone_invalid", "请填写正确的联系电话（手机或座机号码）", field="contact_phone")
    if len(reason) < 10:
        raise DomainError("reason_too_short", "请写明异议内容（至少 10 个字）：对哪位学员或哪项内容有异议、依据是什么",
                          field="reason")
    now = clock.now()
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state not in (ClaimState.PUBLIC_NOTICE, ClaimState.OBJECTED):
            raise DomainError("not_on_notice", "该申请不在公示期内，不能提出异议", field="reason")
        if locked.notice_end and _local_date(now) > locked.notice_end:
            raise DomainError("notice_over", f"公示期已于 {locked.notice_end:%Y年%-m月%-d日} 结束，不能再提出异议",
                              field="reason")
        objection = Objection.objects.create(claim=locked, contact_name=name[:32], contact_phone=phone[:32],
                                             reason=reason[:4000], lodged_at=now, ip=ip)
        if locked.state == ClaimState.PUBLIC_NOTICE:
            _move(locked, "hold", actor=actor, now=now, comment="公示期间收到异议")
            locked.save()
        _notify_applicant(locked, kind="objection", actor=actor, title=f"补贴申请 {locked.number} 公示期间收到异议",
                          body="审核人员将核查异议，核查期间暂停拨付；如需补充说明，请与受理的人社部门联系。")
        _notify_reviewers(locked, kind="objection_lodged", actor=actor,
                          title=f"补贴申请 {locked.number} 收到公示异议，请核查",
                          body=f"{locked.organization.name if locked.kind == Claim.Kind.PROJECT else '个人申领'} · "
                               f"{locked.item_title}：{reason[:200]}")
        audit_record(actor=actor, action="claim.objection_lodge", target=locked,
                     summary={"objection": objection.pk, "contact": mask_name(name), "phone": mask_phone(phone)},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    return objection


def objection_resolve(*, objection: Objection, upheld: bool, resolution: str, actor) -> Objection:
    """A reviewer decides an objection. When none is left open and none was upheld, the notice
    resumes (and closes by itself when its period is over); an upheld objection leaves the claim
    held: exclude the lines concerned or reject the claim, then resume."""
    claim = objection.claim
    _check_reviewer(claim, actor)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("resolution_required", "请填写核查结论：核查了什么、异议是否属实", field="resolution")
    now = clock.now()
    with transaction.atomic():
        locked_obj = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked_obj.status != Objection.Status.OPEN:
            raise DomainError("objection_resolved", "该异议已核查办结", field="resolution")
        locked_obj.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        locked_obj.resolved_by, locked_obj.resolved_at, locked_obj.resolution = actor, now, resolution[:4000]
        locked_obj.save()
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        still_open = locked.objections.filter(status=Objection.Status.OPEN).exists()
        if not upheld and not still_open and locked.state == ClaimState.OBJECTED:
            _move(locked, "resume_notice", actor=actor, now=now, comment=resolution[:2000])
            locked.save()
        audit_record(actor=actor, action="claim.objection_resolve", target=locked,
                     summary={"objection": locked_obj.pk, "upheld": upheld, "resolution": resolution[:500]},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    return locked_obj


def claim_resume_notice(*, claim: Claim, actor, comment: str) -> Claim:
    """After the upheld objections were dealt with (lines excluded), the notice resumes."""
    _check_reviewer(claim, actor)
    if claim.objections.filter(status=Objection.Status.OPEN).exists():
        raise DomainError("objections_open", "还有未核查的异议，请先逐条核查", field="comment")
    if not (comment or "").strip():
        raise DomainError("comment_required", "请写明异议的处理结果（如已剔除的明细）", field="comment")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, "resume_notice")
        _move(locked, "resume_notice", actor=actor, now=now, comment=comment.strip()[:2000])
        locked.save()
        audit_record(actor=actor, action="claim.resume_notice", target=locked, summary={"comment": comment[:500]},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_close_notice(*, claim: Claim, actor=None, calendar: WorkingDayCalendar | None = None) -> Claim:
    """public_notice → payment_plan once the notice period is over without an open objection;
    the payment deadline is the pack's working days after the notice's last day."""
    if actor is not None:
        _check_reviewer(claim, actor)
    now = clock.now()
    today = _local_date(now)
    if claim.notice_end is None or today <= claim.notice_end:
        raise DomainError("notice_not_over", f"公示期到 {claim.notice_end:%Y年%-m月%-d日} 为止，期满后才能列入拨付计划"
                          if claim.notice_end else "该申请尚未公示", field="claim")
    payment = _procedure_days(claim.policy, "payment_working_days", claim.notice_end)
    payment_due = _add_working_days(claim.notice_end, payment[0], calendar) if payment else None
    with transaction.atomic():
        locked = _lock_for(claim, "close_notice")
        if locked.objections.filter(status=Objection.Status.OPEN).exists():
            raise DomainError("objections_open", "还有未核查的异议，不能列入拨付计划", field="claim")
        locked.payment_due = payment_due
        locked.payment_due_citation = payment[1][:128] if payment else ""
        _move(locked, "close_notice", actor=actor, now=now, comment="公示期满无异议")
        locked.save()
        audit_record(actor=actor, action="claim.close_notice", target=locked,
                     summary={"number": locked.number, "payment_due": payment_due.isoformat() if payment_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim
