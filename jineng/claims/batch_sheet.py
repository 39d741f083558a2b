"""拨付计划表: the plan as the treasury pays it, one row per claim with the payee's full bank
account (it leaves the system only through ``services.payment_batch_export``, which audits it)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from jineng.claims.models import Claim, PaymentBatch
from jineng.common import clock
from jineng.learning.services.common import SHANGHAI

COLUMNS = [("序号", 6), ("申请编号", 22), ("补贴项目", 26), ("申请单位（个人）", 30), ("收款户名", 26),
           ("开户银行", 24), ("银行账号", 26), ("审定金额（元）", 14), ("已先行拨付（元）", 14), ("本次拨付（元）", 14)]


def _applicant(claim: Claim) -> str:
    if claim.kind == Claim.Kind.SELF and claim.applicant_person_id:
        return claim.applicant_person.name
    return claim.organization.name if claim.organization_id else ""


def payment_batch_xlsx(*, batch: PaymentBatch, claims: list[Claim]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "拨付计划"
    made = batch.created_at.astimezone(SHANGHAI)
    sheet.append([f"培训补贴拨付计划表  {batch.number}"])
    sheet.append([f"编制：{batch.created_by}  {made:%Y-%m-%d %H:%M}    导出：{clock.now().astimezone(SHANGHAI):%Y-%m-%d %H:%M}"])
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, claim in enumerate(claims, start=1):
        sheet.append([number, claim.number, claim.item_title, _applicant(claim), claim.bank_account_name,
                      claim.bank_name, claim.bank_account, float(claim.judged_total), float(claim.advance_paid),
                      float(claim.rest_to_pay)])
        sheet.cell(row=sheet.max_row, column=7).number_format = "@"
    sheet.append(["合计", "", "", "", "", "", "", None, None, float(batch.total)])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
        for row in range(4, sheet.max_row + 1):
            if index >= 8:
                sheet.cell(row=row, column=index).number_format = "#,##0.00"
    sheet.freeze_panes = "C4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.print_title_rows = "3:3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
