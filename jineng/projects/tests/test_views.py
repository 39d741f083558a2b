"""The pages: the filing steps, the project page with everything for the reviewer, the queue
with its filters, the routing rules page, downloads and scope."""

from __future__ import annotations

import pytest

from jineng.projects import services
from jineng.projects.models import Project
from jineng.projects.tests.conftest import roster_row, shanghai, xlsx_file

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_new_project_page_creates_a_draft(staff_client, training_admin, occupation, platform, bureaus, enterprise):
    client = staff_client(training_admin)
    assert client.get("/projects/new/").status_code == 200
    response = client.post("/projects/new/", {
        "organization": enterprise.pk, "organiser": "self", "kind": "on_the_job", "delivery": "online",
        "occupation": occupation.pk, "level": "5", "platform": platform.pk, "name": "车工在岗培训",
        "start_date": "2020-04-15", "end_date": "2020-04-30", "purpose": "提升技能", "planned_headcount": 3,
        "planned_class_hours": 4, "contact_name": "黄小燕", "contact_phone": "13800000000"})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/edit/outline/"


def test_a_roster_with_a_bad_row_shows_the_report_and_keeps_the_roster(staff_client, training_admin, draft,
                                                                       employees, id_number_factory):
    client = staff_client(training_admin)
    rows = [roster_row(1, 0, id_number_factory), roster_row(2, 1, id_number_factory, 性别="女")]
    response = client.post(f"/projects/{draft.pk}/edit/roster/", {"file": xlsx_file(rows)})
    page = text(response)
    assert response.status_code == 200
    assert "共 2 行，其中 1 行有错误，本次未导入任何数据，原名册不变" in page
    assert "gender_mismatch" in page and "第 3 行" in page
    assert draft.roster.count() == 0


def test_a_file_that_is_not_excel_is_refused_on_the_page(staff_client, training_admin, draft):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = staff_client(training_admin)
    response = client.post(f"/projects/{draft.pk}/edit/roster/",
                           {"file": SimpleUploadedFile("名册.xlsx", b"%PDF-1.4 not excel")})
    assert "上传的文件不是 Excel (.xlsx) 文件" in text(response)


def test_the_submit_step_lists_what_is_missing(staff_client, training_admin, draft):
    page = text(staff_client(training_admin).get(f"/projects/{draft.pk}/edit/submit/"))
    assert "还不能提交" in page and "培训大纲：请至少填写一个模块" in page and "请上传营业执照复印件" in page
    assert "将提交：<strong>韶关市浈江区人力资源和社会保障局</strong>" in page


def test_the_reviewer_sees_everything_on_one_page(staff_client, reviewer, submitted):
    page = text(staff_client(reviewer).get(f"/projects/{submitted.pk}/"))
    for expected in ("培训大纲（附表3，共 2 个模块，180 分钟）", "人员名册（附表4，3 人）", "营业执照.pdf",
                     "须在培训开始前至少 5 个工作日备案（韶人社函〔2020〕11号 附件1 二(一)）：最迟 2020-04-08 提交，符合要求",
                     "按申请单位所在地（浈江区）由韶关市浈江区人力资源和社会保障局受理", 'id="decide"',
                     "人力资源社会保障部推荐的平台（人社厅函〔2020〕24号），无需评估", "备案通过后生成",
                     "/projects/" + str(submitted.pk) + "/forms/filing.pdf"):
        assert expected in page, expected
    assert "138****0001" in page and "13800000001" not in page


def test_decide_on_the_page_and_links_to_learning_records(staff_client, reviewer, submitted):
    client = staff_client(reviewer)
    refused = client.post(f"/projects/{submitted.pk}/decide/", {"decision": "return", "comment": ""})
    assert refused.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    response = client.post(f"/projects/{submitted.pk}/decide/", {"decision": "approve", "comment": "同意"})
    assert response["Location"] == "/projects/review/"
    page = text(client.get(f"/projects/{submitted.pk}/"))
    enrolment = submitted.enrolments.order_by("id").first()
    assert f'href="/learn/records/{enrolment.pk}/"' in page


