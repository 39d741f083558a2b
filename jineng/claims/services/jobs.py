"""The claims' background task, run by the scheduler (``jineng.scheduling``): the notices over
without an open objection go into the payment plan, and the claims past their review or payment
deadline are flagged overdue and their reviewers notified."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims.models import Claim, ClaimState, Objection
from jineng.claims.services.common import _local_date, _notify_reviewers
from jineng.claims.services.notices import claim_close_notice
from jineng.common import clock
from jineng.regions.selectors import working_day_calendar


def claims_advance_due(*, on: dt.date | None = None) -> dict[str, int]:
    """Run daily (and safe to run any time): notices whose period is over without an open
    objection go into the payment plan; claims past their review or payment deadline are marked
    overdue so that the reviewer's queue and the applicant see them. Returns the counts."""
    today = on or _local_date(clock.now())
    calendar = working_day_calendar()
    closed = 0
    for claim in Claim.objects.filter(state=ClaimState.PUBLIC_NOTICE, notice_end__lt=today).order_by("notice_end"):
        if claim.objections.filter(status=Objection.Status.OPEN).exists():
            continue
        claim_close_notice(claim=claim, actor=None, calendar=calendar)
        closed += 1
    flagged = 0
    overdue = (Claim.objects.filter(state__in=[ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW], review_due__lt=today,
                                    overdue=False)
               | Claim.objects.filter(state=ClaimState.PAYMENT_PLAN, payment_due__lt=today, overdue=False))
    for claim in overdue.select_related("organization"):
        with transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(overdue=True)
            due = claim.review_due if claim.state != ClaimState.PAYMENT_PLAN else claim.payment_due
            step = "拨付" if claim.state == ClaimState.PAYMENT_PLAN else "审核"
            _notify_reviewers(claim, kind="overdue", actor=None,
                              title=f"补贴申请 {claim.number} {step}已超期（期限 {due:%Y-%m-%d}）",
                              body=f"{claim.organization.name if claim.kind == Claim.Kind.PROJECT else '个人申领'} · "
                                   f"{claim.item_title}，审定 {claim.judged_total:.2f} 元。请尽快办理。")
            audit_record(actor=None, action="claim.overdue", target=claim,
                         summary={"state": claim.state, "due": due.isoformat() if due else None},
                         organization_id=claim.organization_id, region_code=claim.region_code)
        flagged += 1
    return {"notices_closed": closed, "overdue_flagged": flagged}
