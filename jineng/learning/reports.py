"""Files the training administrator files in the evidence ledger (台账): the progress table as
.xlsx (openpyxl) and one learner's learning record as PDF (fpdf2, with the CJK font the set-up
installs). ID numbers are masked in both."""

from __future__ import annotations

import io

from django.utils import timezone
from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jineng.common import clock
from jineng.common.masking import mask_id_number
from jineng.learning.models import CLASS_HOUR_MINUTES
from jineng.learning.services.common import SHANGHAI

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _local(moment, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(SHANGHAI).strftime(fmt) if moment else ""


# ---- .xlsx -------------------------------------------------------------------------------------

PROGRESS_COLUMNS = [("序号", 6), ("姓名", 10), ("身份证号", 22), ("组织单位", 22), ("课程", 24), ("报名时间", 17),
                    ("签到天数", 9), ("有效学习（分钟）", 12), ("计入学时（分钟）", 12), ("计划（分钟）", 11),
                    ("完成学时", 9), ("计划学时", 9), ("进度", 8), ("状态", 9), ("最近学习", 17)]


def progress_xlsx(*, rows, generated_by) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "学习进度"
    sheet.append([f"线上培训学习进度（1 学时 = {CLASS_HOUR_MINUTES} 分钟）  导出时间：{_local(clock.now())}  导出人：{generated_by}"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PROGRESS_COLUMNS))
    sheet.append([name for name, _ in PROGRESS_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, row in enumerate(rows, start=1):
        progress, enrolment = row.progress, row.enrolment
        sheet.append([
            number, row.person.name, mask_id_number(row.person.id_number),
            enrolment.organization.name if enrolment.organization else "本人报名", progress.course.title,
            _local(enrolment.enrolled_at), row.sign_in_days, progress.credited_minutes, progress.countable_minutes,
            progress.planned_minutes, progress.class_hours, progress.planned_class_hours, progress.percent / 100,
            progress.status_label, _local(enrolment.last_studied_at),
        ])
        sheet.cell(row=sheet.max_row, column=13).number_format = "0%"
    for index, (_, width) in enumerate(PROGRESS_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---- PDF ---------------------------------------------------------------------------------------

class _RecordPDF(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text}    第 {self.page_no()} / {{nb}} 页", align="C")


def learning_record_pdf(*, enrolment, record, id_masked: str, generated_by) -> bytes:
    pdf = _RecordPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font("cjk", "", CJK_FONT, collection_font_number=0)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.footer_text = f"技能 jineng 线上培训平台 · 导出 {_local(clock.now())} · 导出人 {generated_by}"
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(0, 10, "线上培训学习记录", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(90)
    pdf.cell(0, 5, f"1 学时 = {CLASS_HOUR_MINUTES} 分钟；时间均为服务器时间（北京时间）；只计入页面在前台、正常速度、"
                   "按时回应在线确认的学习时长", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.ln(3)

    progress = record.progress
    course = enrolment.course
    facts = [
        ("姓名", enrolment.person.name), ("身份证号", id_masked),
        ("课程", course.title), ("职业（工种）", f"{course.occupation.name}（{course.occupation.code}）"),
        ("组织单位", enrolment.organization.name if enrolment.organization else "本人报名"),
        ("报名时间", _local(enrolment.enrolled_at)),
        ("有效学习时长", f"{progress.credited_minutes} 分钟"),
        ("计入学时", f"{progress.countable_minutes} 分钟 = {progress.class_hours} 学时（计划 {progress.planned_minutes} 分钟"
                     f" / {progress.planned_class_hours} 学时）"),
        ("签到", f"{sum(1 for s in record.sign_ins if s.kind == 'daily')} 天"),
        ("学习次数", f"{len(record.sessions)} 次"),
    ]
    pdf.set_font("cjk", size=10)
    with pdf.table(col_widths=(28, 62, 28, 62), first_row_as_headings=False, line_height=7) as table:
        for i in range(0, len(facts), 2):
            row = table.row()
            for label, value in facts[i:i + 2]:
                row.cell(label, style=FontFace(fill_color=(238, 242, 247)))
                row.cell(value)

    def heading(text: str) -> None:
        pdf.ln(4)
        pdf.set_font("cjk", size=12)
        pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", size=9)

    heading("各模块学时")
    with pdf.table(col_widths=(60, 24, 26, 26, 26, 20), text_align=("LEFT", "CENTER", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6, headings_style=FontFace(fill_color=(238, 242, 247))) as table:
        table.row(["模块", "类别", "计划（分钟）", "有效（分钟）", "计入（分钟）", "学时"])
        for module in progress.modules:
            table.row([module.module.title, module.module.get_category_display(), str(module.planned_minutes),
                       str(module.credited_minutes), str(module.countable_minutes), str(module.class_hours)])
        table.row(["合计", "", str(progress.planned_minutes), str(progress.credited_minutes),
                   str(progress.countable_minutes), str(progress.class_hours)])

    heading("签到记录")
    if record.sign_ins:
        with pdf.table(col_widths=(24, 34, 22, 36, 64), line_height=6,
                       headings_style=FontFace(fill_color=(238, 242, 247))) as table:
            table.row(["日期", "签到时间", "方式", "IP", "设备"])
            for sign_in in sorted(record.sign_ins, key=lambda s: s.signed_at):
                kind = "直播 " + sign_in.lesson.title if sign_in.lesson_id else sign_in.get_method_display()
                table.row([sign_in.day.isoformat(), _local(sign_in.signed_at, "%H:%M:%S"), kind[:20],
                           sign_in.ip or "", sign_in.device_label])
    else:
        pdf.cell(0, 6, "无", new_x="LMARGIN", new_y="NEXT")

    heading("每次学习（学习会话）")
    if record.sessions:
        with pdf.table(col_widths=(30, 30, 40, 18, 62), line_height=5,
                       text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
                       headings_style=FontFace(fill_color=(238, 242, 247))) as table:
            table.row(["开始", "结束", "设备 / IP", "计入（分钟）", "未计入的时长及原因"])
            for row in sorted(record.sessions, key=lambda r: r.session.started_at):
                reasons = "；".join(f"{r.label} {r.minutes} 分钟" for r in row.uncredited) or "—"
                end = _local(row.ended_at) if row.ended_at else row.status_label
                table.row([_local(row.session.started_at), end,
                           f"{row.session.device_label}\n{row.session.ip or ''}", f"{row.credited_minutes}", reasons])
    else:
        pdf.cell(0, 6, "尚无学习记录", new_x="LMARGIN", new_y="NEXT")

    scorm = [(lesson, row.scorm) for lesson, row in record.lessons if row.scorm]
    if scorm:
        heading("SCORM 课件结果（课件自报）")
        with pdf.table(col_widths=(60, 30, 30, 30, 30), line_height=6,
                       headings_style=FontFace(fill_color=(238, 242, 247))) as table:
            table.row(["课件", "状态", "成绩", "课件自报时长", "最后提交"])
            for lesson, runtime in scorm:
                status = runtime.status_label
                score = "" if runtime.score_raw is None else f"{runtime.score_raw:g}"
                table.row([lesson.title, status, score, runtime.total_time or runtime.session_time,
                           _local(runtime.last_commit_at)])

    heading("每日有效学习（分钟）")
    if record.daily:
        with pdf.table(col_widths=(40, 30), width=70, align="LEFT", line_height=6,
                       headings_style=FontFace(fill_color=(238, 242, 247))) as table:
            table.row(["日期", "分钟"])
            for day, minutes in record.daily:
                table.row([day.isoformat(), f"{minutes}"])
    else:
        pdf.cell(0, 6, "无", new_x="LMARGIN", new_y="NEXT")
    pdf.set_creation_date(timezone.now())
    return bytes(pdf.output())
