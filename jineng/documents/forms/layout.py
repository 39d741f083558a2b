"""One description of a printed form, two renderers.

A form module turns its dataclass into a ``Layout``: a grid of column widths in millimetres
and blocks — ``Meta`` lines outside the grid (企业名称（盖章）/ 填报日期), ``Table`` rows of
``Cell`` s spanning grid columns, ``Notes`` (注：…). ``render_pdf`` draws it on A4 with fpdf2 and
the CJK font: bordered cells, shaded captions, tall signature/stamp boxes with their
"（盖章）年 月 日" at the bottom right, table headers repeated on every page a table
reaches, and "第 N 页 共 M 页" in the footer. ``render_xlsx`` writes the same rows with
openpyxl: merged cells for spans, borders, column widths, A4, fit to width, the list's
header row repeated on every printed page and the same page footer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import TextMode, WrapMode
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from jineng.documents.formatting import money

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
PORTRAIT_WIDTH = 180.0  # A4 210 mm less 15 mm margins
LANDSCAPE_WIDTH = 267.0  # A4 297 mm less 15 mm margins
STAMP_HEIGHT = 44.0  # an official seal is 42 mm across
PT = 0.3528  # mm per point


@dataclass(frozen=True)
class Cell:
    """One cell of a table row. ``span`` counts grid columns. ``label`` marks a printed
    caption (shaded, centred). ``foot`` is printed at the bottom right of the cell — the
    signature, stamp and date lines — under ``text``. ``value`` is the typed value for the
    .xlsx (int, Decimal, date) when it differs from the printed ``text``."""

    text: str = ""
    span: int = 1
    align: str = "L"
    label: bool = False
    foot: str = ""
    min_height: float = 0.0
    value: object = None
    number_format: str = ""


def caption(text: str, span: int = 1, **kwargs) -> Cell:
    return Cell(text, span, align="C", label=True, **kwargs)


def section(text: str, span: int) -> Cell:
    """A full-width shaded heading row inside a grid form (企业基本情况 …)."""
    return Cell(text, span, align="L", label=True)


def number(value: int | None, span: int = 1) -> Cell:
    return Cell("" if value is None else str(value), span, align="C", value=value)


def amount(value: Decimal | None, span: int = 1) -> Cell:
    """Money: printed ``600.00``, a number formatted ``0.00`` in the .xlsx."""
    if value is None:
        return Cell("", span, align="R")
    return Cell(money(value), span, align="R", value=Decimal(money(value)), number_format="0.00")


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[Cell, ...], ...]
    header: tuple[tuple[Cell, ...], ...] = ()
    size: float = 10.0
    row_height: float = 9.0
    print_titles: bool = False  # the .xlsx repeats this table's header on every printed page


@dataclass(frozen=True)
class Meta:
    """A line outside the grid: ``left`` from the left margin, ``right`` flush right."""

    left: str
    right: str = ""
    height: float = 9.0


@dataclass(frozen=True)
class Notes:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    code: str  # 附表1 / 附件2; "" for a form the seed does not number
    title: str
    widths: tuple[float, ...]  # grid columns in mm; they fill the printable width
    blocks: tuple[Meta | Table | Notes, ...]
    landscape: bool = False
    number: str = ""  # printed top right as 编号
    sheet_name: str = ""

    @property
    def printable_width(self) -> float:
        return LANDSCAPE_WIDTH if self.landscape else PORTRAIT_WIDTH


def _check_spans(layout: Layout) -> None:
    columns = len(layout.widths)
    for block in layout.blocks:
        if isinstance(block, Table):
            for row in (*block.header, *block.rows):
                if sum(cell.span for cell in row) != columns:
                    raise ValueError(f"{layout.code}: a row spans {sum(c.span for c in row)} of {columns} columns")


# ---- PDF ---------------------------------------------------------------------------------------

class _FormPDF(FPDF):
    bottom_limit: float

    def __init__(self, layout: Layout):
        super().__init__(orientation="L" if layout.landscape else "P", unit="mm", format="A4")
        self.layout = layout
        self.add_font("cjk", "", CJK_FONT, collection_font_number=0)
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_title(f"{layout.code} {layout.title}".strip())
        self.set_creator("技能 jineng")
        self.set_line_width(0.3)
        self.c_margin = 0  # cells pad their text themselves (``_draw_row``)
        self.bottom_limit = self.h - 17
        scale = self.epw / sum(layout.widths)
        self.widths = [w * scale for w in layout.widths]

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font("cjk", size=8.5)
        self.set_text_color(80)
        self.set_xy(self.l_margin, 7)
        number = f"    编号：{self.layout.number}" if self.layout.number else ""
        self.cell(self.epw, 4, f"{self.layout.code}  {self.layout.title}（续）{number}".strip())
        self.set_text_color(0)
        self.set_y(13)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("cjk", size=9)
        self.cell(0, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")

    @contextmanager
    def bold(self, weight: float = 0.3) -> Iterator[None]:
        """The CJK font has no bold face: stroke the glyphs as well as filling them. fpdf2 does
        not switch the text mode back by itself, so the stroke stays inside a saved state."""
        with self.local_context(text_mode=TextMode.FILL_STROKE, line_width=weight):
            yield

    def lines(self, text: str, width: float, line_height: float) -> list[str]:
        if not text:
            return []
        return self.multi_cell(width, line_height, text, dry_run=True, output="LINES", wrapmode=WrapMode.WORD)


def _line_height(size: float) -> float:
    return size * PT * 1.4


def _title(pdf: _FormPDF) -> None:
    layout = pdf.layout
    pdf.set_xy(pdf.l_margin, 12)
    pdf.set_font("cjk", size=11)
    pdf.cell(pdf.epw / 2, 6, layout.code)
    if layout.number:
        pdf.set_font("cjk", size=9)
        pdf.cell(pdf.epw / 2, 6, f"编号：{layout.number}", align="R")
    pdf.set_xy(pdf.l_margin, 20)
    pdf.set_font("cjk", size=16)
    with pdf.bold():
        pdf.multi_cell(pdf.epw, 8, layout.title, align="C", wrapmode=WrapMode.WORD, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _meta(pdf: _FormPDF, meta: Meta) -> None:
    pdf.set_font("cjk", size=10.5)
    line = _line_height(10.5)
    left_width = pdf.epw * (0.62 if meta.right else 1.0)
    left = pdf.lines(meta.left, left_width, line)
    right = pdf.lines(meta.right, pdf.epw - left_width, line) if meta.right else []
    count = max(len(left), len(right))
    height = max(meta.height, line * count + 2) if count else meta.height
    if pdf.get_y() + height > pdf.bottom_limit:
        pdf.add_page()
    top = pdf.get_y()
    for index, text in enumerate(left):
        pdf.set_xy(pdf.l_margin, top + (height - line * len(left)) / 2 + index * line)
        pdf.cell(left_width, line, text)
    for index, text in enumerate(right):
        pdf.set_xy(pdf.l_margin + left_width, top + (height - line * len(right)) / 2 + index * line)
        pdf.cell(pdf.epw - left_width, line, text, align="R")
    pdf.set_xy(pdf.l_margin, top + height)


def _measure(pdf: _FormPDF, row: Sequence[Cell], size: float, row_height: float) -> tuple[float, list]:
    """The row's height and, per cell, its width and wrapped body and foot lines."""
    pdf.set_font("cjk", size=size)
    line = _line_height(size)
    pad = 1.6
    column = 0
    measured = []
    height = row_height
    for cell in row:
        width = sum(pdf.widths[column:column + cell.span])
        column += cell.span
        body = pdf.lines(cell.text, width - 2 * pad, line)
        foot = pdf.lines(cell.foot, width - 2 * pad, line)
        needed = line * (len(body) + len(foot)) + 2 * pad + (line if foot and body else 0)
        height = max(height, needed, cell.min_height)
        measured.append((cell, width, body, foot))
    return height, measured


