"""Pages and API from the user's side: 我的证书, the completion checklist, issuing, the PDF (with
its QR code read back), the public check (valid, revoked, not found), revoking, and scope."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess

import pytest
from django.core.cache import cache
from django.test import Client

from jineng.certificates import services
from jineng.certificates.models import Certificate
from jineng.certificates.tests.conftest import credit
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_checklist_shows_what_is_missing_and_no_button(learner_client, enrolment, learner, safety, welding,
                                                          final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 8)

    response = learner_client.get(f"/certificates/enrolments/{enrolment.pk}/")

    assert response.status_code == 200
    page = _text(response)
    assert "尚未达到结业条件" in page
    assert "<li>专业技能课《焊接工艺》还差 37 分钟</li>" in page
    assert "<li>结业考核尚未通过</li>" in page
    assert "计划 45 分钟，已计入 8 分钟，还差 37 分钟" in page
    assert "已考 0 / 2 次" in page
    assert "领取培训合格证书</button>" not in page
    assert f'href="/exams/{final_exam.pk}/"' in page


def test_issuing_from_the_page_refuses_an_incomplete_enrolment_with_the_reasons(learner_client, enrolment, learner,
                                                                               safety, final_exam):
    credit(learner, safety, 45)

    response = learner_client.post(f"/certificates/enrolments/{enrolment.pk}/issue/", follow=True)

    assert response.redirect_chain == [(f"/certificates/enrolments/{enrolment.pk}/", 302)]
    assert ("尚未达到结业条件，暂不能领取培训合格证书：专业技能课《焊接工艺》还差 45 分钟；结业考核尚未通过。"
            "请完成以上各项后再领取。") in _text(response)
    assert Certificate.objects.count() == 0


def test_a_complete_learner_takes_the_certificate_and_downloads_it(learner_client, complete_enrolment):
    page = _text(learner_client.get(f"/certificates/enrolments/{complete_enrolment.pk}/"))
    assert "已达到结业条件" in page
    assert "领取培训合格证书</button>" in page

    response = learner_client.post(f"/certificates/enrolments/{complete_enrolment.pk}/issue/", follow=True)

    certificate = Certificate.objects.get()
    page = _text(response)
    assert "培训合格证书已发放，证书编号 JN-2026-000001。" in page
    assert f"http://testserver/certificates/verify/{certificate.token}/" in page
    assert "领取培训合格证书</button>" not in page
    mine = _text(learner_client.get("/certificates/"))
    assert "JN-2026-000001" in mine and "下载证书 PDF" in mine and "有效" in mine

    pdf = learner_client.get(f"/certificates/{certificate.pk}/certificate.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E5%9F%B9%E8%AE%AD%E5%90%88%E6%A0%BC%E8%AF%81%E4%B9%A6-JN-2026-000001.pdf")
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler-utils and zbar-tools")
def test_the_pdf_carries_the_verification_address_and_the_facts(learner_client, complete_enrolment, learner, settings,
                                                                tmp_path):
    settings.JINENG_PUBLIC_URL = "https://jineng.example.gov.cn/"
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    content = learner_client.get(f"/certificates/{certificate.pk}/certificate.pdf").content

    (tmp_path / "c.pdf").write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "c.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("培训合格证书", "证书编号：JN-2026-000001", "李小红", "4402**********", "焊工（初级）线上理论培训",
                     "焊工（6-18-02-04）", "五级/初级工", "2 学时", "100.00 分", "2026年03月02日",
                     "发证平台：技能 jineng 线上职业技能培训平台", "培训单位：韶关技工学校"):
        assert expected in text, expected
    assert learner.person.id_number not in text
    info = subprocess.run(["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.28 pts \(A4\)", info)  # landscape
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "c.png")], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert decoded == f"https://jineng.example.gov.cn/certificates/verify/{certificate.token}/"


def test_the_public_page_shows_a_valid_certificate_without_sign_in(client, complete_enrolment, learner):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    response = client.get(f"/certificates/verify/{certificate.token}/")

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    page = _text(response)
    assert '<strong>有效</strong>' in page
    assert '<dd id="holder">李*红</dd>' in page
    assert "李小红" not in page
    for expected in ("JN-2026-000001", "焊工（初级）线上理论培训", "2 学时", "2026年03月02日", "焊工 · 五级/初级工"):
        assert expected in page
    assert "4402" not in page  # no ID number, not even masked


def test_a_revoked_certificate_shows_as_revoked_publicly(client, complete_enrolment, learner, make_staff, regions):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    services.certificate_revoke(certificate=certificate, reason="经核查学习记录不实",
                                actor=make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"]))

    response = client.get(f"/certificates/verify/{certificate.token}/")

    assert response.status_code == 200
    page = _text(response)
    assert "<strong>已撤销</strong>" in page
    assert "该证书已于 2026年03月02日 撤销，不再有效。" in page
    assert "经核查学习记录不实" not in page  # the reason is for staff
    api = client.get(f"/api/certificates/verify/{certificate.token}")
    assert (api.status_code, api.json()["state"], api.json()["state_label"]) == (200, "revoked", "已撤销")


@pytest.mark.parametrize("token", [secrets.token_urlsafe(24), "JN-2026-000001", "x" * 40, "abc"],
                         ids=["random", "number", "wrong", "short"])
def test_an_unknown_token_is_not_found_and_says_nothing_more(client, complete_enrolment, learner, token):
    services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    response = client.get(f"/certificates/verify/{token}/")

    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    page = _text(response)
    assert "<strong>未查到</strong>" in page
    assert "JN-2026" not in page and "李" not in page
    api = client.get(f"/api/certificates/verify/{token}")
    assert api.status_code == 404
    assert api.json() == {"state": "not_found", "state_label": "未查到", "number": "", "masked_name": "",
                          "course_title": "", "occupation": "", "level": "", "class_hours": 0, "issued_on": "",
                          "provider_name": "", "issuer": "技能 jineng 线上职业技能培训平台", "revoked_on": ""}


def test_another_learner_cannot_see_or_download(client, complete_enrolment, learner, make_learner):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    client.force_login(make_learner("王五"))

    assert client.get(f"/certificates/{certificate.pk}/certificate.pdf").status_code == 404
    assert client.get(f"/certificates/enrolments/{complete_enrolment.pk}/").status_code == 404
    assert client.post(f"/certificates/enrolments/{complete_enrolment.pk}/issue/").status_code == 404
    assert "JN-2026-000001" not in _text(client.get("/certificates/"))
    assert client.get("/api/certificates/").json() == []
    assert client.get(f"/api/certificates/enrolments/{complete_enrolment.pk}/completion").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, complete_enrolment, learner):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    response = client.get(f"/certificates/{certificate.pk}/certificate.pdf")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_who_follow_the_enrolment_download_and_a_reviewer_revokes(staff_client, complete_enrolment, learner,
                                                                       make_staff, employer, regions):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    admin = make_staff(Role.TRAINING_ADMIN, organization=employer)
    client = staff_client(admin)
    page = _text(client.get(f"/certificates/enrolments/{complete_enrolment.pk}/"))
    assert "学员：李小红 · 浈江机械厂" in page
    assert "撤销证书</button>" not in page  # a training administrator cannot revoke
    assert client.get(f"/certificates/{certificate.pk}/certificate.pdf").status_code == 200
    client.logout()
    cache.clear()

    client = staff_client(make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"]))
    assert "撤销证书</button>" in _text(client.get(f"/certificates/enrolments/{complete_enrolment.pk}/"))
    refused = client.post(f"/certificates/{certificate.pk}/revoke/", {"reason": ""}, follow=True)
    assert "请填写撤销原因（例如：经核查培训记录不实）" in _text(refused)
    response = client.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "经核查学习记录不实"}, follow=True)
    assert "证书 JN-2026-000001 已撤销；公开核验页面将显示“已撤销”。" in _text(response)
    assert "撤销原因</dt><dd>经核查学习记录不实</dd>" in _text(response)
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    client.logout()

    client.force_login(learner)
    refused = client.get(f"/certificates/{certificate.pk}/certificate.pdf")
    assert refused.status_code == 400
    assert "证书 JN-2026-000001 已撤销，不能下载。" in _text(refused)


# ---- API ---------------------------------------------------------------------------------------

@pytest.fixture
def api_client(learner):
    """A browser-like session that enforces CSRF (the cookie comes from the sign-in page)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get("/accounts/login/")
    return client


