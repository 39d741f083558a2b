"""Loading packs: the shipped ones, and the mistakes that must stop a pack from loading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from jineng.policy.engine import PackError, load_pack_text, load_packs
from jineng.policy.engine.packs import PACKS_DIR

README_ITEMS = {
    "shandong-2020-11": {"living_allowance", "platform_subsidy"},
    "panzhihua-2020-33": {"sme_paid_online_training"},
    "jinjiang-2019-79": {
        "pre_job_training",
        "on_the_job_training",
        "skill_certificate",
        "struggling_enterprise_training",
        "apprenticeship",
        "safety_skills",
        "key_industry_training",
        "work_based_training",
        "inmate_training",
        "paired_region_training",
        "living_allowance",
    },
    "shaoguan-2020-11": {"online_post_training"},
}


def test_every_item_of_the_contract_is_in_a_pack() -> None:
    packs = load_packs()
    assert {pid: set(pack.items) for pid, pack in packs.items()} == README_ITEMS


def test_pack_files_are_named_after_their_ids() -> None:
    assert sorted(p.stem for p in PACKS_DIR.glob("*.yaml")) == sorted(README_ITEMS)


def test_every_rule_cites_its_document_and_clause() -> None:
    for pack in load_packs().values():
        for item in pack.items.values():
            for rule in item.rules:
                assert rule.citation.startswith(pack.document_number + " "), rule.citation
                for parameter in rule.params.values():
                    for version in parameter.versions:
                        assert version.citation.startswith(pack.document_number + " ")


def test_shaoguan_cites_the_clause_of_its_rate() -> None:
    item = load_packs()["shaoguan-2020-11"].items["online_post_training"]
    rate = next(rule for rule in item.rules if rule.kind == "rate_per_class_hour")
    version = rate.params["rate"].at(dt.date(2020, 4, 10))
    assert (rate.citation, version.value, version.start) == (
        "韶人社函〔2020〕11号 附件1 一(四)",
        Decimal("30.00"),
        dt.date(2020, 3, 2),
    )


def test_packs_are_cached() -> None:
    assert load_packs() is load_packs()


Change = Callable[[dict[str, Any]], object]

MINIMAL = """
id: test-pack
title: 测试政策
document_number: 测试〔2020〕1号
issuer: 测试局
region: "440200"
validity: {start: 2020-03-01, end: null, clause: 七}
items:
  hours:
    title: 按学时补贴
    clause: 一
    payee: employer
    payer_region: employer
    rules:
      - kind: rate_per_class_hour
        clause: 一(四)
        params:
          rate:
            values:
              - {from: 2020-03-01, until: 2020-06-30, value: "30.00"}
              - {from: 2020-07-01, value: "35.00"}
