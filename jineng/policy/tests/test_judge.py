"""Judging: the rule kinds, the shared definitions of the README, errors and the trace."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from jineng.policy.engine import (
    CalendarError,
    CaseError,
    ParameterError,
    judge,
    load_pack_text,
    load_packs,
)
from jineng.policy.engine.judge import judge_item
from jineng.policy.engine.model import Employer
from jineng.policy.engine.rules import add_months
from jineng.policy.tests.factories import case, entry, person
from jineng.workdays import WorkingDayCalendar

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2020, 4, 30), 6, D(2020, 10, 30)),
        (D(2020, 8, 31), 6, D(2021, 2, 28)),
        (D(2019, 8, 31), 6, D(2020, 2, 29)),
        (D(2020, 1, 31), 1, D(2020, 2, 29)),
        (D(2020, 12, 15), 12, D(2021, 12, 15)),
        (D(2020, 3, 31), 0, D(2020, 3, 31)),
    ],
    ids=["plain", "to-february", "to-leap-february", "month-end", "a-year", "zero"],
)
def test_add_months_falls_back_to_the_last_day(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


# --- Shaoguan: per class hour, yearly cap, filing, deadline --------------------------------


@pytest.mark.parametrize(
    ("minutes", "amount"),
    [
        (0, "0.00"),
        (44, "0.00"),
        (45, "30.00"),
        (89, "30.00"),
        (900, "600.00"),
        (1484, "960.00"),
        (1485, "990.00"),
        (1530, "1000.00"),
        (99999, "1000.00"),
    ],
)
def test_class_hours_are_whole_45_minutes_and_capped(minutes: int, amount: str) -> None:
    judgement = judge(case(minutes=minutes))
    assert (judgement.eligible, str(judgement.amount)) == (True, amount)


def test_the_yearly_cap_counts_the_same_pack_and_item_in_the_same_year_only() -> None:
    history = (
        entry(amount="700.00", end=D(2020, 2, 28)),
        entry(amount="900.00", start=D(2019, 11, 1), end=D(2019, 12, 31)),  # another year
        entry("panzhihua-2020-33", "sme_paid_online_training", amount="600.00"),  # another pack
    )
    judgement = judge(case(history=history))
    assert str(judgement.amount) == "300.00"
    cap = judgement.trace[-1]
    assert (cap.kind, cap.outcome, cap.inputs[1]) == ("yearly_cap", "capped", Decimal("700.00"))


def test_nothing_left_of_the_cap_is_annual_cap_reached() -> None:
    judgement = judge(case(history=(entry(amount="1000.00"),)))
    assert (judgement.eligible, str(judgement.amount), judgement.reason) == (
        False,
        "0.00",
        "annual_cap_reached",
    )


def test_filing_counts_working_days_back_from_the_start() -> None:
    # 2020-05-06 (Wed) after the May Day holiday (05-01..05); Sunday 04-26 was a working day.
    assert judge(case(filed_on=D(2020, 4, 26), start=D(2020, 5, 6), end=D(2020, 6, 5))).eligible
    late = judge(case(filed_on=D(2020, 4, 27), start=D(2020, 5, 6), end=D(2020, 6, 5)))
    assert (late.reason, late.trace[3].detail) == ("filed_too_late", D(2020, 4, 26))


def test_unfiled_training_is_filed_too_late() -> None:
    judgement = judge(case(filed_on=None))
    assert judgement.reason == "filed_too_late"
    assert "未提供备案日期" in judgement.trace[3].sentence


def test_the_calendar_takes_operator_overrides() -> None:
    # The operator declares Friday 2020-03-06 a day off: five working days before Monday 03-09 is now 02-28.
    calendar = WorkingDayCalendar.with_overrides([(D(2020, 3, 6), False)])
    assert judge(case(filed_on=D(2020, 3, 2)), calendar=calendar).reason == "filed_too_late"
    assert judge(case(filed_on=D(2020, 2, 28)), calendar=calendar).eligible


def test_a_year_the_calendar_does_not_know_is_refused() -> None:
    pack = load_packs()["shaoguan-2020-11"]
    item = pack.items["online_post_training"]
    far = case(filed_on=D(2031, 1, 2), start=D(2031, 2, 10), end=D(2031, 3, 1), claimed_on=D(2031, 3, 5))
    with pytest.raises(CalendarError) as caught:
        judge_item(item, far)
    assert (caught.value.code, caught.value.field) == ("calendar_year_unknown", "training.start")


@pytest.mark.parametrize(
    ("claimed_on", "eligible"),
    [(D(2020, 10, 30), True), (D(2020, 10, 31), False), (D(2020, 11, 2), False)],
)
def test_claims_within_six_months_of_the_end(claimed_on: dt.date, eligible: bool) -> None:
    judgement = judge(case(end=D(2020, 4, 30), claimed_on=claimed_on))
    assert judgement.eligible is eligible


def test_the_affected_enterprise_aid_excludes_job_transfer_training_only() -> None:
    aided = Employer(size="sme", contract_months=24, received_affected_enterprise_aid=True)
    assert judge(case(employer=aided, kind="job_transfer")).reason == "exclusive_with_prior_subsidy"
    assert judge(case(employer=aided, kind="on_the_job")).eligible


def test_offline_training_is_not_covered_in_shaoguan() -> None:
    assert judge(case(delivery="offline")).reason == "delivery_not_covered"


def test_all_failures_are_traced_and_the_first_is_the_reason() -> None:
    judgement = judge(
        case(passed=False, filed_on=D(2020, 3, 6), kind="apprenticeship", claimed_on=D(2021, 1, 1))
    )
    assert judgement.failures == ("kind_not_covered", "filed_too_late", "not_passed", "claim_deadline_passed")
    assert judgement.reason == "kind_not_covered"
    assert [s.outcome for s in judgement.trace].count("failed") == 4


# --- the README's shared definitions for history -------------------------------------------


def _shandong(**kw: object) -> object:
    return case(
        "shandong-2020-11",
        "living_allowance",
        person_=person("370902199805211355", groups=("migrant_worker",)),
        start=D(2020, 5, 6),
        end=D(2020, 5, 29),
        claimed_on=D(2020, 6, 1),
        occupation="4-01-02-01",
        **kw,
    )


def test_three_a_year_counts_every_pack_in_the_year_of_the_end() -> None:
    two_here_one_elsewhere = (
        entry("shandong-2020-11", "living_allowance", occupation="a", end=D(2020, 2, 28)),
        entry("panzhihua-2020-33", "sme_paid_online_training", occupation="b", end=D(2020, 3, 20)),
        entry(
            "shandong-2020-11", "living_allowance", occupation="c", start=D(2019, 12, 20), end=D(2020, 1, 3)
        ),
    )
    assert judge(_shandong(history=two_here_one_elsewhere)).reason == "yearly_count_exceeded"
    last_year = (
        *two_here_one_elsewhere[:2],
        entry(occupation="c", start=D(2019, 12, 1), end=D(2019, 12, 31)),
    )
    assert judge(_shandong(history=last_year)).eligible


def test_same_occupation_and_level_once_whatever_the_pack_or_year() -> None:
    earlier = entry(
        "jinjiang-2019-79",
        "skill_certificate",
        occupation="4-01-02-01",
        level=5,
        start=D(2019, 12, 1),
        end=D(2019, 12, 20),
    )
    assert judge(_shandong(history=(earlier,))).reason == "duplicate_occupation_level"
    assert judge(_shandong(history=(replace(earlier, level=4),))).eligible


def test_the_payer_of_the_living_allowance_is_the_hukou_county() -> None:
    moved = person("370902199805211355", hukou="370911", groups=("migrant_worker",))
    judgement = judge(replace(_shandong(), person=moved))
    assert judgement.payer_region == "370911"


def test_payer_region_from_the_employer_or_the_pack() -> None:
    located = Employer(size="sme", contract_months=24, region="440203")
    assert judge(case(employer=located)).payer_region == "440203"
    assert judge(case()).payer_region is None
    jinjiang = case(
        "jinjiang-2019-79",
        "on_the_job_training",
        certificate="training",
        start=D(2020, 6, 1),
        end=D(2020, 7, 31),
    )
    assert judge(jinjiang).payer_region == "350582"


def test_previous_training_must_have_ended_before_the_start() -> None:
    pzh = {
        "policy": "panzhihua-2020-33",
        "subsidy": "sme_paid_online_training",
        "cost": Decimal("300.00"),
        "claimed_on": D(2020, 6, 1),
    }
    same_day = entry(occupation="x", start=D(2020, 2, 1), end=D(2020, 3, 9))
    day_before = replace(same_day, end=D(2020, 3, 8))
    assert judge(case(history=(same_day,), **pzh)).reason == "previous_training_unfinished"
    assert judge(case(history=(day_before,), **pzh)).eligible


# --- Jinjiang's table -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "amount"), [(5, "700.00"), (4, "1000.00"), (3, "1500.00"), (2, "2000.00"), (1, "3000.00")]
)
def test_skill_certificate_by_level(level: int, amount: str) -> None:
    judgement = judge(
        case(
            "jinjiang-2019-79",
            "skill_certificate",
            certificate="qualification",
            level=level,
            start=D(2020, 6, 1),
            end=D(2020, 7, 31),
        )
    )
    assert (judgement.eligible, str(judgement.amount), judgement.payee) == (True, amount, "person")


@pytest.mark.parametrize(
    ("subsidy", "changes", "amount", "payee"),
    [
        (
            "pre_job_training",
            {"kind": "pre_job", "certificate": "training", "hired_on": D(2020, 5, 1)},
            "800.00",
            "employer",
        ),
        ("on_the_job_training", {"certificate": "special_ability"}, "800.00", "employer"),
        (
            "struggling_enterprise_training",
            {"kind": "struggling_enterprise", "certificate": "training"},
            "800.00",
            "employer",
        ),
        ("apprenticeship", {"kind": "apprenticeship"}, "4000.00", "employer"),
        ("safety_skills", {"kind": "safety", "certificate": "special_operation"}, "800.00", "employer"),
        ("key_industry_training", {"kind": "key_industry", "certificate": "training"}, "1000.00", "employer"),
        ("work_based_training", {"kind": "work_based", "months": 3}, "600.00", "employer"),
        ("inmate_training", {"kind": "inmate"}, "800.00", "employer"),
        ("living_allowance", {"certificate": "training", "requested": Decimal("650.00")}, "500.00", "person"),
    ],
)
def test_jinjiang_items(subsidy: str, changes: dict, amount: str, payee: str) -> None:
    someone = person("35058219921111313X", groups=("poverty_registered", "inmate"))
    judgement = judge(
        case("jinjiang-2019-79", subsidy, person_=someone, start=D(2020, 6, 1), end=D(2020, 7, 31), **changes)
    )
    assert (judgement.eligible, str(judgement.amount), judgement.payee, judgement.reason) == (
        True,
        amount,
        payee,
        None,
    )


def test_paired_region_training_needs_a_hukou_in_a_paired_region() -> None:
    kw = {"certificate": "training", "start": D(2020, 6, 1), "end": D(2020, 7, 31)}
    ningxia = person("640102199003071233")
    assert (
        str(judge(case("jinjiang-2019-79", "paired_region_training", person_=ningxia, **kw)).amount)
        == "1500.00"
    )
    assert judge(case("jinjiang-2019-79", "paired_region_training", **kw)).reason == "not_key_group"


def test_pre_job_training_needs_a_new_hire() -> None:
    kw = {"kind": "pre_job", "certificate": "training", "start": D(2020, 6, 1), "end": D(2020, 7, 31)}
    assert judge(case("jinjiang-2019-79", "pre_job_training", hired_on=D(2019, 6, 1), **kw)).eligible
    assert (
        judge(case("jinjiang-2019-79", "pre_job_training", hired_on=D(2019, 5, 31), **kw)).reason
        == "not_new_hire"
    )
    assert judge(case("jinjiang-2019-79", "pre_job_training", **kw)).reason == "not_new_hire"


def test_pre_job_and_work_based_exclude_each_other() -> None:
    work_based = entry("jinjiang-2019-79", "work_based_training", occupation="x", end=D(2020, 4, 30))
    kw = {
        "kind": "pre_job",
        "certificate": "training",
        "hired_on": D(2020, 5, 1),
        "start": D(2020, 6, 1),
        "end": D(2020, 7, 31),
    }
    assert (
        judge(case("jinjiang-2019-79", "pre_job_training", history=(work_based,), **kw)).reason
        == "exclusive_with_prior_subsidy"
    )


def test_a_qualification_without_a_level_gets_no_certificate_subsidy() -> None:
    judgement = judge(
        case(
            "jinjiang-2019-79",
            "skill_certificate",
            certificate="qualification",
            level=None,
            start=D(2020, 6, 1),
            end=D(2020, 7, 31),
        )
    )
    assert (judgement.reason, judgement.failures) == ("no_certificate", ("no_certificate",))
    assert [step.outcome for step in judgement.trace if step.reason] == ["failed", "failed"]


def test_missing_employer_data_is_an_invalid_case_naming_the_field() -> None:
    no_size = case("panzhihua-2020-33", "sme_paid_online_training", employer=Employer(contract_months=12))
    with pytest.raises(CaseError) as caught:
        judge(no_size)
    assert (caught.value.code, caught.value.field) == ("invalid_case", "employer.size")
    assert "缺少企业规模（employer.size）" in caught.value.message


@pytest.mark.parametrize(
    ("policy", "subsidy", "field"), [("nowhere-2020-1", "x", "policy"), ("shaoguan-2020-11", "x", "subsidy")]
)
def test_unknown_pack_or_item_is_invalid_case(policy: str, subsidy: str, field: str) -> None:
    with pytest.raises(CaseError) as caught:
        judge(case(policy, subsidy))
    assert (caught.value.code, caught.value.field) == ("invalid_case", field)


# --- dated parameters: refuse, never zero ---------------------------------------------------

DATED = """
id: dated
title: 分段施行的政策
document_number: 测试〔2020〕2号
issuer: 测试局
region: "440200"
validity: {start: 2020-03-01, end: 2020-12-31, clause: 七}
items:
  hours:
    title: 按学时补贴
    clause: 一
    payee: employer
    payer_region: "440200"
    rules:
      - kind: rate_per_class_hour
        clause: 一(四)
        params:
          rate:
            values:
              - {from: 2020-03-01, until: 2020-04-30, value: "30.00"}
              - {from: 2020-06-01, value: "40.00", clause: 二, document: 测试〔2020〕9号}
