"""附表1 韶关市企业职工线上适岗职业技能培训备案表 (韶人社函〔2020〕11号 附件1 二(一)).

The seed's grid, in its order: 企业基本情况 (with 是否已领取受影响企业培训补助), 培训机构基本情况
(left empty when the enterprise trains itself), 线上培训平台基本情况, 培训项目基本情况 with the
three training types as boxes, 线上培训计划, 申报企业承诺 (法定代表人签字、盖章、日期) and the
county bureau's 审核备案意见 (盖章、日期), then the four notes."""

from __future__ import annotations

from jineng.documents.data import SHAOGUAN_KINDS, FilingForm, OrganizationFacts
from jineng.documents.formatting import checkboxes, cn_period, yes_no
from jineng.documents.forms.common import blank_rows, pair, signed_box, wide
from jineng.documents.forms.layout import (
    Cell,
    Layout,
    Notes,
    Table,
    caption,
    number,
    render_pdf,
    render_xlsx,
    section,
)

CODE = "附表1"
TITLE = "韶关市企业职工线上适岗职业技能培训备案表"
WIDTHS = (30.0, 20.0, 24.0, 18.0, 32.0, 16.0, 20.0, 20.0)
COLUMNS = len(WIDTHS)
COMMITMENT = ("承诺：本企业经人力资源社会保障部门备案后，严格按照培训计划实施职工线上适岗培训，按培训计划完成"
              "培训任务，培训效果达到培训目标要求。如有弄虚作假骗取培训补贴，愿承担相应法律责任，接受相关处理。")
NOTES = (
    "注：1.此表由开展企业职工线上适岗职业技能培训的企业填写。",
    "2.此表一式两份，人力资源社会保障专职管理部门、申报企业各存一份。",
    "3.此表按培训类型分别填写。",
    "4.与此表同时报送本项目培训计划、培训大纲、培训人员花名册。",
)
COURSE_SPANS = (2, 3, 2, 1)
MIN_COURSE_ROWS = 3


def _organization_rows(org: OrganizationFacts | None, *, institution: bool) -> list[tuple[Cell, ...]]:
    org = org or OrganizationFacts(name="")
    prefix = "机构" if institution else ""
    return [
        pair("培训机构名称" if institution else "企业名称", org.name, "统一社会信用代码", org.credit_code),
        wide(f"{prefix}注册地址", org.address, columns=COLUMNS),
        pair("机构负责人" if institution else "法人代表", org.legal_representative, "联系电话", org.contact_phone),
    ]


def layout(data: FilingForm) -> Layout:
    kinds = SHAOGUAN_KINDS if data.kind_label in SHAOGUAN_KINDS else (*SHAOGUAN_KINDS, data.kind_label)
    platform = data.platform
    top = [
        (section("企业基本情况", COLUMNS),),
        *_organization_rows(data.enterprise, institution=False),
        (caption("是否已领取受影响企业培训补助", 4), Cell(yes_no(data.received_affected_subsidy), 4, align="C")),
        (section("培训机构基本情况（企业自行组织开展培训无须填写此项）", COLUMNS),),
        *_organization_rows(data.institution, institution=True),
        (section("线上培训平台基本情况", COLUMNS),),
        wide("平台名称（网站或 APP 产品名称）", platform.name, columns=COLUMNS),
        wide("ICP 备案号", platform.icp_number, columns=COLUMNS),
        wide("网站地址（APP 的包名）", platform.address, columns=COLUMNS),
        wide("IP地址及服务器设置城市名称", platform.ip_and_server_city, columns=COLUMNS),
        (section("培训项目基本情况", COLUMNS),),
        pair("培训项目名称", data.project_name, "培训岗位（工种）", data.occupation),
        wide("培训类型", checkboxes(kinds, data.kind_label), columns=COLUMNS),
        pair("培训计划人数", number(data.planned_headcount, 3), "培训方式", data.delivery),
        pair("培训起止时间", cn_period(data.start_date, data.end_date), "培训课时",
             Cell(f"{data.class_hours} 课时（每课时 45 分钟）", 3, value=data.class_hours, number_format='0" 课时"')),
        pair("培训负责人", data.manager_name, "联系手机", data.manager_phone),
        wide("培训目标", data.goal, columns=COLUMNS),
    ]
    header = ((section("线上培训计划（此栏目内容可根据实际情况增加）", COLUMNS),), tuple(caption(text, span) for text, span in zip(
        ("课程资源名称", "内容要点", "资源形式", "培训时长（分钟）"), COURSE_SPANS, strict=True)),)
    courses = [
        (Cell(c.name, 2), Cell(c.key_points, 3), Cell(c.resource_form, 2, align="C"), number(c.minutes))
        for c in data.courses
    ]
    courses += blank_rows(MIN_COURSE_ROWS - len(courses), COURSE_SPANS)
    bottom = [
        (caption("申报企业承诺"),
         signed_box(data.commitment, span=COLUMNS - 1, signer_lines=("法定代表人（签字）：", "申报企业（盖章）"),
                    prefix=COMMITMENT)),
        (caption("县（市、区）人力资源社会保障部门审核备案意见"),
         signed_box(data.review, span=COLUMNS - 1, signer_lines=("（盖章）",))),
    ]
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, number=data.number, sheet_name="附表1 备案表",
        blocks=(Table(tuple(top)), Table(tuple(courses), header=header), Table(tuple(bottom)), Notes(NOTES)),
    )


def build_pdf(data: FilingForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: FilingForm) -> bytes:
    return render_xlsx(layout(data))
