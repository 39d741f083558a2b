"""The claim's transitions up to the reviewer's decision: submission, and finalisation after an
advance (every line judged again, the amounts reserved, the review deadline set), the start of the
review, approval into public notice, return, rejection and withdrawal (the reservations released),
and the reviewer excluding a line."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import TRANSITIONS, Claim, ClaimLine, ClaimState, SubsidyGrant
from jineng.claims.services.accounts import _digest, _lock_accounts, _release, _reserve, _totals
from jineng.claims.services.building import _reread_facts
from jineng.claims.services.common import (
    ZERO,
    _check_applicant,
    _check_reviewer,
    _late,
    _local_date,
    _lock_for,
    _move,
    _notify_applicant,
    transition_refused,
)
from jineng.claims.services.judging import claim_judge_lines
from jineng.claims.services.packs import _add_working_days, _claim_deadline, _item, _procedure_days
from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.common.masking import mask_name
from jineng.policy.engine import Item
from jineng.projects.models import Project, ProjectState


def _check_deadline(item: Item, project: Project, today: dt.date) -> None:
    deadline = _claim_deadline(item, project.end_date)
    if deadline is not None and today > deadline[0]:
        raise DomainError("claim_deadline_passed",
                          f"已超过申领期限：培训于 {project.end_date:%Y年%-m月%-d日} 结束，须在 {deadline[0]:%Y年%-m月%-d日} 前提出申请"
                          f"（{deadline[1]}），本申请不能再提交", field="claim")


def _submit_locked(locked: Claim, *, project: Project, transition: str, actor, now: dt.datetime,
                   review: tuple[int, str] | None, review_due: dt.date | None) -> list[ClaimLine]:
    """Judge every line of the locked claim at submission, reserve the eligible amounts, set the
    review deadline and move the claim (``submit`` or ``finalize``). Inside the caller's transaction."""
    # the digest alone, not the person: 10,000 persons would mean 10,000 decryptions
    lines = list(locked.lines.annotate(digest=F("person__id_number_digest")).order_by("position"))
    if not lines:
        raise DomainError("lines_missing", "申请没有任何明细，无法提交", field="claim")
    accounts = _lock_accounts({_digest(line): line.person_id for line in lines})
    claim_judge_lines(claim=locked, claimed_on=_local_date(now), at_submission=True, lines=lines)
    _reserve(locked, lines, accounts, project, now)
    _totals(locked)
    locked.submitted_at, locked.review_due = now, review_due
    locked.review_due_citation = review[1] if review else ""
    locked.overdue = False
    _move(locked, transition, actor=actor, now=now)
    locked.save()
    return lines