def post(client: Client, path: str, body=None, *, csrf: bool = True):
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value} if csrf else {}
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return client.post(f"/api/certificates{path}", headers=headers, **kwargs)


def test_api_completion_issue_and_list(api_client, complete_enrolment):
    completion = api_client.get(f"/api/certificates/enrolments/{complete_enrolment.pk}/completion").json()
    assert completion["complete"] is True
    assert completion["missing"] == []
    assert completion["assessment"] == {"exists": True, "exam_id": completion["assessment"]["exam_id"],
                                        "title": "焊工（初级）结业考核", "passed": True, "pass_score": "60.00",
                                        "best_score": "100.00", "attempts_used": 1, "attempts_allowed": 2}
    assert [(m["title"], m["category_label"], m["planned_minutes"], m["credited_minutes"], m["met"])
            for m in completion["modules"]] == [("安全生产", "公共必修课", 45, 45, True),
                                                 ("焊接工艺", "专业技能课", 45, 45, True)]

    first = post(api_client, f"/enrolments/{complete_enrolment.pk}/issue")
    second = post(api_client, f"/enrolments/{complete_enrolment.pk}/issue")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    body = first.json()
    certificate = Certificate.objects.get()
    assert {k: body[k] for k in ("number", "kind", "status", "status_label", "course_title", "occupation", "level",
                                 "class_hours", "final_score", "pdf_url", "verify_url")} == {
        "number": "JN-2026-000001", "kind": "training", "status": "valid", "status_label": "有效",
        "course_title": "焊工（初级）线上理论培训", "occupation": "焊工", "level": "五级/初级工", "class_hours": 2,
        "final_score": "100.00", "pdf_url": f"/certificates/{certificate.pk}/certificate.pdf",
        "verify_url": f"http://testserver/certificates/verify/{certificate.token}/"}
    assert body["issued_at"] == "2026-03-02T02:30:00Z"
    assert [c["number"] for c in api_client.get("/api/certificates/").json()] == ["JN-2026-000001"]


