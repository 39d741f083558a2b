"""The attendance export (.xlsx) the organiser files in the evidence ledger (台账) and the
reviewers check: per session, per learner, and every sign-in. ID numbers are masked."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jineng.common import clock
from jineng.common.masking import mask_id_number
from jineng.practicals.selectors import CLASS_HOUR_MINUTES, Attendance


def _local(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def _sheet(sheet, title: str, columns: list[tuple[str, int]]) -> None:
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet.append([name for name, _ in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, (_, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B3"


SESSION_COLUMNS = [("序号", 6), ("实操内容", 24), ("大纲模块", 18), ("地点", 28), ("开始时间", 17), ("结束时间", 17),
                   ("计入时长（分钟）", 10), ("指导教师", 10), ("容量", 7), ("状态", 8), ("签到人数", 9), ("名册人数", 9),
                   ("出勤率", 8)]
LEARNER_COLUMNS = [("序号", 6), ("姓名", 10), ("身份证号", 22), ("已举行场次签到", 10), ("实操时长（分钟）", 12),
                   ("实操学时", 9)]
SIGN_IN_COLUMNS = [("实操内容", 24), ("开始时间", 17), ("名册序号", 8), ("姓名", 10), ("身份证号", 22), ("签到时间", 19),
                   ("方式", 9), ("设备", 22), ("IP 地址", 16)]


def attendance_xlsx(*, attendance: Attendance, sign_ins, generated_by) -> bytes:
    project = attendance.project
    head = f"{project.number} {project.name}  导出时间：{_local(clock.now())}  导出人：{generated_by}"
    workbook = Workbook()
    sessions = workbook.active
    sessions.title = "实操考勤"
    _sheet(sessions, f"线下实操考勤  {head}", SESSION_COLUMNS)
    for number, row in enumerate(attendance.rows, start=1):
        s = row.session
        sessions.append([number, s.title, s.outline_module.title if s.outline_module_id else "", s.location,
                         _local(s.starts_at), _local(s.ends_at), s.credited_minutes, s.trainer_name, s.capacity,
                         s.get_state_display(), row.signed, row.roster, row.rate / 100])
        sessions.cell(row=sessions.max_row, column=13).number_format = "0%"

    learners = workbook.create_sheet("学员实操学时")
    _sheet(learners, f"学员实操学时（仅计已举行场次；1 学时 = {CLASS_HOUR_MINUTES} 分钟）  {head}", LEARNER_COLUMNS)
    for item in attendance.learners:
        person = item.entry.person
        learners.append([item.entry.position, person.name, mask_id_number(person.id_number), item.sessions,
                         item.minutes, item.class_hours])

    detail = workbook.create_sheet("签到明细")
    _sheet(detail, f"签到明细（服务器时间）  {head}", SIGN_IN_COLUMNS)
    for sign_in in sign_ins:
        detail.append([sign_in.session.title, _local(sign_in.session.starts_at), sign_in.roster_entry.position,
                       sign_in.person.name, mask_id_number(sign_in.person.id_number),
                       _local(sign_in.signed_at, "%Y-%m-%d %H:%M:%S"), sign_in.get_method_display(),
                       sign_in.device_label, sign_in.ip or ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
