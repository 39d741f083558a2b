"""The certificate as PDF: A4 landscape, printable, a double border, the title 培训合格证书, the
holder's full name (it is their own document) and masked ID number, the course, occupation and
level, class hours, final score, issue date (Asia/Shanghai), number, issuing platform, and a QR
code (segno) of the public verification address. fpdf2 with the CJK font the set-up installs."""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from jineng.certificates.models import Certificate
from jineng.certificates.selectors import ISSUING_PLATFORM, shanghai_date
from jineng.common.masking import mask_id_number
from jineng.courses.selectors import level_label
from jineng.learning.models import CLASS_HOUR_MINUTES
from jineng.learning.reports import CJK_FONT

WIDTH, HEIGHT = 297, 210  # A4 landscape, mm
INK = (35, 48, 77)
GOLD = (166, 124, 44)


NO_LINE_START = set("，。、；：！？）》」』”’%")


def _wrap_cjk(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break a Chinese paragraph at the margin, character by character, never starting a line
    with closing punctuation (a closing mark pulls the character before it down)."""
    lines: list[str] = []
    line = ""
    for char in text:
        if line and pdf.get_string_width(line + char) > width:
            if char in NO_LINE_START:
                lines.append(line[:-1])
                line = line[-1]
            else:
                lines.append(line)
                line = ""
        line += char
    if line:
        lines.append(line)
    return lines


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    buffer.seek(0)
    return buffer


def certificate_pdf(*, certificate: Certificate, verify_url: str) -> bytes:
    person = certificate.person
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.add_font("cjk", "", CJK_FONT, collection_font_number=0)
    pdf.set_title(f"培训合格证书 {certificate.number}")
    pdf.set_author(ISSUING_PLATFORM)
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()

    # border: a heavy outer frame and a thin inner one
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, WIDTH - 20, HEIGHT - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, WIDTH - 28, HEIGHT - 28)

    pdf.set_text_color(*INK)
    pdf.set_font("cjk", size=34)
    pdf.set_xy(14, 26)
    pdf.set_char_spacing(6)
    pdf.cell(WIDTH - 28, 16, "培训合格证书", align="C")
    pdf.set_char_spacing(0)
    pdf.set_font("cjk", size=10)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(14, 43)
    pdf.cell(WIDTH - 28, 6, f"证书编号：{certificate.number}", align="C")

    level = level_label(certificate.level)
    hours = f"{certificate.class_hours} 学时（1 学时 = {CLASS_HOUR_MINUTES} 分钟）"
    body = (f"兹证明{person.name}（身份证号{mask_id_number(person.id_number)}）参加{certificate.provider_name}"
            f"组织的《{certificate.course_title}》线上职业技能培训，完成{certificate.class_hours}学时，"
            f"结业考核成绩{certificate.final_score}分，经考核合格，特发此证。")
    pdf.set_text_color(*INK)
    pdf.set_font("cjk", size=14)
    for number, line in enumerate(_wrap_cjk(pdf, body, WIDTH - 68)):
        pdf.set_xy(34, 58 + number * 9)
        pdf.cell(WIDTH - 68, 9, line)

    facts = [
        ("姓　　名", person.name),
        ("身份证号", mask_id_number(person.id_number)),
        ("培训课程", certificate.course_title),
        ("职业（工种）", f"{certificate.occupation_name}（{certificate.occupation_code}）"),
        ("等　　级", level),
        ("培训学时", hours),
        ("结业考核", f"{certificate.final_score} 分（满分 {certificate.final_max_score} 分）"),
        ("发证日期", shanghai_date(certificate.issued_at)),
    ]
    pdf.set_font("cjk", size=11)
    y = 92
    for label, value in facts:
        pdf.set_xy(40, y)
        pdf.set_text_color(110, 110, 110)
        pdf.cell(30, 8, label)
        pdf.set_text_color(*INK)
        size = 11
        while size > 7 and pdf.get_string_width(value) > 148:  # long course titles shrink to fit
            size -= 0.5
            pdf.set_font("cjk", size=size)
        pdf.cell(150, 8, value)
        pdf.set_font("cjk", size=11)
        y += 8.5

    # QR code and issuer, lower right
    qr_size = 42
    qr_x, qr_y = WIDTH - 34 - qr_size, 92
    pdf.image(_qr_png(verify_url), x=qr_x, y=qr_y, w=qr_size, h=qr_size)
    pdf.set_font("cjk", size=9)
    pdf.set_text_color(110, 110, 110)
    pdf.set_xy(qr_x - 10, qr_y + qr_size + 1)
    pdf.cell(qr_size + 20, 5, "扫码核验证书真伪", align="C")

    pdf.set_font("cjk", size=12)
    pdf.set_text_color(*INK)
    pdf.set_xy(WIDTH - 34 - 110, 172)
    pdf.cell(110, 7, f"发证平台：{ISSUING_PLATFORM}", align="R")
    pdf.set_xy(WIDTH - 34 - 110, 179)
    pdf.cell(110, 7, f"培训单位：{certificate.provider_name}", align="R")

    pdf.set_font("cjk", size=8)
    pdf.set_text_color(130, 130, 130)
    pdf.set_xy(14, HEIGHT - 22)
    pdf.cell(WIDTH - 28, 5, "本证书信息可通过扫描二维码在公开核验页面查询；核验页面只显示部分姓名。", align="C")
    return bytes(pdf.output())


# ---- the register as a spreadsheet -----------------------------------------------------------

REGISTER_COLUMNS = [("序号", 6), ("证书编号", 18), ("姓名", 10), ("身份证号", 20), ("培训课程", 30),
                    ("职业（工种）", 16), ("等级", 10), ("学时", 6), ("结业考核成绩", 10), ("发证日期", 12),
                    ("状态", 8), ("撤销原因", 24)]


def register_xlsx(*, certificates, generated_by) -> bytes:
    """The staff register: one row per certificate, ID numbers masked (the full number is not
    needed to find a certificate; the public check goes by its QR code)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from jineng.common import clock

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "培训合格证书"
    sheet.append([f"培训合格证书登记  导出时间：{shanghai_date(clock.now())}  导出人：{generated_by}"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(REGISTER_COLUMNS))
    sheet.append([name for name, _ in REGISTER_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, c in enumerate(certificates, start=1):
        sheet.append([number, c.number, c.person.name, mask_id_number(c.person.id_number), c.course_title,
                      c.occupation_name, level_label(c.level) if c.level else "", c.class_hours, float(c.final_score),
                      shanghai_date(c.issued_at), c.get_status_display(), c.revoke_reason])
    for index, (_, width) in enumerate(REGISTER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