def _draw_row(pdf: _FormPDF, row: Sequence[Cell], size: float, row_height: float) -> float:
    available = pdf.bottom_limit - 20
    height, measured = _measure(pdf, row, size, row_height)
    while height > available and size > 6:  # a very long text: shrink the row rather than lose it
        size -= 1
        height, measured = _measure(pdf, row, size, row_height)
    line = _line_height(size)
    pad = 1.6
    x, top = pdf.l_margin, pdf.get_y()
    for cell, width, body, foot in measured:
        if cell.label:
            pdf.set_fill_color(238, 238, 238)
            pdf.rect(x, top, width, height, style="DF")
        else:
            pdf.rect(x, top, width, height)
        y = top + pad if foot else top + (height - line * len(body)) / 2
        for text in body:
            pdf.set_xy(x + pad, y)
            pdf.cell(width - 2 * pad, line, text, align=cell.align)
            y += line
        y = top + height - pad - line * len(foot)
        for text in foot:
            pdf.set_xy(x + pad, y)
            pdf.cell(width - 2 * pad, line, text, align="R")
            y += line
        x += width
    pdf.set_xy(pdf.l_margin, top + height)
    return height


def _table(pdf: _FormPDF, table: Table) -> None:
    for index, row in enumerate(table.rows):
        height, _ = _measure(pdf, row, table.size, table.row_height)
        header_height = sum(_measure(pdf, h, table.size, table.row_height)[0] for h in table.header)
        # the header goes with at least the first row; later rows break onto a new page with the header repeated
        needed = height + (header_height if index == 0 else 0)
        if pdf.get_y() + needed > pdf.bottom_limit:
            pdf.add_page()
            for header in table.header:
                _draw_row(pdf, header, table.size, table.row_height)
        elif index == 0:
            for header in table.header:
                _draw_row(pdf, header, table.size, table.row_height)
        _draw_row(pdf, row, table.size, table.row_height)
    if not table.rows:
        for header in table.header:
            _draw_row(pdf, header, table.size, table.row_height)


