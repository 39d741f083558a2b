"""附表5-1 from a real platform evaluation, and its PDF download on the evaluation page for
whoever may see the evaluation."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.documents.project_forms import evaluation_form_render
from jineng.documents.tests.conftest import pdf_text, shanghai, sheet_rows
from jineng.identity.models import Role
from jineng.platforms import services
from jineng.platforms.tests.conftest import four_materials

COURSES = [
    services.CourseRow("安全生产与职业健康", "安全生产法律法规、危险源辨识", "video", 90),
    services.CourseRow("疫情防控知识", "复工复产防护要点", "document", 45),
]


@pytest.fixture
def officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="sg_city")


@pytest.fixture
def evaluation(training_admin, enterprise, platform, bureaus, officer):
    draft = services.evaluation_create(
        organization=enterprise, platform=platform, project_name="2020 年职工线上适岗培训",
        occupation_name="机械加工（检验）", courses=COURSES, materials=four_materials(),
        applicant_opinion="平台功能齐全，请予评估。", actor=training_admin)
    try:
        clock.travel_to(shanghai(2020, 4, 29, 10, 0))
        submitted = services.evaluation_submit(evaluation=draft, actor=training_admin)
        clock.travel_to(shanghai(2020, 4, 30, 16, 0))
        return services.evaluation_decide(evaluation=submitted, decision="approve",
                                          comment="平台具备培训记录与全程跟踪功能。", actor=officer)
    finally:
        clock.reset()


def test_the_form_is_filled_from_the_evaluation(evaluation, enterprise):
    content, filename = evaluation_form_render(evaluation=evaluation, fmt="pdf")
    assert filename == f"附表5-1_评估表_{evaluation.pk}.pdf"
    text = pdf_text(content)
    expected = [
        "韶关市企业职工线上适岗职业技能培训评估表", f"企业名称{enterprise.name}",
        "平台名称（网站或APP产品名称）岭南职工云课堂",
        "ICP备案号粤ICP备00000000号-1IP地址及服务器设置城市名称203.0.113.10广州市",
        "网站地址（APP的包名）ketang.example.com",
        "培训项目名称2020年职工线上适岗培训培训岗位（工种）机械加工（检验）",
        "安全生产与职业健康安全生产法律法规、危险源辨识录播视频90", "疫情防控知识复工复产防护要点图文45", "合计135",
        "申报企业意见平台功能齐全，请予评估。（盖章）2020年4月29日",
        "市职业技能服务中心评估意见评估通过：平台具备培训记录与全程跟踪功能。韶关市职业技能服务中心（盖章）2020年4月30日",
    ]
    assert [s for s in expected if s not in text] == []

    content, filename = evaluation_form_render(evaluation=evaluation, fmt="xlsx")
    assert filename == f"附表5-1_评估表_{evaluation.pk}.xlsx"
    rows = sheet_rows(content)
    assert ["企业名称", enterprise.name] in rows
    assert ["疫情防控知识", "复工复产防护要点", "图文", 45] in rows


def test_an_undecided_evaluation_leaves_the_centres_box_empty(training_admin, enterprise, platform, bureaus):
    draft = services.evaluation_create(organization=enterprise, platform=platform, project_name="线上培训",
                                       occupation_name="车工", courses=COURSES, actor=training_admin)
    text = pdf_text(evaluation_form_render(evaluation=draft, fmt="pdf")[0])
    assert "申报企业意见（盖章）年月日市职业技能服务中心评估意见韶关市职业技能服务中心（盖章）年月日" in text


def test_an_unknown_format_is_refused(evaluation):
    with pytest.raises(DomainError) as caught:
        evaluation_form_render(evaluation=evaluation, fmt="doc")
    assert (caught.value.code, caught.value.field) == ("document_format_unknown", "fmt")


def test_the_evaluation_page_offers_the_pdf_to_those_who_may_see_it(evaluation, training_admin, officer, make_staff,
                                                                   regions, make_organization, staff_client):
    url = f"/platforms/evaluations/{evaluation.pk}/form-5-1.pdf"
    client = staff_client(training_admin)
    page = client.get(f"/platforms/evaluations/{evaluation.pk}/").content.decode()
    assert f'href="{url}"' in page

    response = client.get(url)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''{quote(f'附表5-1_评估表_{evaluation.pk}.pdf')}")
    assert "评估通过：平台具备培训记录与全程跟踪功能。" in pdf_text(response.content)

    client.logout()
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zj_reviewer")
    assert staff_client(reviewer).get(url).status_code == 200

    client.logout()
    stranger = make_staff(Role.TRAINING_ADMIN, organization=make_organization("440203", name="武江区某物流公司"),
                          username="other_admin")
    assert staff_client(stranger).get(url).status_code == 404
