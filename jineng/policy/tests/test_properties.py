"""Properties that must hold for any case (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jineng.policy.engine import HistoryEntry, PolicyError, judge, load_packs
from jineng.policy.engine.model import (
    CERTIFICATES,
    DELIVERIES,
    KEY_GROUPS,
    TRAINING_KINDS,
    Case,
    Employer,
    Person,
)
from jineng.policy.engine.packs import Item
from jineng.policy.engine.rules import YearlyCapRule, YearlyCountRule
from jineng.policy.tests.factories import favourable_case

PACKS = load_packs()
ITEMS = [item for pack in PACKS.values() for item in pack.items.values()]
HOURLY = [item for item in ITEMS if any(rule.kind == "rate_per_class_hour" for rule in item.rules)]
ID_NUMBERS = ("440204199003071234", "370902199805211355", "640102199003071233", "35058219921111313X")
OCCUPATIONS = ("4-01-02-01", "6-31-01-03", "6-28-01-01", "4-02-02-01")
SPRING = (dt.date(2020, 3, 2), dt.date(2020, 6, 30))
"""Inside every pack's validity."""

money = st.integers(min_value=0, max_value=500_000).map(lambda cents: Decimal(cents) / 100)
days = st.dates(min_value=dt.date(2019, 11, 1), max_value=dt.date(2022, 3, 1))


@st.composite
def histories(draw: st.DrawFn, end: dt.date, item: Item) -> tuple[HistoryEntry, ...]:
    own = (item.pack_id, item.id)
    refs = [own] * len(ITEMS) + [(other.pack_id, other.id) for other in ITEMS]  # half of them the same item
    entries = []
    for _ in range(draw(st.integers(0, 5))):
        policy, subsidy = draw(st.sampled_from(refs))
        start = draw(st.dates(min_value=end - dt.timedelta(days=500), max_value=end))
        entries.append(
            HistoryEntry(
                policy=policy,
                subsidy=subsidy,
                occupation=draw(st.sampled_from(OCCUPATIONS)),
                level=draw(st.sampled_from((None, 5, 4, 3))),
                start=start,
                end=start + dt.timedelta(days=draw(st.integers(0, 60))),
                amount=draw(money),
            )
        )
    return tuple(entries)


def _in_force(item: Item) -> st.SearchStrategy[dt.date]:
    validity = item.validity
    return st.dates(min_value=validity.start, max_value=validity.last or dt.date(2022, 6, 30))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Item, Case]:
    """A case that passes every condition, with any subset of its fields drawn at random."""
    item = draw(st.sampled_from(ITEMS))
    end = draw(_in_force(item) | days)
    base = favourable_case(item, end)
    training_changes = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "kind": st.sampled_from(sorted(TRAINING_KINDS)),
                "delivery": st.sampled_from(sorted(DELIVERIES)),
                "occupation": st.sampled_from(OCCUPATIONS),
                "level": st.sampled_from((None, 5, 4, 3, 2, 1)),
                "start": st.integers(0, 90).map(lambda n: end - dt.timedelta(days=n)),
                "hired_on": st.none() | st.integers(-30, 500).map(lambda n: end - dt.timedelta(days=n)),
                "filed_on": st.none() | st.integers(0, 60).map(lambda n: end - dt.timedelta(days=n)),
                "minutes": st.integers(0, 20_000),
                "passed": st.booleans(),
                "certificate": st.sampled_from(sorted(CERTIFICATES)),
                "cost": money,
                "free_resource": st.booleans(),
                "months": st.integers(0, 24),
                "local_standard": money,
                "requested": money,
            },
        )
    )
    training = replace(base.training, **training_changes)
    if training.start > training.end:
        training = replace(training, start=training.end)
    id_number = draw(st.sampled_from(ID_NUMBERS))
    person = base.person
    if draw(st.booleans()):
        person = Person(
            id_number,
            id_number[:6],
            frozenset(draw(st.sets(st.sampled_from(sorted(KEY_GROUPS)), max_size=3))),
        )
    employer = base.employer
    if draw(st.booleans()):
        employer = Employer(
            size=draw(st.sampled_from(("sme", "large"))),
            contract_months=draw(st.integers(0, 60)),
            received_affected_enterprise_aid=draw(st.booleans()),
        )
    case = replace(
        base,
        claimed_on=end + dt.timedelta(days=draw(st.integers(0, 500))),
        person=person,
        training=training,
        employer=employer,
        history=draw(histories(end, item)),
    )
    return item, case


