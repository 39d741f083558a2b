"""附表4 韶关市企业职工线上适岗职业技能培训人员名册 (韶人社函〔2020〕11号 附件1 二(一)).

The seed's columns (序号 / 姓名 / 性别 / 身份证号码 / 手机号码 / 平台登录账号) under 企业名称（盖章）
and 填报日期, and its "（此名册可顺延）". The roster is filed with the bureau, so it prints the full
ID number and phone; the header repeats on every page."""

from __future__ import annotations

from jineng.documents.data import RosterForm
from jineng.documents.formatting import cn_date
from jineng.documents.forms.common import centred, list_header, list_table
from jineng.documents.forms.layout import Cell, Layout, Meta, Notes, number, render_pdf, render_xlsx

CODE = "附表4"
TITLE = "韶关市企业职工线上适岗职业技能培训人员名册"
WIDTHS = (12.0, 26.0, 12.0, 44.0, 32.0, 54.0)
HEADERS = ("序号", "姓名", "性别", "身份证号码", "手机号码", "平台登录账号")


def layout(data: RosterForm) -> Layout:
    rows = [
        (number(index), centred(line.name), centred(line.sex), centred(line.id_number), centred(line.phone),
         Cell(line.platform_account))
        for index, line in enumerate(data.lines, start=1)
    ]
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, number=data.number, sheet_name="附表4 人员名册",
        blocks=(
            Meta(f"企业名称（盖章）：{data.enterprise_name}", f"填报日期：{cn_date(data.filled_on)}", height=14),
            Meta(f"培训项目名称：{data.project_name}（{data.kind_label}）", f"共 {len(data.lines)} 人", height=8),
            list_table(list_header(*HEADERS), rows),
            Notes(("（此名册可顺延）",)),
        ),
    )


def build_pdf(data: RosterForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: RosterForm) -> bytes:
    return render_xlsx(layout(data))
