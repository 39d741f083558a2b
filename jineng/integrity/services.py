"""Raising and deciding integrity flags.

``flag_raise`` is what every detector calls: idempotent on ``dedupe_key``, so running a detector
again never doubles a flag. ``flag_decide`` is the reviewer's decision (confirm or dismiss, with a
note): open → confirmed / dismissed, once, by a reviewer or officer of the flag's region.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.identity.models import User
from jineng.integrity.models import Flag
from jineng.integrity.selectors import user_can_decide_flag

TRANSITIONS = {
    "confirm": ({Flag.Status.OPEN}, Flag.Status.CONFIRMED),
    "dismiss": ({Flag.Status.OPEN}, Flag.Status.DISMISSED),
}
DECISIONS = {"confirmed": "confirm", "dismissed": "dismiss", "confirm": "confirm", "dismiss": "dismiss"}
_REGION = re.compile(r"^\d{6}$")
_KIND = re.compile(r"^[a-z][a-z0-9_]{1,31}$")


def flag_raise(*, kind: str, severity: str, title: str, persons: list, region_code: str, evidence: dict,
               organization=None, subject=None, dedupe_key: str = "", actor: User | None = None) -> tuple[Flag, bool]:
    """Put a suspicion in the reviewers' queue of ``region_code``; returns (flag, created). With a
    ``dedupe_key`` already used, the existing flag is returned and nothing is written."""
    if not _KIND.match(kind or ""):
        raise DomainError("invalid_kind", "标记类型应为小写英文标识", field="kind")
    if severity not in Flag.Severity.values:
        raise DomainError("invalid_severity", "严重程度应为 low、medium 或 high", field="severity")
    if not _REGION.match(region_code or ""):
        raise DomainError("region_required", "风险标记必须归属一个行政区划（6 位代码），审核人员才能看到", field="region_code")
    if not persons:
        raise DomainError("persons_required", "风险标记至少涉及一名人员", field="persons")
    dedupe_key = (dedupe_key or "")[:200]
    if dedupe_key and (existing := Flag.objects.filter(dedupe_key=dedupe_key).first()):
        return existing, False
    subject_type = f"{subject._meta.app_label}.{subject._meta.model_name}" if subject is not None else ""
    subject_id = str(subject.pk) if subject is not None else ""
    with transaction.atomic():
        try:
            with transaction.atomic():
                flag = Flag.objects.create(kind=kind, severity=severity, title=title[:200], organization=organization,
                                           region_code=region_code, subject_type=subject_type, subject_id=subject_id,
                                           dedupe_key=dedupe_key, evidence=evidence, created_at=clock.now())
        except IntegrityError:
            existing = Flag.objects.filter(dedupe_key=dedupe_key).first() if dedupe_key else None
            if existing is None:
                raise
            return existing, False
        flag.persons.set(persons)
        audit_record(actor=actor, action="integrity.flag_raise", target=flag,
                     summary={"kind": kind, "severity": severity, "persons": sorted(p.pk for p in persons),
                              "subject": f"{subject_type}:{subject_id}", "dedupe_key": dedupe_key},
                     organization_id=getattr(organization, "pk", None), region_code=region_code)
    return flag, True


def flag_decide(*, flag: Flag, actor: User, decision: str, note: str) -> Flag:
    """A reviewer's decision: ``confirmed`` (the suspicion holds; claims for these persons must not
    pass on this evidence) or ``dismissed`` (explained), always with a note saying why."""
    action = DECISIONS.get(decision or "")
    if action is None:
        raise DomainError("invalid_decision", "请选择“确认违规”或“排除嫌疑”", field="decision")
    if actor is None or not user_can_decide_flag(user=actor, flag=flag):
        raise PermissionDenied("只有该标记所属辖区的审核人员可以核查")
    note = (note or "").strip()
    if not note:
        raise DomainError("note_required", "请填写核查意见：核实了什么、依据是什么", field="note")
    if len(note) > 2000:
        raise DomainError("note_too_long", "核查意见不能超过 2000 字", field="note")
    sources, target = TRANSITIONS[action]
    with transaction.atomic():
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        if locked.status not in sources:
            raise DomainError("already_decided", f"该标记已核查（{locked.get_status_display()}），不能重复操作",
                              field="decision")
        locked.status, locked.decided_by, locked.decided_at, locked.decision_note = target, actor, clock.now(), note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(actor=actor, action=f"integrity.flag_{action}", target=locked,
                     summary={"kind": locked.kind, "status": target, "note": note[:500]},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    return locked