def _notes(pdf: _FormPDF, notes: Notes) -> None:
    pdf.set_font("cjk", size=9.5)
    line = _line_height(9.5)
    pdf.ln(2)
    indent = pdf.get_string_width("注：")
    for note in notes.lines:
        offset = indent if note[:1].isdigit() else 0.0  # "2.…" lines align under "注：1.…"
        for index, text in enumerate(pdf.lines(note, pdf.epw - indent - offset, line)):
            if pdf.get_y() + line > pdf.bottom_limit:
                pdf.add_page()
            pdf.set_x(pdf.l_margin + (indent if index else offset))
            pdf.cell(pdf.epw - offset, line, text, new_x="LMARGIN", new_y="NEXT")


def render_pdf(layout: Layout) -> bytes:
    _check_spans(layout)
    pdf = _FormPDF(layout)
    pdf.add_page()
    _title(pdf)
    for block in layout.blocks:
        if isinstance(block, Meta):
            _meta(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        else:
            _notes(pdf, block)
    return bytes(pdf.output())


# ---- .xlsx -------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
SHADE = PatternFill("solid", fgColor="EEEEEE")
FONT = "宋体"
MM_PER_WIDTH_UNIT = 1.85  # one Excel column-width unit (a "0" of the default font) at 96 dpi


def _display_width(text: str) -> float:
    return sum(2.0 if ord(char) > 0x2E7F else 1.1 for char in text)


def _lines_needed(text: str, width_units: float) -> int:
    if not text:
        return 1
    usable = max(width_units - 1, 2)
    return sum(max(1, math.ceil(_display_width(part) / usable)) for part in text.split("\n"))


class _Sheet:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.workbook = Workbook()
        self.sheet = self.workbook.active
        self.sheet.title = (layout.sheet_name or layout.code)[:31]
        scale = layout.printable_width / sum(layout.widths)
        self.units = [w * scale / MM_PER_WIDTH_UNIT for w in layout.widths]
        for index, units in enumerate(self.units, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = round(units, 1)
        self.columns = len(layout.widths)
        self.row = 1
        self.title_rows: tuple[int, int] | None = None

    def merged(self, first: int, last: int, value, *, font: Font, alignment: Alignment, height: float,
               border: bool = False) -> None:
        if last > first:
            self.sheet.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)
        cell = self.sheet.cell(row=self.row, column=first, value=value)
        cell.font, cell.alignment = font, alignment
        if border:
            for column in range(first, last + 1):
                self.sheet.cell(row=self.row, column=column).border = BOX
        self.sheet.row_dimensions[self.row].height = height

    def title(self) -> None:
        layout = self.layout
        half = max(1, self.columns // 2)
        self.merged(1, half, layout.code, font=Font(name=FONT, size=11), alignment=Alignment(vertical="center"),
                    height=20)
        if layout.number and self.columns > 1:
            self.merged(half + 1, self.columns, f"编号：{layout.number}", font=Font(name=FONT, size=9),
                        alignment=Alignment(horizontal="right", vertical="center"), height=20)
        self.row += 1
        self.merged(1, self.columns, layout.title, font=Font(name=FONT, size=16, bold=True),
                    alignment=Alignment(horizontal="center", vertical="center", wrap_text=True), height=36)
        self.row += 1

    def meta(self, meta: Meta) -> None:
        split = self.columns
        if meta.right:
            total, running = sum(self.units), 0.0
            for index, units in enumerate(self.units, start=1):
                running += units
                if running >= total * 0.6:
                    split = min(index, self.columns - 1)
                    break
        lines = max(_lines_needed(meta.left, sum(self.units[:split])),
                    _lines_needed(meta.right, sum(self.units[split:])) if meta.right else 1)
        height = max(meta.height * 2.835, lines * 15 + 6)
        self.merged(1, split, meta.left, font=Font(name=FONT, size=10.5),
                    alignment=Alignment(vertical="center", wrap_text=True), height=height)
        if meta.right:
            self.merged(split + 1, self.columns, meta.right, font=Font(name=FONT, size=10.5),
                        alignment=Alignment(horizontal="right", vertical="center", wrap_text=True), height=height)
        self.row += 1

    def table_row(self, row: Sequence[Cell], *, header: bool) -> None:
        column = 1
        lines = 1
        min_height = 0.0
        for cell in row:
            last = column + cell.span - 1
            text = f"{cell.text}\n\n{cell.foot}" if cell.text and cell.foot else cell.text or cell.foot
            value = cell.value if cell.value is not None else text
            horizontal = {"L": "left", "C": "center", "R": "right"}[cell.align]
            alignment = Alignment(horizontal=horizontal, vertical="top" if cell.foot else "center", wrap_text=True)
            self.merged(column, last, value, font=Font(name=FONT, size=10, bold=header), alignment=alignment,
                        height=0, border=True)
            target = self.sheet.cell(row=self.row, column=column)
            if cell.label or header:
                for index in range(column, last + 1):
                    self.sheet.cell(row=self.row, column=index).fill = SHADE
            if cell.number_format:
                target.number_format = cell.number_format
            lines = max(lines, _lines_needed(text, sum(self.units[column - 1:last])))
            min_height = max(min_height, cell.min_height)
            column = last + 1
        self.sheet.row_dimensions[self.row].height = max(22.0, lines * 14 + 6, min_height * 2.835)
        self.row += 1

    def table(self, table: Table) -> None:
        first = self.row
        for header in table.header:
            self.table_row(header, header=True)
        if table.print_titles and table.header and self.title_rows is None:
            self.title_rows = (first, self.row - 1)
        for row in table.rows:
            self.table_row(row, header=False)

    def notes(self, notes: Notes) -> None:
        for note in notes.lines:
            height = _lines_needed(note, sum(self.units)) * 14 + 4
            self.merged(1, self.columns, note, font=Font(name=FONT, size=9.5),
                        alignment=Alignment(vertical="top", wrap_text=True), height=height)
            self.row += 1

    def finish(self) -> bytes:
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if self.layout.landscape else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
        sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
        if self.title_rows:
            sheet.print_title_rows = f"{self.title_rows[0]}:{self.title_rows[1]}"
        sheet.print_area = f"A1:{get_column_letter(self.columns)}{self.row - 1}"
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def render_xlsx(layout: Layout) -> bytes:
    _check_spans(layout)
    sheet = _Sheet(layout)
    sheet.title()
    for block in layout.blocks:
        if isinstance(block, Meta):
            sheet.meta(block)
        elif isinstance(block, Table):
            sheet.table(block)
        else:
            sheet.notes(block)
    return sheet.finish()
