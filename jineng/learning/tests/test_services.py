"""Enrolment, sign-in, live lessons, SCORM run-time data, evidence retention."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses.models import Course
from jineng.learning.models import BeatBatch, Enrolment, ModuleProgress, Segment, SignIn, StudySession
from jineng.learning.services import (
    enrolment_create,
    enrolments_create_for_employees,
    evidence_purge,
    pack_beats,
    scorm_commit,
    session_end,
    session_start,
    sign_in,
    unpack_beats,
)
from jineng.learning.services.common import SHANGHAI, device_label_from_user_agent
from jineng.learning.services.evidence import Beat
from jineng.learning.services.scorm import scorm_duration_seconds
from jineng.learning.tests import factories
from jineng.learning.tests.helpers import study

pytestmark = pytest.mark.django_db
DEVICE = "device-svc-000001"


# ---- enrolment ------------------------------------------------------------------------------

def test_a_learner_enrols_once_in_a_published_course(learner, course):
    enrolment = enrolment_create(course=course, actor=learner)
    assert (enrolment.source, enrolment.organization, enrolment.enrolled_at) == ("self", None, clock.now())
    assert ModuleProgress.objects.filter(enrolment=enrolment).count() == 2
    assert AuditEntry.objects.filter(action="learning.enrolment.create", target_id=str(enrolment.pk)).exists()
    with pytest.raises(DomainError) as error:
        enrolment_create(course=course, actor=learner)
    assert error.value.code == "already_enrolled"


def test_a_draft_course_cannot_be_enrolled(learner, provider, author):
    draft = factories.make_course(provider=provider, created_by=author, status=Course.Status.DRAFT)
    with pytest.raises(DomainError) as error:
        enrolment_create(course=draft, actor=learner)
    assert error.value.code == "course_not_published"


def test_staff_without_a_person_cannot_enrol(course, author):
    with pytest.raises(PermissionDenied):
        enrolment_create(course=course, actor=author)


@pytest.fixture
def employer(regions, make_organization):
    return make_organization("440204", name="韶关电力工程公司")


@pytest.fixture
def training_admin(make_staff, employer):
    return make_staff("training_admin", organization=employer)


def hire(person, organization, *, start=dt.date(2025, 1, 1), months=None):
    from jineng.organizations.services import contract_add

    return contract_add(organization=organization, person=person, start=start, months=months, dispatched=False, actor=None)


def test_a_training_administrator_enrols_employees_with_a_current_contract(training_admin, employer, course, learner):
    hire(learner.person, employer)
    [enrolment] = enrolments_create_for_employees(course=course, persons=[learner.person], organization=employer,
                                                  actor=training_admin)
    assert (enrolment.organization, enrolment.source, enrolment.enrolled_by) == (employer, "organization", training_admin)


@pytest.mark.parametrize("contract", [
    pytest.param(None, id="no-contract"),
    pytest.param({"start": dt.date(2024, 1, 1), "months": 12}, id="expired"),
    pytest.param({"start": dt.date(2026, 6, 1)}, id="not-started-yet"),
])
def test_only_current_employees_can_be_enrolled_and_nothing_is_written(training_admin, employer, course, learner,
                                                                        regions, contract):
    colleague = factories.make_learner(name="李四")
    hire(colleague.person, employer)
    if contract:
        hire(learner.person, employer, **contract)
    with pytest.raises(DomainError) as error:
        enrolments_create_for_employees(course=course, persons=[colleague.person, learner.person], organization=employer,
                                        actor=training_admin)
    assert (error.value.code, error.value.field) == ("not_an_employee", "persons")
    assert not Enrolment.objects.exists()


def test_a_person_without_an_account_cannot_be_enrolled(training_admin, employer, course, regions):
    from jineng.identity.services import person_register

    person = person_register(name="无账号", id_number=factories.id_number(), phone="", actor=None)
    hire(person, employer)
    with pytest.raises(DomainError, match="尚未注册学习账号"):
        enrolments_create_for_employees(course=course, persons=[person], organization=employer, actor=training_admin)


def test_another_organisations_administrator_is_refused(make_staff, make_organization, employer, course, learner):
    hire(learner.person, employer)
    stranger = make_staff("training_admin", organization=make_organization("440203", name="别家"))
    with pytest.raises(PermissionDenied):
        enrolments_create_for_employees(course=course, persons=[learner.person], organization=employer, actor=stranger)


def test_a_self_enrolment_is_attached_to_the_employer(training_admin, employer, course, learner):
    hire(learner.person, employer)
    own = enrolment_create(course=course, actor=learner)
    [attached] = enrolments_create_for_employees(course=course, persons=[learner.person], organization=employer,
                                                 actor=training_admin)
    assert attached.pk == own.pk
    assert Enrolment.objects.get().organization == employer
    assert AuditEntry.objects.filter(action="learning.enrolment.attach").exists()


# ---- sign-in --------------------------------------------------------------------------------

def test_the_first_session_of_the_day_signs_in_once(rules, learner, enrolment, video, course):
    session_start(actor=learner, lesson=video, device_id=DEVICE, ip="10.0.0.1", user_agent="Android Mobile Chrome/1")
    document = course.modules.first().lessons.get(kind="document")
    clock.advance(seconds=3600)
    session_start(actor=learner, lesson=document, device_id=DEVICE, ip="10.0.0.2")
    sign_in_row = SignIn.objects.get()
    assert (sign_in_row.day, sign_in_row.method, sign_in_row.ip, sign_in_row.device_label) == (
        dt.date(2026, 3, 2), "auto", "10.0.0.1", "安卓手机 · Chrome")
    assert sign_in_row.signed_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
    # the button shows the sign-in already made rather than making another
    assert sign_in(actor=learner, enrolment=enrolment, ip="10.0.0.3", device_id=DEVICE).pk == sign_in_row.pk
    clock.advance(seconds=86_400)
    tomorrow = sign_in(actor=learner, enrolment=enrolment, ip="10.0.0.3", device_id=DEVICE)
    assert (tomorrow.day, tomorrow.method) == (dt.date(2026, 3, 3), "button")
    assert AuditEntry.objects.filter(action="learning.sign_in").count() == 2


def test_signing_in_someone_elses_enrolment_is_refused(enrolment, regions):
    with pytest.raises(DomainError):
        sign_in(actor=factories.make_learner(name="李四"), enrolment=enrolment, ip=None, device_id=DEVICE)


@pytest.fixture
def live(course):
    return factories.add_live(course.modules.first(), starts_at=dt.datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))


def test_live_sign_in_only_inside_the_window(learner, enrolment, live):
    with pytest.raises(DomainError) as error:
        sign_in(actor=learner, enrolment=enrolment, lesson=live, ip=None, device_id=DEVICE)  # 09:00, an hour early
    assert error.value.code == "outside_live_window"
    clock.travel_to(dt.datetime(2026, 3, 2, 9, 46, tzinfo=SHANGHAI))
    record = sign_in(actor=learner, enrolment=enrolment, lesson=live, ip="10.0.0.9", device_id=DEVICE)
    assert (record.kind, record.lesson, record.method) == ("live", live, "button")
    clock.travel_to(dt.datetime(2026, 3, 2, 11, 1, tzinfo=SHANGHAI))
    assert sign_in(actor=learner, enrolment=enrolment, lesson=live, ip=None, device_id=DEVICE).pk == record.pk


def test_live_time_counts_only_signed_in_and_inside_the_window(rules, learner, enrolment, live):
    clock.travel_to(dt.datetime(2026, 3, 2, 9, 59, 30, tzinfo=SHANGHAI))
    session = session_start(actor=learner, lesson=live, device_id=DEVICE)
    before = study(learner, session, live, first_seq=1, position=None)  # 09:59:30–10:00:00, not signed in
    assert before.reasons == {"not_signed_in": 30_000}
    sign_in(actor=learner, enrolment=enrolment, lesson=live, ip=None, device_id=DEVICE)
    # the live room runs in another app: visibility and focus do not matter, the window and sign-in do
    during = study(learner, session, live, first_seq=7, position=None, visible=False, focused=False)
    assert during.reasons == {"credited": 30_000}
    clock.travel_to(dt.datetime(2026, 3, 2, 10, 59, 45, tzinfo=SHANGHAI))
    session = session_start(actor=learner, lesson=live, device_id=DEVICE)
    after = study(learner, session, live, first_seq=1, position=None)  # 10:59:45–11:00:15
    assert after.reasons == {"credited": 15_000, "outside_live_window": 15_000}


# ---- sessions --------------------------------------------------------------------------------

def test_ending_a_session_is_audited_once(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    session_end(actor=learner, session_id=session.pk)
    session_end(actor=learner, session_id=session.pk)
    stored = StudySession.objects.get()
    assert (stored.state, stored.end_reason) == ("ended", "closed")
    assert AuditEntry.objects.filter(action="learning.session.end").count() == 1
    assert AuditEntry.objects.filter(action="learning.session.start").count() == 1


def test_heartbeats_are_not_audited(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    before = AuditEntry.objects.count()
    for n in range(5):
        study(learner, session, video, first_seq=1 + 6 * n, position=30 * n)
    assert AuditEntry.objects.count() == before


def test_a_learner_must_be_enrolled_to_start(rules, regions, video):
    with pytest.raises(DomainError) as error:
        session_start(actor=factories.make_learner(name="李四"), lesson=video, device_id=DEVICE)
    assert error.value.code == "not_enrolled"


def test_a_bad_device_id_is_refused(rules, learner, enrolment, video):
    with pytest.raises(DomainError) as error:
        session_start(actor=learner, lesson=video, device_id="x")
    assert error.value.field == "device"


@pytest.mark.parametrize(("agent", "label"), [
    ("Mozilla/5.0 (Linux; Android 13; Mobile) AppleWebKit Chrome/120 Mobile Safari/537", "安卓手机 · Chrome"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Version/17 Mobile Safari/604.1", "iPhone · Safari"),
    ("Mozilla/5.0 (Linux; Android 12) MicroMessenger/8.0 Mobile Chrome/110", "安卓手机 · 微信"),
    ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit Chrome/120 Safari/537 Edg/120", "Windows 电脑 · Edge"),
    ("", "未知设备 · 浏览器"),
])
def test_device_labels(agent, label):
    assert device_label_from_user_agent(agent) == label


# ---- SCORM --------------------------------------------------------------------------------------

@pytest.fixture
def scorm_lesson(course):
    return factories.add_scorm(course.modules.first())


def test_scorm_12_commit_then_finish_accumulates_total_time(learner, enrolment, scorm_lesson):
    data = {"cmi": {"core": {"lesson_status": "incomplete", "lesson_location": "p2", "exit": "suspend",
                             "session_time": "00:10:05.50", "score": {"raw": "40", "min": "0", "max": "100"}},
                    "suspend_data": "abc"}}
    runtime = scorm_commit(actor=learner, lesson=scorm_lesson, data=data)
    assert (runtime.commits, runtime.total_seconds, runtime.completed_at) == (1, 0, None)
    runtime = scorm_commit(actor=learner, lesson=scorm_lesson, data=data, terminate=True)
    assert (runtime.total_seconds, runtime.total_time, runtime.entry, runtime.terminations) == (605, "0000:10:05", "resume", 1)
    data["cmi"]["core"].update({"lesson_status": "passed", "exit": "", "session_time": "00:05:00",
                                "score": {"raw": "90", "min": "0", "max": "100"}})
    runtime = scorm_commit(actor=learner, lesson=scorm_lesson, data=data, terminate=True)
    assert (runtime.lesson_status, runtime.score_raw, runtime.total_seconds, runtime.entry) == ("passed", 90.0, 905, "")
    assert runtime.completed_at == clock.now()
    assert AuditEntry.objects.filter(action="learning.scorm.terminate").count() == 2


def test_scorm_2004_fields_and_flattened_payloads(learner, enrolment, scorm_lesson):
    flat = {"cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.8",
            "cmi.score.raw": "80", "cmi.location": "slide-9", "cmi.session_time": "PT1H2M3.5S", "cmi.exit": "normal"}
    runtime = scorm_commit(actor=learner, lesson=scorm_lesson, data=flat, terminate=True)
    assert (runtime.version, runtime.completion_status, runtime.success_status, runtime.score_scaled,
            runtime.location, runtime.total_seconds) == ("2004", "completed", "passed", 0.8, "slide-9", 3723)
    assert runtime.is_complete


@pytest.mark.parametrize(("value", "seconds"), [("0000:00:05", 5), ("12:30:00.5", 45_000), ("PT45M", 2700),
                                                ("P1DT1S", 86_401), ("PT", None), ("bogus", None), ("", None)])
def test_scorm_durations(value, seconds):
    assert scorm_duration_seconds(value) == seconds


def test_a_wrong_scorm_value_is_refused_with_its_element(learner, enrolment, scorm_lesson):
    with pytest.raises(DomainError) as error:
        scorm_commit(actor=learner, lesson=scorm_lesson, data={"cmi": {"core": {"score": {"raw": "lots"}}}})
    assert error.value.field == "cmi.core.score.raw"


def test_scorm_data_for_a_video_lesson_is_refused(learner, enrolment, video):
    with pytest.raises(DomainError) as error:
        scorm_commit(actor=learner, lesson=video, data={})
    assert error.value.code == "not_scorm"


# ---- evidence ----------------------------------------------------------------------------------

def test_packing_round_trips_irregular_batches():
    beats = [Beat(seq=9, lesson=3, position=None, rate=1.0, visible=True, focused=False, dur=None),
             Beat(seq=4, lesson=5, position=12.345, rate=1.5, visible=False, focused=True, dur=4.99),
             Beat(seq=5, lesson=5, position=0, rate=0, visible=False, focused=False, dur=0)]
    restored = unpack_beats(pack_beats(beats))
    assert [b.seq for b in restored] == [9, 4, 5]
    assert restored[1].position == 12.35 and restored[0].dur is None and restored[2].rate == 0.0
    assert [(b.visible, b.focused) for b in restored] == [(True, False), (False, True), (False, False)]


def test_the_purge_removes_only_raw_beats_older_than_the_retention(rules, learner, enrolment, video):
    clock.travel_to(dt.datetime(2020, 3, 2, 9, 0, tzinfo=SHANGHAI))
    old = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, old, video, first_seq=1)
    clock.travel_to(dt.datetime(2021, 6, 1, 9, 0, tzinfo=SHANGHAI))
    recent = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, recent, video, first_seq=1, position=30)
    credited = Enrolment.objects.get().credited_ms
    clock.travel_to(dt.datetime(2025, 3, 5, 9, 0, tzinfo=SHANGHAI))  # five years (1827 days) after the first
    assert evidence_purge() == 1
    assert list(BeatBatch.objects.values_list("session_id", flat=True)) == [recent.pk]
    assert Segment.objects.filter(session=old).exists()  # the learning record itself stays
    assert Enrolment.objects.get().credited_ms == credited
    assert evidence_purge() == 0
    entry = AuditEntry.objects.get(action="learning.evidence.purge")
    assert entry.summary["deleted_batches"] == 1


def test_the_retention_is_a_setting(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id=DEVICE)
    study(learner, session, video, first_seq=1)
    rules(EVIDENCE_RETENTION_DAYS=30)
    assert evidence_purge(now=clock.now() + dt.timedelta(days=29)) == 0
    assert evidence_purge(now=clock.now() + dt.timedelta(days=31)) == 1


def test_an_unknown_setting_is_refused(settings):
    from jineng.learning.services import learning_config

    settings.JINENG_LEARNING = {"BEAT_SECOND": 5}
    with pytest.raises(ValueError, match="BEAT_SECOND"):
        learning_config()