"""


def test_each_day_reads_the_version_in_force_on_the_training_end() -> None:
    item = load_pack_text(DATED).items["hours"]
    april = judge_item(item, case("dated", "hours", end=D(2020, 4, 30)))
    june = judge_item(item, case("dated", "hours", end=D(2020, 6, 1)))
    assert (str(april.amount), str(june.amount)) == ("600.00", "800.00")
    used = june.trace[1].params[0]
    assert (used.start, used.citation) == (D(2020, 6, 1), "测试〔2020〕9号 二")


def test_a_day_between_versions_is_refused_not_zero() -> None:
    item = load_pack_text(DATED).items["hours"]
    with pytest.raises(ParameterError) as caught:
        judge_item(item, case("dated", "hours", end=D(2020, 5, 15)))
    assert caught.value.code == "no_parameter_version"
    assert "2020-05-15 没有生效的版本" in caught.value.message


def test_outside_the_validity_a_missing_version_is_skipped_not_an_error() -> None:
    item = load_pack_text(DATED).items["hours"]
    judgement = judge_item(item, case("dated", "hours", start=D(2020, 2, 1), end=D(2020, 2, 20)))
    assert (judgement.reason, judgement.trace[1].outcome) == ("policy_not_in_force", "skipped")


def test_an_operator_close_date_ends_the_policy() -> None:
    packs = load_packs().with_close_dates({"panzhihua-2020-33": D(2020, 4, 30)})
    pzh = case(
        "panzhihua-2020-33", "sme_paid_online_training", cost=Decimal("100.00"), claimed_on=D(2020, 6, 1)
    )
    assert judge(replace(pzh, training=replace(pzh.training, end=D(2020, 4, 30))), packs=packs).eligible
    late = judge(replace(pzh, training=replace(pzh.training, end=D(2020, 5, 1))), packs=packs)
    assert late.reason == "policy_not_in_force"
    assert "经办机构已宣布于该日停止" in late.trace[0].sentence


# --- the judgement as data ------------------------------------------------------------------


def test_to_dict_is_json_with_money_as_strings() -> None:
    data = judge(case(history=(entry(amount="800.00"),))).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert data["amount"] == "200.00"
    assert data["document_number"] == "韶人社函〔2020〕11号"
    step = data["trace"][7]
    assert step == {
        "kind": "rate_per_class_hour",
        "label": "按学时补贴",
        "clause": "韶人社函〔2020〕11号 附件1 一(四)",
        "inputs": {"training.minutes": 900},
        "params": [
            {
                "name": "rate",
                "label": "每学时补贴标准",
                "value": "30.00",
                "shown": "30.00 元",
                "from": "2020-03-02",
                "until": None,
                "clause": "韶人社函〔2020〕11号 附件1 一(四)",
            }
        ],
        "outcome": "amount",
        "reason": None,
        "amount": "600.00",
        "sentence": "20 学时（900 分钟 ÷ 45 分钟，不足一学时的部分不计）× 30.00 元/学时 = 600.00 元。",
    }
    assert "float" not in text


def test_history_argument_replaces_the_cases_history() -> None:
    judgement = judge(case(), history=[entry(amount="950.00")])
    assert str(judgement.amount) == "50.00"


def test_every_rule_kind_renders_a_sentence() -> None:
    from jineng.policy.tests.factories import favourable_case

    for pack in load_packs().values():
        for item in pack.items.values():
            for end in (
                item.validity.start + dt.timedelta(days=40),
                item.validity.start - dt.timedelta(days=1),
            ):
                judgement = judge(favourable_case(item, end))
                for step in judgement.trace:
                    assert step.sentence.endswith("。"), (item.id, step.kind)


SCOPED = """
id: scoped
title: 本项目计次
document_number: 测试〔2020〕3号
issuer: 测试局
region: "440200"
validity: {start: 2020-01-01, end: null, clause: 七}
items:
  allowance:
    title: 生活费补贴
    clause: 一
    payee: person
    payer_region: hukou
    rules:
      - kind: yearly_count
        clause: 一
        options: {scope: item}
        params:
          max_count: {values: [{from: 2020-01-01, value: 2}]}
      - kind: fixed_amount
        clause: 一
        params:
          amount: {values: [{from: 2020-01-01, value: "100.00"}]}
"""


def test_a_yearly_count_scoped_to_the_item_ignores_other_items() -> None:
    item = load_pack_text(SCOPED).items["allowance"]
    others = (entry(occupation="a"), entry(occupation="b"), entry(occupation="c"))
    mine = (entry("scoped", "allowance"), entry("scoped", "allowance", end=D(2020, 3, 1)))
    assert judge_item(item, case("scoped", "allowance", history=others)).eligible
    assert judge_item(item, case("scoped", "allowance", history=mine)).reason == "yearly_count_exceeded"
