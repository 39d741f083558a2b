"""Exports of learning records leave an audit entry: who took which learners' records out, and when."""

from __future__ import annotations

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.identity.models import User


def learning_export_log(*, actor: User, kind: str, enrolment_ids: list[int], filters: dict | None = None,
                        organization_id: int | None = None) -> None:
    """``kind``: ``progress_xlsx`` (the administrator's table) or ``record_pdf`` (one learner's record)."""
    with transaction.atomic():
        audit_record(actor=actor, action=f"learning.export.{kind}", target_type="learning.enrolment",
                     target_id=",".join(map(str, enrolment_ids[:50])),
                     summary={"enrolments": len(enrolment_ids), "filters": filters or {}},
                     organization_id=organization_id)
