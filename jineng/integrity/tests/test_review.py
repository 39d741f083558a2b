"""The reviewers' queue: who sees a flag (its region only), the decision with a note, the pages and the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.identity.models import Role
from jineng.integrity import selectors, services
from jineng.integrity.models import Flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(regions, make_learner, employer):
    persons = [make_learner("赵一").person, make_learner("钱二").person]
    flag, created = services.flag_raise(
        kind="exam_collusion", severity="high", title="考试雷同：赵一 与 钱二", persons=persons, organization=employer,
        region_code="440204", dedupe_key="exam_collusion:1:1:2",
        evidence={"exam": {"id": 1, "title": "结业考核", "course": 1, "is_final": True},
                  "attempts": [{"attempt": 1, "person": persons[0].pk, "name": "赵一", "number": 1,
                                "started_at": "2026-03-02T01:00:00+00:00", "submitted_at": "2026-03-02T01:20:00+00:00",
                                "score": "70.00", "ip": "10.0.0.8", "user_agent": "UA"},
                               {"attempt": 2, "person": persons[1].pk, "name": "钱二", "number": 1,
                                "started_at": "2026-03-02T01:02:00+00:00", "submitted_at": "2026-03-02T01:24:00+00:00",
                                "score": "70.00", "ip": "10.0.0.8", "user_agent": "UA"}],
                  "minutes_apart": 4.0, "same_ip": True, "questions_in_common": 26, "compared": 26, "matched": 26,
                  "weighted_match": 1.0, "matched_questions": [], "parameters": {
                      "window_minutes": 10, "min_questions": 10, "min_match": 0.9, "wrong_weight": 3},
                  "identical_wrong": [{"question": 7, "stem": "焊接时应佩戴什么？", "answer": "耳机"}]})
    assert created
    return flag


@pytest.fixture
def zhenjiang_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang")


@pytest.fixture
def wujiang_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"], username="wujiang")


@pytest.fixture
def city_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="shaoguan")


def test_raising_the_same_flag_twice_keeps_one(flag, employer):
    again, created = services.flag_raise(kind="exam_collusion", severity="low", title="again",
                                         persons=list(flag.persons.all()), region_code="440204", evidence={},
                                         dedupe_key="exam_collusion:1:1:2")
    assert (again, created, Flag.objects.count()) == (flag, False, 1)


def test_a_flag_needs_a_region(make_learner, regions):
    with pytest.raises(DomainError) as exc:
        services.flag_raise(kind="exam_collusion", severity="high", title="x", persons=[make_learner("赵一").person],
                            region_code="", evidence={})
    assert exc.value.code == "region_required"


def test_reviewers_see_only_their_region_s_flags(flag, zhenjiang_reviewer, wujiang_reviewer, city_officer, operator,
                                                 make_staff):
    assert list(selectors.flags_visible_to(user=zhenjiang_reviewer)) == [flag]
    assert list(selectors.flags_visible_to(user=city_officer)) == [flag]
    assert list(selectors.flags_visible_to(user=wujiang_reviewer)) == []
    assert list(selectors.flags_visible_to(user=make_staff(Role.SYSTEM_ADMIN, username="root"))) == [flag]
    assert (selectors.user_can_review_flags(user=operator), selectors.open_flag_count(user=zhenjiang_reviewer)) == (
        False, 1)
    with pytest.raises(PermissionDenied):
        services.flag_decide(flag=flag, actor=wujiang_reviewer, decision="dismissed", note="不是我辖区")


def test_a_reviewer_confirms_with_a_note(flag, zhenjiang_reviewer):
    with pytest.raises(DomainError) as exc:
        services.flag_decide(flag=flag, actor=zhenjiang_reviewer, decision="confirmed", note="  ")
    assert exc.value.code == "note_required"
    decided = services.flag_decide(flag=flag, actor=zhenjiang_reviewer, decision="confirmed",
                                   note="两人同一 IP、相隔 4 分钟交卷，错题相同；约谈后承认互相传答案")
    assert (decided.status, decided.decided_by, decided.decision_note[:7]) == ("confirmed", zhenjiang_reviewer,
                                                                              "两人同一 IP")
    with pytest.raises(DomainError) as exc:
        services.flag_decide(flag=flag, actor=zhenjiang_reviewer, decision="dismissed", note="改主意")
    assert exc.value.code == "already_decided"
    entry = AuditEntry.objects.get(action="integrity.flag_confirm")
    assert (entry.region_code, entry.summary["status"]) == ("440204", "confirmed")


def test_the_queue_and_the_evidence_page(flag, zhenjiang_reviewer, wujiang_reviewer, staff_client):
    client = staff_client(zhenjiang_reviewer)
    queue = client.get("/integrity/").content.decode()
    assert f'data-flag="{flag.pk}"' in queue and "考试雷同：赵一 与 钱二" in queue
    page = client.get(f"/integrity/flags/{flag.pk}/").content.decode()
    assert "两次交卷相隔 <strong>4.0</strong> 分钟" in page and "两人在同一 IP 地址交卷" in page
    assert "两人都答：耳机" in page
    response = client.post(f"/integrity/flags/{flag.pk}/", {"decision": "dismissed", "note": "两人为同班组，复核录像无异常"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    assert "两人为同班组" in client.get(f"/integrity/flags/{flag.pk}/").content.decode()
    other = staff_client(wujiang_reviewer)
    assert f'data-flag="{flag.pk}"' not in other.get("/integrity/?status=").content.decode()
    assert other.get(f"/integrity/flags/{flag.pk}/").status_code == 404


def test_learners_and_operators_cannot_open_the_queue(flag, operator, staff_client, make_learner, client):
    assert staff_client(operator).get("/integrity/").status_code == 403
    client.force_login(make_learner("孙三"))
    assert client.get("/integrity/").status_code == 403


def _api_client(user) -> Client:
    from jineng.identity import two_factor

    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                     "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    client.post("/accounts/otp/", {"token": two_factor.current_token(two_factor.confirmed_device(user=user)),
                                   "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    return client


def test_the_api_scopes_and_needs_the_csrf_token(flag, zhenjiang_reviewer, wujiang_reviewer):
    client = _api_client(zhenjiang_reviewer)
    listed = client.get("/api/integrity/flags").json()
    assert [(f["id"], f["kind_label"], sorted(p["name"] for p in f["persons"])) for f in listed] == [
        (flag.pk, "考试雷同（疑似串通作答）", ["赵一", "钱二"])]
    body = json.dumps({"decision": "confirmed", "note": "核实属实"})
    response = client.post(f"/api/integrity/flags/{flag.pk}/decision", body, content_type="application/json")
    assert response.status_code == 403
    assert Flag.objects.get().status == "open"
    response = client.post(f"/api/integrity/flags/{flag.pk}/decision", body, content_type="application/json",
                           headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert (response.status_code, response.json()["status"]) == (200, "confirmed")
    other = _api_client(wujiang_reviewer)
    assert other.get("/api/integrity/flags?status=").json() == []
    assert other.get(f"/api/integrity/flags/{flag.pk}").status_code == 404
