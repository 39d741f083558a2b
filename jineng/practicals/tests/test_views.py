"""The pages through Django's test client: scheduling, the display, the learner's scan (with
the detour through the sign-in page), attendance and its export, suspensions, and scope."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from jineng.common import clock
from jineng.identity import two_factor
from jineng.practicals import selectors, services
from jineng.practicals.models import PracticalSession, PracticalSignIn, PracticalSuspension
from jineng.practicals.tests.conftest import SESSION_START


def staff_login(user) -> Client:
    """A client of its own for each staff member (``staff_client`` shares the test's one client)."""
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": user.plain_password})
    device = two_factor.confirmed_device(user=user)
    assert client.post("/accounts/otp/", {"token": two_factor.current_token(device)}).status_code == 302
    return client


def learner_client(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password})
    assert response.status_code == 302
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_organiser_schedules_from_the_project_page(staff_client, training_admin, project, offline_module):
    client = staff_client(training_admin)
    page = client.get(f"/practicals/projects/{project.pk}/")
    assert page.status_code == 200 and "安排实操" in text(page)
    response = client.post(f"/practicals/projects/{project.pk}/", {
        "title": "低压配电柜接线实操", "outline_module": offline_module.pk, "location": "实训车间",
        "starts_at": "2026-03-10T09:00", "ends_at": "2026-03-10T11:30", "trainer_name": "陈师傅", "capacity": "20"})
    session = PracticalSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/practicals/sessions/{session.pk}/"
    assert (session.starts_at, session.credited_minutes) == (SESSION_START, 150)


def test_a_refused_schedule_comes_back_beside_the_field_and_keeps_the_input(staff_client, training_admin, project):
    client = staff_client(training_admin)
    response = client.post(f"/practicals/projects/{project.pk}/", {
        "title": "低压配电柜接线实操", "location": "实训车间", "starts_at": "2026-05-10T09:00",
        "ends_at": "2026-05-10T11:00", "trainer_name": "陈师傅", "capacity": "20"})
    assert response.status_code == 400
    body = text(response)
    assert "实操应安排在项目培训期内（2026-03-01 至 2026-04-30），请调整开始时间" in body
    assert 'value="低压配电柜接线实操"' in body
    assert PracticalSession.objects.count() == 0


def test_the_suspension_banner_and_no_form(staff_client, training_admin, project, officer, regions):
    services.suspension_start(city=regions["shaoguan"], reason="疫情防控", document_number="韶人社函〔2026〕1号",
                              actor=officer)
    body = text(staff_client(training_admin).get(f"/practicals/projects/{project.pk}/"))
    assert "线下实操已暂停" in body and "韶人社函〔2026〕1号：疫情防控" in body
    assert "暂停期间不能安排线下实操，恢复后再安排。" in body and 'name="starts_at"' not in body


def test_the_display_page_shows_the_qr_and_its_address(staff_client, training_admin, session):
    clock.travel_to(SESSION_START - dt.timedelta(minutes=1, seconds=-15))
    response = staff_client(training_admin).get(f"/practicals/sessions/{session.pk}/display/")
    assert response.status_code == 200
    code = selectors.display_facts(session=session).code
    url = f"http://testserver/practicals/s/{session.pk}/{code}/"
    body = response.content.decode()
    assert f'data-url="{url}"' in body and 'src="data:image/svg+xml' in body
    assert 'data-seconds-left="45"' in body and "<script>" not in body and "style=" not in body
    assert f'data-code-url="/api/practicals/sessions/{session.pk}/code"' in body


def test_the_public_address_setting_wins(staff_client, training_admin, session, settings):
    settings.JINENG_PUBLIC_URL = "https://px.example.gov.cn/"
    clock.travel_to(SESSION_START)
    body = staff_client(training_admin).get(f"/practicals/sessions/{session.pk}/display/").content.decode()
    assert f'data-url="https://px.example.gov.cn/practicals/s/{session.pk}/' in body


def test_only_the_organiser_opens_the_display(staff_client, officer, session):
    assert staff_client(officer).get(f"/practicals/sessions/{session.pk}/display/").status_code == 403


def test_scanning_signs_in_and_a_second_scan_says_already(client, learner, session):
    clock.travel_to(SESSION_START)
    path = selectors.sign_in_path(session=session, code=selectors.display_facts(session=session).code)
    learner_client(client, learner)
    response = client.get(path, HTTP_USER_AGENT="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Safari/604.1")
    assert response.status_code == 200 and "签到成功" in text(response)
    record = PracticalSignIn.objects.get()
    assert (record.ip, record.device_label) == ("127.0.0.1", "iPhone · Safari")
    clock.advance(seconds=30)
    again = client.get(path)
    assert "已签到" in text(again) and "您已于 2026-03-10 09:00:00 签到，无需重复扫码。" in text(again)
    assert PracticalSignIn.objects.count() == 1


def test_a_scan_before_signing_in_to_the_system_comes_back_and_counts(client, learner, session):
    clock.travel_to(SESSION_START)
    path = selectors.sign_in_path(session=session, code=selectors.display_facts(session=session).code)
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={path}"
    clock.advance(seconds=150)  # the code on screen has changed twice meanwhile
    login = client.post(f"/accounts/login/?next={path}", {"username": learner.username,
                                                         "password": learner.plain_password, "next": path})
    assert login.status_code == 302 and login["Location"] == path
    response = client.get(path)
    assert "签到成功" in text(response)
    record = PracticalSignIn.objects.get()
    assert (record.scanned_at, record.signed_at) == (SESSION_START, SESSION_START + dt.timedelta(seconds=150))


