"""What every step of the claim workflow shares: the money constants, the local date of a moment,
the claim's event log and in-site notifications, the applicant's and the reviewer's right to act,
and locking a claim for a transition and moving its state (a refused transition explains itself)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from jineng.claims import selectors
from jineng.claims.models import TRANSITION_LABELS, TRANSITIONS, Claim, ClaimEvent, ClaimState
from jineng.common.errors import DomainError, PermissionDenied
from jineng.notifications.services import notification_send

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _local_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


def _event(claim: Claim, *, transition: str, from_state: str, actor, at: dt.datetime, comment: str = "",
           late: bool = False) -> ClaimEvent:
    return ClaimEvent.objects.create(claim=claim, transition=transition, from_state=from_state, to_state=claim.state,
                                     actor=actor, at=at, comment=comment, late=late)


def _notify_applicant(claim: Claim, *, kind: str, title: str, body: str, actor) -> None:
    """An in-site notification to whoever created the claim (the training administrator, or the
    learner of a self-claim), inside the caller's transaction."""
    notification_send(recipient=claim.created_by, kind=f"claims.{kind}", title=title, body=body,
                      link=reverse("claims:detail", args=[claim.pk]), actor=actor)


def _notify_reviewers(claim: Claim, *, kind: str, title: str, body: str, actor) -> None:
    """An in-site notification to every reviewer and officer whose region holds the claim's."""
    for user in selectors.reviewers_of(region_code=claim.region_code):
        notification_send(recipient=user, kind=f"claims.{kind}", title=title, body=body,
                          link=reverse("claims:detail", args=[claim.pk]), actor=actor)


def _check_applicant(claim: Claim, actor) -> None:
    if claim.kind == Claim.Kind.SELF:
        if getattr(actor, "person_id", None) != claim.applicant_person_id:
            raise PermissionDenied("只有申请人本人可以办理个人申领")
        return
    if not selectors.user_may_apply_for(user=actor, organization_id=claim.organization_id):
        raise PermissionDenied("只有本单位的线上培训管理员可以办理本单位的补贴申请")


def transition_refused(state: str, transition: str) -> DomainError:
    hint = {
        ClaimState.DRAFT: "申请尚未提交",
        ClaimState.SUBMITTED: "申请已提交，等待受理审核",
        ClaimState.UNDER_REVIEW: "申请正在审核",
        ClaimState.PUBLIC_NOTICE: "申请正在公示",
        ClaimState.OBJECTED: "公示收到异议，等待审核人员核查",
        ClaimState.PAYMENT_PLAN: "已列入拨付计划，等待拨付",
        ClaimState.PAID: "已拨付，已办结",
        ClaimState.RETURNED: "已退回申请单位修改",
        ClaimState.REJECTED: "审核不通过，已办结",
        ClaimState.WITHDRAWN: "已撤回",
    }[ClaimState(state)]
    return DomainError("claim_transition_not_allowed",
                       f"当前状态为“{ClaimState(state).label}”，不能“{TRANSITION_LABELS[transition]}”：{hint}",
                       details={"state": state, "transition": transition})


def _lock_for(claim: Claim, transition: str) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.state not in TRANSITIONS[transition][0]:
        raise transition_refused(locked.state, transition)
    return locked


def _move(locked: Claim, transition: str, *, actor, now: dt.datetime, comment: str = "", late: bool = False) -> str:
    from_state = locked.state
    locked.state = TRANSITIONS[transition][1]
    locked.updated_at = now
    _event(locked, transition=transition, from_state=from_state, actor=actor, at=now, comment=comment, late=late)
    return from_state


def _check_reviewer(claim: Claim, actor) -> None:
    if not selectors.user_may_review(user=actor, claim=claim):
        raise PermissionDenied("只有申请所在县（市、区）的审核人员或市级管理人员可以审核该补贴申请")


def _late(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and today > due
