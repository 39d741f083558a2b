"""The claim procedure of a pack: dated, cited working days (and Jinjiang's advance share)."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.policy.engine import PackError, ParameterError, load_packs
from jineng.policy.engine.packs import load_pack_text

MINIMAL = """
id: test-pack
title: 测试
document_number: 测试〔2020〕1号
issuer: 测试局
region: "440200"
validity: {start: 2020-01-01, clause: 一}
{procedure}
items:
  x:
    title: 测试补贴
    clause: 二
    payee: employer
    payer_region: pack
    rules:
      - kind: fixed_amount
        clause: 二
        params:
          amount: {values: [{from: 2020-01-01, value: "100.00"}]}
"""


@pytest.mark.parametrize(("pack", "step", "value", "citation"), [
    ("shaoguan-2020-11", "review_working_days", 15, "韶人社函〔2020〕11号 附件1 二(二)"),
    ("shaoguan-2020-11", "public_notice_working_days", 5, "韶人社函〔2020〕11号 附件1 二(二)"),
    ("shaoguan-2020-11", "payment_working_days", 30, "韶人社函〔2020〕11号 附件1 二(二)"),
    ("panzhihua-2020-33", "public_notice_working_days", 2, "攀人社发〔2020〕33号 四(二)"),
], ids=["shaoguan-review", "shaoguan-notice", "shaoguan-payment", "panzhihua-notice"])
def test_the_seed_procedures(pack, step, value, citation):
    version = load_packs()[pack].procedure.at(step, dt.date(2020, 5, 1))
    assert (version.value, version.citation) == (value, citation)


def test_shaoguan_makes_the_platform_evaluation_a_precondition_of_filing():
    version = load_packs()["shaoguan-2020-11"].procedure.at("platform_evaluation_required", dt.date(2020, 5, 1))
    assert (version.value, version.citation, version.shown) == (True, "韶人社函〔2020〕11号 一", "是")
    assert load_packs()["panzhihua-2020-33"].procedure.at("platform_evaluation_required", dt.date(2020, 5, 1)) is None


def test_a_step_the_document_does_not_set_is_none():
    assert load_packs()["panzhihua-2020-33"].procedure.at("review_working_days", dt.date(2020, 5, 1)) is None


def test_a_day_before_every_version_is_refused():
    pack = load_pack_text(MINIMAL.replace("{procedure}", "procedure:\n  review_working_days:\n    clause: 三\n"
                                          "    values: [{from: 2020-03-01, value: 10}]"))
    with pytest.raises(ParameterError) as exc:
        pack.procedure.at("review_working_days", dt.date(2020, 2, 1))
    assert exc.value.code == "no_parameter_version"


@pytest.mark.parametrize(("body", "message"), [
    ("procedure:\n  review_working_days:\n    values: [{from: 2020-03-01, value: 10}]", "缺少 clause"),
    ("procedure:\n  review_days:\n    clause: 三\n    values: [{from: 2020-03-01, value: 10}]", "不认识的键 review_days"),
    ("procedure:\n  review_working_days:\n    clause: 三\n    values: [{from: 2020-03-01, value: ten}]",
     "应为不小于 0 的整数"),
    ("procedure:\n  platform_evaluation_required:\n    clause: 一\n    values: [{from: 2020-03-01, value: \"是\"}]",
     "应为 true 或 false"),
], ids=["no-clause", "unknown-step", "not-a-count", "not-a-flag"])
def test_a_faulty_procedure_does_not_load(body, message):
    with pytest.raises(PackError) as exc:
        load_pack_text(MINIMAL.replace("{procedure}", body), source="test-pack.yaml")
    assert message in exc.value.message
