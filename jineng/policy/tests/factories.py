"""Small builders for cases in tests: a valid case per item, changed with keyword overrides."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from jineng.policy.engine.model import Case, Employer, HistoryEntry, Person, Training
from jineng.policy.engine.packs import Item
from jineng.policy.engine.rules import CertificateRule, TrainingKindRule

ID_NUMBER = "440204199003071234"


def person(id_number: str = ID_NUMBER, *, hukou: str | None = None, groups: tuple[str, ...] = ()) -> Person:
    return Person(id_number=id_number, hukou=hukou or id_number[:6], groups=frozenset(groups))


def training(**changes: Any) -> Training:
    base = Training(
        kind="on_the_job",
        delivery="online",
        occupation="6-31-01-03",
        level=5,
        filed_on=dt.date(2020, 3, 2),
        start=dt.date(2020, 3, 9),
        end=dt.date(2020, 4, 10),
        minutes=900,
        passed=True,
    )
    return replace(base, **changes)


def case(
    policy: str = "shaoguan-2020-11",
    subsidy: str = "online_post_training",
    *,
    claimed_on: dt.date = dt.date(2020, 5, 20),
    person_: Person | None = None,
    employer: Employer | None = None,
    history: tuple[HistoryEntry, ...] = (),
    **training_changes: Any,
) -> Case:
    return Case(
        policy=policy,
        subsidy=subsidy,
        claimed_on=claimed_on,
        person=person_ or person(),
        training=training(**training_changes),
        employer=employer or Employer(size="sme", contract_months=24),
        history=history,
    )


def entry(
    policy: str = "shaoguan-2020-11",
    subsidy: str = "online_post_training",
    *,
    occupation: str = "4-02-02-01",
    level: int | None = 5,
    start: dt.date = dt.date(2020, 2, 10),
    end: dt.date = dt.date(2020, 2, 28),
    amount: str = "100.00",
) -> HistoryEntry:
    return HistoryEntry(policy, subsidy, occupation, level, start, end, Decimal(amount))


def favourable_case(item: Item, end: dt.date, **changes: Any) -> Case:
    """A case built to pass every condition of ``item`` whose input we control, ending on ``end``."""
    kind = "on_the_job"
    certificate = "training"
    for rule in item.rules:
        if isinstance(rule, TrainingKindRule):
            kind = sorted(rule.kinds.versions[0].value)[0]
        if isinstance(rule, CertificateRule):
            certificate = sorted(rule.kinds.versions[0].value)[0]
    start = end - dt.timedelta(days=20)
    fields: dict[str, Any] = {
        "kind": kind,
        "delivery": "online",
        "certificate": certificate,
        "level": 4,
        "start": start,
        "end": end,
        "hired_on": start - dt.timedelta(days=30),
        "filed_on": start - dt.timedelta(days=30),
        "minutes": 1800,
        "months": 4,
        "cost": Decimal("450.00"),
        "local_standard": Decimal("1200.00"),
        "requested": Decimal("300.00"),
        **changes,
    }
    return Case(
        policy=item.pack_id,
        subsidy=item.id,
        claimed_on=end + dt.timedelta(days=10),
        person=person(
            "640102199003071233" if item.id == "paired_region_training" else ID_NUMBER,
            groups=("migrant_worker", "poverty_registered", "inmate", "unemployed_graduate"),
        ),
        training=training(**fields),
        employer=Employer(size="sme", contract_months=36, region="440204"),
    )
