from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from jineng.audit.models import GENESIS_HASH, canonical_bytes, compute_hash, entry_fields, normalise_summary

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sample_fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "seq": 7,
        "created_at": dt.datetime(2026, 3, 1, 9, 30, 5, 120, tzinfo=SHANGHAI),
        "actor_id": 42,
        "actor_label": "zhang.san",
        "action": "person.register",
        "target_type": "identity.person",
        "target_id": "15",
        "summary": {"name": "李小红", "id_number": "4402**********1234", "b": [1, True, None]},
        "organization_id": None,
        "region_code": "440204",
        "prev_hash": GENESIS_HASH,
    }
    values.update(overrides)
    return entry_fields(**values)


def test_canonical_serialisation_is_sorted_compact_utf8_json_with_utc_microseconds() -> None:
    expected = (
        '{"action":"person.register","actor_id":42,"actor_label":"zhang.san",'
        '"created_at":"2026-03-01T01:30:05.000120+00:00","organization_id":null,'
        f'"prev_hash":"{GENESIS_HASH}","region_code":"440204","seq":7,'
        '"summary":{"b":[1,true,null],"id_number":"4402**********1234","name":"李小红"},'
        '"target_id":"15","target_type":"identity.person"}'
    )
    assert canonical_bytes(sample_fields()) == expected.encode("utf-8")
    assert compute_hash(sample_fields()) == hashlib.sha256(expected.encode("utf-8")).hexdigest()


CHANGED_FIELDS = [
    ("seq", 8),
    ("created_at", dt.datetime(2026, 3, 1, 9, 30, 5, 121, tzinfo=SHANGHAI)),
    ("actor_id", None),
    ("actor_label", "zhang.san2"),
    ("action", "person.update"),
    ("target_type", "identity.user"),
    ("target_id", "16"),
    ("summary", {"name": "李小红"}),
    ("organization_id", 1),
    ("region_code", "440203"),
    ("prev_hash", "1" * 64),
]


@pytest.mark.parametrize("field, value", CHANGED_FIELDS, ids=[field for field, _ in CHANGED_FIELDS])
def test_every_field_is_covered_by_the_hash(field: str, value: Any) -> None:
    assert compute_hash(sample_fields(**{field: value})) != compute_hash(sample_fields())


def test_the_same_instant_in_another_zone_hashes_the_same() -> None:
    utc = dt.datetime(2026, 3, 1, 1, 30, 5, 120, tzinfo=dt.UTC)
    assert compute_hash(sample_fields(created_at=utc)) == compute_hash(sample_fields())


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="时区"):
        sample_fields(created_at=dt.datetime(2026, 3, 1, 9, 30))  # noqa: DTZ001


@pytest.mark.parametrize(
    "value, expected",
    [
        pytest.param(Decimal("600.00"), "600.00", id="decimal-keeps-its-digits"),
        pytest.param(dt.date(2026, 3, 1), "2026-03-01", id="date"),
        pytest.param(dt.datetime(2026, 3, 1, 8, tzinfo=SHANGHAI), "2026-03-01T00:00:00.000000+00:00", id="datetime-utc"),
        pytest.param(uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001", id="uuid"),
        pytest.param((1, "a"), [1, "a"], id="tuple-becomes-list"),
        pytest.param({"a": {"b": [Decimal("1.5")]}}, {"a": {"b": ["1.5"]}}, id="nested"),
        pytest.param(True, True, id="bool-stays-bool"),
    ],
)
def test_normalise_summary(value: Any, expected: Any) -> None:
    assert normalise_summary(value) == expected


def test_str_and_int_subclasses_become_plain_values() -> None:
    from jineng.identity.models import Role

    result = normalise_summary({"role": Role.CITY_OFFICER})
    assert result == {"role": "city_officer"} and type(result["role"]) is str


@pytest.mark.parametrize(
    "value, error",
    [
        pytest.param({"amount": 1.5}, TypeError, id="float"),
        pytest.param({1: "x"}, TypeError, id="non-string-key"),
        pytest.param({"s": {1, 2}}, TypeError, id="set"),
        pytest.param({"s": "a\x00b"}, ValueError, id="nul"),
        pytest.param({"s": "\ud800"}, ValueError, id="lone-surrogate"),
    ],
)
def test_normalise_summary_refuses_what_would_not_round_trip(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        normalise_summary(value)
