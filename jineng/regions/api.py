"""Regions, bureaus and working days: public, read-only reference data (``auth=None``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jineng.regions import selectors
from jineng.workdays import CalendarYearUnknown

router = Router(tags=["行政区划与工作日"])

MAX_WORKING_DAYS = 366


class RegionOut(Schema):
    code: str
    name: str
    level: str


class RegionDetailOut(RegionOut):
    parent_code: str | None
    province_code: str
    city_code: str
    path: list[RegionOut]
    path_display: str


class ServiceWindowOut(Schema):
    name: str
    address: str
    phone: str


class BureauOut(Schema):
    id: int
    name: str
    kind: str
    kind_display: str
    address: str
    phone: str
    windows: list[ServiceWindowOut]


class WorkingDaysAddOut(Schema):
    start: dt.date
    n: int
    date: dt.date


class WorkingDayOut(Schema):
    date: dt.date
    is_working_day: bool


class ErrorOut(Schema):
    error: dict


class RegionListQuery(Schema):
    parent: str | None = Field(None, description="上级区划代码；不填则列出省级区划")


class WorkingDaysAddQuery(Schema):
    start: dt.date = Field(..., description="起算日期（当日不计）")
    n: int = Field(..., ge=-MAX_WORKING_DAYS, le=MAX_WORKING_DAYS, description="工作日数，可为负数")


# Fixed paths come before "/{code}" so that they are never read as a region code.


@router.get("/working-days/add", response={200: WorkingDaysAddOut, 400: ErrorOut}, auth=None,
            summary="某日之后第 N 个工作日")
def working_days_add(request: HttpRequest, query: Query[WorkingDaysAddQuery]):
    try:
        date = selectors.add_working_days(query.start, query.n)
    except CalendarYearUnknown as exc:
        raise selectors.calendar_year_unknown_error(exc, field="start") from exc
    return {"start": query.start, "n": query.n, "date": date}


@router.get("/working-days/{day}", response={200: WorkingDayOut, 400: ErrorOut}, auth=None,
            summary="某日是否为工作日")
def working_day_check(request: HttpRequest, day: dt.date):
    try:
        working = selectors.is_working_day(day)
    except CalendarYearUnknown as exc:
        raise selectors.calendar_year_unknown_error(exc, field="day") from exc
    return {"date": day, "is_working_day": working}


@router.get("/", response={200: list[RegionOut], 400: ErrorOut, 404: ErrorOut}, auth=None,
            summary="下级行政区划列表")
def region_list(request: HttpRequest, query: Query[RegionListQuery]):
    return list(selectors.region_children(parent_code=query.parent or None).values("code", "name", "level"))


@router.get("/{code}", response={200: RegionDetailOut, 400: ErrorOut, 404: ErrorOut}, auth=None,
            summary="行政区划详情（含上级路径）")
def region_detail(request: HttpRequest, code: str):
    region = selectors.region_get(code=code)
    path = selectors.region_path(region)
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent_code": region.parent_id,
        "province_code": region.province_code,
        "city_code": region.city_code,
        "path": [{"code": r.code, "name": r.name, "level": r.level} for r in path],
        "path_display": " / ".join(r.name for r in path),
    }


@router.get("/{code}/bureaus", response={200: list[BureauOut], 400: ErrorOut, 404: ErrorOut}, auth=None,
            summary="本区划的人社部门、服务中心和受理窗口")
def region_bureaus(request: HttpRequest, code: str):
    region = selectors.region_get(code=code)
    return [
        {
            "id": b.id,
            "name": b.name,
            "kind": b.kind,
            "kind_display": b.get_kind_display(),
            "address": b.address,
            "phone": b.phone,
            "windows": [{"name": w.name, "address": w.address, "phone": w.phone} for w in b.windows.all()],
        }
        for b in selectors.bureaus_of_region(region=region)
    ]
