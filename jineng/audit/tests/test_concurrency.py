"""Two writers appending at the same moment must never fork the chain (PostgreSQL only:
SQLite serialises writers with BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from jineng.audit.models import AuditEntry
from jineng.audit.selectors import audit_verify
from jineng.audit.services import audit_record

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
]

WRITERS = 4
ENTRIES_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain() -> None:
    # The log starts empty and without its head row, so the writers also race to create it.
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for i in range(ENTRIES_EACH):
                with transaction.atomic():
                    audit_record(actor=None, action="thing.touch", target_type="test.writer",
                                 target_id=str(number), summary={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    total = WRITERS * ENTRIES_EACH
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    assert AuditEntry.objects.values("prev_hash").distinct().count() == total  # one successor per entry
    for number in range(WRITERS):
        assert AuditEntry.objects.filter(target_id=str(number)).count() == ENTRIES_EACH
    result = audit_verify(batch_size=7)
    assert (result.ok, result.entries_checked) == (True, total)
