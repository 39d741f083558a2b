"""The database, not only the application, refuses to change or remove an entry."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from jineng.audit.models import AuditEntry, AuditLogIsAppendOnly
from jineng.audit.selectors import audit_verify
from jineng.audit.testing import append_only_guard_suspended

GUARD_TRIGGERS = {
    "sqlite": {"audit_auditentry_no_delete", "audit_auditentry_no_update"},
    "postgresql": {"audit_auditentry_no_delete", "audit_auditentry_no_truncate", "audit_auditentry_no_update"},
}


def installed_triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditentry'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_auditentry'::regclass AND NOT tgisinternal"
                " AND tgenabled <> 'D'"
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_the_migrations_installed_the_guard() -> None:
    # Fails if a later migration rebuilt the table on SQLite and lost the triggers.
    assert installed_triggers() == GUARD_TRIGGERS[connection.vendor]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit_auditentry SET summary = '{}' WHERE seq = 1", id="update-summary"),
        pytest.param("UPDATE audit_auditentry SET hash = prev_hash", id="update-all"),
        pytest.param("DELETE FROM audit_auditentry WHERE seq = 1", id="delete-one"),
        pytest.param("DELETE FROM audit_auditentry", id="delete-all"),
    ],
)
def test_raw_sql_update_and_delete_are_refused_by_the_database(record: Any, sql: str) -> None:
    first = record(summary={"a": "1"})
    record()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.get(seq=1).summary == first.summary
    assert AuditEntry.objects.count() == 2
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)
def test_truncate_of_a_non_empty_log_is_refused_on_postgresql(record: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    record()
    with pytest.raises(IntegrityError, match="TRUNCATE"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditentry")
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_orm_refuses_before_the_database_has_to(record: Any) -> None:
    entry = record()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(seq=entry.seq).update(action="thing.other")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_the_guard_comes_back_after_being_lifted(record: Any) -> None:
    record()
    with append_only_guard_suspended():
        assert installed_triggers() == set()
    assert installed_triggers() == GUARD_TRIGGERS[connection.vendor]

    class Boom(Exception):
        pass

    with pytest.raises(Boom), append_only_guard_suspended():
        raise Boom
    assert installed_triggers() == GUARD_TRIGGERS[connection.vendor]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
