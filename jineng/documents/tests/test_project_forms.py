"""The forms filled from real Project rows: every form in both formats, the full ID numbers on
the rosters, ages on the start date, the bureau's box once approved, and refusals that say
what to choose."""

from __future__ import annotations

import pytest

from jineng.common.errors import DomainError
from jineng.documents.project_forms import PROJECT_FORMS, project_form_render
from jineng.documents.tests.conftest import pdf_text, shanghai, sheet_rows, squash
from jineng.projects.models import MaterialKind

FILE_NAMES = {
    "filing": "附表1_备案表_440204-2020-0007",
    "plan": "附表2_培训计划_440204-2020-0007",
    "outline": "附表3_培训大纲_440204-2020-0007",
    "roster": "附表4_人员名册_440204-2020-0007",
    "class_opening": "附件1_开班申请表_440204-2020-0007",
    "class_roster": "附件2_参训人员花名册_440204-2020-0007",
}
TITLES = {
    "filing": "韶关市企业职工线上适岗职业技能培训备案表",
    "plan": "韶关市企业职工线上适岗职业技能培训计划",
    "outline": "韶关市企业职工线上适岗职业技能培训大纲",
    "roster": "韶关市企业职工线上适岗职业技能培训人员名册",
    "class_opening": "攀枝花市线上职业技能培训申请表",
    "class_roster": "攀枝花市线上职业技能培训参训人员花名册",
}


@pytest.fixture
def project(make_project, enterprise, people, course, institution):
    return make_project(
        organization=enterprise, people=people, courses=[course], organiser="entrusted", institution=institution,
        materials=[MaterialKind.BUSINESS_LICENCE, MaterialKind.LABOUR_CONTRACTS], state="approved",
        commitment_accepted_at=shanghai(2020, 4, 1, 23, 30), submitted_at=shanghai(2020, 4, 1, 23, 40),
        decided_at=shanghai(2020, 4, 3, 9, 0), review_comment="材料齐全。")


@pytest.mark.parametrize("form", list(PROJECT_FORMS))
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_every_form_renders_in_both_formats_with_its_file_name(project, form, fmt):
    content, filename = project_form_render(project=project, form=form, fmt=fmt)
    assert filename == f"{FILE_NAMES[form]}.{fmt}"
    if fmt == "pdf":
        assert squash(TITLES[form]) in pdf_text(content)
    else:
        assert sheet_rows(content)[1] == [TITLES[form]]


def test_the_filing_form_carries_the_project(project, enterprise, institution):
    text = pdf_text(project_form_render(project=project, form="filing", fmt="pdf")[0])
    expected = [
        "编号：440204-2020-0007", f"企业名称{enterprise.name}统一社会信用代码{enterprise.credit_code}",
        f"培训机构名称{institution.name}", "平台名称（网站或APP产品名称）岭南职工云课堂", "ICP备案号粤ICP备00000000号-1",
        "网站地址（APP的包名）ketang.example.com", "IP地址及服务器设置城市名称203.0.113.10广州市",
        "培训项目名称2020年数控车工在岗培训培训岗位（工种）车工（四级/中级工）", "培训类型□岗前培训■在岗培训□转岗转业培训",
        "培训计划人数40培训方式线上", "培训起止时间2020年4月15日至2020年5月15日培训课时9课时（每课时45分钟）",
        "培训负责人王晓明联系手机13900139000",
        "安全生产与职业道德掌握安全生产法律法规，能辨识车间常见危险源线上：录播视频、图文90",
        "车床实操考核独立完成典型零件加工线下实操135",
        "2020年4月1日",  # the commitment, in Shanghai time
        "审核通过。材料齐全。（盖章）2020年4月3日",
        "□是□否",  # not answered: left for the pen
    ]
    assert [s for s in expected if s not in text] == []


@pytest.mark.parametrize(("answer", "boxes"), [(True, "■是□否"), (False, "□是■否")])
def test_the_filing_form_prints_the_affected_aid_answer(project, answer, boxes):
    project.received_affected_aid = answer
    project.save(update_fields=["received_affected_aid"])
    text = pdf_text(project_form_render(project=project, form="filing", fmt="pdf")[0])
    assert f"是否已领取受影响企业培训补助{boxes}" in text


