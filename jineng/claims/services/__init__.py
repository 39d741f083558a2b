"""Every write about subsidy claims.

The workflow (``models.TRANSITIONS``)::

    draft ─submit─▶ submitted ─start_review─▶ under_review ─approve─▶ public_notice ─close_notice─▶ payment_plan ─pay─▶ paid
      ▲                │  └──────────return──────┤                      │   ▲                        (background task:
      │                └──────reject─────────────┤                 hold │   │ resume_notice            notice over, no
      └───── returned ◀──────────────────────────┘                      ▼   │                            open objection)
                                                        objected ─reject─▶ rejected

Where the pack pays project-based training partly in advance (``procedure.advance_percent``;
晋政办〔2019〕79号 二(五)2, 60 %), a running project may be claimed (phase ``advance``, judged on the
projected outcome)::

    draft ─submit─▶ submitted ─start_review─▶ under_review ─advance─▶ advance_paid
        (project finished) ─finalize─▶ submitted ─▶ … ─▶ paid (judged total less the advance)

One service per transition: it checks the actor's right, locks the claim, moves the state,
appends a ``ClaimEvent``, notifies whoever must act next (``jineng.notifications``, inside the
transaction) and writes the audit entry last.

Judging (``claim_judge_lines``): each line's facts (read from the records when the claim was
built) become an engine ``Case``; the person's history is the grants paid or reserved. At
submission the persons' ``SubsidyAccount`` rows are locked first (``select_for_update``, in
digest order), so two claims submitted at the same moment for the same person queue: the
second reads the first one's reservations and cannot pass a cap or the yearly count with it.

The services live in the modules of this package and are all imported here, so callers keep
``from jineng.claims import services`` and ``services.claim_submit(...)``: ``building`` (the draft
and its edits), ``judging`` (the lines judged by the engine), ``accounts`` (the persons' subsidy
accounts, the reservations and the bulk writes), ``transitions`` (submission to the reviewer's
decision), ``notices`` (public notice and objections), ``payments`` (advance and final payment, an advance paid back), ``batches`` (拨付计划: many claims paid by one order),
``exports`` (the official forms and the evidence archive), ``self_claims`` (the learner's own
living-allowance claim) and ``jobs`` (the background task); they rest on ``packs`` (the policy packs
and their procedure) and ``common`` (what every step shares).
"""

from __future__ import annotations

from jineng.claims.services.accounts import JUDGED_FIELDS
from jineng.claims.services.batches import (
    payment_batch_cancel,
    payment_batch_create,
    payment_batch_export,
    payment_batch_pay,
)
from jineng.claims.services.building import (
    claim_create,
    claim_line_add,
    claim_refresh,
    claim_update,
    claim_voucher_add,
)
from jineng.claims.services.common import CENT, ZERO, transition_refused
from jineng.claims.services.exports import claim_archive_export, claim_form_export
from jineng.claims.services.jobs import claims_advance_due
from jineng.claims.services.judging import CERTIFICATE_LABELS, claim_judge_lines, projection_note
from jineng.claims.services.notices import (
    claim_close_notice,
    claim_resume_notice,
    objection_lodge,
    objection_resolve,
)
from jineng.claims.services.packs import advance_version, claimable_items
from jineng.claims.services.payments import claim_advance_pay, claim_advance_recover, claim_pay
from jineng.claims.services.self_claims import claim_self_submit, self_claimable_item
from jineng.claims.services.transitions import (
    DECISIONS,
    claim_approve,
    claim_decide,
    claim_finalize,
    claim_line_exclude,
    claim_reject,
    claim_return,
    claim_review_start,
    claim_submit,
    claim_withdraw,
)

__all__ = [
    "CENT",
    "CERTIFICATE_LABELS",
    "DECISIONS",
    "JUDGED_FIELDS",
    "ZERO",
    "advance_version",
    "claim_advance_pay",
    "claim_advance_recover",
    "claim_approve",
    "claim_archive_export",
    "claim_close_notice",
    "claim_create",
    "claim_decide",
    "claim_finalize",
    "claim_form_export",
    "claim_judge_lines",
    "claim_line_add",
    "claim_line_exclude",
    "claim_pay",
    "claim_refresh",
    "claim_reject",
    "claim_resume_notice",
    "claim_return",
    "claim_review_start",
    "claim_self_submit",
    "claim_submit",
    "claim_update",
    "claim_voucher_add",
    "claim_withdraw",
    "claimable_items",
    "claims_advance_due",
    "objection_lodge",
    "payment_batch_cancel",
    "payment_batch_create",
    "payment_batch_export",
    "payment_batch_pay",
    "objection_resolve",
    "projection_note",
    "self_claimable_item",
    "transition_refused",
]
