"""The official forms and the evidence archive of a claim, for the applicant and the reviewers;
every export is audited, since the rosters in them print full ID numbers and phones."""

from __future__ import annotations

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import Claim
from jineng.claims.services.common import _check_applicant


def _check_applicant_or_reviewer(claim: Claim, actor) -> None:
    if selectors.user_may_review(user=actor, claim=claim):
        return
    _check_applicant(claim, actor)


def claim_form_export(*, claim: Claim, form: str, fmt: str, actor) -> tuple[bytes, str]:
    """One official form of the claim (攀枝花 附件3/附件4, 韶关 申请表/花名册) as PDF or .xlsx, for the
    applicant and the reviewers. The rosters print full ID numbers and phones (they are filed with
    the bureau), so every export is audited."""
    from jineng.claims.forms_data import claim_form_render

    _check_applicant_or_reviewer(claim, actor)
    content, filename, personal = claim_form_render(claim=claim, form=form, fmt=fmt)
    with transaction.atomic():
        audit_record(actor=actor, action="claim.form_export", target=claim,
                     summary={"number": claim.number, "form": form, "format": fmt, "personal_data": personal},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return content, filename


def claim_archive_export(*, claim: Claim, actor) -> bytes:
    """The claim's evidence as one .zip (``archive.claim_archive``), audited: it holds the official
    forms, whose rosters print full ID numbers."""
    from jineng.claims.archive import claim_archive
    from jineng.claims.forms_data import forms_of

    _check_applicant_or_reviewer(claim, actor)
    content = claim_archive(claim=claim, generated_by=str(actor))
    with transaction.atomic():
        audit_record(actor=actor, action="claim.archive_export", target=claim,
                     summary={"number": claim.number, "bytes": len(content),
                              "personal_data": any(spec.personal_data for spec in forms_of(claim))},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return content
