"""Learning pages render for their users, and only for them; exports are real files."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.learning.models import Enrolment, SignIn
from jineng.learning.services import enrolments_create_for_employees, session_start
from jineng.learning.tests import factories
from jineng.learning.tests.helpers import study

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(rules, learner, enrolment, video):
    session = session_start(actor=learner, lesson=video, device_id="device-view-00001", user_agent="Android Mobile Chrome/1")
    study(learner, session, video, first_seq=1)
    study(learner, session, video, first_seq=7, position=30, rate=2.0)
    return session


def test_my_courses_shows_hours_and_a_progress_bar(client, learner, enrolment, studied):
    client.force_login(learner)
    page = client.get("/learn/").content.decode()
    assert "电工安全操作" in page and 'progress class="bar"' in page
    assert "已完成 <strong>0</strong> / 6 学时" in page


def test_the_course_page_lists_modules_lessons_and_offers_enrolment(client, learner, course):
    client.force_login(learner)
    page = client.get(f"/learn/courses/{course.pk}/").content.decode()
    assert 'id="enrol"' in page and "电工实操要领" in page and "第三课 接线" in page
    response = client.post(f"/learn/courses/{course.pk}/enrol/")
    assert response.status_code == 302
    assert Enrolment.objects.filter(person=learner.person, course=course).exists()
    page = client.get(f"/learn/courses/{course.pk}/").content.decode()
    assert 'id="sign-in"' in page and 'id="enrol"' not in page


def test_the_sign_in_button_records_server_time_ip_and_device(client, learner, enrolment, course):
    client.force_login(learner)
    client.post(f"/learn/courses/{course.pk}/sign-in/", {"device": "device-button-001"},
                HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Safari/604.1", REMOTE_ADDR="10.9.8.7")
    sign_in = SignIn.objects.get()
    assert (sign_in.method, sign_in.ip, sign_in.device_id, sign_in.device_label) == ("button", "10.9.8.7", "device-button-001", "iPhone · Safari")
    assert sign_in.signed_at == clock.now()


def test_the_player_page_for_each_kind(client, learner, enrolment, course):
    client.force_login(learner)
    document = course.modules.first().lessons.get(kind="document")
    page = client.get(f"/learn/lessons/{document.pk}/").content.decode()
    assert 'id="document"' in page and "停电、验电" in page and "learning/player.js" in page
    assert 'data-beat-seconds="5"' in page


def test_a_learner_who_is_not_enrolled_cannot_open_the_player(client, regions, video):
    stranger = factories.make_learner(name="赵六")
    client.force_login(stranger)
    assert client.get(f"/learn/lessons/{video.pk}/").status_code == 404


def test_the_learning_record_page_shows_every_session_and_why(client, learner, enrolment, studied):
    client.force_login(learner)
    page = client.get(f"/learn/records/{enrolment.pk}/").content.decode()
    assert "安卓手机 · Chrome" in page
    assert "倍速播放（超过允许的播放速度）" in page
    assert 'data-reason="rate"' in page
    assert "4402**********" in page


def test_another_learner_cannot_see_my_record(client, regions, enrolment, studied):
    stranger = factories.make_learner(name="赵六")
    client.force_login(stranger)
    assert client.get(f"/learn/records/{enrolment.pk}/").status_code == 404
    assert client.get(f"/learn/records/{enrolment.pk}/learning-record.pdf").status_code == 404


@pytest.fixture
def employer(regions, make_organization):
    return make_organization("440204", name="韶关电力工程公司")


@pytest.fixture
def admin_client(make_staff, staff_client, employer):
    admin = make_staff("training_admin", organization=employer)
    return staff_client(admin), admin


@pytest.fixture
def employee(learner, employer):
    import datetime as dt

    from jineng.organizations.services import contract_add

    contract_add(organization=employer, person=learner.person, start=dt.date(2025, 1, 1), months=None,
                 dispatched=False, actor=None)
    return learner


def test_the_training_administrator_enrols_employees_and_follows_them(admin_client, employee, employer, course, rules, video):
    client, admin = admin_client
    page = client.get("/learn/manage/enrol/").content.decode()
    assert "王小明" in page
    response = client.post("/learn/manage/enrol/", {"organization": employer.pk, "course": course.pk,
                                                    "persons": [employee.person_id]})
    assert response.status_code == 302, response.content.decode()[:2000]
    enrolment = Enrolment.objects.get(person=employee.person)
    assert (enrolment.organization, enrolment.source) == (employer, "organization")
    session = session_start(actor=employee, lesson=video, device_id="device-emp-00001")
    study(employee, session, video, first_seq=1, count=12)
    table = client.get("/learn/manage/progress/", {"name": "王"}).content.decode()
    assert "王小明" in table and "4402**********" in table and 'id="hours-chart"' in table
    assert "王小明" not in client.get("/learn/manage/progress/", {"status": "complete"}).content.decode()


def test_the_progress_export_is_an_xlsx_with_masked_ids_and_is_audited(admin_client, employee, employer, course):
    client, admin = admin_client
    enrolments_create_for_employees(course=course, persons=[employee.person], organization=employer, actor=admin)
    response = client.get("/learn/manage/progress.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    row = dict(zip(header, [c.value for c in sheet[3]], strict=True))
    assert (row["姓名"], row["课程"], row["计划学时"]) == ("王小明", "电工安全操作", 6)
    assert row["身份证号"].startswith("4402") and "*" in row["身份证号"]
    assert AuditEntry.objects.filter(action="learning.export.progress_xlsx", actor_id=admin.pk).exists()


def test_the_pdf_record_embeds_the_cjk_font_and_masks_the_id(admin_client, employee, employer, course, video, rules):
    client, admin = admin_client
    enrolments_create_for_employees(course=course, persons=[employee.person], organization=employer, actor=admin)
    session = session_start(actor=employee, lesson=video, device_id="device-emp-00001")
    study(employee, session, video, first_seq=1, visible=False)
    response = client.get(f"/learn/records/{Enrolment.objects.get().pk}/learning-record.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert b"WenQuanYi" in response.content or b"wqy" in response.content.lower()
    text = _pdf_text(response.content)
    assert "线上培训学习记录" in text and "王小明" in text
    assert employee.person.id_number not in text and employee.person.id_number[:4] + "**********" in text
    assert "页面不在前台" in text
    assert AuditEntry.objects.filter(action="learning.export.record_pdf").exists()


def test_a_training_administrator_sees_only_their_organisations_learners(admin_client, regions, course, make_organization):
    client, admin = admin_client
    other = make_organization("440203", name="别家企业")
    outsider = factories.make_learner(name="外单位")
    Enrolment.objects.create(person=outsider.person, course=course, organization=other, source="organization",
                             enrolled_by=outsider, enrolled_at=clock.now())
    assert "外单位" not in client.get("/learn/manage/progress/").content.decode()
    assert client.get(f"/learn/records/{Enrolment.objects.get().pk}/").status_code == 404


def test_a_learner_cannot_open_the_administrators_pages(client, learner):
    client.force_login(learner)
    assert client.get("/learn/manage/progress/").status_code == 403
    assert client.get("/learn/manage/enrol/").status_code == 403


def _pdf_text(content: bytes) -> str:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        return subprocess.run(["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True, check=True).stdout
