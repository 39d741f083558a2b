"""Playing the attacker: changing the audit table behind the application's back."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection

from jineng.audit.testing import append_only_guard_suspended


def tamper(sql: str, params: list[Any]) -> None:
    """Change the audit table behind the application's back, as someone who can lift the
    triggers would (SQLite: drop and re-create; PostgreSQL: disable and enable)."""
    with append_only_guard_suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def tamper_summary(seq: int, summary: dict[str, Any]) -> None:
    tamper("UPDATE audit_auditentry SET summary = %s WHERE seq = %s", [json.dumps(summary), seq])
