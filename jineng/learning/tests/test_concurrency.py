"""Two deliveries of the same batch at the same moment must not credit twice; two devices starting at
the same moment must leave one active session (PostgreSQL only: SQLite serialises writers)."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.common import clock
from jineng.common.testing import run_together
from jineng.learning.models import BeatBatch, Enrolment, Segment, StudySession
from jineng.learning.selectors import enrolment_recount, enrolment_stored_totals
from jineng.learning.services import heartbeats_record, session_start
from jineng.learning.services.sessions import SessionConflict
from jineng.learning.tests.helpers import make_beats

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]




def test_concurrent_deliveries_of_one_batch_credit_it_once(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id="device-race-0001")
    clock.advance(seconds=30)
    beats = make_beats(video, 1, 6)
    for _ in range(3):  # several rounds: the race must never be won twice
        results, errors = run_together(4, lambda n: heartbeats_record(actor=learner, session_id=session.pk, beats=beats))
        assert errors == []
        assert sorted(r.accepted for r in results) == ([0, 0, 0, 6] if _ == 0 else [0, 0, 0, 0])
    assert BeatBatch.objects.count() == 1
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 30_000
    assert Segment.objects.filter(session=session).count() == 1
    assert enrolment_stored_totals(enrolment=enrolment) == enrolment_recount(enrolment=enrolment)


def test_concurrent_overlapping_batches_count_each_beat_once(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id="device-race-0002")
    clock.advance(seconds=60)
    batches = [make_beats(video, 1, 8), make_beats(video, 5, 8, position=20)]  # seqs 1–8 and 5–12
    results, errors = run_together(2, lambda n: heartbeats_record(actor=learner, session_id=session.pk, beats=batches[n]))
    assert errors == []
    assert sum(r.accepted for r in results) == 12
    stored = StudySession.objects.get(pk=session.pk)
    assert (stored.seen_ranges, stored.beats_accepted) == ([[1, 12]], 12)
    assert sum(BeatBatch.objects.values_list("beat_count", flat=True)) == 12
    assert enrolment_stored_totals(enrolment=enrolment) == enrolment_recount(enrolment=enrolment)


def test_two_devices_starting_together_leave_one_active_session(rules, learner, enrolment, video):
    results, errors = run_together(
        3, lambda n: session_start(actor=learner, lesson=video, device_id=f"device-race-10{n:02d}"))
    assert all(isinstance(e, SessionConflict) for e in errors)
    assert StudySession.objects.filter(person=learner.person, state="active").count() == 1
    assert len(results) + len(errors) == 3 and results
