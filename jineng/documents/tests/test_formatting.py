"""How values print on the forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.documents.formatting import age_on, checkboxes, cn_date, cn_period, money, rmb_upper, yes_no


@pytest.mark.parametrize(("amount", "expected"), [
    ("0", "零元整"),
    ("600", "陆佰元整"),
    ("600.00", "陆佰元整"),
    ("1000.50", "壹仟元伍角整"),
    ("1010", "壹仟零壹拾元整"),
    ("16800", "壹万陆仟捌佰元整"),
    ("10000001", "壹仟万零壹元整"),
    ("100000000", "壹亿元整"),
    ("0.05", "伍分"),
    ("100.05", "壹佰元零伍分"),
    ("123456789.12", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元壹角贰分"),
    ("1300.005", "壹仟叁佰元零壹分"),  # rounded half up to 1300.01
], ids=lambda value: str(value))
def test_amounts_in_capitals(amount, expected):
    assert rmb_upper(Decimal(amount)) == expected


def test_a_negative_amount_has_no_capitals():
    with pytest.raises(ValueError):
        rmb_upper(Decimal("-1"))


@pytest.mark.parametrize(("amount", "expected"), [
    (Decimal("600"), "600.00"), (Decimal("33.335"), "33.34"), (Decimal("0"), "0.00"), (None, "")])
def test_money_prints_two_decimals(amount, expected):
    assert money(amount) == expected


def test_dates_and_periods():
    assert cn_date(dt.date(2020, 4, 3)) == "2020年4月3日"
    assert cn_date(None) == "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    assert cn_period(dt.date(2020, 4, 13), dt.date(2020, 5, 15)) == "2020年4月13日至2020年5月15日"
    assert cn_period(None, None) == ""


def test_boxes():
    assert checkboxes(("岗前培训", "在岗培训"), "在岗培训") == "□岗前培训  ■在岗培训"
    assert checkboxes(("甲", "乙", "丙"), ("甲", "丙")) == "■甲  □乙  ■丙"
    assert yes_no(None) == "□是  □否"
    assert yes_no(True) == "■是  □否"


@pytest.mark.parametrize(("birth", "day", "age"), [
    (dt.date(1990, 4, 20), dt.date(2020, 4, 15), 29),
    (dt.date(1995, 4, 15), dt.date(2020, 4, 15), 25),
    (dt.date(2000, 2, 29), dt.date(2021, 2, 28), 20),
    (dt.date(2000, 2, 29), dt.date(2021, 3, 1), 21),
])
def test_age_on_a_day(birth, day, age):
    assert age_on(birth, day) == age
