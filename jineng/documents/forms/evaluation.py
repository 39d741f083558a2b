"""附表5-1 韶关市企业职工线上适岗职业技能培训评估表 (韶人社函〔2020〕11号 附件1 二(一)).

The seed's grid: 企业名称, 线上培训平台基本情况 (平台名称, ICP 备案号, IP 地址及服务器设置城市名称,
网站地址), 培训项目基本情况 (培训项目名称, 培训岗位（工种）), 线上培训计划 (课程资源名称 / 内容要点 /
资源形式 / 培训时长), 申报企业意见（盖章）, 市职业技能服务中心评估意见（盖章）, and its three notes."""

from __future__ import annotations

from jineng.documents.data import EvaluationForm
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

CODE = "附表5-1"
TITLE = "韶关市企业职工线上适岗职业技能培训评估表"
WIDTHS = (30.0, 20.0, 24.0, 18.0, 32.0, 16.0, 20.0, 20.0)
COLUMNS = len(WIDTHS)
COURSE_SPANS = (2, 3, 2, 1)
NOTES = (
    "注：1.此表由开展企业职工线上适岗职业技能培训的企业填写。",
    "2.此表一式两份，市职业技能服务中心、人力资源社会保障专职管理部门各存一份。",
    "3.此表同时附上《韶关市企业职工线上适岗职业技能培训评估内容清单》（附表5-2）提供的资料。",
)


def layout(data: EvaluationForm) -> Layout:
    platform = data.platform
    top = (
        wide("企业名称", data.enterprise_name, columns=COLUMNS),
        (section("线上培训平台基本情况", COLUMNS),),
        wide("平台名称（网站或 APP 产品名称）", platform.name, columns=COLUMNS),
        pair("ICP 备案号", platform.icp_number, "IP地址及服务器设置城市名称", platform.ip_and_server_city),
        wide("网站地址（APP 的包名）", platform.address, columns=COLUMNS),
        (section("培训项目基本情况", COLUMNS),),
        pair("培训项目名称", data.project_name, "培训岗位（工种）", data.occupation),
    )
    header = (
        (section("线上培训计划（此栏目内容可根据实际情况增加）", COLUMNS),),
        tuple(caption(text, span) for text, span in zip(
            ("课程资源名称", "内容要点", "资源形式", "培训时长（分钟）"), COURSE_SPANS, strict=True)),
    )
    courses = [
        (Cell(c.name, 2), Cell(c.key_points, 3), Cell(c.resource_form, 2, align="C"), number(c.minutes))
        for c in data.courses
    ]
    courses += blank_rows(2 - len(courses), COURSE_SPANS)
    courses.append((caption("合计", 7), number(sum(c.minutes for c in data.courses))))
    bottom = (
        (caption("申报企业意见"), signed_box(data.applicant_opinion, span=COLUMNS - 1, signer_lines=("（盖章）",))),
        (caption("市职业技能服务中心评估意见"),
         signed_box(data.centre_opinion, span=COLUMNS - 1, signer_lines=(f"{data.centre_name}（盖章）",))),
    )
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, number=data.number, sheet_name="附表5-1 评估表",
        blocks=(Table(top), Table(tuple(courses), header=header), Table(bottom), Notes(NOTES)),
    )


def build_pdf(data: EvaluationForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: EvaluationForm) -> bytes:
    return render_xlsx(layout(data))