def test_the_queue_filters(staff_client, reviewer, submitted, frozen_clock):
    client = staff_client(reviewer)
    page = text(client.get("/projects/review/"))
    assert submitted.name in page and "审核</a>" in page
    assert submitted.name not in text(client.get("/projects/review/?state=submitted&kind=pre_job"))
    assert submitted.name not in text(client.get("/projects/review/?state=submitted&overdue=on"))
    frozen_clock(shanghai(2020, 4, 15, 9))
    page = text(staff_client(reviewer).get("/projects/review/?state=submitted&overdue=on"))
    assert submitted.name in page and "1 件已超期" in page


def test_pages_are_scoped(staff_client, wujiang_reviewer, submitted, training_admin):
    client = staff_client(wujiang_reviewer)
    assert client.get(f"/projects/{submitted.pk}/").status_code == 404
    assert staff_client(training_admin).get("/projects/review/").status_code == 403


def test_routing_page(staff_client, pzh_officer, pzh_enterprise, bureaus, regions):
    client = staff_client(pzh_officer)
    response = client.post("/projects/routing/", {
        "city": "510400", "match": "organization", "organization": pzh_enterprise.pk,
        "office": bureaus["pzh_centre"].pk, "source": "攀人社发〔2020〕33号 四(一)", "note": "攀钢"})
    assert response.status_code == 302
    page = text(client.get("/projects/routing/"))
    assert "攀钢集团有限公司" in page and "攀枝花市人社局职业技能鉴定和培训指导中心" in page and "生效" in page


def test_form_downloads_are_scoped(staff_client, submitted, wujiang_reviewer, reviewer):
    assert staff_client(wujiang_reviewer).get(f"/projects/{submitted.pk}/forms/filing.pdf").status_code == 404
    response = staff_client(reviewer).get(f"/projects/{submitted.pk}/forms/filing.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


def test_a_roster_export_is_audited_as_personal_data(staff_client, submitted, reviewer):
    from jineng.audit.models import AuditEntry

    response = staff_client(reviewer).get(f"/projects/{submitted.pk}/forms/roster.xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="project.form_export").order_by("-seq").first()
    assert (entry.actor_id, entry.summary) == (reviewer.pk, {"form": "roster", "format": "xlsx", "personal_data": True})


def test_the_organiser_starts_on_the_start_date(staff_client, training_admin, reviewer, submitted, frozen_clock):
    services.project_approve(project=submitted, actor=reviewer)
    frozen_clock(shanghai(2020, 4, 15, 9))
    client = staff_client(training_admin)
    client.post(f"/projects/{submitted.pk}/start/")
    submitted.refresh_from_db()
    assert submitted.state == "running"


def test_an_upload_after_the_commitment_says_it_must_be_given_again(staff_client, training_admin, ready, media_root):
    from jineng.projects.tests.conftest import pdf

    client = staff_client(training_admin)
    response = client.post(f"/projects/{ready.pk}/edit/materials/", {"kind": "other", "file": pdf("补充说明.pdf")},
                           follow=True)
    page = text(response)
    assert "已上传" in page and "原单位承诺随之失效" in page
    submit_step = text(client.get(f"/projects/{ready.pk}/edit/submit/"))
    assert "单位承诺：请阅读附表1 的承诺并勾选确认" in submit_step


def test_the_plan_page_asks_about_the_affected_aid_and_keeps_the_answer(staff_client, training_admin, draft,
                                                                         occupation, platform, enterprise):
    client = staff_client(training_admin)
    page = text(client.get(f"/projects/{draft.pk}/edit/plan/"))
    assert "是否已领取受影响企业培训补助" in page
    response = client.post(f"/projects/{draft.pk}/edit/plan/", {
        "organiser": "self", "kind": "job_transfer", "delivery": "online", "occupation": occupation.pk, "level": "5",
        "platform": platform.pk, "name": "车工转岗培训", "start_date": "2020-04-15", "end_date": "2020-04-30",
        "purpose": "转岗", "planned_headcount": 3, "planned_class_hours": 4, "contact_name": "黄小燕",
        "contact_phone": "13800000000", "received_affected_aid": "yes"})
    assert response.status_code == 302, text(response)[:2000]
    draft.refresh_from_db()
    assert (draft.kind, draft.received_affected_aid) == ("job_transfer", True)
    assert "受影响企业培训补助</dt><dd>已领取" in text(client.get(f"/projects/{draft.pk}/"))
