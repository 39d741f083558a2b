"""Test support for the append-only audit table — never imported by application code.

Django's ``TransactionTestCase`` (pytest-django's ``transactional_db`` and
``django_db(transaction=True)``) empties every table after each test: ``DELETE FROM`` on
SQLite, ``TRUNCATE`` on PostgreSQL. The audit table refuses both while it holds rows, so a
transactional test that wrote an audit entry would fail in teardown. The autouse fixture here
empties the audit table first, with its guard lifted for that one statement.

Register it once for the whole suite, in the root ``conftest.py``::

    pytest_plugins = ["jineng.audit.testing"]
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}


@contextmanager
def append_only_guard_suspended(using: str = "default") -> Iterator[None]:
    """Lift the UPDATE/DELETE guard inside one transaction and restore it on the way out.

    For tests that play the attacker, and for the flush below. SQLite: the trigger
    definitions are read from ``sqlite_master``, dropped, and re-created verbatim; PostgreSQL:
    ``ALTER TABLE … DISABLE/ENABLE TRIGGER USER``. DDL is transactional on both, so an error
    inside the block rolls back to a guarded table.
    """
    from django.db import connections, transaction

    from jineng.audit.models import AuditEntry

    connection = connections[using]
    table = AuditEntry._meta.db_table
    quoted = connection.ops.quote_name(table)
    with transaction.atomic(using=using):
        definitions: list[tuple[str, str]] = []
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s ORDER BY name",
                    [table],
                )
                definitions = [(name, sql) for name, sql in cursor.fetchall()]
                for name, _sql in definitions:
                    cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
            elif connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {quoted} DISABLE TRIGGER USER")
            else:
                raise NotImplementedError(connection.vendor)
        yield
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for _name, sql in definitions:
                    cursor.execute(sql)
            else:
                cursor.execute(f"ALTER TABLE {quoted} ENABLE TRIGGER USER")


def audit_log_empty(using: str = "default") -> None:
    """Delete every audit entry (tests only), leaving the guard in place afterwards."""
    from django.db import connections

    from jineng.audit.models import AuditEntry

    connection = connections[using]
    quoted = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608 - table name from the model
        if cursor.fetchone() is None:
            return
    with append_only_guard_suspended(using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608 - table name from the model


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    if _TRANSACTIONAL_FIXTURES & set(request.fixturenames):
        return True
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return False

    def flags(transaction: bool = False, reset_sequences: bool = False, *args: Any, **kwargs: Any) -> bool:
        return bool(transaction or reset_sequences)

    return flags(*marker.args, **marker.kwargs)


@pytest.fixture(autouse=True)
def _audit_log_emptied_before_flush(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_transactional(request):
        yield
        return
    # Requesting the database fixture from here makes pytest tear this fixture down first,
    # i.e. before Django's flush, while the database is still unblocked.
    request.getfixturevalue("transactional_db")
    yield
    audit_log_empty()
