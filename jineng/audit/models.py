"""The audit trail: an append-only, hash-chained log of every record and decision.

Each ``AuditEntry`` carries the hash of the entry before it, so removing, reordering or
rewriting any entry breaks every link after it; ``jineng audit verify`` recomputes the chain.
The database itself refuses UPDATE and DELETE on the table (triggers installed by migration
``0002_append_only_triggers``, on SQLite and on PostgreSQL, plus a TRUNCATE guard on
PostgreSQL); the hash chain catches what someone with enough rights to drop the triggers
changes behind the application's back.

Canonical serialisation (version 1) — the bytes that are hashed
----------------------------------------------------------------
``hash = SHA-256(canonical).hexdigest()`` (64 lowercase hex characters), where ``canonical``
is the UTF-8 encoding of a JSON object holding every field of the entry except ``hash``::

    {"action": str, "actor_id": int | null, "actor_label": str,
     "created_at": "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", "organization_id": int | null,
     "prev_hash": str, "region_code": str, "seq": int, "summary": {...},
     "target_id": str, "target_type": str}

serialised with keys sorted at every level, no whitespace (separators ``","`` and ``":"``)
and non-ASCII characters written as themselves (``ensure_ascii=False``) — that is,
``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``.
``created_at`` is converted to UTC and written by ``datetime.isoformat(timespec="microseconds")``.
``prev_hash`` of the first entry (``seq`` 1) is ``GENESIS_HASH``, 64 zeros.

``summary`` holds only JSON strings, integers, booleans, null, lists and objects with string
keys (``normalise_summary`` converts Decimal, date, datetime and UUID to strings and refuses
floats), so it reads back from SQLite's text JSON and PostgreSQL's jsonb exactly as it was
hashed. Any change to this serialisation needs a new version and a migration of the verifier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1


class AuditLogIsAppendOnly(Exception):
    """Raised by the ORM guard before the database trigger would refuse the statement."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"审计日志只允许追加，禁止{operation}（audit log is append-only: {operation} refused）")


def canonical_bytes(fields: Mapping[str, Any]) -> bytes:
    """The UTF-8 bytes of the canonical JSON of one entry (see the module docstring)."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("审计时间必须带时区（created_at must be timezone-aware）")
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_fields(
    *,
    seq: int,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    summary: Mapping[str, Any],
    organization_id: int | None,
    region_code: str,
    prev_hash: str,
) -> dict[str, Any]:
    """Every hashed field of an entry, in the form that goes into ``canonical_bytes``."""
    return {
        "seq": seq,
        "created_at": canonical_datetime(created_at),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "summary": summary,
        "organization_id": organization_id,
        "region_code": region_code,
        "prev_hash": prev_hash,
    }


def compute_hash(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(fields)).hexdigest()


def normalise_summary(value: Any, *, path: str = "summary") -> Any:
    """Return ``value`` as JSON that survives a round trip through either database unchanged.

    Decimal, date, datetime and UUID become strings (money stays exact: ``"600.00"``); tuples
    become lists. Floats are refused (their text differs between SQLite and jsonb), as are
    non-string keys, NUL characters (jsonb refuses them) and anything else not JSON.
    """
    if value is None or type(value) is bool:
        return value
    if isinstance(value, str):
        _check_text(value, path)
        return str.__str__(value)  # a TextChoices member becomes its plain value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        raise TypeError(f"{path}：不接受浮点数，请以字符串或 Decimal 传入（floats are not allowed）")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return canonical_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [normalise_summary(item, path=f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}：键必须是字符串（keys must be strings），得到 {key!r}")
            _check_text(key, path)
            result[str.__str__(key)] = normalise_summary(item, path=f"{path}.{key}")
        return result
    raise TypeError(f"{path}：不支持的类型 {type(value).__name__}（not JSON-serialisable）")


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise ValueError(f"{path}：文本中不能含 NUL 字符")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{path}：文本不是有效的 Unicode（lone surrogate）") from exc


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("修改")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditLogIsAppendOnly("删除")


class AuditEntry(models.Model):
    """One link of the chain. Written only by ``jineng.audit.services.audit_record``."""

    seq = models.PositiveBigIntegerField("序号", primary_key=True)
    created_at = models.DateTimeField("时间")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="操作人",
    )
    actor_label = models.CharField("操作人（当时的用户名）", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64)
    target_type = models.CharField("对象类型", max_length=100, blank=True)
    target_id = models.CharField("对象编号", max_length=64, blank=True)
    summary = models.JSONField("内容摘要", default=dict, blank=True)
    organization_id = models.BigIntegerField("所属单位编号", null=True, blank=True)
    # db_index (not Meta.indexes) so that PostgreSQL also gets the pattern-ops index that
    # serves the prefix match "everything inside this city".
    region_code = models.CharField("所属区划代码", max_length=6, blank=True, db_index=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_target_idx"),
            models.Index(fields=["organization_id", "seq"], name="audit_org_idx"),
            models.Index(fields=["action", "created_at"], name="audit_action_time_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}".rstrip(":")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogIsAppendOnly("修改")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("删除")

    def hashed_fields(self) -> dict[str, Any]:
        return entry_fields(
            seq=self.seq,
            created_at=self.created_at,
            actor_id=self.actor_id,
            actor_label=self.actor_label,
            action=self.action,
            target_type=self.target_type,
            target_id=self.target_id,
            summary=self.summary,
            organization_id=self.organization_id,
            region_code=self.region_code,
            prev_hash=self.prev_hash,
        )


class AuditChainHead(models.Model):
    """The single row (``id`` 1) naming the newest entry. Appenders lock it with
    ``SELECT … FOR UPDATE`` so that two writers never take the same ``seq``; the verifier
    also compares it with the newest entry, which reveals entries cut from the tail."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=CHAIN_HEAD_ID)
    seq = models.PositiveBigIntegerField("最新序号", default=0)
    hash = models.CharField("最新哈希", max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"
        constraints = [models.CheckConstraint(condition=models.Q(id=CHAIN_HEAD_ID), name="audit_chain_head_single_row")]

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"
