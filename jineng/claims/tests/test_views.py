"""The claims pages and API from the user's side."""

from __future__ import annotations

import io
import json
import zipfile
from decimal import Decimal

import pytest

from jineng.claims import services
from jineng.claims.models import Claim, Objection

pytestmark = pytest.mark.django_db


def test_a_training_admin_builds_and_submits_a_claim_through_the_pages(project, training_admin, staff_client):
    client = staff_client(training_admin)
    page = client.get("/claims/")
    assert page.status_code == 200 and "申请补贴" in page.content.decode()
    response = client.post(f"/claims/new/{project.pk}/", {"subsidy": "online_post_training"})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "600.00 元" in html and "不予补贴：未通过结业考核（韶人社函〔2020〕11号 附件1 一(三)）" in html
    assert 'id="claim-chart-data"' in html and "<script>" not in html and "style=" not in html
    response = client.post(f"/claims/{claim.pk}/update/", {"bank_account": "12ab"})
    assert response.status_code == 400 and "银行账号应为 8–32 位数字" in response.content.decode()
    assert client.post(f"/claims/{claim.pk}/submit/").status_code == 302
    claim.refresh_from_db()
    assert claim.state == "submitted"


def test_the_reviewer_workbench_and_the_public_notice(project, training_admin, reviewer, staff_client, client):
    claim = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    reviewer_client = staff_client(reviewer)
    queue = reviewer_client.get("/claims/review/").content.decode()
    assert claim.number in queue and "审核期限 2020-05-12" in queue
    assert reviewer_client.post(f"/claims/{claim.pk}/start-review/").status_code == 302
    response = reviewer_client.post(f"/claims/{claim.pk}/decide/", {"decision": "return", "comment": ""})
    assert response.status_code == 400 and "退回或不通过时请填写审核意见" in response.content.decode()
    assert reviewer_client.post(f"/claims/{claim.pk}/decide/", {"decision": "approve", "comment": "同意"}).status_code == 302
    reviewer_client.logout()

    notice = client.get(f"/claims/notices/{claim.pk}/").content.decode()
    assert "张*丰" in notice and "600.00" in notice and "张三丰" not in notice and "李*" not in notice
    response = client.post(f"/claims/notices/{claim.pk}/", {"contact_name": "赵六", "contact_phone": "1390000",
                                                            "reason": "短"})
    assert response.status_code == 400 and "请写明异议内容" in response.content.decode()
    response = client.post(f"/claims/notices/{claim.pk}/", {"contact_name": "赵六", "contact_phone": "13900001111",
                                                            "reason": "张三丰培训期间在外地出差，请核实"})
    assert response.status_code == 302
    assert Objection.objects.get().status == "open"
    api = client.get("/api/claims/notices").json()
    assert api == [{"id": claim.pk, "organization": "浈江机械厂", "project": "2020年焊工线上适岗培训",
                    "item_title": "企业职工线上适岗培训补贴", "document_number": "韶人社函〔2020〕11号",
                    "notice_start": "2020-04-20", "notice_end": "2020-04-26", "total": "600.00",
                    "lines": [{"position": 1, "name": "张*丰", "amount": "600.00"}]}]


