"""附表2 韶关市企业职工线上适岗职业技能培训计划 (韶人社函〔2020〕11号 附件1 二(一)).

The seed's table (序号 / 课程资源名称（培训项目） / 内容要点 / 培训时长（分钟） / 资源名称（网络平台）
/ 培训人数) under 企业名称（盖章） and 填报日期, and its 备注. 附件1 defines the plan as "线上开展的培训
项目名称、培训周期和培训目的", so those three head the table; a 合计 row sums the minutes."""

from __future__ import annotations

from jineng.documents.data import PlanForm
from jineng.documents.formatting import cn_date, cn_period
from jineng.documents.forms.common import centred, list_header, list_table
from jineng.documents.forms.layout import (
    Cell,
    Layout,
    Meta,
    Notes,
    Table,
    caption,
    number,
    render_pdf,
    render_xlsx,
)

CODE = "附表2"
TITLE = "韶关市企业职工线上适岗职业技能培训计划"
WIDTHS = (14.0, 55.0, 88.0, 26.0, 54.0, 30.0)
HEADERS = ("序号", "课程资源名称（培训项目）", "内容要点", "培训时长（分钟）", "资源名称（网络平台）", "培训人数")
NOTE = "备注：培训项目的备案材料按岗前培训、在岗培训和转岗转业培训三种培训类型分别填写。"


def layout(data: PlanForm) -> Layout:
    project = Table((
        (caption("培训项目名称", 2), Cell(data.project_name), caption("培训类型"), Cell(data.kind_label, 2)),
        (caption("培训周期", 2), Cell(cn_period(data.start_date, data.end_date), 4)),
        (caption("培训目的", 2), Cell(data.purpose, 4)),
    ), size=10, row_height=8.5)
    rows = [
        (number(index), Cell(line.name), Cell(line.key_points), number(line.minutes), centred(line.resource),
         number(line.headcount))
        for index, line in enumerate(data.lines, start=1)
    ]
    total = sum(line.minutes for line in data.lines)
    hours, rest = divmod(total, 45)
    rows.append((caption("合计", 3), number(total),
                 Cell(f"折合 {hours} 课时{f'又 {rest} 分钟' if rest else ''}（每课时 45 分钟）", 2)))
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, landscape=True, number=data.number, sheet_name="附表2 培训计划",
        blocks=(
            Meta(f"企业名称（盖章）：{data.enterprise_name}", f"填报日期：{cn_date(data.filled_on)}", height=14),
            project,
            Meta("", height=3),
            list_table(list_header(*HEADERS), rows, size=10, row_height=8.5),
            Notes((NOTE,)),
        ),
    )


def build_pdf(data: PlanForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: PlanForm) -> bytes:
    return render_xlsx(layout(data))
