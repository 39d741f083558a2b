"""Certificates API (mounted at /api/certificates/): the learner's certificates, an enrolment's
completion checklist, issuing (idempotent), revoking, and the public check (no sign-in).
Session auth with CSRF on every state-changing call (``jineng.api``); domain errors come back as
``{"error": {"code", "message", "field", "details"}}`` — an incomplete enrolment's refusal lists
what is missing in ``details.missing``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from jineng.certificates import selectors, services
from jineng.certificates.models import Certificate
from jineng.courses.selectors import level_label
from jineng.learning.selectors import enrolment_get_visible

router = Router(tags=["certificates"])


class CertificateOut(Schema):
    id: int
    number: str
    kind: str
    status: str
    status_label: str
    enrolment_id: int
    course_id: int
    course_title: str
    occupation: str
    level: str
    class_hours: int
    final_score: Decimal
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    pdf_url: str
    verify_url: str


def _out(request: HttpRequest, certificate: Certificate) -> dict:
    return {
        "id": certificate.pk, "number": certificate.number, "kind": certificate.kind, "status": certificate.status,
        "status_label": certificate.get_status_display(), "enrolment_id": certificate.enrolment_id,
        "course_id": certificate.course_id, "course_title": certificate.course_title,
        "occupation": certificate.occupation_name, "level": level_label(certificate.level),
        "class_hours": certificate.class_hours, "final_score": certificate.final_score,
        "issued_at": certificate.issued_at.astimezone(dt.UTC),
        "revoked_at": certificate.revoked_at.astimezone(dt.UTC) if certificate.revoked_at else None,
        "pdf_url": reverse("certificates:pdf", args=[certificate.pk]) if certificate.is_valid else "",
        "verify_url": selectors.verification_url(certificate=certificate, request=request),
    }


class ModuleCheckOut(Schema):
    module_id: int
    title: str
    category: str
    category_label: str
    planned_minutes: int
    credited_minutes: int
    short_minutes: int
    met: bool


class AssessmentOut(Schema):
    exists: bool
    exam_id: int | None
    title: str
    passed: bool
    pass_score: Decimal | None
    best_score: Decimal | None
    attempts_used: int
    attempts_allowed: int


class CompletionOut(Schema):
    enrolment_id: int
    complete: bool
    class_hours: int
    planned_class_hours: int
    modules: list[ModuleCheckOut]
    assessment: AssessmentOut
    missing: list[str]
    certificate_id: int | None


class RevokeIn(Schema):
    reason: str


class VerifyOut(Schema):
    state: str
    state_label: str
    number: str
    masked_name: str
    course_title: str
    occupation: str
    level: str
    class_hours: int
    issued_on: str
    provider_name: str
    issuer: str
    revoked_on: str


@router.get("/", response=list[CertificateOut], summary="我的证书（学员本人持有的全部证书，含已撤销）")
def certificates_mine(request: HttpRequest):
    return [_out(request, c) for c in selectors.certificates_of_user(user=request.user)]


@router.get("/enrolments/{enrolment_id}/completion", response=CompletionOut, summary="报名的结业条件：已完成和还缺什么")
def completion(request: HttpRequest, enrolment_id: int):
    page = selectors.completion_page(user=request.user, enrolment_id=enrolment_id)
    c, a = page.completion, page.completion.assessment
    return {
        "enrolment_id": page.enrolment.pk, "complete": c.complete, "class_hours": c.class_hours,
        "planned_class_hours": c.planned_class_hours,
        "modules": [{"module_id": m.module_id, "title": m.title, "category": m.category,
                     "category_label": m.category_label, "planned_minutes": m.planned_minutes,
                     "credited_minutes": m.credited_minutes, "short_minutes": m.short_minutes, "met": m.met}
                    for m in c.modules],
        "assessment": {"exists": a.exists, "exam_id": a.exam_id, "title": a.title, "passed": a.passed,
                       "pass_score": a.pass_score, "best_score": a.best_score, "attempts_used": a.attempts_used,
                       "attempts_allowed": a.attempts_allowed},
        "missing": c.missing, "certificate_id": page.certificate.pk if page.certificate else None,
    }


@router.post("/enrolments/{enrolment_id}/issue", response=CertificateOut,
             summary="领取培训合格证书（未达结业条件时拒绝并列出缺项；重复领取返回同一证书）")
def issue(request: HttpRequest, enrolment_id: int):
    enrolment = enrolment_get_visible(user=request.user, enrolment_id=enrolment_id)
    return _out(request, services.certificate_issue(enrolment=enrolment, actor=request.user))


@router.post("/{certificate_id}/revoke", response=CertificateOut, summary="撤销证书（所在地审核人员或系统管理员，须填原因）")
def revoke(request: HttpRequest, certificate_id: int, payload: RevokeIn):
    certificate = selectors.certificate_get_visible(user=request.user, certificate_id=certificate_id)
    return _out(request, services.certificate_revoke(certificate=certificate, reason=payload.reason,
                                                     actor=request.user))


@router.get("/verify/{token}", auth=None, response={200: VerifyOut, 404: VerifyOut},
            summary="公开核验（无需登录）：有效 / 已撤销 / 未查到")
def verify(request: HttpRequest, token: str, response: HttpResponse):
    response["X-Robots-Tag"] = "noindex, nofollow"
    view = selectors.certificate_public_view(token=token)
    body = {**view.__dict__, "state_label": view.state_label}
    return Status(404 if view.state == "not_found" else 200, body)
