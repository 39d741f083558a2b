"""Pieces several forms share: label/value rows, signature and stamp boxes, blank lines to
write in by hand, and the materials checklist."""

from __future__ import annotations

from collections.abc import Sequence

from jineng.documents.data import MaterialCheck, Opinion
from jineng.documents.formatting import CHECKED, UNCHECKED, cn_date
from jineng.documents.forms.layout import STAMP_HEIGHT, Cell, Table, caption

SIGN_GAP = "\u3000" * 8  # room to sign after "（签字）：" on a right-aligned line


def pair(label: str, value: str | Cell, label2: str, value2: str | Cell, spans=(1, 3, 1, 3)) -> tuple[Cell, ...]:
    """``label | value | label2 | value2`` across the grid."""
    first = value if isinstance(value, Cell) else Cell(value, spans[1])
    second = value2 if isinstance(value2, Cell) else Cell(value2, spans[3])
    return caption(label, spans[0]), first, caption(label2, spans[2]), second


def wide(label: str, value: str | Cell, *, columns: int, label_span: int = 1) -> tuple[Cell, ...]:
    """``label | value`` with the value running to the right edge."""
    cell = value if isinstance(value, Cell) else Cell(value, columns - label_span)
    return caption(label, label_span), cell


def signed_box(opinion: Opinion, *, span: int, signer_lines: Sequence[str], prefix: str = "") -> Cell:
    """A tall box for an opinion with the signature/stamp lines and the date at its bottom
    right: ``signer_lines`` such as ``("法定代表人（签字）：", "申报企业（盖章）")``."""
    lines = [line + SIGN_GAP if line.endswith("：") else line for line in signer_lines]
    lines.append(cn_date(opinion.date))
    text = f"{prefix}{opinion.text}" if opinion.text else prefix
    return Cell(text, span, foot="\n".join(lines), min_height=STAMP_HEIGHT)


def materials_text(materials: Sequence[MaterialCheck]) -> str:
    return "\n".join(f"{CHECKED if m.provided else UNCHECKED}{m.label}" for m in materials)


def blank_rows(count: int, spans: Sequence[int]) -> list[tuple[Cell, ...]]:
    """Empty lines to write in by hand (the seed's "此栏目内容可根据实际情况增加")."""
    return [tuple(Cell("", span) for span in spans) for _ in range(max(count, 0))]


def list_header(*titles: str) -> tuple[tuple[Cell, ...], ...]:
    """The header row of a list form (花名册, 计划, 大纲): one caption per column."""
    return (tuple(caption(title) for title in titles),)


def list_table(header: tuple[tuple[Cell, ...], ...], rows, *, size: float = 9.5, row_height: float = 7.5) -> Table:
    """A list that runs over pages: its header repeats on every page, in the PDF and when the
    .xlsx is printed."""
    return Table(tuple(rows), header=header, size=size, row_height=row_height, print_titles=True)


def centred(text: str, span: int = 1) -> Cell:
    return Cell(text, span, align="C")
