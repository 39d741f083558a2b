"""File downloads with Chinese names that every browser (WeChat's included) saves correctly."""

import io
from urllib.parse import quote

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(workbook_or_bytes, *, filename: str) -> HttpResponse:
    """An .xlsx download from an openpyxl workbook or its saved bytes."""
    if isinstance(workbook_or_bytes, bytes):
        content = workbook_or_bytes
    else:
        buffer = io.BytesIO()
        workbook_or_bytes.save(buffer)
        content = buffer.getvalue()
    return download_response(content, filename=filename, content_type=XLSX)
