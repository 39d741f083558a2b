"""韶关市企业职工线上适岗职业技能培训评估表 (韶人社函〔2020〕11号 附表5-1) as .xlsx, filled
from an evaluation request: the platform's basics as submitted, the project, the planned
online courses, the enterprise's opinion and the service centre's opinion."""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from jineng.platforms.models import PlatformEvaluation

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def evaluation_form_xlsx(evaluation: PlatformEvaluation) -> Workbook:
    facts = evaluation.platform_facts or {}
    platform = evaluation.platform
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "附表5-1"
    for column, width in zip("ABCD", [22, 30, 16, 16], strict=True):
        sheet.column_dimensions[column].width = width

    row = 1

    def merged(text, *, bold=False, height=None, align=WRAP):
        nonlocal row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=14 if height else 11)
        cell.alignment = align
        if height:
            sheet.row_dimensions[row].height = height
        for column in range(1, 5):
            sheet.cell(row=row, column=column).border = BOX
        row += 1

    def pair(label, value, label2=None, value2=None):
        nonlocal row
        sheet.cell(row=row, column=1, value=label)
        if label2 is None:
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
            sheet.cell(row=row, column=2, value=value)
        else:
            sheet.cell(row=row, column=2, value=value)
            sheet.cell(row=row, column=3, value=label2)
            sheet.cell(row=row, column=4, value=value2)
        for column in range(1, 5):
            cell = sheet.cell(row=row, column=column)
            cell.border, cell.alignment = BOX, WRAP
        row += 1

    merged("韶关市企业职工线上适岗职业技能培训评估表", bold=True, height=30, align=CENTRE)
    pair("企业名称", evaluation.organization.name)
    merged("线上培训平台基本情况", bold=True)
    pair("平台名称（或 APP 产品名称）", facts.get("name", platform.name))
    ip_city = " ".join(x for x in (facts.get("ip_address", platform.ip_address or ""),
                                   facts.get("server_city", platform.server_city)) if x)
    pair("ICP 备案号", facts.get("icp_number", platform.icp_number), "IP 地址及服务器设置城市名称", ip_city)
    pair("网站地址（APP 的包名）", facts.get("website", platform.website) or facts.get("app_package", platform.app_package))
    merged("培训项目基本情况", bold=True)
    pair("培训项目名称", evaluation.project_name, "培训岗位（工种）", evaluation.occupation_name)
    merged("线上培训计划", bold=True)
    for column, title in enumerate(["课程资源名称", "内容要点", "资源形式", "培训时长（分钟）"], start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.border, cell.alignment, cell.font = BOX, CENTRE, Font(bold=True)
    row += 1
    for course in evaluation.courses.all():
        values = [course.name, course.key_points, course.get_resource_form_display(), course.minutes]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border, cell.alignment = BOX, WRAP
        row += 1
    submitted = timezone.localdate(evaluation.submitted_at) if evaluation.submitted_at else None
    pair("申报企业意见", f"{evaluation.applicant_opinion}\n（盖章） {f'{submitted:%Y 年 %m 月 %d 日}' if submitted else '年 月 日'}")
    if evaluation.decided_at and evaluation.status in ("approved", "rejected"):
        decided = timezone.localdate(evaluation.decided_at)
        opinion = f"{evaluation.get_status_display()}：{evaluation.decision_comment}\n（盖章） {decided:%Y 年 %m 月 %d 日}"
    else:
        opinion = "（盖章） 年 月 日"
    pair(f"{evaluation.centre.name}评估意见", opinion)
    sheet.cell(row=row + 1, column=1, value="注：1.此表由开展企业职工线上适岗职业技能培训的企业填写。"
                                            "2.此表一式两份，市职业技能服务中心、人力资源社会保障专职管理部门各存一份。"
                                            "3.此表同时附上《评估内容清单》（附表5-2）提供的资料。")
    sheet.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=4)
    sheet.cell(row=row + 1, column=1).alignment = WRAP
    sheet.row_dimensions[row + 1].height = 48
    sheet.print_options.horizontalCentered = True
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return workbook
