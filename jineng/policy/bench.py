"""How fast the engine judges: ``run_policy_bench(cases=100_000, history=1_000_000)``.

Builds, in memory and from a fixed seed, ``cases`` claim lines spread over every item of
every pack and ``history`` subsidy-history entries spread over the same people, indexes
the history by ID number (as the claims app's selector would), then times ``judge`` over
all cases on one core. The target is ≥ 50,000 cases/s. Pure Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import time
from decimal import Decimal
from typing import Any

from stdnum.cn import ric

from jineng.policy.engine.cases import parse_case
from jineng.policy.engine.errors import PolicyError
from jineng.policy.engine.judge import judge
from jineng.policy.engine.model import KEY_GROUPS, Case, Employer, HistoryEntry, Person, Training
from jineng.policy.engine.packs import Item, PackSet, load_packs
from jineng.policy.engine.rules import TrainingKindRule

REGIONS = ("440204", "440203", "370902", "370911", "510402", "510411", "350582", "640102", "540102")
OCCUPATIONS = (
    "4-01-02-01",
    "6-31-01-03",
    "6-28-01-01",
    "4-02-02-01",
    "6-05-01-01",
    "6-18-02-04",
    "4-10-01-06",
    "4-04-05-02",
)
LEVELS = (None, 5, 4, 3, 2, 1)
DAY0 = dt.date(2019, 12, 20)


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(16000))
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + ric.calc_check_digit(body + "0")


def _days(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _item_kind(item: Item) -> str:
    for rule in item.rules:
        if isinstance(rule, TrainingKindRule):
            return sorted(rule.kinds.versions[0].value)[0]
    return "on_the_job"


def _training(rng: random.Random, item: Item) -> Training:
    validity = item.validity
    last = validity.last or dt.date(2021, 6, 30)
    end = _days(rng, validity.start + dt.timedelta(days=20), last)
    start = end - dt.timedelta(days=rng.randrange(5, 60))
    return Training(
        kind=_item_kind(item),
        delivery="online" if rng.random() < 0.9 else "blended",
        occupation=rng.choice(OCCUPATIONS),
        level=rng.choice(LEVELS),
        hired_on=start - dt.timedelta(days=rng.randrange(0, 400)),
        filed_on=start - dt.timedelta(days=rng.randrange(0, 15)),
        start=start,
        end=end,
        minutes=rng.randrange(0, 3000),
        passed=rng.random() < 0.95,
        certificate=rng.choice(("training", "qualification", "none", "special_operation")),
        cost=Decimal(rng.randrange(0, 90000)) / 100,
        free_resource=rng.random() < 0.05,
        months=rng.randrange(0, 9),
        local_standard=Decimal(rng.randrange(0, 300)) * 10,
        requested=Decimal(rng.randrange(0, 60000)) / 100,
    )


def build_data(
    cases: int, history: int, seed: int = 20200302
) -> tuple[PackSet, list[Case], dict[str, tuple[HistoryEntry, ...]]]:
    rng = random.Random(seed)
    packs = load_packs()
    items = [item for pack in packs.values() for item in pack.items.values()]
    groups = tuple(KEY_GROUPS)
    people = [
        Person(id_number=n, hukou=n[:6], groups=frozenset(rng.sample(groups, rng.randrange(0, 3))))
        for n in (_id_number(rng) for _ in range(max(1, cases)))
    ]
    dates = [DAY0 + dt.timedelta(days=i) for i in range(800)]
    amounts = [Decimal(a) for a in ("50.00", "200.00", "300.00", "600.00", "800.00", "1000.00")]
    refs = [(item.pack_id, item.id) for item in items]
    by_person: dict[str, list[HistoryEntry]] = {}
    for _ in range(history):
        person = people[rng.randrange(len(people))]
        first = rng.randrange(len(dates) - 40)
        policy, subsidy = refs[rng.randrange(len(refs))]
        entry = HistoryEntry(
            policy=policy,
            subsidy=subsidy,
            occupation=OCCUPATIONS[rng.randrange(len(OCCUPATIONS))],
            level=LEVELS[rng.randrange(len(LEVELS))],
            start=dates[first],
            end=dates[first + rng.randrange(1, 40)],
            amount=amounts[rng.randrange(len(amounts))],
        )
        by_person.setdefault(person.id_number, []).append(entry)
    index = {pid: tuple(entries) for pid, entries in by_person.items()}
    built: list[Case] = []
    for i in range(cases):
        item = items[i % len(items)]
        training = _training(rng, item)
        built.append(
            Case(
                policy=item.pack_id,
                subsidy=item.id,
                claimed_on=training.end + dt.timedelta(days=rng.randrange(1, 240)),
                person=people[i % len(people)],
                training=training,
                employer=Employer(
                    size=rng.choice(("sme", "large")),
                    contract_months=rng.choice((6, 12, 24, 36)),
                    received_affected_enterprise_aid=rng.random() < 0.05,
                    region=rng.choice(REGIONS),
                ),
            )
        )
    return packs, built, index


def _parse_rate(samples: int = 2000) -> float:
    raw = {
        "policy": "shaoguan-2020-11",
        "subsidy": "online_post_training",
        "claimed_on": "2020-05-20",
        "person": {"id_number": "440204199003071234", "groups": ["migrant_worker"]},
        "employer": {"size": "sme", "contract_months": 24},
        "training": {
            "kind": "on_the_job",
            "delivery": "online",
            "occupation": "6-31-01-03",
            "level": 5,
            "filed_on": "2020-03-02",
            "start": "2020-03-09",
            "end": "2020-04-10",
            "minutes": 900,
            "passed": True,
        },
        "history": [
            {
                "policy": "shaoguan-2020-11",
                "subsidy": "online_post_training",
                "occupation": "6-31-01-03",
                "level": 5,
                "start": "2020-02-10",
                "end": "2020-03-15",
                "amount": "800.00",
            },
        ],
    }
    began = time.perf_counter()
    for _ in range(samples):
        parse_case(raw)
    return samples / (time.perf_counter() - began)


def run_policy_bench(
    cases: int = 100_000, history: int = 1_000_000, *, seed: int = 20200302
) -> dict[str, Any]:
    began = time.perf_counter()
    packs, built, index = build_data(cases, history, seed)
    build_s = time.perf_counter() - began
    gc.collect()
    gc.freeze()  # a million long-lived history entries: keep the collector from rescanning them
    eligible = refused = errors = 0
    total = Decimal("0.00")
    empty: tuple[HistoryEntry, ...] = ()
    try:
        began = time.perf_counter()
        for case in built:
            try:
                judgement = judge(case, history=index.get(case.person.id_number, empty), packs=packs)
            except PolicyError:
                errors += 1
                continue
            if judgement.eligible:
                eligible += 1
                total += judgement.amount
            else:
                refused += 1
        judge_s = time.perf_counter() - began
    finally:
        gc.unfreeze()
    return {
        "cases": cases,
        "history": history,
        "people_with_history": len(index),
        "build_s": round(build_s, 2),
        "judge_s": round(judge_s, 3),
        "cases_per_s": round(cases / judge_s) if judge_s else None,
        "eligible": eligible,
        "not_eligible": refused,
        "errors": errors,
        "amount_total": f"{total:.2f}",
        "parse_case_per_s": round(_parse_rate()),
    }
