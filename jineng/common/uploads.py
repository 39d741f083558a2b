"""Uploads are checked by what they are, not by what they are called."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import UploadedFile

from jineng.common.errors import DomainError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
}


def sniff_kind(head: bytes) -> str | None:
    for kind, prefixes in _SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def check_evidence_file(upload: UploadedFile, *, field: str = "evidence") -> str:
    """A PDF or an image (PNG/JPEG) no larger than 10 MB; returns its kind."""
    if upload is None:
        raise DomainError("file_missing", "请上传证明材料（PDF 或图片）", field=field)
    if upload.size > MAX_EVIDENCE_BYTES:
        raise DomainError("file_too_large", "证明材料不能超过 10 MB，请压缩后重新上传", field=field)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff_kind(head)
    if kind not in {"pdf", "png", "jpg"}:
        raise DomainError("file_type_not_allowed", "证明材料只接受 PDF、JPG 或 PNG 文件", field=field)
    return kind


def read_xlsx_rows(upload, *, field: str = "file", max_rows: int = 20000) -> list[list]:
    """Every row of the first sheet of a real .xlsx file, as lists of cell values.

    A file that is not an Excel workbook (whatever its name) is refused with a message that
    says what to do, before anything is stored."""
    data = upload.read()
    upload.seek(0)
    if not data:
        raise DomainError("file_empty", "上传的文件是空的，请选择填写好的 Excel (.xlsx) 文件", field=field)
    if sniff_kind(data[:8]) != "zip":
        raise DomainError(
            "not_excel", "上传的文件不是 Excel (.xlsx) 文件。请在 Excel 或 WPS 中“另存为 .xlsx”后重新上传", field=field
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise DomainError("not_excel", "上传的压缩文件不是 Excel 工作簿，请上传 .xlsx 文件", field=field)
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError("not_excel", f"无法读取该 Excel 文件（{exc.__class__.__name__}），请确认文件未损坏", field=field) from exc
    if len(rows) > max_rows + 1:
        raise DomainError("too_many_rows", f"一次最多导入 {max_rows} 行，请拆分文件", field=field)
    return rows
