"""The reviewer's side of the API (/api/claims/): decisions and payment, with CSRF enforced as a
browser would, and scope (another county's reviewer gets 404, never the claim)."""

from __future__ import annotations

import json

import pytest

from jineng.claims import services
from jineng.claims.models import Claim
from jineng.claims.tests import factories as f

pytestmark = pytest.mark.django_db


def post(client, url: str, body: dict | None = None, *, csrf: bool = True):
    headers = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value} if csrf else {}
    return client.post(url, json.dumps(body or {}), content_type="application/json", **headers)


@pytest.fixture
def submitted(project, training_admin):
    return services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                 actor=training_admin)


def test_a_decision_through_the_api(submitted, reviewer, other_reviewer, signed_in):
    client = signed_in(reviewer, strict=True)
    other = signed_in(other_reviewer, strict=True)
    url = f"/api/claims/{submitted.pk}"
    assert post(client, f"{url}/start-review", csrf=False).status_code == 403
    assert Claim.objects.get().state == "submitted"
    assert post(other, f"{url}/start-review").status_code == 404
    response = post(client, f"{url}/start-review")
    assert (response.status_code, response.json()["state"]) == (200, "under_review")

    response = post(client, f"{url}/decision", {"decision": "approve", "comment": "同意"}, csrf=False)
    assert response.status_code == 403
    response = post(other, f"{url}/decision", {"decision": "approve", "comment": "同意"})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    response = post(client, f"{url}/decision", {"decision": "maybe"})
    assert (response.status_code, response.json()["error"]) == (400, {
        "code": "decision_invalid", "message": "请选择审核结论：通过并公示、退回修改或不通过", "field": "decision"})
    response = post(client, f"{url}/decision", {"decision": "return"})
    assert (response.status_code, response.json()["error"]["field"]) == (400, "comment")
    assert Claim.objects.get().state == "under_review"

    response = post(client, f"{url}/decision", {"decision": "approve", "comment": "学习记录与考核结果一致"})
    body = response.json()
    assert (response.status_code, body["state"], body["notice_end"], body["judged_total"]) == (
        200, "public_notice", "2020-04-26", "600.00")


def test_a_payment_through_the_api(submitted, reviewer, other_reviewer, signed_in, frozen_clock):
    services.claim_review_start(claim=submitted, actor=reviewer)
    services.claim_approve(claim=submitted, actor=reviewer)
    client = signed_in(reviewer, strict=True)
    other = signed_in(other_reviewer, strict=True)
    url = f"/api/claims/{submitted.pk}/payment"
    body = {"reference": "GK2020-0427-001", "paid_on": "2020-04-27"}
    response = post(client, url, {"reference": "GK-1", "paid_on": "2020-04-20"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "claim_transition_not_allowed")
    assert response.json()["error"]["message"] == "当前状态为“公示中”，不能“拨付”：申请正在公示"

    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))
    services.claims_advance_due()
    assert post(client, url, body, csrf=False).status_code == 403
    assert post(other, url, body).status_code == 404
    response = post(client, url, {"reference": "  ", "paid_on": "2020-04-27"})
    assert (response.status_code, response.json()["error"]["field"]) == (400, "reference")
    response = post(client, url, {"reference": "GK-1", "paid_on": "2020-04-28"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "paid_on_invalid")
    assert Claim.objects.get().state == "payment_plan"

    response = post(client, url, body)
    data = response.json()
    assert (response.status_code, data["state"], data["paid_total"], data["advance_paid"]) == (
        200, "paid", "600.00", "0.00")
    assert [(x["name"], x["paid_amount"]) for x in data["lines"]] == [("张三丰", "600.00"), ("李四", "0.00")]


def test_the_advance_and_the_final_claim_through_the_api(jj_project, jj_admin, jj_reviewer, signed_in, frozen_clock):
    from decimal import Decimal

    admin, reviewer = signed_in(jj_admin, strict=True), signed_in(jj_reviewer, strict=True)
    created = post(admin, "/api/claims/", {"project_id": jj_project.pk})
    assert (created.status_code, created.json()["phase"], created.json()["judged_total"]) == (201, "advance", "1600.00")
    url = f"/api/claims/{created.json()['id']}"
    assert post(admin, f"{url}/submit").json()["state"] == "submitted"
    assert post(reviewer, f"{url}/start-review").json()["state"] == "under_review"
    body = {"reference": "JJ2020-ADV-001", "paid_on": "2020-04-20"}
    assert post(reviewer, f"{url}/advance", body, csrf=False).status_code == 403
    assert post(admin, f"{url}/advance", body).status_code == 403  # the applicant cannot pay itself
    response = post(reviewer, f"{url}/advance", body)
    assert (response.status_code, response.json()["state"], response.json()["advance_paid"]) == (
        200, "advance_paid", "960.00")
    response = post(admin, f"{url}/finalize")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "project_not_finished")

    frozen_clock(f.shanghai(2020, 5, 18, 9, 0))
    f.finish_project(jj_project, by=jj_admin, scores={"陈美玲": Decimal("88"), "林志强": Decimal("75")})
    response = post(admin, f"{url}/finalize")
    assert (response.status_code, response.json()["state"], response.json()["phase"],
            response.json()["judged_total"]) == (200, "submitted", "final", "1600.00")