"""


def _pack(change: Change) -> dict[str, Any]:
    raw = yaml.safe_load(MINIMAL)
    change(raw)
    return raw


def _load(raw: dict[str, Any]) -> None:
    load_pack_text(yaml.safe_dump(raw, allow_unicode=True), source="test-pack.yaml")


def test_the_minimal_pack_loads() -> None:
    pack = load_pack_text(MINIMAL, source="test-pack.yaml")
    rate = pack.items["hours"].rules[1].params["rate"]
    assert rate.at(dt.date(2020, 6, 30)).value == Decimal("30.00")
    assert rate.at(dt.date(2020, 7, 1)).value == Decimal("35.00")


def _rule(raw: dict[str, Any]) -> dict[str, Any]:
    return raw["items"]["hours"]["rules"][0]


LOAD_ERRORS = [
    ("rule-without-clause", lambda r: _rule(r).pop("clause"), "items.hours.rules[0]：缺少 clause"),
    ("empty-clause", lambda r: _rule(r).update(clause=" "), "items.hours.rules[0].clause：缺少出处 clause"),
    ("validity-without-clause", lambda r: r["validity"].pop("clause"), "validity：缺少 clause"),
    ("item-without-clause", lambda r: r["items"]["hours"].pop("clause"), "items.hours：缺少 clause"),
    ("no-document-number", lambda r: r.pop("document_number"), "政策包：缺少 document_number"),
    (
        "open-version-then-another",
        lambda r: _rule(r)["params"]["rate"]["values"][0].pop("until"),
        "参数版本重叠：2020-03-01 起的版本（止于 未设 until（长期有效））与 2020-07-01 起的版本重叠",
    ),
    (
        "until-past-next-start",
        lambda r: _rule(r)["params"]["rate"]["values"][0].update(until=dt.date(2020, 7, 1)),
        "参数版本重叠：2020-03-01 起的版本（止于 2020-07-01）与 2020-07-01 起的版本重叠",
    ),
    (
        "same-start-twice",
        lambda r: _rule(r)["params"]["rate"]["values"][1].update({"from": dt.date(2020, 3, 1)}),
        "参数版本重叠",
    ),
    ("undated-value", lambda r: _rule(r)["params"].update(rate="30.00"), "每个值都要有起始日期"),
    (
        "version-without-from",
        lambda r: _rule(r)["params"]["rate"]["values"][0].pop("from"),
        "缺少起始日期 from",
    ),
    (
        "float-money",
        lambda r: _rule(r)["params"]["rate"]["values"][0].update(value=30.5),
        "金额须写成带引号的字符串",
    ),
    ("unknown-kind", lambda r: _rule(r).update(kind="bonus"), "未知的规则种类 'bonus'"),
    ("missing-parameter", lambda r: _rule(r).update(params={}), "items.hours.rules[0].params：缺少 rate"),
    ("unknown-parameter", lambda r: _rule(r)["params"].update(bonus={"values": []}), "不认识的键 bonus"),
    (
        "no-amount-rule",
        lambda r: r["items"]["hours"].update(rules=[{"kind": "passed", "clause": "一"}]),
        "至少要有一条计算金额的规则",
    ),
    (
        "bad-payee",
        lambda r: r["items"]["hours"].update(payee="bureau"),
        "items.hours.payee：应为 employer、person、platform 之一",
    ),
    ("bad-region", lambda r: r.update(region=440200), "region：应为带引号的 6 位行政区划代码"),
    (
        "unknown-group",
        lambda r: r["items"]["hours"]["rules"].insert(
            0,
            {
                "kind": "key_group",
                "clause": "二",
                "params": {"groups": {"values": [{"from": dt.date(2020, 3, 1), "value": ["pilots"]}]}},
            },
        ),
        "未知的重点群体 ['pilots']",
    ),
]


@pytest.mark.parametrize(
    ("change", "message"), [(c, m) for _, c, m in LOAD_ERRORS], ids=[i for i, _, _ in LOAD_ERRORS]
)
def test_a_faulty_pack_does_not_load(change: Change, message: str) -> None:
    with pytest.raises(PackError) as caught:
        _load(_pack(change))
    assert caught.value.code == "invalid_pack"
    assert caught.value.message.startswith("test-pack.yaml：")
    assert message in caught.value.message


def test_bad_yaml_does_not_load() -> None:
    with pytest.raises(PackError, match="YAML 格式错误"):
        load_pack_text("id: [unclosed", source="x.yaml")


def test_a_directory_with_a_misnamed_pack_does_not_load(tmp_path: Path) -> None:
    (tmp_path / "other-name.yaml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(PackError, match="应与文件名 'other-name' 相同"):
        load_packs(tmp_path)


def test_an_operator_close_date_ends_an_open_pack() -> None:
    pack = load_packs()["panzhihua-2020-33"]
    closed = pack.with_close_date(dt.date(2020, 5, 31))
    assert pack.validity.last is None
    assert closed.validity.last == dt.date(2020, 5, 31)
    assert closed.items["sme_paid_online_training"].validity.last == dt.date(2020, 5, 31)