def test_api_issue_refusal_lists_what_is_missing(api_client, enrolment, learner, safety, final_exam):
    credit(learner, safety, 45)
    response = post(api_client, f"/enrolments/{enrolment.pk}/issue")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "enrolment_incomplete"
    assert response.json()["error"]["field"] == "enrolment"
    assert response.json()["error"]["details"] == {"missing": ["专业技能课《焊接工艺》还差 45 分钟", "结业考核尚未通过"]}


def test_api_issue_without_csrf_token_is_refused(api_client, complete_enrolment):
    response = post(api_client, f"/enrolments/{complete_enrolment.pk}/issue", csrf=False)

    assert response.status_code == 403
    assert Certificate.objects.count() == 0


def test_api_verify_a_valid_certificate(client, complete_enrolment, learner):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    response = client.get(f"/api/certificates/verify/{certificate.token}")

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response.json() == {"state": "valid", "state_label": "有效", "number": "JN-2026-000001",
                               "masked_name": "李*红", "course_title": "焊工（初级）线上理论培训", "occupation": "焊工",
                               "level": "五级/初级工", "class_hours": 2, "issued_on": "2026年03月02日",
                               "provider_name": "韶关技工学校", "issuer": "技能 jineng 线上职业技能培训平台",
                               "revoked_on": ""}


def test_api_revoke_by_a_reviewer_and_refused_to_the_learner(api_client, complete_enrolment, learner, make_staff,
                                                             regions):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    refused = post(api_client, f"/{certificate.pk}/revoke", {"reason": "我不想要了"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"

    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"])
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    from jineng.identity import two_factor
    csrf = client.cookies["csrftoken"].value
    assert client.post("/accounts/login/", {"username": reviewer.username, "password": reviewer.plain_password,
                                            "csrfmiddlewaretoken": csrf}).status_code == 302
    assert client.post("/accounts/otp/", {"token": two_factor.current_token(two_factor.confirmed_device(user=reviewer)),
                                          "csrfmiddlewaretoken": client.cookies["csrftoken"].value}).status_code == 302
    missing = post(client, f"/{certificate.pk}/revoke", {"reason": ""})
    assert (missing.status_code, missing.json()["error"]["field"]) == (400, "reason")
    response = post(client, f"/{certificate.pk}/revoke", {"reason": "经核查学习记录不实"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["status_label"], response.json()["pdf_url"]) == (
        "revoked", "已撤销", "")
