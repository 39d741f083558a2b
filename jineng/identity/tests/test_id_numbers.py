import datetime as dt

import pytest

from jineng.common.errors import DomainError
from jineng.identity.id_numbers import normalize_phone, parse_id_number


def test_a_valid_number_gives_birth_date_sex_and_region():
    facts = parse_id_number(" 440204199003071234 ")
    assert (facts.birth_date, facts.sex, facts.region_code) == (dt.date(1990, 3, 7), "M", "440204")


def test_an_x_check_digit_is_accepted_in_lower_case():
    facts = parse_id_number("11010519491231002x")
    assert facts.number == "11010519491231002X"
    assert facts.sex == "F"


@pytest.mark.parametrize(
    ("number", "message_part"),
    [
        pytest.param("440204199003071235", "校验码不正确：按前 17 位计算应为 4", id="wrong-check-digit"),
        pytest.param("44020419900307123", "应为 18 位，您填写了 17 位", id="too-short"),
        pytest.param("440204199013071234", "出生日期 19901307 不是有效日期", id="month-13"),
        pytest.param("4402041990030712A4", "前 17 位应为数字", id="letter-inside"),
        pytest.param("", "请填写身份证号", id="empty"),
        pytest.param("990204199003071231", "前 2 位 99 不是有效的省级地区码", id="no-such-province"),
    ],
)
def test_a_bad_number_says_which_part_is_wrong(number, message_part):
    with pytest.raises(DomainError) as caught:
        parse_id_number(number)
    assert caught.value.code == "invalid_id_number"
    assert caught.value.field == "id_number"
    assert message_part in caught.value.message


@pytest.mark.parametrize(("raw", "expected"), [("138 0013 8000", "13800138000"), ("+8613800138000", "13800138000")])
def test_phone_numbers_are_normalised(raw, expected):
    assert normalize_phone(raw) == expected


def test_a_landline_is_not_a_mobile_number():
    with pytest.raises(DomainError) as caught:
        normalize_phone("0751-8879882")
    assert caught.value.field == "phone"


def test_a_region_code_newer_than_the_birth_date_is_still_valid():
    """浈江区 (440204) dates from 1983; people born earlier carry it when their ID was issued later."""
    assert parse_id_number("440204197001010017").region_code == "440204"