def _cap_left(item: Item, case: Case) -> Decimal | None:
    caps = [rule for rule in item.rules if isinstance(rule, YearlyCapRule)]
    if not caps:
        return None
    year = case.training.end.year
    used = sum(
        (
            h.amount
            for h in case.history
            if h.end.year == year and (h.policy, h.subsidy) == (item.pack_id, item.id)
        ),
        Decimal(0),
    )
    return max(Decimal(0), min(rule.cap.at(case.training.end).value for rule in caps) - used)


@settings(max_examples=400, deadline=None)
@given(cases())
def test_amount_is_never_negative_nor_above_the_ceiling_or_the_cap_left(drawn: tuple[Item, Case]) -> None:
    item, case = drawn
    try:
        judgement = judge(case)
    except PolicyError as exc:  # refusing is allowed; crashing is not
        assert exc.code in {"calendar_year_unknown", "no_parameter_version"}
        return
    amount = judgement.amount
    assert amount >= 0
    assert amount == amount.quantize(Decimal("0.01"))
    if not judgement.eligible:
        assert str(amount) == "0.00"
        return
    ceiling = item.ceiling(case.training.end)
    if ceiling is not None:
        assert amount <= ceiling
    left = _cap_left(item, case)
    if left is not None:
        assert amount <= left


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(HOURLY),
    st.dates(min_value=SPRING[0], max_value=SPRING[1]),
    st.integers(0, 5000),
    st.integers(0, 5000),
)
def test_per_hour_amounts_never_fall_when_hours_rise(item: Item, end: dt.date, fewer: int, more: int) -> None:
    fewer, more = sorted((fewer, more))
    base = favourable_case(item, end)
    low = judge(replace(base, training=replace(base.training, minutes=fewer)))
    high = judge(replace(base, training=replace(base.training, minutes=more)))
    assert low.amount <= high.amount


@st.composite
def runs(draw: st.DrawFn) -> list[Case]:
    """Many claims of one person, spread over two years."""
    claims = []
    for _ in range(draw(st.integers(1, 30))):
        item = draw(st.sampled_from(ITEMS))
        end = draw(
            st.dates(
                min_value=max(item.validity.start, dt.date(2020, 3, 2)) + dt.timedelta(days=30),
                max_value=dt.date(2021, 6, 30),
            )
        )
        if not item.validity.contains(end):
            end = item.validity.last or end
        changes = {
            "occupation": draw(st.sampled_from(OCCUPATIONS)),
            "level": draw(st.sampled_from((5, 4, 3))),
            "minutes": draw(st.integers(0, 3000)),
            "months": draw(st.integers(0, 9)),
        }
        claims.append(favourable_case(item, end, **changes))
    return claims


@settings(max_examples=200, deadline=None)
@given(runs())
def test_a_run_of_claims_never_passes_a_yearly_cap_or_count(claims: list[Case]) -> None:
    history: list[HistoryEntry] = []
    counted: Counter[int] = Counter()  # per year: grants under items limited to 3 a year across packs
    per_item: Counter[tuple[str, str, int]] = Counter()
    paid: defaultdict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for case in claims:
        judgement = judge(case, history=history)
        if not judgement.eligible:
            continue
        training = case.training
        history.append(
            HistoryEntry(
                case.policy,
                case.subsidy,
                training.occupation,
                training.level,
                training.start,
                training.end,
                judgement.amount,
            )
        )
        year = training.end.year
        key = (case.policy, case.subsidy, year)
        paid[key] += judgement.amount
        per_item[key] += 1
        item = judgement.item
        for rule in item.rules:
            if isinstance(rule, YearlyCountRule) and not rule.same_item:
                counted[year] += 1
                assert counted[year] <= rule.max_count.at(training.end).value
            if isinstance(rule, YearlyCountRule) and rule.same_item:
                assert per_item[key] <= rule.max_count.at(training.end).value
            if isinstance(rule, YearlyCapRule):
                assert paid[key] <= rule.cap.at(training.end).value
    occupations = Counter((h.occupation, h.level) for h in history if _once(h))
    assert all(n == 1 for n in occupations.values())


def _once(entry: HistoryEntry) -> bool:
    item = PACKS[entry.policy].items[entry.subsidy]
    return any(rule.kind == "once_per_occupation_level" for rule in item.rules)
