"""附表3 韶关市企业职工线上适岗职业技能培训大纲 (韶人社函〔2020〕11号 附件1 二(一): "各模块培训的
学习时长安排").

The seed's table (序号 / 课程资源名称（培训项目） / 培训起止时间 / 培训模块（公共必修课/专业技能课）/
培训效果（学习目的、掌握程度） / 备注) under 企业名称（盖章） and 填报日期; the project it belongs to
is named above it and a 合计 row gives the modules' total minutes."""

from __future__ import annotations

from jineng.documents.data import OutlineForm
from jineng.documents.formatting import cn_date, cn_period
from jineng.documents.forms.common import centred, list_header, list_table
from jineng.documents.forms.layout import Cell, Layout, Meta, Notes, caption, number, render_pdf, render_xlsx

CODE = "附表3"
TITLE = "韶关市企业职工线上适岗职业技能培训大纲"
WIDTHS = (14.0, 52.0, 58.0, 40.0, 73.0, 30.0)
HEADERS = ("序号", "课程资源名称（培训项目）", "培训起止时间", "培训模块（公共必修课/专业技能课）",
           "培训效果（学习目的、掌握程度）", "备注")
NOTE = "备注：培训项目的备案材料按岗前培训、在岗培训和转岗转业培训三种培训类型分别填写。"


def layout(data: OutlineForm) -> Layout:
    rows = [
        (number(index), Cell(line.name), centred(cn_period(line.start_date, line.end_date)), centred(line.module),
         Cell(line.effect), Cell(line.remark))
        for index, line in enumerate(data.lines, start=1)
    ]
    rows.append((caption("合计", 2), Cell(f"共 {len(data.lines)} 个模块", 4)))
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, landscape=True, number=data.number, sheet_name="附表3 培训大纲",
        blocks=(
            Meta(f"企业名称（盖章）：{data.enterprise_name}", f"填报日期：{cn_date(data.filled_on)}", height=14),
            Meta(f"培训项目名称：{data.project_name}", f"培训类型：{data.kind_label}", height=8),
            list_table(list_header(*HEADERS), rows, size=10, row_height=8.5),
            Notes((NOTE,)),
        ),
    )


def build_pdf(data: OutlineForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: OutlineForm) -> bytes:
    return render_xlsx(layout(data))
