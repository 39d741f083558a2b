"""How the official forms print values: dates as ``2020年4月1日``, money as ``600.00`` and
in capitals (``人民币陆佰元整``), ticked boxes as ``■`` and empty ones as ``□``.

The CJK font the set-up installs (WenQuanYi Micro Hei) has ``□`` and ``■`` but not ``☑``, so a
ticked box prints as a filled square."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

BLANK_DATE = "\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"  # room to write the date by hand
CHECKED, UNCHECKED = "■", "□"
_CENT = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def cn_date(day: dt.date | None) -> str:
    """``2020年4月1日``, or the blank ``年　　月　　日`` to be written in by hand."""
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK_DATE


def cn_period(start: dt.date | None, end: dt.date | None) -> str:
    if not start and not end:
        return ""
    return f"{cn_date(start)}至{cn_date(end)}"


def money(amount: Decimal | None) -> str:
    """``600.00``: two decimals, rounded half up; an empty string for ``None``."""
    if amount is None:
        return ""
    return str(Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP))


def rmb_upper(amount: Decimal) -> str:
    """The amount in the capitals used on cheques and claim forms: ``Decimal("1000.50")`` →
    ``壹仟元伍角整``, ``Decimal("600")`` → ``陆佰元整``."""
    amount = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("amount must not be negative")
    yuan = int(amount)
    cents = int((amount - yuan) * 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = ""
    if yuan:
        digits = str(yuan)
        zero_pending = False
        for index, char in enumerate(digits):
            position = len(digits) - 1 - index
            digit = int(char)
            if digit == 0:
                zero_pending = True
            else:
                if zero_pending and text:
                    text += "零"
                zero_pending = False
                text += _DIGITS[digit] + _UNITS[position % 4]
            if position % 4 == 0 and position > 0 and any(c != "0" for c in digits[max(0, index - 3):index + 1]):
                text += _GROUPS[position // 4]
        text += "元"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif fen and yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text


def checkboxes(options: Iterable[str], chosen: Iterable[str] | str | None) -> str:
    """``■在岗培训  □转岗转业培训``: one box per option, ticked when it is chosen."""
    if chosen is None:
        picked: set[str] = set()
    elif isinstance(chosen, str):
        picked = {chosen}
    else:
        picked = set(chosen)
    return "  ".join((CHECKED if option in picked else UNCHECKED) + option for option in options)


def yes_no(value: bool | None) -> str:
    """``■是  □否``; both empty when nobody has said."""
    return checkboxes(("是", "否"), None if value is None else ("是" if value else "否"))


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day`` (the roster prints the age on the project's start date)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
