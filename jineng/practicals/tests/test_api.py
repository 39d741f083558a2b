"""The JSON API with a real session: CSRF on every state change, schedule, the display's code,
sign-in (201 then 200), cancel, attendance and suspensions."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from jineng.common import clock
from jineng.identity import two_factor
from jineng.practicals import selectors
from jineng.practicals.models import PracticalSession, PracticalSignIn, PracticalSuspension
from jineng.practicals.tests.conftest import SESSION_START


def strict_client(user, *, staff: bool = True) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                                "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    if staff:
        response = client.post("/accounts/otp/", {
            "token": two_factor.current_token(two_factor.confirmed_device(user=user)),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        assert response.status_code == 302
    return client


def token(client: Client) -> dict:
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


SESSION = {"title": "低压配电柜接线实操", "location": "实训车间", "starts_at": "2026-03-10T09:00:00+08:00",
           "ends_at": "2026-03-10T11:00:00+08:00", "trainer_name": "陈师傅", "capacity": 20}


def test_state_changes_need_the_csrf_token(training_admin, learner, officer, project, session, regions):
    admin = strict_client(training_admin)
    assert admin.post(f"/api/practicals/projects/{project.pk}/sessions", SESSION,
                      content_type="application/json").status_code == 403
    assert admin.post(f"/api/practicals/sessions/{session.pk}/cancel", {"reason": "x"},
                      content_type="application/json").status_code == 403
    clock.travel_to(SESSION_START)
    scanner = strict_client(learner, staff=False)
    assert scanner.post("/api/practicals/sign-in", {"session_id": session.pk,
                                                    "code": selectors.display_facts(session=session).code},
                        content_type="application/json").status_code == 403
    city = strict_client(officer)
    assert city.post("/api/practicals/suspensions", {"city": "440200", "reason": "r", "document_number": "d"},
                     content_type="application/json").status_code == 403
    session.refresh_from_db()
    assert (PracticalSession.objects.count(), session.state, PracticalSignIn.objects.count(),
            PracticalSuspension.objects.count()) == (1, "scheduled", 0, 0)


def test_schedule_list_and_cancel(training_admin, project, offline_module):
    client = strict_client(training_admin)
    response = client.post(f"/api/practicals/projects/{project.pk}/sessions",
                           {**SESSION, "outline_module_id": offline_module.pk, "credited_minutes": 90},
                           content_type="application/json", **token(client))
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("title", "credited_minutes", "state", "outline_module", "signed_count")} == {
        "title": "低压配电柜接线实操", "credited_minutes": 90, "state": "scheduled", "outline_module": "低压电工实操",
        "signed_count": 0}
    assert dt.datetime.fromisoformat(body["starts_at"]) == SESSION_START
    listed = client.get(f"/api/practicals/projects/{project.pk}/sessions").json()
    assert [s["id"] for s in listed] == [body["id"]]
    refused = client.post(f"/api/practicals/sessions/{body['id']}/cancel", {"reason": " "},
                          content_type="application/json", **token(client))
    assert refused.status_code == 400
    assert refused.json() == {"error": {"code": "reason_required", "message": "请填写取消原因", "field": "reason"}}
    cancelled = client.post(f"/api/practicals/sessions/{body['id']}/cancel", {"reason": "设备检修"},
                            content_type="application/json", **token(client))
    assert (cancelled.status_code, cancelled.json()["state"], cancelled.json()["cancel_reason"]) == (
        200, "cancelled", "设备检修")


def test_a_naive_time_is_read_as_shanghai_time(training_admin, project):
    client = strict_client(training_admin)
    response = client.post(f"/api/practicals/projects/{project.pk}/sessions",
                           {**SESSION, "starts_at": "2026-03-10T09:00:00", "ends_at": "2026-03-10T10:30:00"},
                           content_type="application/json", **token(client))
    assert response.status_code == 201 and PracticalSession.objects.get().starts_at == SESSION_START


def test_a_non_blended_project_is_not_found_for_practicals(training_admin, enterprise):
    from jineng.practicals.tests import factories

    online = factories.make_project(organization=enterprise, created_by=training_admin, delivery="online")
    client = strict_client(training_admin)
    response = client.post(f"/api/practicals/projects/{online.pk}/sessions", SESSION, content_type="application/json",
                           **token(client))
    assert response.status_code == 404 and response.json()["error"]["code"] == "project_not_found"


def test_the_display_code_then_sign_in_then_already(training_admin, learner, officer, session):
    clock.travel_to(SESSION_START + dt.timedelta(seconds=20))
    display = strict_client(training_admin)
    code = display.get(f"/api/practicals/sessions/{session.pk}/code").json()
    assert {k: code[k] for k in ("open", "seconds_left", "signed_count", "roster_size", "state")} == {
        "open": True, "seconds_left": 40, "signed_count": 0, "roster_size": 1, "state": "scheduled"}
    current = selectors.display_facts(session=session).code
    assert code["url"] == f"http://testserver/practicals/s/{session.pk}/{current}/"
    assert code["qr"].startswith("data:image/svg+xml")
    assert strict_client(officer).get(f"/api/practicals/sessions/{session.pk}/code").status_code == 403

    scanner = strict_client(learner, staff=False)
    first = scanner.post("/api/practicals/sign-in", {"session_id": session.pk, "code": current},
                         content_type="application/json", **token(scanner))
    assert (first.status_code, first.json()["created"], first.json()["message"]) == (201, True, "签到成功")
    second = scanner.post("/api/practicals/sign-in", {"session_id": session.pk, "code": current},
                          content_type="application/json", **token(scanner))
    assert (second.status_code, second.json()["message"]) == (200, "已签到（2026-03-10 09:00:20），无需重复签到")
    assert display.get(f"/api/practicals/sessions/{session.pk}/code").json()["signed_count"] == 1
    attendance = display.get(f"/api/practicals/projects/{session.project_id}/attendance").json()
    assert [(r["signed"], r["roster"], r["rate_percent"]) for r in attendance] == [(1, 1, 100)]


def test_an_expired_code_over_the_api(learner, session):
    clock.travel_to(SESSION_START)
    old = selectors.display_facts(session=session).code
    clock.advance(seconds=120)
    scanner = strict_client(learner, staff=False)
    response = scanner.post("/api/practicals/sign-in", {"session_id": session.pk, "code": old},
                            content_type="application/json", **token(scanner))
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "code_expired", "message": "二维码已过期，请扫描现场大屏上的最新二维码",
                                         "field": "code"}}


def test_suspend_and_lift_over_the_api(officer, training_admin):
    client = strict_client(officer)
    response = client.post("/api/practicals/suspensions", {"city": "440200", "reason": "疫情防控",
                                                           "document_number": "韶人社函〔2026〕1号"},
                           content_type="application/json", **token(client))
    assert response.status_code == 201 and response.json()["open"] is True
    suspension_id = response.json()["id"]
    seen = strict_client(training_admin).get("/api/practicals/suspensions").json()
    assert [(s["city_name"], s["document_number"], s["open"]) for s in seen] == [("韶关市", "韶人社函〔2026〕1号", True)]
    lifted = client.post(f"/api/practicals/suspensions/{suspension_id}/lift", {}, content_type="application/json",
                         **token(client))
    assert (lifted.status_code, lifted.json()["open"]) == (200, False)
    unknown = client.post("/api/practicals/suspensions", {"city": "999900", "reason": "r", "document_number": "d"},
                          content_type="application/json", **token(client))
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (400, "city")
