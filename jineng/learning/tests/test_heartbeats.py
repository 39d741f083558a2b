"""Crediting rules, one by one, on the settable clock."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.learning.models import (
    BeatBatch,
    DailyTotal,
    Enrolment,
    LessonProgress,
    ModuleProgress,
    Segment,
    StudySession,
)
from jineng.learning.selectors import enrolment_recount, enrolment_stored_totals
from jineng.learning.services import Beat, heartbeats_record, presence_answer, session_start, unpack_beats
from jineng.learning.services.common import SHANGHAI
from jineng.learning.services.heartbeats import SessionEnded
from jineng.learning.tests.helpers import make_beats, study

pytestmark = pytest.mark.django_db
DEVICE = "device-aaaa-0001"


@pytest.fixture
def session(rules, learner, enrolment, video):
    return session_start(actor=learner, lesson=video, device_id=DEVICE, user_agent="Mozilla/5.0 (Linux; Android 13; Mobile) Chrome/120", ip="10.0.0.8")


def segments(session):
    return [(s.reason or "credited", s.duration_ms) for s in Segment.objects.filter(session=session).order_by("started_at")]


def assert_totals_match(enrolment):
    assert enrolment_stored_totals(enrolment=enrolment) == enrolment_recount(enrolment=enrolment)


def test_visible_focused_normal_speed_is_credited_everywhere(learner, session, video, enrolment):
    result = study(learner, session, video, first_seq=1)
    assert (result.accepted, result.duplicates, result.credited_ms) == (6, 0, 30_000)
    assert segments(session) == [("credited", 30_000)]
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=video).credited_ms == 30_000
    assert ModuleProgress.objects.get(enrolment=enrolment, module=video.module).credited_ms == 30_000
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 30_000
    assert DailyTotal.objects.get(person=learner.person).credited_ms == 30_000
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=video).max_position == 30.0
    assert_totals_match(enrolment)


def test_consecutive_batches_extend_one_segment(learner, session, video):
    study(learner, session, video, first_seq=1)
    study(learner, session, video, first_seq=7, position=30)
    segment = Segment.objects.get(session=session)
    assert (segment.duration_ms, segment.first_seq, segment.last_seq) == (60_000, 1, 12)
    assert (segment.position_from, segment.position_to) == (5.0, 60.0)


@pytest.mark.parametrize(("kwargs", "reason"), [
    pytest.param({"visible": False}, "hidden", id="hidden"),
    pytest.param({"focused": False}, "unfocused", id="unfocused"),
    pytest.param({"rate": 2.0}, "rate", id="double-speed"),
    pytest.param({"rate": 1.25}, "rate", id="1.25x"),
])
def test_beats_that_break_a_rule_are_not_credited_and_say_why(learner, session, video, enrolment, kwargs, reason):
    result = study(learner, session, video, first_seq=1, **kwargs)
    assert result.credited_ms == 0
    assert result.reasons == {reason: 30_000}
    assert segments(session) == [(reason, 30_000)]
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 0
    assert not DailyTotal.objects.exists()
    assert_totals_match(enrolment)


def test_the_maximum_rate_is_a_setting(rules, learner, session, video):
    rules(MAX_RATE=1.5)
    assert study(learner, session, video, first_seq=1, rate=1.25).credited_ms == 30_000


def test_jumping_ahead_is_not_credited_until_the_learner_goes_back(learner, session, video):
    study(learner, session, video, first_seq=1)  # watched to 30 s
    jumped = study(learner, session, video, first_seq=7, position=300)
    assert jumped.reasons == {"seek_ahead": 30_000}
    still = study(learner, session, video, first_seq=13, position=330)
    assert still.reasons == {"seek_ahead": 30_000}
    back = study(learner, session, video, first_seq=19, position=30)
    assert back.credited_ms == 30_000
    assert LessonProgress.objects.get(lesson=video).max_position == 60.0
    assert segments(session) == [("credited", 30_000), ("seek_ahead", 60_000), ("credited", 30_000)]


def test_a_small_jump_within_the_tolerance_is_credited(learner, session, video):
    study(learner, session, video, first_seq=1)
    assert study(learner, session, video, first_seq=7, position=38).credited_ms == 30_000  # 8 s ahead, tolerance 10 s


def test_server_time_counts_not_the_clients_durations(learner, session, video):
    # six beats that claim 5 s each, but only 12 s of server time passed
    result = study(learner, session, video, first_seq=1, seconds=12)
    assert result.credited_ms == 12_000
    assert DailyTotal.objects.get().credited_ms == 12_000


def test_a_beat_claiming_a_long_interval_is_capped_and_the_rest_is_an_idle_gap(learner, session, video):
    clock.advance(seconds=305)
    beats = [Beat(seq=1, lesson=video.pk, position=5, rate=1, visible=True, focused=True, dur=300),
             Beat(seq=2, lesson=video.pk, position=10, rate=1, visible=True, focused=True, dur=5)]
    result = heartbeats_record(actor=learner, session_id=session.pk, beats=beats)
    assert result.credited_ms == 7_500 + 5_000  # a beat carries at most 5 s + 2.5 s of jitter
    assert result.reasons == {"credited": 12_500, "idle_gap": 292_500}


def test_a_gap_without_beats_is_an_idle_gap(learner, session, video):
    result = study(learner, session, video, first_seq=1, seconds=600)
    assert result.reasons == {"idle_gap": 570_000, "credited": 30_000}
    assert segments(session) == [("idle_gap", 570_000), ("credited", 30_000)]


def test_network_jitter_is_absorbed_not_cut_into_gaps(learner, session, video):
    result = study(learner, session, video, first_seq=1, seconds=31.5)
    assert result.reasons == {"credited": 31_500}


def test_a_repeated_batch_changes_nothing_twice(learner, session, video, enrolment):
    first = study(learner, session, video, first_seq=1)
    clock.advance(seconds=3)
    again = heartbeats_record(actor=learner, session_id=session.pk, beats=make_beats(video, 1, 6))
    assert (first.accepted, again.accepted, again.duplicates, again.credited_ms) == (6, 0, 6, 0)
    assert BeatBatch.objects.count() == 1
    assert segments(session) == [("credited", 30_000)]
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 30_000
    assert StudySession.objects.get(pk=session.pk).seen_ranges == [[1, 6]]


def test_out_of_order_and_overlapping_batches_count_each_beat_once(learner, session, video, enrolment):
    later = study(learner, session, video, first_seq=7, position=30)
    earlier = study(learner, session, video, first_seq=1, seconds=1)
    overlap = study(learner, session, video, first_seq=10, count=6, position=45)
    assert (later.accepted, earlier.accepted, overlap.accepted, overlap.duplicates) == (6, 6, 3, 3)
    stored = StudySession.objects.get(pk=session.pk)
    assert stored.seen_ranges == [[1, 15]]
    assert stored.beats_accepted == 15
    assert sum(b.beat_count for b in BeatBatch.objects.all()) == 15
    assert_totals_match(enrolment)


def test_the_raw_beats_are_kept_as_compact_evidence(learner, session, video):
    sent = make_beats(video, 1, 6, rate=1.0, visible=True)
    sent[3] = Beat(seq=4, lesson=video.pk, position=20, rate=1.0, visible=False, focused=True, dur=5)
    clock.advance(seconds=30)
    heartbeats_record(actor=learner, session_id=session.pk, beats=list(reversed(sent)), ip="10.1.2.3")
    batch = BeatBatch.objects.get()
    assert unpack_beats(batch.payload) == sent
    assert (batch.first_seq, batch.last_seq, batch.beat_count, batch.ip) == (1, 6, 6, "10.1.2.3")
    assert batch.received_at - batch.mark_from == dt.timedelta(seconds=30)
    assert len(batch.payload) < 120


def test_beats_may_move_to_another_lesson_of_the_course(learner, session, video, course, enrolment):
    document = course.modules.order_by("position").first().lessons.get(kind="document")
    other_module_video = course.modules.order_by("position").last().lessons.get()
    beats = [*make_beats(video, 1, 2), *make_beats(document, 3, 2, position=None),
             *make_beats(other_module_video, 5, 2)]
    clock.advance(seconds=30)
    result = heartbeats_record(actor=learner, session_id=session.pk, beats=beats)
    assert result.credited_ms == 30_000
    progress = {p.lesson_id: p.credited_ms for p in LessonProgress.objects.filter(enrolment=enrolment)}
    assert progress == {video.pk: 10_000, document.pk: 10_000, other_module_video.pk: 10_000}
    assert StudySession.objects.get(pk=session.pk).lesson_id == other_module_video.pk
    assert_totals_match(enrolment)


def test_a_lesson_of_another_course_is_refused_and_nothing_is_stored(learner, session, provider, author):
    from jineng.learning.tests.factories import add_video, make_course

    other = add_video(make_course(provider=provider, created_by=author, title="另一门课").modules.first())
    clock.advance(seconds=30)
    with pytest.raises(DomainError) as error:
        heartbeats_record(actor=learner, session_id=session.pk, beats=make_beats(other, 1, 2))
    assert (error.value.code, error.value.field) == ("lesson_not_in_course", "beats[0].lesson")
    assert not BeatBatch.objects.exists() and not Segment.objects.exists()


@pytest.mark.parametrize(("beat", "field"), [
    pytest.param({"seq": 0}, "beats[0].seq", id="seq-zero"),
    pytest.param({"rate": float("nan")}, "beats[0].rate", id="rate-nan"),
    pytest.param({"rate": 99}, "beats[0].rate", id="rate-huge"),
    pytest.param({"position": -3}, "beats[0].position", id="negative-position"),
    pytest.param({"dur": -1}, "beats[0].dur", id="negative-dur"),
])
def test_a_malformed_beat_refuses_the_whole_batch(learner, session, video, beat, field):
    good = make_beats(video, 1, 2)
    bad = Beat(**{**good[0].__dict__, **beat})
    with pytest.raises(DomainError) as error:
        heartbeats_record(actor=learner, session_id=session.pk, beats=[bad, good[1]])
    assert error.value.field == field
    assert not BeatBatch.objects.exists()
    assert StudySession.objects.get(pk=session.pk).seen_ranges == []


def test_repeated_seq_in_one_batch_is_refused(learner, session, video):
    beats = make_beats(video, 1, 2)
    with pytest.raises(DomainError) as error:
        heartbeats_record(actor=learner, session_id=session.pk, beats=[beats[0], beats[0]])
    assert error.value.field == "beats[1].seq"


def test_someone_elses_session_is_not_found(session, video, regions):
    from jineng.common.errors import NotFound
    from jineng.learning.tests.factories import make_learner

    stranger = make_learner(name="李四")
    with pytest.raises(NotFound):
        heartbeats_record(actor=stranger, session_id=session.pk, beats=make_beats(video, 1, 1))


# ---- one active session per learner ---------------------------------------------------

def test_starting_on_a_second_device_pauses_the_first(learner, session, video, enrolment):
    study(learner, session, video, first_seq=1)
    second = session_start(actor=learner, lesson=video, device_id="device-bbbb-0002", user_agent="iPhone Safari/604")
    first = StudySession.objects.get(pk=session.pk)
    assert (first.state, first.end_reason, first.paused_by_id) == ("paused", "other_device", second.pk)
    late = study(learner, first, video, first_seq=7, position=30)
    assert late.session.state == "paused"
    assert (late.accepted, late.credited_ms, late.reasons) == (6, 0, {"paused_by_other_device": 30_000})
    assert study(learner, second, video, first_seq=1, position=30).credited_ms == 30_000
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 60_000
    assert StudySession.objects.filter(person=learner.person, state="active").count() == 1
    assert_totals_match(enrolment)


def test_opening_another_lesson_on_the_same_device_ends_the_first_session(learner, session, video, course):
    document = course.modules.order_by("position").first().lessons.get(kind="document")
    session_start(actor=learner, lesson=document, device_id=DEVICE)
    first = StudySession.objects.get(pk=session.pk)
    assert (first.state, first.end_reason) == ("ended", "same_device")
    clock.advance(seconds=30)
    with pytest.raises(SessionEnded):
        heartbeats_record(actor=learner, session_id=session.pk, beats=make_beats(video, 1, 6))
    assert not BeatBatch.objects.filter(session=session).exists()


def test_the_database_allows_only_one_active_session_per_person(learner, session, video):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        StudySession.objects.create(**{f.attname: getattr(session, f.attname) for f in StudySession._meta.concrete_fields
                                       if f.attname != "id"})


def test_a_silent_session_is_ended_at_its_last_beat_when_another_starts(learner, session, video):
    study(learner, session, video, first_seq=1)
    last_beat = StudySession.objects.get(pk=session.pk).last_beat_at
    clock.advance(seconds=3600)
    session_start(actor=learner, lesson=video, device_id="device-bbbb-0002")
    first = StudySession.objects.get(pk=session.pk)
    assert (first.state, first.end_reason, first.ended_at) == ("ended", "timeout", last_beat)


# ---- presence checks ------------------------------------------------------------------

@pytest.fixture
def presence_rules(rules):
    rules(PRESENCE_INTERVAL_SECONDS=60, PRESENCE_JITTER=0, PRESENCE_TIMEOUT_SECONDS=30)


def test_a_presence_prompt_answered_in_time_costs_nothing(presence_rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    prompted = study(learner, session, video, first_seq=7, position=30)
    assert prompted.presence_id is not None
    clock.advance(seconds=20)
    presence_answer(actor=learner, session_id=session.pk, check_id=prompted.presence_id)
    after = study(learner, session, video, first_seq=13, position=60, seconds=10)  # the beats span the 20 s too
    assert after.presence_id is None
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 90_000


def test_an_unanswered_prompt_stops_credit_from_its_deadline_until_answered(presence_rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    prompted = study(learner, session, video, first_seq=7, position=30)  # prompt at +60 s, deadline +90 s
    overdue = study(learner, session, video, first_seq=13, position=60)  # +60 … +90 s: before the deadline
    assert overdue.reasons == {"credited": 30_000}
    blocked = study(learner, session, video, first_seq=19, position=90)  # +90 … +120 s: past the deadline
    assert blocked.reasons == {"presence_unanswered": 30_000}
    clock.advance(seconds=10)  # answered at +130 s, 40 s late
    check = presence_answer(actor=learner, session_id=session.pk, check_id=prompted.presence_id)
    assert check.answered_in_time is False
    resumed = study(learner, session, video, first_seq=25, position=90, seconds=20)  # +120 … +150 s
    assert resumed.reasons == {"presence_unanswered": 10_000, "credited": 20_000}
    assert [r for r, _ in segments(session)] == ["credited", "presence_unanswered", "credited"]
    assert_totals_match(enrolment)


# ---- the daily cap --------------------------------------------------------------------

def test_the_daily_cap_stops_credit_for_the_rest_of_the_day(rules, learner, enrolment, video):
    rules(DAILY_CAP_MINUTES=1)
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    over = study(learner, session, video, first_seq=7, count=12, position=30, step=5)
    assert over.reasons == {"credited": 30_000, "daily_cap": 30_000}
    assert DailyTotal.objects.get().credited_ms == 60_000
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms == 60_000
    assert_totals_match(enrolment)


def test_the_daily_cap_counts_every_course_of_the_person(rules, learner, enrolment, video, provider, author):
    from jineng.learning.services import enrolment_create
    from jineng.learning.tests.factories import add_video, make_course

    rules(DAILY_CAP_MINUTES=1)
    other_video = add_video(make_course(provider=provider, created_by=author, title="焊工").modules.first())
    enrolment_create(course=other_video.module.course, actor=learner)
    first = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, first, video, first_seq=1, count=8)
    second = session_start(actor=learner, lesson=other_video, device_id=DEVICE)
    assert study(learner, second, other_video, first_seq=1).reasons == {"credited": 20_000, "daily_cap": 10_000}


def test_the_daily_cap_resets_at_midnight_shanghai_time(rules, learner, enrolment, video):
    rules(DAILY_CAP_MINUTES=1)
    clock.travel_to(dt.datetime(2026, 3, 2, 23, 58, 0, tzinfo=SHANGHAI))
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1, count=12)  # 23:58:00–23:59:00, 60 s: cap reached
    capped = study(learner, session, video, first_seq=13, count=6, position=60)  # 23:59:00–23:59:30
    assert capped.reasons == {"daily_cap": 30_000}
    across = study(learner, session, video, first_seq=19, count=12, position=90)  # 23:59:30–00:00:30
    assert across.reasons == {"daily_cap": 30_000, "credited": 30_000}
    days = {t.day: t.credited_ms for t in DailyTotal.objects.all()}
    assert days == {dt.date(2026, 3, 2): 60_000, dt.date(2026, 3, 3): 30_000}
    assert {s.day for s in Segment.objects.filter(credited=True)} == {dt.date(2026, 3, 2), dt.date(2026, 3, 3)}
    # the session signed in for the new day by itself, at the first credited moment after midnight
    sign_ins = {s.day: s for s in enrolment.sign_ins.all()}
    assert set(sign_ins) == {dt.date(2026, 3, 2), dt.date(2026, 3, 3)}
    assert sign_ins[dt.date(2026, 3, 3)].signed_at == dt.datetime(2026, 3, 3, 0, 0, tzinfo=SHANGHAI)
    assert_totals_match(enrolment)


def test_midnight_in_utc_is_not_a_day_boundary(rules, learner, enrolment, video):
    clock.travel_to(dt.datetime(2026, 3, 2, 23, 59, 45, tzinfo=dt.UTC))  # 07:59:45 in Shanghai
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    assert [t.day for t in DailyTotal.objects.all()] == [dt.date(2026, 3, 3)]
    assert Segment.objects.count() == 1


# ---- totals equal a recount -----------------------------------------------------------

def test_incremental_totals_equal_a_full_recount_after_a_mixed_day(rules, learner, enrolment, course, video):
    rules(DAILY_CAP_MINUTES=3, PRESENCE_INTERVAL_SECONDS=120, PRESENCE_JITTER=0, PRESENCE_TIMEOUT_SECONDS=20)
    document = course.modules.order_by("position").first().lessons.get(kind="document")
    second_video = course.modules.order_by("position").last().lessons.get()
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    seq, position = 1, 0.0
    plan = [{}, {"visible": False}, {"rate": 2.0}, {}, {"focused": False}, {"lesson": document}, {},
            {"lesson": second_video}, {}, {"seconds": 400}, {}, {}]
    for step in plan:
        lesson = step.pop("lesson", video)
        result = study(learner, session, lesson, first_seq=seq, position=0 if lesson != video else position, **step)
        if result.presence_id and step == {}:
            presence_answer(actor=learner, session_id=session.pk, check_id=result.presence_id)
        seq += 6
        position = StudySession.objects.get(pk=session.pk).lesson_max_position if lesson == video else position
    assert Enrolment.objects.get(pk=enrolment.pk).credited_ms > 0
    assert Segment.objects.filter(credited=False).values("reason").distinct().count() >= 4
    assert_totals_match(enrolment)
    stored = StudySession.objects.get(pk=session.pk)
    total = sum(s.duration_ms for s in Segment.objects.filter(session=session))
    assert total == stored.credited_ms + stored.uncredited_ms == (stored.last_beat_at - stored.started_at) // dt.timedelta(milliseconds=1)
