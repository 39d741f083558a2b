"""Every write of the certificates app: issue (by the learner, by staff who follow the enrolment,
or by the scheduled task), revoke (reviewers and officers of the region, system administrators),
and the access log of PDF downloads.

Races: issuing locks the enrolment row first, so two requests for one enrolment run one after
the other and the second finds the first's certificate (the one-to-one constraint backs this);
the number is taken from the locked row of its year's ``CertificateNumberSeries``.
"""

from __future__ import annotations

import logging
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F

from jineng.audit.services import audit_record
from jineng.certificates import selectors
from jineng.certificates.models import (
    TRANSITIONS,
    Certificate,
    CertificateEvent,
    CertificateNumberSeries,
    CertificateStatus,
)
from jineng.common import clock
from jineng.common.crypto import lookup_digest
from jineng.common.errors import DomainError, PermissionDenied
from jineng.learning.models import Enrolment
from jineng.learning.services.common import SHANGHAI

logger = logging.getLogger(__name__)

TOKEN_BYTES = 24  # 192 bits → 32 URL-safe characters
REASON_MAX = 200


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _region_code(enrolment: Enrolment) -> str:
    if enrolment.organization_id and enrolment.organization:
        return enrolment.organization.region_id or ""
    return enrolment.person.hukou_region_id or ""


def _event(*, certificate: Certificate, transition: str, from_status: str, actor, comment: str = "") -> None:
    allowed, to_status = TRANSITIONS[transition]
    if from_status not in allowed:  # the services check first; this guards the table itself
        raise DomainError("transition_not_allowed", "证书当前状态不允许此操作", field="status")
    CertificateEvent.objects.create(certificate=certificate, transition=transition, from_status=from_status,
                                    to_status=to_status, actor=actor, at=clock.now(), comment=comment)


def _allocate_number(year: int) -> str:
    """The next number of ``year`` (inside the caller's transaction; the series row stays locked
    until it commits)."""
    series, _ = CertificateNumberSeries.objects.select_for_update().get_or_create(year=year)
    CertificateNumberSeries.objects.filter(pk=series.pk).update(last=F("last") + 1)
    last = CertificateNumberSeries.objects.values_list("last", flat=True).get(pk=series.pk)
    return f"JN-{year}-{last:06d}"


def _revoked_error(certificate: Certificate) -> DomainError:
    return DomainError("certificate_revoked",
                       f"该报名的培训合格证书（{certificate.number}）已于 {selectors.shanghai_date(certificate.revoked_at)}"
                       f"撤销，原因：{certificate.revoke_reason}。不能重新发放；如有异议请联系所在地人社部门。",
                       field="enrolment")


def certificate_issue(*, enrolment: Enrolment, actor) -> Certificate:
    """Issue the 培训合格证书 of a complete enrolment, or return the one it already has.

    ``actor`` is the learner, staff who may follow the enrolment, or ``None`` (the scheduled
    task). Refuses, naming what is missing, when the enrolment is not complete, and refuses to
    issue again after a revocation."""
    if actor is not None and not selectors.user_can_issue(user=actor, enrolment=enrolment):
        raise PermissionDenied("只有学员本人、组织报名的线上培训管理员或所在地人社部门可以为该报名领取证书")
    try:
        with transaction.atomic():
            locked = (Enrolment.objects.select_for_update(of=("self",))
                      .select_related("person", "organization", "course__occupation", "course__provider")
                      .get(pk=enrolment.pk))
            existing = Certificate.objects.filter(enrolment=locked).first()
            if existing is not None:
                if existing.status == CertificateStatus.REVOKED:
                    raise _revoked_error(existing)
                return existing
            completion = selectors.enrolment_completion(enrolment=locked)
            if not completion.complete:
                missing = completion.missing
                raise DomainError("enrolment_incomplete", "尚未达到结业条件，暂不能领取培训合格证书：" + "；".join(missing)
                                  + "。请完成以上各项后再领取。", field="enrolment", details={"missing": missing})
            result = selectors.final_assessment_result(enrolment=locked)
            assert result is not None  # complete ⇒ a passed attempt exists
            _, score, attempt = result
            now = clock.now()
            token = new_token()
            course = locked.course
            certificate = Certificate.objects.create(
                number=_allocate_number(now.astimezone(SHANGHAI).year), enrolment=locked, person=locked.person,
                course=course, course_title=course.title, occupation_name=course.occupation.name,
                occupation_code=course.occupation.code, level=course.level, provider_name=course.provider.name,
                class_hours=completion.class_hours, credited_minutes=completion.countable_minutes,
                final_score=score, final_max_score=attempt.max_score, issued_at=now, issued_by=actor,
                token=token, token_digest=lookup_digest(token, purpose="certificate_token"))
            _event(certificate=certificate, transition="issue", from_status="", actor=actor)
            audit_record(actor=actor, action="certificate.issue", target=certificate,
                         summary={"number": certificate.number, "enrolment": locked.pk, "person": locked.person_id,
                                  "course": course.pk, "class_hours": certificate.class_hours,
                                  "credited_minutes": certificate.credited_minutes,
                                  "final_score": str(certificate.final_score), "final_attempt": attempt.pk},
                         organization_id=locked.organization_id, region_code=_region_code(locked))
            return certificate
    except IntegrityError:
        # A concurrent issue won (possible only where row locks are not enforced): return its certificate.
        existing = Certificate.objects.filter(enrolment_id=enrolment.pk).first()
        if existing is None:
            raise
        if existing.status == CertificateStatus.REVOKED:
            raise _revoked_error(existing) from None
        return existing


