"""Reading the audit trail: verifying the chain, and the entries a user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from jineng.audit.models import (
    CHAIN_HEAD_ID,
    GENESIS_HASH,
    AuditChainHead,
    AuditEntry,
    compute_hash,
    entry_fields,
)
from jineng.common.errors import DomainError
from jineng.identity.models import REGION_ROLES, Role, RoleAssignment
from jineng.regions.models import Region
from jineng.regions.selectors import region_scope_q

HEAD_PATTERN = re.compile(r"^\s*(\d+):([0-9a-f]{64})\s*$")

_VERIFY_COLUMNS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "target_type",
    "target_id",
    "summary",
    "organization_id",
    "region_code",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class VerifyResult:
    """What ``audit_verify`` found.

    ``head_seq``/``head_hash`` name the newest entry that verified (``0`` and 64 zeros when
    none did); when ``ok`` they are the chain's head, ready to export as ``seq:hash``.
    ``first_broken_seq`` is the first entry that is wrong or missing; ``problem`` says why,
    in Chinese; ``problem_code`` is one of ``gap``, ``prev_hash_mismatch``, ``hash_mismatch``,
    ``expected_head_mismatch``, ``expected_head_missing``, ``head_row_mismatch``,
    ``tail_missing`` (empty when ``ok``).
    """

    ok: bool
    entries_checked: int
    head_seq: int
    head_hash: str
    first_broken_seq: int | None = None
    problem: str = ""
    problem_code: str = ""

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


def parse_head(text: str) -> tuple[int, str]:
    """``"123:ab…"`` → ``(123, "ab…")``; a malformed value is a ``DomainError``."""
    match = HEAD_PATTERN.match(text or "")
    if not match:
        raise DomainError(
            "audit_head_malformed",
            "链头格式应为 序号:哈希（64 位小写十六进制），例如 42:3f…",
            field="expected_head",
        )
    return int(match.group(1)), match.group(2)


def audit_head() -> str:
    """The newest entry as ``seq:hash`` (``0:000…`` when the log is empty), for export."""
    newest = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, entry_hash = newest if newest is not None else (0, GENESIS_HASH)
    return f"{seq}:{entry_hash}"


def audit_verify(*, expected_head: str | None = None, batch_size: int = 5000) -> VerifyResult:
    """Recompute the whole chain in ``seq`` order, ``batch_size`` rows per query.

    Finds the first entry whose hash does not match its content, whose ``prev_hash`` does not
    match the entry before it, or that is missing (a gap in ``seq``). With ``expected_head``
    (``seq:hash`` exported earlier) the entry at that ``seq`` must still exist with that hash,
    which catches a chain rewritten consistently from some point on. The chain-head row must
    also name an existing entry with its hash, which catches entries cut from the tail.
    Memory stays flat: rows are read by keyset pagination (``seq > last``), never all at once.
    """
    if batch_size < 1:
        raise ValueError("batch_size 必须为正整数")
    expected = parse_head(expected_head) if expected_head is not None else None
    # Read the head row before the entries: every entry it names was committed before this
    # read, so it must be among the rows read below (entries appended meanwhile are fine).
    head_row = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).values_list("seq", "hash").first()

    checkpoints: dict[int, list[tuple[str, str]]] = {}
    if expected is not None:
        checkpoints.setdefault(expected[0], []).append((expected[1], "expected_head"))
    if head_row is not None:
        checkpoints.setdefault(head_row[0], []).append((head_row[1], "head_row"))

    last_seq, last_hash, checked = 0, GENESIS_HASH, 0
    problems = _checkpoint_problems(checkpoints.get(0, []), 0, GENESIS_HASH)  # "0:…" names the empty log
    if problems:
        return VerifyResult(False, 0, 0, GENESIS_HASH, 0, *problems[0])

    while True:
        rows = list(
            AuditEntry.objects.filter(seq__gt=last_seq).order_by("seq").values_list(*_VERIFY_COLUMNS)[:batch_size]
        )
        if not rows:
            break
        for row in rows:
            values: dict[str, Any] = dict(zip(_VERIFY_COLUMNS, row, strict=True))
            seq: int = values["seq"]
            checked += 1
            broken = _entry_problem(values, expected_seq=last_seq + 1, prev_hash=last_hash)
            if broken is None and seq in checkpoints:
                problems = _checkpoint_problems(checkpoints[seq], seq, values["hash"])
                broken = problems[0] if problems else None
            if broken is not None:
                broken_seq = last_seq + 1 if broken[1] == "gap" else seq
                return VerifyResult(False, checked, last_seq, last_hash, broken_seq, *broken)
            last_seq, last_hash = seq, values["hash"]

    beyond = [(seq, kind) for seq, items in checkpoints.items() if seq > last_seq for _, kind in items]
    if beyond:
        seq, kind = min(beyond)
        if kind == "expected_head":
            problem = (f"导出的链头第 {seq} 条已不存在：日志只到第 {last_seq} 条，末尾的条目被删除", "expected_head_missing")
        else:
            problem = (f"链头记录指向第 {seq} 条，但日志只到第 {last_seq} 条：末尾的条目被删除", "tail_missing")
        return VerifyResult(False, checked, last_seq, last_hash, last_seq + 1, *problem)
    return VerifyResult(True, checked, last_seq, last_hash)


def _entry_problem(values: dict[str, Any], *, expected_seq: int, prev_hash: str) -> tuple[str, str] | None:
    seq = values["seq"]
    if seq != expected_seq:
        return (
            f"第 {expected_seq} 条缺失（序号从 {expected_seq - 1} 跳到 {seq}）：条目被删除",
            "gap",
        )
    if values["prev_hash"] != prev_hash:
        return (
            f"第 {seq} 条记录的前一条哈希与第 {seq - 1} 条的哈希不符：第 {seq - 1} 条可能被改写并重算了哈希",
            "prev_hash_mismatch",
        )
    fields = entry_fields(**{name: values[name] for name in _VERIFY_COLUMNS if name != "hash"})
    if compute_hash(fields) != values["hash"]:
        return (f"第 {seq} 条的内容与其哈希不符：该条目被篡改", "hash_mismatch")
    return None


def _checkpoint_problems(items: list[tuple[str, str]], seq: int, actual_hash: str) -> list[tuple[str, str]]:
    problems = []
    for wanted_hash, kind in items:
        if wanted_hash == actual_hash:
            continue
        if kind == "expected_head":
            problems.append(
                (f"第 {seq} 条的哈希与导出的链头不符：从该条（或更早）起日志被整体改写", "expected_head_mismatch")
            )
        else:
            problems.append((f"第 {seq} 条的哈希与链头记录不符：日志被改写", "head_row_mismatch"))
    return problems


def audit_entries_visible_to(*, user: Any) -> QuerySet[AuditEntry]:
    """The entries ``user`` may read, newest first.

    A system administrator (or superuser) sees all; a county reviewer or city officer sees
    entries whose ``region_code`` lies inside an assigned region (province: same first two
    digits, city: same first four, county: the same code — as ``Region.contains``); a training
    administrator sees the entries of the assigned organisations; everyone sees the entries
    they made themselves. Anonymous and inactive users see nothing.
    """
    entries = AuditEntry.objects.order_by("-seq")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return entries.none()
    if user.is_superuser:
        return entries
    scope = Q(actor_id=user.pk)
    for assignment in RoleAssignment.objects.filter(user_id=user.pk).select_related("region"):
        if assignment.role == Role.SYSTEM_ADMIN:
            return entries
        if assignment.role in REGION_ROLES and assignment.region is not None:
            scope |= region_scope(assignment.region)
        elif assignment.role == Role.TRAINING_ADMIN and assignment.organization_id is not None:
            scope |= Q(organization_id=assignment.organization_id)
    return entries.filter(scope)


def region_scope(region: Region, *, field: str = "region_code") -> Q:
    """``Region.contains`` as a filter on audit entries' region code."""
    return region_scope_q(region, field=field)


def audit_entries_for_target(*, target_type: str, target_id: str) -> QuerySet[AuditEntry]:
    """The history of one object, oldest first (``target_type`` is ``app_label.model_name``)."""
    return AuditEntry.objects.filter(target_type=target_type, target_id=str(target_id)).order_by("seq")
