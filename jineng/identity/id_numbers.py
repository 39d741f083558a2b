"""Resident ID numbers (GB 11643-1999): what a number says, and what is wrong with a bad one.

python-stdnum checks the number; this module turns its verdict into a message a learner
can act on (which part is wrong, and what the check digit should be).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from stdnum.cn import ric

from jineng.common.errors import DomainError

# GB/T 2260 province-level codes (first two digits), Taiwan, Hong Kong and Macao included.
PROVINCE_PREFIXES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82"]
)


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: dt.date
    sex: str  # "M" | "F"
    region_code: str


def _invalid(message: str) -> DomainError:
    return DomainError("invalid_id_number", message, field="id_number")


def id_number_with_check_digit(body: str) -> str:
    """The 17 digits ``body`` completed with their check digit (for generated numbers: demo, tests,
    benchmarks). stdnum expects a number with its check-digit place, hence the placeholder."""
    return body + ric.calc_check_digit(body + "0")


def parse_id_number(raw: str) -> IdNumberFacts:
    number = (raw or "").strip().upper().replace(" ", "")
    if not number:
        raise _invalid("请填写身份证号")
    if len(number) != 18:
        raise _invalid(f"身份证号应为 18 位，您填写了 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise _invalid("身份证号前 17 位应为数字，最后一位为数字或 X")
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _invalid(f"身份证号第 7–14 位的出生日期 {number[6:14]} 不是有效日期") from None
    if birth_date.year < 1900 or birth_date > dt.date.today():  # noqa: DTZ011 - a calendar date, not an instant
        raise _invalid(f"身份证号第 7–14 位的出生日期 {number[6:14]} 不在合理范围内")
    expected = ric.calc_check_digit(number)
    if expected != number[17]:
        raise _invalid(f"身份证号最后一位校验码不正确：按前 17 位计算应为 {expected}，请核对号码")
    # The region part is where the number was first issued, which may postdate the birth, so
    # stdnum's dated place table would refuse real people; only the province is checked here.
    if number[:2] not in PROVINCE_PREFIXES:
        raise _invalid(f"身份证号前 2 位 {number[:2]} 不是有效的省级地区码，请核对号码")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(number=number, birth_date=birth_date, sex=sex, region_code=number[:6])


def normalize_phone(raw: str, *, required: bool = True) -> str:
    phone = (raw or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not phone:
        if required:
            raise DomainError("invalid_phone", "请填写手机号码", field="phone")
        return ""
    if len(phone) != 11 or not phone.isdigit() or phone[0] != "1":
        raise DomainError("invalid_phone", "手机号码应为以 1 开头的 11 位数字", field="phone")
    return phone
