"""The services from the user's side: who may schedule what and when, the learner's sign-in
and its refusals, suspensions, and the minutes held sessions credit."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.practicals import selectors, services
from jineng.practicals.models import (
    PracticalSession,
    PracticalSessionEvent,
    PracticalSignIn,
    PracticalSuspension,
)
from jineng.practicals.tests import factories
from jineng.practicals.tests.conftest import SESSION_START, session_data
from jineng.practicals.tests.factories import shanghai

CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"


def current_code(session) -> str:
    return selectors.display_facts(session=session).code


def sign_in(session, user, **kwargs):
    return services.practical_sign_in(session=session, code=current_code(session), actor=user, ip="10.1.2.3",
                                      user_agent=CHROME_ANDROID, **kwargs)


# --- scheduling ----------------------------------------------------------------------------------

def test_the_organiser_schedules_a_session_with_its_length_as_credited_minutes(project, offline_module, training_admin):
    session = services.session_schedule(project=project, data=session_data(outline_module=offline_module),
                                        actor=training_admin)
    assert (session.state, session.credited_minutes, session.capacity, session.outline_module) == (
        "scheduled", 120, 30, offline_module)
    assert len(session.secret) == 64
    assert list(PracticalSessionEvent.objects.values_list("transition", "from_state", "to_state")) == [
        ("schedule", "", "scheduled")]
    entry = AuditEntry.objects.get(action="practical_session.schedule")
    assert (entry.target_id, entry.organization_id, entry.region_code) == (str(session.pk), project.organization_id,
                                                                            "440204")
    assert entry.summary["credited_minutes"] == 120 and "secret" not in entry.summary


def test_an_entrusted_institution_schedules_too(regions, enterprise, make_organization, make_staff, training_admin):
    school = make_organization("440203", kind="institution", name="韶关市武江区职业培训学校")
    teacher = make_staff("training_admin", organization=school, username="school_admin")
    project = factories.make_project(organization=enterprise, created_by=training_admin, institution=school)
    session = services.session_schedule(project=project, data=session_data(credited_minutes=90), actor=teacher)
    assert session.credited_minutes == 90


def test_a_non_blended_project_is_refused(enterprise, training_admin):
    online = factories.make_project(organization=enterprise, created_by=training_admin, delivery="online")
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=online, data=session_data(), actor=training_admin)
    assert caught.value.code == "project_not_blended"
    assert caught.value.message == ("该项目的培训方式为“线上”，不能安排线下实操；如需线下实操，应在备案时选择“线上线下结合”")
    assert PracticalSession.objects.count() == 0


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "finished", "withdrawn"])
def test_only_an_approved_or_running_project_may_schedule(enterprise, training_admin, state):
    project = factories.make_project(organization=enterprise, created_by=training_admin, state=state)
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(), actor=training_admin)
    assert caught.value.code == "project_state_not_schedulable"
    assert PracticalSession.objects.count() == 0


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"starts_at": shanghai(2026, 2, 27, 9, 0), "ends_at": shanghai(2026, 2, 27, 11, 0)}, "starts_in_past", "starts_at"),
    ({"starts_at": shanghai(2026, 5, 1, 9, 0), "ends_at": shanghai(2026, 5, 1, 11, 0)}, "outside_project_period",
     "starts_at"),
    ({"starts_at": shanghai(2026, 4, 30, 23, 0), "ends_at": shanghai(2026, 5, 1, 1, 0)}, "outside_project_period",
     "ends_at"),
    ({"ends_at": SESSION_START}, "ends_before_start", "ends_at"),
    ({"credited_minutes": 121}, "credited_minutes_too_long", "credited_minutes"),
    ({"credited_minutes": 0}, "credited_minutes_invalid", "credited_minutes"),
    ({"capacity": 0}, "capacity_invalid", "capacity"),
    ({"title": "  "}, "title_required", "title"),
    ({"location": ""}, "location_required", "location"),
    ({"trainer_name": ""}, "trainer_name_required", "trainer_name"),
], ids=["in-the-past", "after-the-period", "runs-past-the-period", "ends-at-start", "more-minutes-than-length",
        "zero-minutes", "no-capacity", "no-title", "no-location", "no-trainer"])
def test_bad_session_data_is_refused_naming_the_field(project, training_admin, overrides, code, field):
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(**overrides), actor=training_admin)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert PracticalSession.objects.count() == 0


def test_a_session_before_the_period_is_refused(enterprise, training_admin):
    later = factories.make_project(organization=enterprise, created_by=training_admin, start=dt.date(2026, 3, 20))
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=later, data=session_data(), actor=training_admin)
    assert caught.value.message == "实操应安排在项目培训期内（2026-03-20 至 2026-04-30），请调整开始时间"


def test_only_offline_modules_of_the_project(project, offline_module, training_admin, other_admin, other_enterprise):
    online_module = project.outline.get(mode="online")
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(outline_module=online_module), actor=training_admin)
    assert caught.value.code == "module_not_offline"
    foreign = factories.add_module(factories.make_project(organization=other_enterprise, created_by=other_admin))
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(outline_module=foreign), actor=training_admin)
    assert caught.value.code == "module_not_in_project"


def test_only_the_organiser_schedules(project, other_admin, officer, learner):
    for actor in (other_admin, officer, learner):
        with pytest.raises(PermissionDenied):
            services.session_schedule(project=project, data=session_data(), actor=actor)
    assert PracticalSession.objects.count() == 0


# --- sign-in -------------------------------------------------------------------------------------

def test_a_learner_on_the_roster_signs_in_once_and_a_second_scan_changes_nothing(session, learner):
    clock.travel_to(SESSION_START - dt.timedelta(minutes=12))
    result = sign_in(session, learner)
    record = result.sign_in
    assert result.created is True
    assert (record.person_id, record.roster_entry.position, record.signed_at, record.scanned_at, record.ip,
            record.device_label, record.method) == (learner.person_id, 1, SESSION_START - dt.timedelta(minutes=12),
                                                    SESSION_START - dt.timedelta(minutes=12), "10.1.2.3",
                                                    "安卓手机 · Chrome", "qr")
    clock.advance(seconds=300)
    again = sign_in(session, learner)
    assert (again.created, again.sign_in.pk, again.sign_in.signed_at) == (False, record.pk, record.signed_at)
    # even with an expired code the second scan just shows the first sign-in
    assert services.practical_sign_in(session=session, code="AAAAAAAAAA", actor=learner, ip=None).created is False
    assert PracticalSignIn.objects.count() == 1
    assert AuditEntry.objects.filter(action="practical_session.sign_in").count() == 1


def test_a_learner_not_on_the_roster_is_refused(session, outsider, training_admin):
    clock.travel_to(SESSION_START)
    for actor in (outsider, training_admin):
        with pytest.raises(PermissionDenied) as caught:
            sign_in(session, actor)
        assert caught.value.code in {"not_on_roster", "not_a_learner"}
    with pytest.raises(PermissionDenied) as caught:
        sign_in(session, outsider)
    assert caught.value.message == ("您不在“2026 年电工线上线下结合培训”的人员名册中，不能签到；如需参加，请联系培训组织单位核对名册")
    assert PracticalSignIn.objects.count() == 0


@pytest.mark.parametrize(("moment", "code", "message"), [
    (SESSION_START - dt.timedelta(minutes=31), "sign_in_not_open",
     "签到尚未开始：2026-03-10 08:30 起可以签到（开始前 30 分钟）"),
    (SESSION_START + dt.timedelta(hours=2, minutes=1), "sign_in_closed", "签到已于 2026-03-10 11:00 结束"),
], ids=["too-early", "after-the-end"])
def test_outside_the_window_is_refused(session, learner, moment, code, message):
    clock.travel_to(moment)
    with pytest.raises(DomainError) as caught:
        sign_in(session, learner)
    assert (caught.value.code, caught.value.message) == (code, message)


def test_the_window_is_configurable(session, learner, settings):
    settings.JINENG_PRACTICALS = {"SIGN_IN_OPENS_MINUTES": 60}
    clock.travel_to(SESSION_START - dt.timedelta(minutes=45))
    assert sign_in(session, learner).created


def test_a_cancelled_session_refuses_sign_in_with_its_reason(session, learner, training_admin):
    services.session_cancel(session=session, reason="实训车间设备检修", actor=training_admin)
    clock.travel_to(SESSION_START)
    with pytest.raises(DomainError) as caught:
        services.practical_sign_in(session=session, code="AAAAAAAAAA", actor=learner, ip=None)
    assert (caught.value.code, caught.value.message) == ("session_cancelled", "本场实操已取消：实训车间设备检修，无需签到")
    assert selectors.display_facts(session=session).open is False


def test_capacity_is_enforced(project, training_admin, learner, second_learner):
    small = services.session_schedule(project=project, data=session_data(capacity=1), actor=training_admin)
    clock.travel_to(SESSION_START)
    sign_in(small, learner)
    with pytest.raises(DomainError) as caught:
        sign_in(small, second_learner)
    assert caught.value.code == "session_full"
    assert PracticalSignIn.objects.count() == 1


def test_a_scan_made_before_signing_in_to_the_system_counts_for_ten_minutes(session, learner):
    clock.travel_to(SESSION_START)
    code = current_code(session)
    scanned = clock.now()
    clock.advance(seconds=4 * 60)  # typing the password took four minutes
    result = services.practical_sign_in(session=session, code=code, actor=learner, ip=None, scanned_at=scanned)
    assert (result.created, result.sign_in.scanned_at, result.sign_in.signed_at) == (
        True, scanned, scanned + dt.timedelta(minutes=4))


def test_a_stale_pre_login_scan_is_expired(session, learner):
    clock.travel_to(SESSION_START)
    code, scanned = current_code(session), clock.now()
    clock.advance(seconds=11 * 60)
    with pytest.raises(DomainError) as caught:
        services.practical_sign_in(session=session, code=code, actor=learner, ip=None, scanned_at=scanned)
    assert caught.value.code == "code_expired"


# --- suspensions ---------------------------------------------------------------------------------

def test_a_suspension_refuses_scheduling_and_sign_in_and_lifting_allows_them(regions, project, session, learner,
                                                                             training_admin, officer):
    suspension = services.suspension_start(city=regions["shaoguan"], reason="疫情防控期间暂停线下聚集性培训",
                                           document_number="韶人社函〔2026〕1号", actor=officer)
    notice = "韶关市已于 2026-03-02 暂停线下实操培训（韶人社函〔2026〕1号：疫情防控期间暂停线下聚集性培训），恢复时间另行通知"
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(), actor=training_admin)
    assert (caught.value.code, caught.value.message) == ("offline_suspended", f"{notice}；暂停期间不能安排线下实操")
    assert caught.value.details == {"document_number": "韶人社函〔2026〕1号", "city": "440200"}
    clock.travel_to(SESSION_START)
    with pytest.raises(DomainError) as caught:
        sign_in(session, learner)
    assert caught.value.message == f"{notice}；暂停期间不能签到"
    facts = selectors.display_facts(session=session)
    assert (facts.open, facts.code, facts.message) == (False, "", f"{notice}；暂停期间不能签到")
    assert PracticalSignIn.objects.count() == 0 and PracticalSession.objects.count() == 1

    services.suspension_lift(suspension=suspension, actor=officer, document_number="韶人社函〔2026〕2号")
    assert sign_in(session, learner).created
    assert services.session_schedule(project=project, data=session_data(
        starts_at=SESSION_START + dt.timedelta(days=1), ends_at=SESSION_START + dt.timedelta(days=1, hours=3)),
        actor=training_admin).credited_minutes == 180
    suspension.refresh_from_db()
    assert (suspension.lifted_by, suspension.lift_document_number) == (officer, "韶人社函〔2026〕2号")
    assert list(AuditEntry.objects.filter(action__startswith="practical_suspension").values_list("action", flat=True)
                .order_by("seq")) == ["practical_suspension.start", "practical_suspension.lift"]


def test_another_city_s_suspension_does_not_touch_the_project(regions, project, session, learner, pzh_officer):
    services.suspension_start(city=regions["panzhihua"], reason="暂停", document_number="攀人社发〔2026〕1号",
                              actor=pzh_officer)
    clock.travel_to(SESSION_START)
    assert sign_in(session, learner).created


def test_the_entrusted_institution_s_city_counts_too(regions, enterprise, make_organization, make_staff, training_admin,
                                                       pzh_officer):
    school = make_organization("510402", kind="institution", name="攀枝花市东区职业培训学校")
    project = factories.make_project(organization=enterprise, created_by=training_admin, institution=school)
    services.suspension_start(city=regions["panzhihua"], reason="暂停", document_number="攀人社发〔2026〕1号",
                              actor=pzh_officer)
    with pytest.raises(DomainError) as caught:
        services.session_schedule(project=project, data=session_data(), actor=training_admin)
    assert caught.value.code == "offline_suspended"


def test_one_open_suspension_per_city_and_only_its_officers(regions, officer, pzh_officer, county_reviewer):
    with pytest.raises(PermissionDenied):
        services.suspension_start(city=regions["shaoguan"], reason="暂停", document_number="文号", actor=pzh_officer)
    with pytest.raises(PermissionDenied):
        services.suspension_start(city=regions["shaoguan"], reason="暂停", document_number="文号", actor=county_reviewer)
    with pytest.raises(DomainError) as caught:
        services.suspension_start(city=regions["zhenjiang"], reason="暂停", document_number="文号", actor=officer)
    assert caught.value.code == "city_required"
    with pytest.raises(DomainError) as caught:
        services.suspension_start(city=regions["shaoguan"], reason="暂停", document_number=" ", actor=officer)
    assert caught.value.field == "document_number"
    first = services.suspension_start(city=regions["shaoguan"], reason="暂停", document_number="文号1", actor=officer)
    with pytest.raises(DomainError) as caught:
        services.suspension_start(city=regions["shaoguan"], reason="再暂停", document_number="文号2", actor=officer)
    assert caught.value.code == "already_suspended"
    with pytest.raises(PermissionDenied):
        services.suspension_lift(suspension=first, actor=pzh_officer)
    services.suspension_lift(suspension=first, actor=officer)
    with pytest.raises(DomainError) as caught:
        services.suspension_lift(suspension=first, actor=officer)
    assert caught.value.code == "already_lifted"
    services.suspension_start(city=regions["shaoguan"], reason="第二次暂停", document_number="文号3", actor=officer)
    assert PracticalSuspension.objects.filter(lifted_at__isnull=True).count() == 1


def test_the_database_keeps_one_open_suspension_per_city(regions, officer):
    from django.db import IntegrityError, transaction

    PracticalSuspension.objects.create(city=regions["shaoguan"], reason="a", document_number="1",
                                       started_at=clock.now(), started_by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        PracticalSuspension.objects.create(city=regions["shaoguan"], reason="b", document_number="2",
                                           started_at=clock.now(), started_by=officer)


# --- transitions and minutes ---------------------------------------------------------------------

def test_held_only_after_the_window_and_never_twice(session, training_admin, other_admin):
    clock.travel_to(SESSION_START + dt.timedelta(hours=1))
    with pytest.raises(DomainError) as caught:
        services.session_hold(session=session, actor=training_admin)
    assert caught.value.message == "签到于 2026-03-10 11:00 结束，结束后才能确认本场实操已举行"
    clock.travel_to(SESSION_START + dt.timedelta(hours=2, minutes=1))
    with pytest.raises(PermissionDenied):
        services.session_hold(session=session, actor=other_admin)
    services.session_hold(session=session, actor=training_admin)
    with pytest.raises(DomainError) as caught:
        services.session_cancel(session=session, reason="晚了", actor=training_admin)
    assert (caught.value.code, caught.value.message) == ("session_transition_not_allowed",
                                                         "本场实操当前状态为“已举行”，不能“取消”")
    assert list(session.events.values_list("transition", flat=True)) == ["schedule", "hold"]


def test_minutes_sum_held_sessions_the_person_signed_into(project, offline_module, training_admin, learner,
                                                          second_learner, outsider):
    first = services.session_schedule(project=project, data=session_data(outline_module=offline_module),
                                      actor=training_admin)  # 120 minutes
    second = services.session_schedule(project=project, actor=training_admin, data=session_data(
        starts_at=SESSION_START + dt.timedelta(days=1), ends_at=SESSION_START + dt.timedelta(days=1, hours=3),
        credited_minutes=150))
    third = services.session_schedule(project=project, actor=training_admin, data=session_data(
        starts_at=SESSION_START + dt.timedelta(days=2), ends_at=SESSION_START + dt.timedelta(days=2, hours=1)))
    clock.travel_to(SESSION_START)
    sign_in(first, learner)
    sign_in(first, second_learner)
    clock.travel_to(SESSION_START + dt.timedelta(days=1))
    sign_in(second, learner)
    clock.travel_to(SESSION_START + dt.timedelta(days=2))
    sign_in(third, learner)  # signed in, but the session is then cancelled
    # before confirmation nothing counts
    assert selectors.practical_minutes_by_person(project=project) == {}
    clock.travel_to(SESSION_START + dt.timedelta(days=2, minutes=30))
    services.session_cancel(session=third, reason="停电", actor=training_admin)
    clock.travel_to(SESSION_START + dt.timedelta(days=3))
    services.session_hold(session=first, actor=training_admin)
    services.session_hold(session=second, actor=training_admin)
    assert selectors.practical_minutes_by_person(project=project) == {learner.person_id: 270,
                                                                      second_learner.person_id: 120}
    assert selectors.practical_minutes_for(project=project, person=learner.person) == 270
    assert selectors.practical_minutes_for(project=project, person=outsider.person) == 0
    assert selectors.practical_class_hours_for(project=project, person=learner.person) == 6
    assert selectors.practical_class_hours_for(project=project, person=second_learner.person) == 2
    attendance = selectors.project_attendance(project=project)
    assert [(r.session.title, r.signed, r.roster, r.rate) for r in attendance.rows] == [
        ("低压配电柜接线实操", 2, 2, 100), ("低压配电柜接线实操", 1, 2, 50), ("低压配电柜接线实操", 1, 2, 50)]
    assert [(i.entry.person.name, i.sessions, i.minutes, i.class_hours) for i in attendance.learners] == [
        ("王实操", 2, 270, 6), ("赵实操", 1, 120, 2)]


def test_the_demo_schedules_through_the_services_and_runs_twice(project, offline_module, training_admin):
    from jineng.practicals.demo import LIVE_TITLE, practicals_load_demo

    first = practicals_load_demo(project=project, organiser=training_admin, stdout=lambda *_: None)
    again = practicals_load_demo(project=project, organiser=training_admin, stdout=lambda *_: None)
    assert [s.pk for s in first] == [s.pk for s in again] and len(first) == 3
    live = PracticalSession.objects.get(title=LIVE_TITLE)
    assert (live.starts_at, live.outline_module) == (shanghai(2026, 3, 2, 9, 20), offline_module)
    assert selectors.display_facts(session=live).open is True
