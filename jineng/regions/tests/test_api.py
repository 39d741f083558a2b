from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from jineng.regions.demo import regions_load_demo_bureaus
from jineng.regions.services import LoadResult, calendar_year_enter


@pytest.mark.django_db
def test_children_of_shaoguan(client: Client, national_regions: LoadResult) -> None:
    response = client.get("/api/regions/", {"parent": "440200"})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 10
    assert body[1] == {"code": "440204", "name": "浈江区", "level": "county"}


@pytest.mark.django_db
def test_provinces_without_parent(client: Client, national_regions: LoadResult) -> None:
    body = client.get("/api/regions/").json()
    assert len(body) == 34
    assert body[0] == {"code": "110000", "name": "北京市", "level": "province"}


@pytest.mark.django_db
def test_children_of_an_unknown_parent(client: Client, national_regions: LoadResult) -> None:
    response = client.get("/api/regions/", {"parent": "449999"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "region_not_found"


@pytest.mark.django_db
def test_region_detail_with_path(client: Client, national_regions: LoadResult) -> None:
    response = client.get("/api/regions/440204")
    assert response.status_code == 200
    assert response.json() == {
        "code": "440204",
        "name": "浈江区",
        "level": "county",
        "parent_code": "440200",
        "province_code": "440000",
        "city_code": "440200",
        "path": [
            {"code": "440000", "name": "广东省", "level": "province"},
            {"code": "440200", "name": "韶关市", "level": "city"},
            {"code": "440204", "name": "浈江区", "level": "county"},
        ],
        "path_display": "广东省 / 韶关市 / 浈江区",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "status", "error"), [("449999", 404, "region_not_found"),
                                                       ("44020x", 400, "region_code_invalid")])
def test_region_detail_errors(client: Client, national_regions: LoadResult, code: str, status: int, error: str) -> None:
    response = client.get(f"/api/regions/{code}")
    assert response.status_code == status
    assert response.json()["error"]["code"] == error


@pytest.mark.django_db
def test_region_bureaus_with_windows(client: Client, national_regions: LoadResult) -> None:
    regions_load_demo_bureaus()
    body = client.get("/api/regions/440204/bureaus").json()
    assert [(b["name"], b["kind"]) for b in body] == [("韶关市浈江区人力资源和社会保障局", "bureau")]
    assert body[0]["windows"] == [
        {"name": "浈江区人力资源和社会保障局就业和培训股", "address": "浈江区文化街10号", "phone": "8879882"}
    ]


@pytest.mark.django_db
def test_working_days_add(client: Client) -> None:
    response = client.get("/api/regions/working-days/add", {"start": "2020-03-09", "n": "-5"})
    assert response.status_code == 200
    assert response.json() == {"start": "2020-03-09", "n": -5, "date": "2020-03-02"}
    response = client.get("/api/regions/working-days/add", {"start": "2020-04-30", "n": "1"})
    assert response.json()["date"] == "2020-05-06"


@pytest.mark.django_db
def test_working_days_add_in_an_unknown_year(client: Client) -> None:
    response = client.get("/api/regions/working-days/add", {"start": "2026-12-31", "n": "1"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["field"], error["details"]) == ("calendar_year_unknown", "start", {"year": 2027})
    assert "2027 年的节假日安排尚未录入" in error["message"]

    calendar_year_enter(year=2027, holidays=[dt.date(2027, 1, 1)], adjusted_workdays=[], source="国办", actor=None)
    response = client.get("/api/regions/working-days/add", {"start": "2026-12-31", "n": "1"})
    assert (response.status_code, response.json()["date"]) == (200, "2027-01-04")


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"start": "2020-02-30", "n": "1"}, {"start": "2020-03-09", "n": "x"},
                                   {"start": "2020-03-09", "n": "100000"}, {"n": "1"}])
def test_working_days_add_bad_input(client: Client, query: dict) -> None:
    assert client.get("/api/regions/working-days/add", query).status_code == 422


@pytest.mark.django_db
def test_working_day_check(client: Client) -> None:
    assert client.get("/api/regions/working-days/2020-05-09").json() == {"date": "2020-05-09", "is_working_day": True}
    response = client.get("/api/regions/working-days/2027-05-01")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "calendar_year_unknown")
