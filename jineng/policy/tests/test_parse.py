"""``parse_case``: every bad field is a ``CaseError`` with a code, the field and a Chinese message."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jineng.policy.engine import CaseError, load_packs, parse_case

VALID: dict[str, Any] = {
    "name": "valid",
    "policy": "shaoguan-2020-11",
    "subsidy": "online_post_training",
    "claimed_on": dt.date(2020, 5, 20),
    "person": {"id_number": "440204199003071234", "groups": ["migrant_worker"]},
    "employer": {"size": "sme", "contract_months": 24, "received_affected_enterprise_aid": False},
    "training": {
        "kind": "on_the_job",
        "delivery": "online",
        "occupation": "6-31-01-03",
        "level": 5,
        "filed_on": dt.date(2020, 3, 2),
        "start": dt.date(2020, 3, 9),
        "end": dt.date(2020, 4, 10),
        "minutes": 900,
        "passed": True,
    },
    "history": [
        {
            "policy": "shaoguan-2020-11",
            "subsidy": "online_post_training",
            "occupation": "6-31-01-03",
            "level": 5,
            "start": dt.date(2020, 2, 10),
            "end": dt.date(2020, 3, 15),
            "amount": "800.00",
        },
    ],
}


def _with(path: str, value: Any) -> dict[str, Any]:
    raw = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target: Any = raw
    for key in parents:
        target = target[int(key)] if isinstance(target, list) else target[key]
    if value is _DROP:
        del target[last]
    else:
        target[last] = value
    return raw


_DROP = object()


def test_a_valid_case_parses_with_defaults() -> None:
    case = parse_case(VALID)
    assert case.person.hukou == "440204"
    assert case.person.birth_date == dt.date(1990, 3, 7)
    assert case.person.sex == "male"
    assert case.training.cost == Decimal("0.00")
    assert case.training.certificate == "none"
    assert case.history[0].amount == Decimal("800.00")


def test_decimal_money_is_accepted_as_from_a_form() -> None:
    assert parse_case(_with("training.cost", Decimal("450.5"))).training.cost == Decimal("450.50")


def test_iso_date_strings_are_accepted_as_from_json() -> None:
    raw = _with("claimed_on", "2020-05-20")
    assert parse_case(raw).claimed_on == dt.date(2020, 5, 20)


def test_a_lowercase_x_check_digit_is_normalised() -> None:
    raw = _with("person.id_number", "37090219960909266x")
    assert parse_case(raw).person.id_number == "37090219960909266X"


BAD = [
    ("policy", _DROP, "invalid_case", "policy", "政策包（policy）缺失"),
    ("claimed_on", "20.5.2020", "invalid_case", "claimed_on", "申领日期（claimed_on）应为日期 YYYY-MM-DD"),
    ("claimed_on", dt.datetime(2020, 5, 20, 9, 0), "invalid_case", "claimed_on", "应为日期"),
    (
        "person.id_number",
        440204199003071234,
        "invalid_case",
        "person.id_number",
        "应写成带引号的 18 位字符串",
    ),
    ("person.id_number", "440204199003071235", "invalid_id_number", "person.id_number", "校验位错误"),
    ("person.id_number", "44020419900307123", "invalid_id_number", "person.id_number", "长度应为 18 位"),
    ("person.id_number", "440204199002301237", "invalid_id_number", "person.id_number", "出生日期无效"),
    ("person.id_number", "44020419900307123Y", "invalid_id_number", "person.id_number", "校验位错误"),
    ("person.id_number", "4402041990030712X4", "invalid_id_number", "person.id_number", "前 17 位应为数字"),
    (
        "person.hukou",
        "4402",
        "invalid_case",
        "person.hukou",
        "户籍地（person.hukou）应为带引号的 6 位行政区划代码",
    ),
    ("person.groups", ["pilots"], "invalid_case", "person.groups[0]", "应为 migrant_worker"),
    ("person.groups", "migrant_worker", "invalid_case", "person.groups", "应为列表"),
    (
        "employer.size",
        "huge",
        "invalid_case",
        "employer.size",
        "企业规模（employer.size）应为 sme、large 之一",
    ),
    ("employer.contract_months", "24", "invalid_case", "employer.contract_months", "应为不小于 0 的整数"),
    (
        "employer.received_affected_enterprise_aid",
        "no",
        "invalid_case",
        "employer.received_affected_enterprise_aid",
        "应为 true 或 false",
    ),
    ("training", _DROP, "invalid_case", "training", "培训信息（training）缺失"),
    ("training.kind", "seminar", "invalid_case", "training.kind", "培训类型（training.kind）应为 pre_job"),
    ("training.end", _DROP, "invalid_case", "training.end", "培训结束日期（training.end）缺失"),
    ("training.end", dt.date(2020, 3, 1), "invalid_case", "training.end", "早于培训开始日期"),
    ("training.minutes", -1, "invalid_case", "training.minutes", "应为不小于 0 的整数"),
    ("training.minutes", 90.0, "invalid_case", "training.minutes", None),
    ("training.minutes", True, "invalid_case", "training.minutes", None),
    ("training.level", 6, "invalid_case", "training.level", "应为 1 到 5 的整数"),
    ("training.passed", 1, "invalid_case", "training.passed", "应为 true 或 false"),
    ("training.cost", 450.0, "invalid_case", "training.cost", "金额须写成带引号的字符串"),
    ("training.cost", "-1.00", "invalid_case", "training.cost", None),
    ("training.cost", "1.005", "invalid_case", "training.cost", None),
    ("training.cost", Decimal("1.005"), "invalid_case", "training.cost", None),
    ("training.cost", Decimal("NaN"), "invalid_case", "training.cost", None),
    ("training.occupation", 63101, "invalid_case", "training.occupation", "应为非空字符串"),
    ("training.minuets", 900, "invalid_case", "training", "不认识的字段 minuets"),
    ("history", {"policy": "x"}, "invalid_case", "history", "应为列表"),
    ("history.0.amount", _DROP, "invalid_case", "history[0].amount", "缺失"),
    ("history.0.end", "yesterday", "invalid_case", "history[0].end", "应为日期"),
    ("expect", {"eligible": True}, "invalid_case", "case", "不认识的字段 expect"),
]


@pytest.mark.parametrize(
    ("path", "value", "code", "field", "message"), BAD, ids=[f"{b[0]}={b[1]!r}"[:40] for b in BAD]
)
def test_bad_fields_are_rejected_with_code_field_and_message(
    path: str, value: Any, code: str, field: str, message: str | None
) -> None:
    with pytest.raises(CaseError) as caught:
        parse_case(_with(path, value))
    error = caught.value
    assert (error.code, error.field) == (code, field)
    if message:
        assert message in error.message
    assert error.as_dict()["code"] == code


def test_not_a_mapping_is_invalid_case() -> None:
    with pytest.raises(CaseError) as caught:
        parse_case(["policy"])
    assert (caught.value.code, caught.value.field) == ("invalid_case", "case")


def test_unknown_pack_is_caught_when_packs_are_given() -> None:
    with pytest.raises(CaseError) as caught:
        parse_case(_with("policy", "nowhere"), packs=load_packs())
    assert (caught.value.code, caught.value.field) == ("invalid_case", "policy")


def test_employer_region_is_an_optional_extension() -> None:
    assert parse_case(_with("employer.region", "440203")).employer.region == "440203"  # type: ignore[union-attr]
