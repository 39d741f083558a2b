"""The API at /api/platforms/: lists, a multipart evaluation request, the centre's decisions,
and CSRF on every state-changing call."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.platforms.models import PlatformEvaluation
from jineng.platforms.tests.conftest import EXE_BYTES, PDF_BYTES, png_bytes, shanghai, stored_files

pytestmark = pytest.mark.django_db


def strict_client(user) -> Client:
    """A browser-like session that enforces CSRF, signed in with both factors through the pages."""
    from jineng.identity import two_factor

    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    response = client.post("/accounts/otp/", {
        "token": two_factor.current_token(two_factor.confirmed_device(user=user)),
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    return client


def token(client: Client) -> dict:
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def multipart(platform, **overrides) -> dict:
    data = {
        "platform_id": platform.pk, "project_name": "2020 年职工线上适岗培训", "occupation_name": "机械加工（检验）",
        "courses": json.dumps([{"name": "安全生产与职业健康", "key_points": "法规与防护", "resource_form": "video",
                                "minutes": 90}], ensure_ascii=False),
        "credentials": SimpleUploadedFile("资信.pdf", PDF_BYTES, content_type="application/pdf"),
        "construction": SimpleUploadedFile("建设.pdf", PDF_BYTES, content_type="application/pdf"),
        "operation": SimpleUploadedFile("运行.png", png_bytes(), content_type="image/png"),
        "content": SimpleUploadedFile("内容.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_platforms_list_and_detail(training_admin, platform, ministry_platform):
    client = strict_client(training_admin)
    rows = client.get("/api/platforms/").json()
    assert [(r["name"], r["recommendation"], r["evaluation_needed_for_me"], r["usable_for_me"]) for r in rows] == [
        ("中国职业培训在线", "ministry", False, True), ("岭南职工云课堂", "none", True, False)]
    detail = client.get(f"/api/platforms/{platform.pk}").json()
    assert (detail["icp_number"], detail["ip_address"], detail["server_city"], detail["usable_reason"]) == (
        "粤ICP备00000000号-1", "203.0.113.10", "广州市",
        "该平台尚未经过评估：请先向市职业技能服务中心提交平台评估申请（附表5-1、5-2），通过后方可备案")
    assert client.get("/api/platforms/99999").json()["error"]["code"] == "platform_not_found"


def test_submit_an_evaluation_as_multipart_and_decide_it(training_admin, officer, platform, centres, frozen_clock):
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    client = strict_client(training_admin)
    response = client.post("/api/platforms/evaluations", multipart(platform), headers=token(client))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["due_date"], body["centre"], body["working_days_left"], body["overdue"]) == (
        "submitted", "2020-05-07", "韶关市职业技能服务中心", 3, False)
    assert sorted(m["group"] for m in body["materials"]) == ["construction", "content", "credentials", "operation"]
    assert [c["name"] for c in body["courses"]] == ["安全生产与职业健康"]

    frozen_clock(shanghai(2020, 5, 8, 9, 0))
    centre = strict_client(officer)
    queue = centre.get("/api/platforms/evaluations/queue").json()
    assert [(q["id"], q["overdue"], q["working_days_over"]) for q in queue] == [(body["id"], True, 1)]
    response = centre.post(f"/api/platforms/evaluations/{body['id']}/decision",
                           {"decision": "return", "comment": "请补充实名制管理应用情况"}, content_type="application/json",
                           headers=token(centre))
    assert response.status_code == 200
    decided = response.json()
    assert (decided["status"], decided["decided_late"], decided["late_working_days"]) == ("returned", True, 1)
    assert [e["transition"] for e in decided["events"]] == ["create", "submit", "return"]
    again = centre.post(f"/api/platforms/evaluations/{body['id']}/decision", {"decision": "approve"},
                        content_type="application/json", headers=token(centre))
    assert (again.status_code, again.json()["error"]["code"]) == (400, "evaluation_transition_not_allowed")


def test_state_changes_need_the_csrf_token(training_admin, officer, platform, submitted, media_root):
    client = strict_client(training_admin)
    before = stored_files(media_root)
    response = client.post("/api/platforms/evaluations", multipart(platform))
    assert response.status_code == 403
    assert PlatformEvaluation.objects.count() == 1 and stored_files(media_root) == before
    centre = strict_client(officer)
    response = centre.post(f"/api/platforms/evaluations/{submitted.pk}/decision", {"decision": "approve"},
                           content_type="application/json")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    response = client.post("/api/platforms/", {"name": "某平台", "website": "a.example.cn"},
                           content_type="application/json")
    assert response.status_code == 403


def test_refusals_come_back_with_a_code(training_admin, platform, ministry_platform, centres, media_root):
    client = strict_client(training_admin)
    response = client.post("/api/platforms/evaluations",
                           multipart(platform, credentials=SimpleUploadedFile("资信.pdf", EXE_BYTES)),
                           headers=token(client))
    assert (response.status_code, response.json()["error"]["code"], response.json()["error"]["field"]) == (
        400, "file_type_not_allowed", "credentials")
    assert stored_files(media_root) == [] and not PlatformEvaluation.objects.exists()
    response = client.post("/api/platforms/evaluations", multipart(ministry_platform), headers=token(client))
    assert response.json()["error"]["code"] == "evaluation_not_needed"
    response = client.post("/api/platforms/evaluations", multipart(platform, content=None), headers=token(client))
    assert response.json()["error"] == {"code": "materials_missing", "message": "请上传附表5-2 所列材料，尚缺：平台培训内容材料",
                                        "field": "content", "details": {"missing": ["content"]}}
    response = client.post("/api/platforms/evaluations", multipart(platform, courses="not json"), headers=token(client))
    assert response.json()["error"]["code"] == "courses_invalid"
    assert not PlatformEvaluation.objects.exists()


def test_other_cities_and_enterprises_do_not_see_the_request(submitted, pzh_officer, other_admin):
    centre = strict_client(pzh_officer)
    response = centre.post(f"/api/platforms/evaluations/{submitted.pk}/decision", {"decision": "approve"},
                           content_type="application/json", headers=token(centre))
    assert (response.status_code, response.json()["error"]["code"]) == (404, "evaluation_not_found")
    assert strict_client(other_admin).get("/api/platforms/evaluations").json() == []


def test_register_a_platform_and_ask_if_it_is_usable(training_admin, enterprise):
    client = strict_client(training_admin)
    response = client.post("/api/platforms/", {"name": "某云课堂", "website": "yun.example.cn"},
                           content_type="application/json", headers=token(client))
    assert response.status_code == 201
    platform_id = response.json()["id"]
    usable = client.get(f"/api/platforms/{platform_id}/usable?organization_id={enterprise.pk}&on=2020-05-06").json()
    assert usable == {"usable": False, "on": "2020-05-06",
                      "reason": "该平台尚未经过评估：请先向市职业技能服务中心提交平台评估申请（附表5-1、5-2），通过后方可备案"}


def test_lists_cost_the_same_for_one_request_or_many(submitted, make_request, other_admin, other_enterprise, platform,
                                                     officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jineng.platforms import services

    client = strict_client(officer)

    def cost(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(path).json()
        return len(body), len(queries)

    one = (cost("/api/platforms/evaluations"), cost("/api/platforms/evaluations/queue"))
    second = make_request(admin=other_admin, organization=other_enterprise, platform=platform)
    services.evaluation_submit(evaluation=second, actor=other_admin)
    two = (cost("/api/platforms/evaluations"), cost("/api/platforms/evaluations/queue"))
    assert [n for n, _ in one] == [1, 1] and [n for n, _ in two] == [2, 2]
    assert [q for _, q in one] == [q for _, q in two]