def test_the_evidence_archive(project, training_admin, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = services.claim_create(project=project, actor=training_admin)
    services.claim_voucher_add(claim=claim, upload=SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice"),
                               actor=training_admin)
    response = staff_client(training_admin).get(f"/claims/{claim.pk}/archive.zip")
    assert response.status_code == 200
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    voucher = claim.vouchers.get()
    assert [n for n in names if not n.endswith(".pdf") or "成本凭证" in n or "申请表" in n] == sorted([
        f"成本凭证/{voucher.pk}_发票.pdf", "备案信息.txt", "学员/001_张*丰/结业考核结果.txt",
        "学员/002_李*/结业考核结果.txt", "申请明细.xlsx", f"申请表/补贴申请表_{claim.number}.pdf",
        f"申请表/补贴申请表_{claim.number}.xlsx", f"申请表/补贴申领人员花名册_{claim.number}.pdf",
        f"申请表/补贴申领人员花名册_{claim.number}.xlsx"])
    assert sum(1 for n in names if "学习记录_" in n) == 2
    text = zipfile.ZipFile(io.BytesIO(response.content)).read("学员/002_李*/结业考核结果.txt").decode()
    assert text.startswith("焊工（初级）线上培训：结业考核不合格，成绩 42.00 分")


def test_the_api_builds_and_shows_a_claim(project, training_admin, staff_client):
    client = staff_client(training_admin)
    csrf = client.get("/claims/").cookies.get("csrftoken")
    headers = {"HTTP_X_CSRFTOKEN": csrf.value} if csrf else {}
    response = client.post("/api/claims/", json.dumps({"project_id": project.pk}), content_type="application/json",
                           **headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["judged_total"]) == ("draft", "600.00")
    assert [(x["name"], x["status"], x["judged_amount"], x["reason"]) for x in body["lines"]] == [
        ("张三丰", "eligible", "600.00", ""), ("李四", "excluded", "0.00", "not_passed")]
    assert body["totals"] == [{"payee": "employer", "name": "浈江机械厂", "lines": 1, "judged": "600.00", "paid": None}]


def test_refreshing_a_draft_reads_the_records_again(project, training_admin, reviewer, learners, staff_client):
    from jineng.audit.models import AuditEntry
    from jineng.claims.tests import factories as f
    from jineng.common.errors import PermissionDenied
    from jineng.learning.models import Enrolment

    claim = services.claim_create(project=project, actor=training_admin)
    # 李四 catches up after the claim was built: all 900 minutes and a second, passed attempt
    enrolment = Enrolment.objects.get(project=project, person=learners["failed"].person)
    f.complete_study(enrolment=enrolment, minutes=900, by=training_admin, final_score=Decimal("80"))
    with pytest.raises(PermissionDenied):
        services.claim_refresh(claim=claim, actor=reviewer)
    client = staff_client(training_admin)
    response = client.post(f"/claims/{claim.pk}/refresh/")
    assert (response.status_code, response["Location"]) == (302, f"/claims/{claim.pk}/")
    claim.refresh_from_db()
    line = claim.lines.get(person=learners["failed"].person)
    assert (line.status, str(line.judged_amount), line.facts["class_hours"], line.facts["score"]) == (
        "eligible", "600.00", 20, "80.00")
    assert str(claim.judged_total) == "1200.00"
    assert AuditEntry.objects.get(action="claim.refresh").summary == {"lines": 2, "judged_total": "1200.00"}
    assert "已重新读取学习记录并判定" in client.get(f"/claims/{claim.pk}/").content.decode()

    services.claim_submit(claim=claim, actor=training_admin)
    response = client.post(f"/claims/{claim.pk}/refresh/", follow=True)
    assert "补贴申请已提交待受理，不能再更新" in response.content.decode()
    assert AuditEntry.objects.filter(action="claim.refresh").count() == 1


def test_a_voucher_is_shown_only_to_those_who_see_the_claim(project, training_admin, reviewer, other_reviewer,
                                                            make_staff, make_organization, staff_client, signed_in):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jineng.identity.models import Role

    claim = services.claim_create(project=project, actor=training_admin)
    voucher = services.claim_voucher_add(claim=claim, upload=SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice"),
                                         actor=training_admin)
    url = f"/claims/vouchers/{voucher.pk}/"
    reviewer_client, other_client = signed_in(reviewer), signed_in(other_reviewer)
    response = staff_client(training_admin).get(url)
    assert (response.status_code, response["Content-Type"], response["Cache-Control"]) == (
        200, "application/pdf", "private, no-store")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 invoice"
    other_org = make_organization("440204", kind="enterprise", name="浈江另一家企业", size="sme")
    other_admin = make_staff(Role.TRAINING_ADMIN, organization=other_org, username="admin_other")
    assert staff_client(other_admin).get(url).status_code == 404
    assert reviewer_client.get(url).status_code == 404  # a draft stays with its applicant
    services.claim_submit(claim=claim, actor=training_admin)
    assert reviewer_client.get(url).status_code == 200
    assert other_client.get(url).status_code == 404
    assert reviewer_client.get("/claims/vouchers/999999/").status_code == 404
