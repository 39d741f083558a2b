"""Writing the audit trail. ``audit_record`` is the only way an entry is made."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from stdnum.cn import ric

from jineng.audit.models import (
    CHAIN_HEAD_ID,
    GENESIS_HASH,
    AuditChainHead,
    AuditEntry,
    canonical_bytes,
    compute_hash,
    normalise_summary,
)
from jineng.common import clock

ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
REGION_CODE_PATTERN = re.compile(r"^\d{6}$")
MAX_SUMMARY_BYTES = 64 * 1024

# Safety net for "callers pass masked values": a valid resident ID number (check digit and
# birth date both right) standing alone in any summary value is refused. Phone numbers are not
# checked: a bureau's or a company's published number is no secret, and a pattern cannot tell
# it from a person's — callers mask personal phones with ``mask_phone``.
_ID_NUMBER_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


class AuditNotInTransaction(RuntimeError):
    """``audit_record`` was called outside ``transaction.atomic()``: the entry could commit
    without the write it describes, or the write without its entry."""

    def __init__(self) -> None:
        super().__init__(
            "审计记录必须在业务写入的同一事务（transaction.atomic()）中调用"
            "（audit_record must be called inside the caller's transaction.atomic()）"
        )


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    summary: dict[str, Any] | None = None,
    organization_id: int | None = None,
    region_code: str = "",
) -> AuditEntry:
    """Append one entry to the chain, inside the caller's transaction.

    ``actor`` is the signed-in user, or ``None`` for the system. ``target`` is a saved model
    instance (its type becomes ``app_label.model_name`` and its id ``str(pk)``), or give
    ``target_type``/``target_id`` directly. ``summary`` says what changed (JSON values only; see
    ``normalise_summary``); ID numbers and personal phone numbers in it must already be masked
    (``jineng.common.masking``) — a valid unmasked ID number is refused. ``organization_id`` and
    ``region_code`` decide who may read the entry (``audit_entries_visible_to``).

    Cost: one locked read of the chain head, one insert, one head update. The head stays
    locked until the caller commits, so record the entry as the last step of the write.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditNotInTransaction()

    actor_id, actor_label = _actor(actor)
    if not ACTION_PATTERN.match(action) or len(action) > 64:
        raise ValueError(f"操作名称不合规：{action!r}，应为小写点分形式，如 person.register")
    target_type, target_id = _target(target, target_type, target_id)
    if organization_id is not None and (isinstance(organization_id, bool) or not isinstance(organization_id, int)):
        raise TypeError("organization_id 必须是整数或 None")
    region_code = region_code or ""
    if region_code and not REGION_CODE_PATTERN.match(region_code):
        raise ValueError(f"区划代码应为 6 位数字：{region_code!r}")
    clean_summary = normalise_summary(summary if summary is not None else {})
    if not isinstance(clean_summary, dict):
        raise TypeError("summary 必须是字典（dict）")
    _refuse_plain_personal_numbers(clean_summary)
    if len(canonical_bytes(clean_summary)) > MAX_SUMMARY_BYTES:
        raise ValueError(f"summary 过大（超过 {MAX_SUMMARY_BYTES} 字节），请只记录变化的要点")

    head = _locked_head()
    entry = AuditEntry(
        seq=head.seq + 1,
        created_at=clock.now(),
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=clean_summary,
        organization_id=organization_id,
        region_code=region_code,
        prev_hash=head.hash,
    )
    entry.hash = compute_hash(entry.hashed_fields())
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).update(seq=entry.seq, hash=entry.hash)
    return entry


def _actor(actor: AbstractBaseUser | None) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if not actor.is_authenticated or actor.pk is None:
        raise ValueError("操作人必须是已保存的登录用户；系统操作请传 actor=None")
    return actor.pk, actor.get_username()


def _target(target: models.Model | None, target_type: str, target_id: str) -> tuple[str, str]:
    if target is not None:
        if target.pk is None:
            raise ValueError("审计对象尚未保存（target has no primary key）")
        derived_type = f"{target._meta.app_label}.{target._meta.model_name}"
        derived_id = str(target.pk)
        if (target_type and target_type != derived_type) or (target_id and str(target_id) != derived_id):
            raise ValueError("target 与 target_type/target_id 不一致")
        return derived_type, derived_id
    target_id = str(target_id)
    if target_id and not target_type:
        raise ValueError("给出 target_id 时必须同时给出 target_type")
    if len(target_type) > 100 or len(target_id) > 64:
        raise ValueError("target_type 或 target_id 过长")
    return target_type, target_id


def _refuse_plain_personal_numbers(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _refuse_plain_personal_numbers(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_plain_personal_numbers(item)
    elif isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        for candidate in _ID_NUMBER_CANDIDATE.findall(text):
            if ric.is_valid(candidate.upper()):
                raise ValueError("summary 中含有未脱敏的身份证号，请先用 mask_id_number 脱敏")


def _locked_head() -> AuditChainHead:
    """Lock and return the chain head, creating it on first use (or after a test flush)."""
    head = AuditChainHead.objects.select_for_update().filter(pk=CHAIN_HEAD_ID).first()
    if head is not None:
        return head
    last = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, last_hash = last if last is not None else (0, GENESIS_HASH)
    # INSERT … ON CONFLICT DO NOTHING: when two first writers race, one row wins and the other
    # waits for it, then locks the row the winner has already advanced.
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(id=CHAIN_HEAD_ID, seq=seq, hash=last_hash)], ignore_conflicts=True
    )
    return AuditChainHead.objects.select_for_update().get(pk=CHAIN_HEAD_ID)
