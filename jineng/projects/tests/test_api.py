"""The API at /api/projects/: the whole filing from plan to approval, refusals as JSON, and CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from jineng.projects.models import Project
from jineng.projects.tests.conftest import OUTLINE, PDF_BYTES, xlsx_file

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
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def plan_body(occupation, platform, **overrides) -> dict:
    body = {"kind": "on_the_job", "occupation_id": occupation.pk, "level": 5, "platform_id": platform.pk,
            "name": "2020 年车工在岗线上培训", "start_date": "2020-04-15", "end_date": "2020-04-30",
            "purpose": "提升车工安全操作与岗位技能", "planned_headcount": 3, "planned_class_hours": 4,
            "contact_name": "黄小燕", "contact_phone": "0751-8879882"}
    body.update(overrides)
    return body


def test_the_whole_filing_through_the_api(training_admin, reviewer, occupation, platform, bureaus, course,
                                          roster_rows):
    client = strict_client(training_admin)
    created = client.post("/api/projects/", plan_body(occupation, platform), content_type="application/json",
                          **token(client))
    assert created.status_code == 201, created.content
    project_id = created.json()["id"]
    assert (created.json()["state"], created.json()["number"]) == ("draft", None)
    outline = [{"title": r.title, "category": r.category, "minutes": r.minutes, "goals": r.goals} for r in OUTLINE]
    assert client.put(f"/api/projects/{project_id}/outline", outline, content_type="application/json",
                      **token(client)).status_code == 200
    assert client.put(f"/api/projects/{project_id}/courses", {"course_ids": [course.pk]},
                      content_type="application/json", **token(client)).status_code == 200
    report = client.post(f"/api/projects/{project_id}/roster", {"file": xlsx_file(roster_rows)}, **token(client))
    assert (report.status_code, report.json()["committed"], report.json()["imported"]) == (200, True, 3)
    incomplete = client.post(f"/api/projects/{project_id}/submit", **token(client))
    assert incomplete.status_code == 400
    assert [m["code"] for m in incomplete.json()["error"]["details"]["missing"]] == [
        "material_missing", "material_missing", "commitment_missing"]
    for kind in ("business_licence", "labour_contracts"):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES, content_type="application/pdf")
        assert client.post(f"/api/projects/{project_id}/materials", {"kind": kind, "file": upload},
                           **token(client)).status_code == 201
    assert client.post(f"/api/projects/{project_id}/commitment", **token(client)).status_code == 200
    submitted = client.post(f"/api/projects/{project_id}/submit", **token(client))
    assert submitted.status_code == 200, submitted.content
    body = submitted.json()
    assert (body["state"], body["number"], body["reviewing_office"], body["review_due"]) == (
        "submitted", "440204-2020-0001", "韶关市浈江区人力资源和社会保障局", "2020-04-14")
    from jineng.common.masking import mask_id_number

    assert body["roster"][0]["id_number"] == mask_id_number(roster_rows[0][4])
    assert body["roster"][0]["id_number"].count("*") == 10 and "password" not in str(body).lower()

    reviewer_client = strict_client(reviewer)
    queue = reviewer_client.get("/api/projects/queue")
    assert [(r["id"], r["overdue"]) for r in queue.json()] == [(project_id, False)]
    refused = client.post(f"/api/projects/{project_id}/approve", {}, content_type="application/json", **token(client))
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_the_reviewing_office")
    approved = reviewer_client.post(f"/api/projects/{project_id}/approve", {"comment": "同意"},
                                    content_type="application/json", **token(reviewer_client))
    assert approved.status_code == 200
    assert (approved.json()["project"]["state"], approved.json()["enrolled"]) == ("approved", 3)


def test_a_roster_with_a_bad_row_is_reported_not_imported(training_admin, draft, employees, id_number_factory):
    from jineng.projects.tests.conftest import roster_row

    client = strict_client(training_admin)
    rows = [roster_row(1, 0, id_number_factory), roster_row(2, 1, id_number_factory, 年龄=99)]
    report = client.post(f"/api/projects/{draft.pk}/roster", {"file": xlsx_file(rows)}, **token(client)).json()
    assert (report["committed"], report["rows"]) == (False, 2)
    assert [(r["row_number"], [p["code"] for p in r["problems"]]) for r in report["error_rows"]] == [
        (3, ["age_mismatch"])]
    fixed = client.post(f"/api/projects/{draft.pk}/roster", {"file": xlsx_file(rows), "import_valid_rows": "true"},
                        **token(client)).json()
    assert (fixed["committed"], fixed["imported"]) == (True, 1)


def test_state_changes_need_the_csrf_token(training_admin, submitted, reviewer, occupation, platform):
    client = strict_client(training_admin)
    response = client.post("/api/projects/", plan_body(occupation, platform), content_type="application/json")
    assert response.status_code == 403
    assert Project.objects.count() == 1
    reviewer_client = strict_client(reviewer)
    response = reviewer_client.post(f"/api/projects/{submitted.pk}/approve", {}, content_type="application/json")
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_outsiders_get_404(submitted, wujiang_reviewer):
    client = strict_client(wujiang_reviewer)
    response = client.get(f"/api/projects/{submitted.pk}")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "project_not_found")


def test_routing_rules_through_the_api(pzh_officer, pzh_enterprise, bureaus):
    client = strict_client(pzh_officer)
    body = {"city": "510400", "match": "organization", "organization_id": pzh_enterprise.pk,
            "office_id": bureaus["pzh_centre"].pk, "source": ""}
    refused = client.post("/api/projects/routing-rules", body, content_type="application/json", **token(client))
    assert (refused.status_code, refused.json()["error"]["field"]) == (400, "source")
    body["source"] = "攀人社发〔2020〕33号 四(一)"
    created = client.post("/api/projects/routing-rules", body, content_type="application/json", **token(client))
    assert created.status_code == 201
    rule_id = created.json()["id"]
    off = client.post(f"/api/projects/routing-rules/{rule_id}/deactivate", **token(client))
    assert off.json()["active"] is False
    assert [r["active"] for r in client.get("/api/projects/routing-rules").json()] == [False]