def certificate_revoke(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """Revoke a valid certificate (e.g. the training turned out to be false). Reviewers and
    officers of the region and system administrators only; the reason is required and shown to
    staff (the public page says only that it is revoked, and since when)."""
    reason = (reason or "").strip()
    enrolment = Enrolment.objects.select_related("person", "organization").get(pk=certificate.enrolment_id)
    if actor is None or not selectors.user_can_revoke(user=actor, enrolment=enrolment):
        raise PermissionDenied("只有所在地县区审核员、市级管理人员或系统管理员可以撤销证书")
    if not reason:
        raise DomainError("reason_required", "请填写撤销原因（例如：经核查培训记录不实）", field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("reason_too_long", f"撤销原因最多 {REASON_MAX} 字，请精简后再提交", field="reason")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status != CertificateStatus.VALID:
            raise DomainError("already_revoked", f"证书 {locked.number} 已经撤销，无需再次撤销", field="certificate")
        now = clock.now()
        from_status = locked.status
        locked.status = CertificateStatus.REVOKED
        locked.revoked_at = now
        locked.revoked_by = actor
        locked.revoke_reason = reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        _event(certificate=locked, transition="revoke", from_status=from_status, actor=actor, comment=reason)
        audit_record(actor=actor, action="certificate.revoke", target=locked,
                     summary={"number": locked.number, "enrolment": enrolment.pk, "reason": reason},
                     organization_id=enrolment.organization_id, region_code=_region_code(enrolment))
    return locked


def certificate_download_log(*, certificate: Certificate, actor) -> None:
    """Record that ``actor`` downloaded the certificate's PDF (personal data leaves the system)."""
    enrolment = Enrolment.objects.select_related("person", "organization").get(pk=certificate.enrolment_id)
    with transaction.atomic():
        audit_record(actor=actor, action="certificate.download", target=certificate,
                     summary={"number": certificate.number, "own": actor.person_id == certificate.person_id},
                     organization_id=enrolment.organization_id, region_code=_region_code(enrolment))


def certificate_register_export_log(*, actor, certificate_ids: list[int], filters: dict) -> None:
    """Record that ``actor`` exported the register (names and certificate numbers leave the system)."""
    with transaction.atomic():
        audit_record(actor=actor, action="certificate.register_export", target_type="certificates.certificate",
                     summary={"count": len(certificate_ids), "certificates": certificate_ids[:500],
                              "filters": filters})


def certificates_issue_due(*, limit: int = 500) -> int:
    """Issue the certificate of every complete enrolment that has none yet; returns how many were
    issued. For the scheduler (e.g. every 10 minutes); learners can also take theirs at once."""
    issued = 0
    for enrolment in selectors.enrolments_due_for_certificate()[:limit]:
        if not selectors.enrolment_completion(enrolment=enrolment).complete:
            continue
        try:
            certificate_issue(enrolment=enrolment, actor=None)
        except DomainError as exc:  # completed meanwhile by another request, or revoked: nothing to do
            logger.info("certificate not issued for enrolment %s: %s", enrolment.pk, exc.code)
            continue
        issued += 1
    return issued