def claim_submit(*, claim: Claim, actor) -> Claim:
    """draft/returned → submitted. Refused after the pack's claim deadline. The persons' accounts
    are locked, every line is judged again against their history as of now, eligible lines reserve
    their amount, and the review deadline is set from the pack (working days)."""
    _check_applicant(claim, actor)
    if claim.state not in TRANSITIONS["submit"][0]:
        raise transition_refused(claim.state, "submit")
    project = selectors.project_for_claim(project_id=claim.project_id)
    item = _item(claim.policy, claim.subsidy)
    now = clock.now()
    today = _local_date(now)
    _check_deadline(item, project, today)
    if claim.payee_kind == "person" and not claim.bank_account:
        raise DomainError("bank_account_required", "请填写本人银行账号后再提交", field="bank_account")
    review = _procedure_days(claim.policy, "review_working_days", today)
    review_due = _add_working_days(today, review[0]) if review else None
    with transaction.atomic():
        locked = _lock_for(claim, "submit")
        lines = _submit_locked(locked, project=project, transition="submit", actor=actor, now=now, review=review,
                               review_due=review_due)
        eligible = sum(1 for line in lines if line.status == ClaimLine.Status.ELIGIBLE)
        audit_record(actor=actor, action="claim.submit", target=locked,
                     summary={"number": locked.number, "phase": locked.phase, "lines": len(lines),
                              "eligible": eligible, "judged_total": f"{locked.judged_total:.2f}",
                              "review_due": review_due.isoformat() if review_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_finalize(*, claim: Claim, actor) -> Claim:
    """advance_paid → submitted, once the project has finished (晋政办〔2019〕79号 二(五)2: the rest
    on completion). The facts of every line are read again from the final records, the claim
    leaves the advance phase and is judged, reserved and submitted like any claim; it then goes
    through review and public notice, and ``claim_pay`` pays the judged total less the advance."""
    _check_applicant(claim, actor)
    if claim.state not in TRANSITIONS["finalize"][0]:
        raise transition_refused(claim.state, "finalize")
    project = selectors.project_for_claim(project_id=claim.project_id)
    if project.state != ProjectState.FINISHED:
        raise DomainError("project_not_finished",
                          f"培训项目“{project.name}”当前为“{project.get_state_display()}”，培训结束后才能按最终记录申请余款",
                          field="claim")
    item = _item(claim.policy, claim.subsidy)
    now = clock.now()
    today = _local_date(now)
    _check_deadline(item, project, today)
    review = _procedure_days(claim.policy, "review_working_days", today)
    review_due = _add_working_days(today, review[0]) if review else None
    with transaction.atomic():
        locked = _lock_for(claim, "finalize")
        _reread_facts(locked, project)
        locked.phase = Claim.Phase.FINAL
        projected = locked.judged_total
        lines = _submit_locked(locked, project=project, transition="finalize", actor=actor, now=now, review=review,
                               review_due=review_due)
        audit_record(actor=actor, action="claim.finalize", target=locked,
                     summary={"number": locked.number, "lines": len(lines), "projected_total": f"{projected:.2f}",
                              "judged_total": f"{locked.judged_total:.2f}",
                              "advance_paid": f"{locked.advance_paid:.2f}",
                              "review_due": review_due.isoformat() if review_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_review_start(*, claim: Claim, actor) -> Claim:
    _check_reviewer(claim, actor)
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, "start_review")
        _move(locked, "start_review", actor=actor, now=now)
        locked.save()
        audit_record(actor=actor, action="claim.start_review", target=locked, summary={"number": locked.number},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_approve(*, claim: Claim, actor, comment: str = "") -> Claim:
    """under_review → public_notice for the pack's working days (today not counted)."""
    _check_reviewer(claim, actor)
    if claim.state not in TRANSITIONS["approve"][0]:
        raise transition_refused(claim.state, "approve")
    if claim.phase == Claim.Phase.ADVANCE:
        raise DomainError("advance_phase_not_approvable",
                          "该申请是培训实施中按预计结果提出的，只能登记先行拨付（或退回、不通过）；培训结束后申请单位按最终"
                          "记录重新提交，再审核公示", field="decision")
    if not claim.lines.filter(status=ClaimLine.Status.ELIGIBLE).exists():
        raise DomainError("nothing_to_approve", "本申请没有符合条件的明细，请选择“审核不通过”并写明原因", field="decision")
    now = clock.now()
    today = _local_date(now)
    notice = _procedure_days(claim.policy, "public_notice_working_days", today)
    days, citation = notice if notice else (5, "本系统默认（政策文件未规定公示期）")
    notice_end = _add_working_days(today, days)
    with transaction.atomic():
        locked = _lock_for(claim, "approve")
        late = _late(locked.review_due, today)
        locked.notice_start, locked.notice_end, locked.notice_citation = today, notice_end, citation[:128]
        locked.decided_by, locked.decision_comment = actor, (comment or "").strip()[:2000]
        locked.overdue = False
        _move(locked, "approve", actor=actor, now=now, comment=locked.decision_comment, late=late)
        locked.save()
        _notify_applicant(locked, kind="public_notice", actor=actor,
                          title=f"补贴申请 {locked.number} 审核通过，进入公示",
                          body=f"审定金额 {locked.judged_total:.2f} 元；公示期 {today:%Y-%m-%d} 至 {notice_end:%Y-%m-%d}"
                               f"（{citation}），期满无异议后列入拨付计划。")
        audit_record(actor=actor, action="claim.approve", target=locked,
                     summary={"number": locked.number, "judged_total": f"{locked.judged_total:.2f}",
                              "notice_end": notice_end.isoformat(), "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def _close_with(claim: Claim, transition: str, *, actor, comment: str, who_may) -> Claim:
    who_may(claim, actor)
    comment = (comment or "").strip()
    if transition in ("return", "reject") and not comment:
        raise DomainError("comment_required", "退回或不通过时请填写审核意见，写明哪些明细或材料有问题、如何补正",
                          field="comment")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, transition)
        if transition == "withdraw" and locked.advance_paid:
            raise DomainError("advance_paid", f"本申请已先行拨付 {locked.advance_paid:.2f} 元，不能撤回；培训结束后请申请余款，"
                              "如需退回已拨付资金请联系审核部门", field="claim")
        # rejecting a claim that was paid in advance is not a late review: the review ended with the advance
        late = transition != "withdraw" and locked.state != ClaimState.ADVANCE_PAID and _late(
            locked.review_due, _local_date(now))
        released = _release(locked)
        if transition != "withdraw":
            locked.decided_by, locked.decision_comment = actor, comment[:2000]
        locked.overdue = False
        _move(locked, transition, actor=actor, now=now, comment=comment[:2000], late=late)
        locked.save()
        if transition == "return":
            _notify_applicant(locked, kind="returned", actor=actor, title=f"补贴申请 {locked.number} 已退回修改",
                              body=f"审核意见：{comment}\n请按意见修改后重新提交。")
        elif transition == "reject":
            owed = (f"\n已先行拨付的 {locked.advance_paid:.2f} 元须退回：请按审核部门的通知退回，退款后由审核部门登记。"
                    if locked.advance_paid else "")
            _notify_applicant(locked, kind="rejected", actor=actor, title=f"补贴申请 {locked.number} 审核不通过",
                              body=f"审核意见：{comment}{owed}")
        audit_record(actor=actor, action=f"claim.{transition}", target=locked,
                     summary={"number": locked.number, "comment": comment[:500], "released_grants": released,
                              "advance_owed": f"{locked.advance_outstanding:.2f}"},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_return(*, claim: Claim, actor, comment: str) -> Claim:
    """submitted/under_review → returned: the applicant corrects and submits again; reservations are released."""
    return _close_with(claim, "return", actor=actor, comment=comment, who_may=_check_reviewer)


def claim_reject(*, claim: Claim, actor, comment: str) -> Claim:
    """→ rejected, with reasons; reservations are released. An advance already paid (also from
    ``advance_paid``, when the project stopped) is then owed back: ``claim_advance_recover``."""
    return _close_with(claim, "reject", actor=actor, comment=comment, who_may=_check_reviewer)


def claim_withdraw(*, claim: Claim, actor) -> Claim:
    return _close_with(claim, "withdraw", actor=actor, comment="申请单位撤回", who_may=_check_applicant)


DECISIONS = {"approve": claim_approve, "return": claim_return, "reject": claim_reject}


def claim_decide(*, claim: Claim, decision: str, comment: str, actor) -> Claim:
    service = DECISIONS.get(decision)
    if service is None:
        raise DomainError("decision_invalid", "请选择审核结论：通过并公示、退回修改或不通过", field="decision")
    return service(claim=claim, actor=actor, comment=comment)


def claim_line_exclude(*, line: ClaimLine, reason: str, actor) -> ClaimLine:
    """The reviewer excludes one line during review (e.g. after an objection proved right): the
    amount goes to 0.00 with the reviewer's reason, and the reservation is released."""
    claim = line.claim
    _check_reviewer(claim, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("comment_required", "请写明不予补贴的原因（如核查结论、依据）", field="reason")
    if claim.state not in (ClaimState.UNDER_REVIEW, ClaimState.OBJECTED):
        raise DomainError("claim_not_in_review", "只有审核中或异议核查中的申请可以剔除明细", field="reason")
    with transaction.atomic():
        locked = ClaimLine.objects.select_for_update().get(pk=line.pk)
        before = f"{locked.judged_amount:.2f}"
        locked.status, locked.judged_amount = ClaimLine.Status.EXCLUDED, ZERO
        locked.reason, locked.reason_clause = "reviewer_excluded", reason[:160]
        locked.save(update_fields=["status", "judged_amount", "reason", "reason_clause"])
        SubsidyGrant.objects.filter(claim_line=locked, status=SubsidyGrant.Status.RESERVED).update(
            status=SubsidyGrant.Status.RELEASED)
        claim_row = Claim.objects.select_for_update().get(pk=claim.pk)
        _totals(claim_row)
        claim_row.save(update_fields=["judged_total"])
        audit_record(actor=actor, action="claim.line_exclude", target=claim_row,
                     summary={"position": locked.position, "person": mask_name(line.person.name), "amount": before,
                              "reason": reason[:500]},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return locked
