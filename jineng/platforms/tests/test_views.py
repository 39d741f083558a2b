"""Pages: they render for the roles that use them, refuse the others, and carry a request
from the enterprise's form to the officer's decision."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jineng.platforms import services
from jineng.platforms.models import EvaluationMaterial, Platform, PlatformEvaluation, PlatformFiling
from jineng.platforms.tests.conftest import EXE_BYTES, PDF_BYTES, png_bytes, shanghai, stored_files

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    from jineng.identity import two_factor

    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": user.plain_password}).status_code == 302
    response = client.post("/accounts/otp/", {"token": two_factor.current_token(two_factor.confirmed_device(user=user))})
    assert response.status_code == 302
    return client


def text(response) -> str:
    return response.content.decode()


def form_data(platform, organization, *, action="submit", files=None, rows=None) -> dict:
    data = {
        "platform": platform.pk, "organization": organization.pk, "project_name": "2020 年职工线上适岗培训",
        "occupation_name": "机械加工（检验）", "applicant_opinion": "所填情况属实", "action": action,
        "courses-TOTAL_FORMS": "3", "courses-INITIAL_FORMS": "0", "courses-MIN_NUM_FORMS": "0",
        "courses-MAX_NUM_FORMS": "100",
        "courses-0-name": "安全生产与职业健康", "courses-0-key_points": "法规与防护", "courses-0-resource_form": "video",
        "courses-0-minutes": "90",
        "courses-1-name": "", "courses-1-key_points": "", "courses-1-resource_form": "", "courses-1-minutes": "",
        "courses-2-name": "", "courses-2-key_points": "", "courses-2-resource_form": "", "courses-2-minutes": "",
    }
    data.update(rows or {})
    data.update(files if files is not None else {
        "credentials": SimpleUploadedFile("资信.pdf", PDF_BYTES, content_type="application/pdf"),
        "construction": SimpleUploadedFile("建设.pdf", PDF_BYTES, content_type="application/pdf"),
        "operation": SimpleUploadedFile("运行.png", png_bytes(), content_type="image/png"),
        "content": SimpleUploadedFile("内容.pdf", PDF_BYTES, content_type="application/pdf"),
    })
    return data


def test_pages_render_for_the_training_admin(training_admin, platform, ministry_platform, centres):
    client = signed_in(training_admin)
    page = text(client.get("/platforms/"))
    assert "岭南职工云课堂" in page and "中国职业培训在线" in page
    assert "人力资源社会保障部推荐" in page and "需评估" in page
    detail = text(client.get(f"/platforms/{platform.pk}/"))
    assert "该平台尚未经过评估" in detail and "申请平台评估" in detail and "修改平台信息" in detail
    assert "人力资源社会保障部推荐的平台（人社厅函〔2020〕24号），无需评估" in text(
        client.get(f"/platforms/{ministry_platform.pk}/"))
    assert client.get("/platforms/new/").status_code == 200
    new = text(client.get(f"/platforms/evaluations/new/?platform={platform.pk}"))
    assert "资信类材料" in new and "平台培训内容材料" in new and "第 3 行" in new and "评估期限为" in new
    assert client.get("/platforms/evaluations/").status_code == 200


def test_a_request_from_the_form_to_the_decision(training_admin, officer, platform, centres, frozen_clock):
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    admin = signed_in(training_admin)
    response = admin.post("/platforms/evaluations/new/", form_data(platform, training_admin.roles.get().organization))
    evaluation = PlatformEvaluation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/platforms/evaluations/{evaluation.pk}/"
    assert (evaluation.status, evaluation.due_date, evaluation.courses.count(), evaluation.materials.count()) == (
        "submitted", dt.date(2020, 5, 7), 1, 4)
    page = text(admin.get(response["Location"]))
    assert "已提交韶关市职业技能服务中心，评估期限 2020年5月7日（3 个工作日）" in page
    assert "期限 2020-05-07 · 剩余 3 个工作日" in page
    assert "作出评估结论" not in page

    frozen_clock(shanghai(2020, 5, 8, 9, 0))
    centre = signed_in(officer)
    queue = text(centre.get("/platforms/evaluations/queue/"))
    assert "1 件已超期" in queue and "已超期 1 个工作日" in queue and "overdue-row" in queue
    decision_page = text(centre.get(f"/platforms/evaluations/{evaluation.pk}/"))
    assert "作出评估结论" in decision_page and "已超过评估期限（2020-05-07）" in decision_page
    for material in evaluation.materials.all():  # every material on the one page
        assert f"/platforms/materials/{material.pk}/" in decision_page
    assert '<img src="/platforms/materials/' in decision_page and 'class="pdf-frame"' in decision_page
    response = centre.post(f"/platforms/evaluations/{evaluation.pk}/decide/", {"decision": "approve", "comment": ""})
    assert response.status_code == 302 and response["Location"] == "/platforms/evaluations/queue/"
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.decided_late, evaluation.late_working_days) == ("approved", True, 1)
    assert "评估结论已保存：评估通过（超过评估期限 1 个工作日，已记录为超期评估）" in text(centre.get(response["Location"]))


def test_the_form_says_what_to_fix(training_admin, platform, ministry_platform, centres, enterprise, media_root):
    client = signed_in(training_admin)
    files = {"credentials": SimpleUploadedFile("资信.pdf", EXE_BYTES, content_type="application/pdf")}
    page = text(client.post("/platforms/evaluations/new/", form_data(platform, enterprise, files=files)))
    assert "资信类材料“资信.pdf”：证明材料只接受 PDF、JPG 或 PNG 文件" in page
    assert not PlatformEvaluation.objects.exists() and stored_files(media_root) == []

    page = text(client.post("/platforms/evaluations/new/", form_data(ministry_platform, enterprise)))
    assert "无需评估，可直接用于培训备案" in page
    assert not PlatformEvaluation.objects.exists()

    rows = {"courses-1-name": "疫情防控", "courses-1-minutes": "30"}
    page = text(client.post("/platforms/evaluations/new/", form_data(platform, enterprise, rows=rows)))
    assert "第 2 行“疫情防控”：请填写内容要点" in page


def test_a_draft_missing_materials_is_saved_and_the_page_names_them(training_admin, platform, centres, enterprise):
    client = signed_in(training_admin)
    files = {"credentials": SimpleUploadedFile("资信.pdf", PDF_BYTES, content_type="application/pdf")}
    response = client.post("/platforms/evaluations/new/", form_data(platform, enterprise, files=files), follow=True)
    evaluation = PlatformEvaluation.objects.get()
    assert evaluation.status == "draft"
    assert "已保存，但还不能提交：请上传附表5-2 所列材料后再提交，尚缺：平台建设材料、平台运行材料、平台培训内容材料" in text(response)
    assert response.redirect_chain[-1][0] == f"/platforms/evaluations/{evaluation.pk}/edit/"

    rows = {"courses-TOTAL_FORMS": "4", "courses-INITIAL_FORMS": "1", "courses-0-name": "安全生产与职业健康"}
    data = form_data(platform, enterprise, action="more_rows", rows=rows, files={
        "construction": SimpleUploadedFile("建设.pdf", PDF_BYTES, content_type="application/pdf")})
    data.update({"courses-3-name": "", "courses-3-key_points": "", "courses-3-resource_form": "", "courses-3-minutes": ""})
    response = client.post(f"/platforms/evaluations/{evaluation.pk}/edit/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"/platforms/evaluations/{evaluation.pk}/edit/?rows=6"
    assert "第 7 行" in text(response)  # one saved row and six blank ones
    assert sorted(evaluation.materials.values_list("group", flat=True)) == ["construction", "credentials"]


def test_other_people_cannot_see_or_decide(submitted, other_admin, pzh_officer, training_admin, officer):
    url = f"/platforms/evaluations/{submitted.pk}/"
    other = signed_in(other_admin)
    assert other.get(url).status_code == 404
    other_city = signed_in(pzh_officer)
    assert other_city.get(url).status_code == 404
    assert other_city.post(f"{url}decide/", {"decision": "approve"}).status_code == 404
    material = submitted.materials.first()
    assert other.get(f"/platforms/materials/{material.pk}/").status_code == 404
    admin = signed_in(training_admin)
    assert admin.get("/platforms/evaluations/queue/").status_code == 403
    admin.post(f"{url}decide/", {"decision": "approve"})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_materials_are_served_by_kind_to_those_who_may_see_them(submitted, officer):
    client = signed_in(officer)
    png = submitted.materials.get(group="operation")
    response = client.get(f"/platforms/materials/{png.pk}/")
    assert (response.status_code, response["Content-Type"], response["X-Frame-Options"]) == (200, "image/png",
                                                                                             "SAMEORIGIN")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]  # the decision page may frame it
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    pdf = submitted.materials.get(group="content")
    response = client.get(f"/platforms/materials/{pdf.pk}/?download=1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_form_5_1_spreadsheet(submitted, training_admin):
    from openpyxl import load_workbook

    response = signed_in(training_admin).get(f"/platforms/evaluations/{submitted.pk}/form-5-1.xlsx")
    assert response.status_code == 200
    assert "%E9%99%84%E8%A1%A85-1" in response["Content-Disposition"]  # 附表5-1_评估表_N.xlsx
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["韶关市企业职工线上适岗职业技能培训评估表"] in values
    assert ["企业名称", "韶关市浈江区丹霞精密制造有限公司"] in values
    assert ["安全生产与职业健康", "安全生产法律法规、危险源辨识", "录播视频", 90] in values
    flat = " ".join(str(c) for row in values for c in row)
    assert "粤ICP备00000000号-1" in flat and "203.0.113.10" in flat


def test_register_and_edit_a_platform_through_the_pages(operator, institution):
    client = signed_in(operator)
    response = client.post("/platforms/new/", {
        "name": "技能 jineng", "website": "jineng.example.cn", "operator": institution.pk, "ownership": "ours",
        "server_city": "韶关市", "recommendation": "ministry"})  # disabled for non-admins: ignored
    platform = Platform.objects.get()
    assert response["Location"] == f"/platforms/{platform.pk}/"
    assert "已登记平台“技能 jineng”" in text(client.get(response["Location"]))
    assert (platform.ownership, platform.recommendation, platform.operator) == ("ours", "none", institution)
    response = client.post(f"/platforms/{platform.pk}/edit/", {
        "name": "技能 jineng", "website": "jineng.example.cn", "operator": institution.pk, "ownership": "ours",
        "ip_address": "999"})
    assert "IP 地址格式不正确，例如 203.0.113.10" in text(response)


def test_the_filing_page_per_city_and_for_the_province(officer, province_officer, platform, regions, training_admin):
    client = signed_in(officer)
    page = text(client.get("/platforms/filings/"))
    assert "尚未备案任何平台：韶关市" in page
    response = client.post("/platforms/filings/", {"city": "440200", "platform": platform.pk, "note": "本市遴选"})
    assert response.status_code == 302
    assert PlatformFiling.objects.get().platform == platform
    page = text(client.get("/platforms/filings/"))
    assert "韶关市（1 家）" in page and "尚未备案任何平台" not in page
    province = text(signed_in(province_officer).get("/platforms/filings/"))
    assert "韶关市（1 家）" in province and "岭南职工云课堂" in province
    assert signed_in(training_admin).get("/platforms/filings/").status_code == 403
    again = text(client.post("/platforms/filings/", {"city": "440200", "platform": platform.pk}))
    assert "韶关市已报备“岭南职工云课堂”，无需重复报备" in again


def test_a_returned_request_shows_the_comments_on_its_form(submitted, officer, training_admin):
    services.evaluation_return(evaluation=submitted, actor=officer, comment="请补充服务器设置在中国内地的证明")
    page = text(signed_in(training_admin).get(f"/platforms/evaluations/{submitted.pk}/edit/"))
    assert "韶关市职业技能服务中心退回修改" in page and "请补充服务器设置在中国内地的证明" in page
    assert EvaluationMaterial.objects.filter(evaluation=submitted).count() == 4


@pytest.mark.parametrize("who, pages", [
    ("sysadmin", {"/platforms/": 200, "/platforms/new/": 200, "/platforms/evaluations/": 200, "{detail}": 200,
                  "/platforms/evaluations/queue/": 403, "/platforms/filings/": 403}),
    ("county_reviewer", {"/platforms/": 200, "/platforms/new/": 403, "/platforms/evaluations/": 200, "{detail}": 200,
                         "/platforms/evaluations/new/": 403, "/platforms/evaluations/queue/": 403}),
    ("province_officer", {"/platforms/evaluations/queue/": 200, "/platforms/filings/": 200, "{detail}": 200}),
    ("operator", {"/platforms/": 200, "/platforms/new/": 200, "{detail}": 404, "/platforms/evaluations/new/": 403}),
], ids=["sysadmin", "county-reviewer", "province-officer", "platform-operator"])
def test_pages_by_role(submitted, request, who, pages):
    client = signed_in(request.getfixturevalue(who))
    detail = f"/platforms/evaluations/{submitted.pk}/"
    assert {path: client.get(path.replace("{detail}", detail)).status_code for path in pages} == pages


def test_read_only_viewers_get_no_decision_form(submitted, county_reviewer):
    page = text(signed_in(county_reviewer).get(f"/platforms/evaluations/{submitted.pk}/"))
    assert "平台评估申请：岭南职工云课堂" in page and "作出评估结论" not in page and "提交评估</button>" not in page
