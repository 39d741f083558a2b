"""Integrity API (mounted at /api/integrity/): the flags of the caller's region and the
reviewer's decision. Session auth with CSRF on the decision (``jineng.api``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from jineng.common.errors import PermissionDenied
from jineng.integrity import selectors, services
from jineng.integrity.models import Flag

router = Router(tags=["integrity"])


class PersonOut(Schema):
    id: int
    name: str


class FlagOut(Schema):
    id: int
    kind: str
    kind_label: str
    severity: str
    status: str
    title: str
    region_code: str
    organization: str | None
    persons: list[PersonOut]
    subject_type: str
    subject_id: str
    evidence: dict
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class DecisionIn(Schema):
    decision: str
    note: str


def _out(flag: Flag) -> FlagOut:
    return FlagOut(
        id=flag.pk, kind=flag.kind, kind_label=flag.kind_label, severity=flag.severity, status=flag.status,
        title=flag.title, region_code=flag.region_code,
        organization=flag.organization.name if flag.organization else None,
        persons=[PersonOut(id=p.pk, name=p.name) for p in flag.persons.all()], subject_type=flag.subject_type,
        subject_id=flag.subject_id, evidence=flag.evidence, created_at=flag.created_at,
        decided_by=str(flag.decided_by) if flag.decided_by else None, decided_at=flag.decided_at,
        decision_note=flag.decision_note)


def _require_reviewer(request: HttpRequest) -> None:
    if not selectors.user_can_review_flags(user=request.user):
        raise PermissionDenied("只有县区审核员、市级管理人员和系统管理员可以查看风险标记")


@router.get("/flags", response=list[FlagOut], summary="我辖区内的风险标记（默认待核查）")
def flags(request: HttpRequest, status: str = "open", kind: str = ""):
    _require_reviewer(request)
    return [_out(f) for f in selectors.flags_visible_to(user=request.user, status=status, kind=kind)[:200]]


@router.get("/flags/{flag_id}", response=FlagOut, summary="一条风险标记及其证据")
def flag(request: HttpRequest, flag_id: int):
    _require_reviewer(request)
    return _out(selectors.flag_get_visible(user=request.user, flag_id=flag_id))


@router.post("/flags/{flag_id}/decision", response=FlagOut, summary="核查结论：confirmed（确认）或 dismissed（排除），须附意见")
def flag_decide(request: HttpRequest, flag_id: int, payload: DecisionIn):
    _require_reviewer(request)
    flag = selectors.flag_get_visible(user=request.user, flag_id=flag_id)
    services.flag_decide(flag=flag, actor=request.user, decision=payload.decision, note=payload.note)
    return _out(selectors.flag_get_visible(user=request.user, flag_id=flag_id))
