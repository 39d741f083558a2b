"""附件2 攀枝花市线上职业技能培训参训人员花名册 (攀人社发〔2020〕33号 四(一)).

The seed's columns (序号 / 姓名 / 性别 / 年龄 / 身份证号 / 联系电话 / 备注) under
"企业、培训机构（盖章）：". The age is the age on the project's start date; the roster goes to
the bureau with the class-opening application, so the ID number and phone are printed in full."""

from __future__ import annotations

from jineng.documents.data import ClassRosterForm
from jineng.documents.forms.common import centred, list_header, list_table
from jineng.documents.forms.layout import Cell, Layout, Meta, number, render_pdf, render_xlsx

CODE = "附件2"
TITLE = "攀枝花市线上职业技能培训参训人员花名册"
WIDTHS = (12.0, 24.0, 12.0, 12.0, 44.0, 32.0, 44.0)
HEADERS = ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "备注")


def layout(data: ClassRosterForm) -> Layout:
    rows = [
        (number(index), centred(line.name), centred(line.sex), number(line.age), centred(line.id_number),
         centred(line.phone), Cell(line.remark))
        for index, line in enumerate(data.lines, start=1)
    ]
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, number=data.number, sheet_name="附件2 参训人员花名册",
        blocks=(
            Meta(f"企业、培训机构（盖章）：{data.organization_name}", height=14),
            Meta(f"培训项目名称：{data.project_name}", f"共 {len(data.lines)} 人", height=8),
            list_table(list_header(*HEADERS), rows),
        ),
    )


def build_pdf(data: ClassRosterForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: ClassRosterForm) -> bytes:
    return render_xlsx(layout(data))