def test_a_draft_leaves_the_number_and_the_bureaus_box_empty(make_project, enterprise, people):
    draft = make_project(organization=enterprise, people=people, number="DRAFT-7f3a", state="draft")
    content, filename = project_form_render(project=draft, form="filing", fmt="pdf")
    text = pdf_text(content)
    assert "DRAFT" not in text and "编号" not in text
    assert "县（市、区）人力资源社会保障部门审核备案意见（盖章）年月日" in text
    assert filename == f"附表1_备案表_草稿{draft.pk}.pdf"


def test_the_plan_and_outline_list_the_modules(project):
    rows = sheet_rows(project_form_render(project=project, form="plan", fmt="xlsx")[0])
    assert ["培训周期", "2020年4月15日至2020年5月15日"] in rows
    assert [1, "安全生产与职业道德", "掌握安全生产法律法规，能辨识车间常见危险源", 90, "岭南职工云课堂", 3] in rows
    assert [3, "车床实操考核", "独立完成典型零件加工", 135, "线下实操", 3] in rows
    assert ["合计", 405, "折合 9 课时（每课时 45 分钟）"] in rows
    assert rows[2][-1] == "填报日期：2020年4月1日"

    rows = sheet_rows(project_form_render(project=project, form="outline", fmt="xlsx")[0])
    assert [2, "数控车床操作规程", "2020年4月15日至2020年5月15日", "专业技能课", "熟练完成对刀、程序校验与首件检验",
            "线上，学习时长 180 分钟"] in rows


def test_the_rosters_print_full_id_numbers_phones_and_ages_on_the_start_date(project, people):
    rows = sheet_rows(project_form_render(project=project, form="roster", fmt="xlsx")[0])
    assert rows[5:8] == [
        [1, "李小红", "女", people[0].id_number, "13800000001", "dx001"],
        [2, "王志强", "男", people[1].id_number, "13800000002", "dx002"],
        [3, "欧阳娜娜", "女", people[2].id_number, "13800000003", "dx003"],
    ]
    assert len(people[0].id_number) == 18

    content = project_form_render(project=project, form="class_roster", fmt="pdf")[0]
    text = pdf_text(content)
    assert f"1李小红女29{people[0].id_number}13800000001" in text  # 30 only on 20 April
    assert f"2王志强男31{people[1].id_number}13800000002劳务派遣" in text
    assert f"3欧阳娜娜女25{people[2].id_number}13800000003农民工" in text  # her birthday is the start date


def test_the_class_opening_form_ticks_what_is_there(project):
    text = pdf_text(project_form_render(project=project, form="class_opening", fmt="pdf")[0])
    expected = [
        "■企业□培训机构（职业、技工院校）", "■中小微企业□大型企业",
        "组织方式委托培训机构（购买培训服务）：韶关市浈江区职业培训学校",
        "培训方式□在线直播■教学视频录播□实时互动教学■文字或图片资料教学",
        "线上理论学时6学时（270分钟）线下实操学时3学时（135分钟）",
        "■《攀枝花市线上职业技能培训参训人员花名册》（附件2）■企业营业执照复印件■企业职工劳动合同复印件或重点就业群体身份证明"
        "□委托培训服务合同",
        "韶关市浈江区人力资源和社会保障局（盖章）2020年4月3日",
    ]
    assert [s for s in expected if s not in text] == []


def test_the_forms_cost_a_fixed_number_of_queries(project, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        project_form_render(project=project, form="class_opening", fmt="xlsx")


@pytest.mark.parametrize(("form", "fmt", "code", "field", "hint"), [
    ("claim", "pdf", "document_form_unknown", "form", "filing（附表1 备案表）"),
    ("roster", "docx", "document_format_unknown", "fmt", "pdf（打印盖章）或 xlsx（电子表格）"),
], ids=["form", "format"])
def test_an_unknown_form_or_format_names_the_allowed_ones(project, form, fmt, code, field, hint):
    with pytest.raises(DomainError) as caught:
        project_form_render(project=project, form=form, fmt=fmt)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert hint in caught.value.message
