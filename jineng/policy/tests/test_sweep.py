"""Date sweep: walk every item of every pack across its whole period of validity (and a
margin either side), day by day. Every day is judged or refused with a code — never an
exception, never a silent zero — and the validity window is exactly where it should be."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.policy.engine import PolicyError, judge, load_packs
from jineng.policy.engine.packs import Item
from jineng.policy.tests.factories import favourable_case

MARGIN = dt.timedelta(days=15)
OPEN_END_HORIZON = dt.timedelta(days=2 * 366)
"""An open-ended pack is walked for two years; the calendar knows those years."""

ITEMS = [item for pack in load_packs().values() for item in pack.items.values()]


def _days(item: Item) -> list[dt.date]:
    validity = item.validity
    last = validity.last or validity.start + OPEN_END_HORIZON
    day, days = validity.start - MARGIN, []
    while day <= last + MARGIN:
        days.append(day)
        day += dt.timedelta(days=1)
    return days


@pytest.mark.parametrize("item", ITEMS, ids=[f"{i.pack_id}/{i.id}" for i in ITEMS])
def test_every_day_is_judged_or_refused_with_a_code(item: Item) -> None:
    judged = 0
    for day in _days(item):
        try:
            judgement = judge(favourable_case(item, day))
        except PolicyError as exc:
            assert exc.code and exc.message, day
            if item.validity.contains(day):
                pytest.fail(f"{day}: refused inside the validity window: {exc.code} {exc.message}")
            continue
        judged += 1
        if item.validity.contains(day):
            assert judgement.eligible, (day, judgement.failures)
            assert judgement.amount > 0, day
        else:
            assert judgement.reason == "policy_not_in_force", day
            assert str(judgement.amount) == "0.00"
    assert judged == len(_days(item))
