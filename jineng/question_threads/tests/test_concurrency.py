"""Simultaneous submissions of one question (PostgreSQL only: SQLite serialises writers with
BEGIN IMMEDIATE). The asker's row lock makes them queue; the first makes the thread, the others
get it back."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.common.testing import run_together
from jineng.question_threads import services
from jineng.question_threads.models import QuestionThread, QuestionThreadEvent

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize("key", ["", "same-form-key-0001"], ids=["same-text", "same-key"])
def test_four_simultaneous_submissions_make_one_thread(learner, course, key):
    def submit(n: int):
        return services.question_thread_ask(course=course, title="接地线先接哪一端", body="挂接地线的顺序？",
                                            idempotency_key=key, actor=learner)

    results, errors = run_together(4, submit)
    assert errors == []
    assert sorted(r.created for r in results) == [False, False, False, True]
    assert len({r.thread.pk for r in results}) == 1
    assert QuestionThread.objects.count() == 1
    assert QuestionThreadEvent.objects.count() == 1