def test_an_expired_code_and_a_stranger_get_clear_refusals(client, learner, outsider, session):
    clock.travel_to(SESSION_START)
    path = selectors.sign_in_path(session=session, code=selectors.display_facts(session=session).code)
    learner_client(client, outsider)
    response = client.get(path)
    assert response.status_code == 403 and "签到未成功" in text(response) and "人员名册中，不能签到" in text(response)
    client.logout()
    learner_client(client, learner)
    clock.advance(seconds=120)
    response = client.get(path)
    assert response.status_code == 400 and "二维码已过期，请扫描现场大屏上的最新二维码" in text(response)
    assert PracticalSignIn.objects.count() == 0


def test_attendance_page_and_export(staff_client, training_admin, county_reviewer, other_admin, project, session,
                                    learner, second_learner):
    clock.travel_to(SESSION_START)
    services.practical_sign_in(session=session, code=selectors.display_facts(session=session).code, actor=learner,
                               ip="10.0.0.9", user_agent="HeadlessChrome/120 Linux")
    clock.travel_to(SESSION_START + dt.timedelta(hours=3))
    services.session_hold(session=session, actor=training_admin)
    page = staff_client(county_reviewer).get(f"/practicals/projects/{project.pk}/attendance/")
    assert page.status_code == 200
    body = text(page)
    assert 'id="attendance-chart-data"' in body and "1 / 2" in body and "50%" in body
    assert "王实操" in body and "4402**********" in body and learner.person.id_number not in body
    export = staff_login(training_admin).get(f"/practicals/projects/{project.pk}/attendance.xlsx")
    assert export.status_code == 200
    assert export["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E7%BA%BF%E4%B8%8B%E5%AE%9E%E6%93%8D%E8%80%83%E5%8B%A4-"
        f"{project.number}.xlsx")
    book = load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["实操考勤", "学员实操学时", "签到明细"]
    sessions = list(book["实操考勤"].iter_rows(min_row=3, values_only=True))
    assert sessions == [(1, "低压配电柜接线实操", "低压电工实操", "韶关市浈江区丹霞路 8 号实训车间", "2026-03-10 09:00",
                         "2026-03-10 11:00", 120, "陈师傅", 30, "已举行", 1, 2, 0.5)]
    learners = list(book["学员实操学时"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in learners] == [(1, "王实操", 1, 120, 2), (2, "赵实操", 0, 0, 0)]
    assert re.fullmatch(r"4402\*{10}\d{3}[\dX]", learners[0][2])
    detail = list(book["签到明细"].iter_rows(min_row=3, values_only=True))
    assert detail == [("低压配电柜接线实操", "2026-03-10 09:00", 1, "王实操", learners[0][2], "2026-03-10 09:00:00",
                       "扫码签到", "Linux 电脑 · Chrome（无界面）", "10.0.0.9")]
    assert staff_login(other_admin).get(f"/practicals/projects/{project.pk}/attendance/").status_code == 404


def test_the_organiser_cancels_and_confirms_from_the_session_page(staff_client, training_admin, session):
    client = staff_client(training_admin)
    response = client.post(f"/practicals/sessions/{session.pk}/hold/")
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == "scheduled"
    response = client.post(f"/practicals/sessions/{session.pk}/cancel/", {"reason": "设备检修"}, follow=True)
    assert "已取消本场实操" in text(response) and "设备检修" in text(response)
    session.refresh_from_db()
    assert (session.state, session.cancel_reason) == ("cancelled", "设备检修")


def test_officers_suspend_and_lift_from_their_page(staff_client, officer, training_admin, regions):
    client = staff_client(officer)
    page = client.get("/practicals/suspensions/")
    assert page.status_code == 200 and "暂停线下实操" in text(page)
    response = client.post("/practicals/suspensions/", {"city": "440200", "document_number": "韶人社函〔2026〕1号",
                                                        "reason": "疫情防控期间暂停线下聚集性培训"})
    assert response.status_code == 302
    suspension = PracticalSuspension.objects.get()
    assert "暂停中" not in text(client.get("/practicals/suspensions/"))  # the officer gets the lift button instead
    organiser_view = text(staff_login(training_admin).get("/practicals/"))
    assert "韶关市线下实操已暂停" in organiser_view and "韶人社函〔2026〕1号：疫情防控期间暂停线下聚集性培训" in organiser_view
    response = client.post(f"/practicals/suspensions/{suspension.pk}/lift/", {"lift_document_number": "韶人社函〔2026〕2号"},
                           follow=True)
    assert "已恢复韶关市的线下实操" in text(response)
    suspension.refresh_from_db()
    assert suspension.lift_document_number == "韶人社函〔2026〕2号" and suspension.lifted_at == clock.now()


def test_a_training_admin_cannot_suspend(staff_client, training_admin):
    client = staff_client(training_admin)
    assert "暂停线下实操</h2>" not in text(client.get("/practicals/suspensions/"))
    response = client.post("/practicals/suspensions/", {"city": "440200", "document_number": "x", "reason": "y"})
    assert response.status_code == 403 and PracticalSuspension.objects.count() == 0


def test_the_learner_sees_their_sessions(client, learner, session):
    body = text(learner_client(client, learner).get("/practicals/mine/"))
    assert "低压配电柜接线实操" in body and "待签到" in body and "2026-03-10 09:00 至 11:00" in body


@pytest.mark.parametrize("path", ["/practicals/", "/practicals/suspensions/"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
