from __future__ import annotations

from typing import Any

import pytest

from jineng.audit.models import GENESIS_HASH
from jineng.audit.tests.helpers import tamper_summary
from jineng.cli import main


@pytest.mark.django_db
def test_verify_an_intact_chain_exits_0(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    record()
    last = record()
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert f"审计链完整：共校验 2 条，链头 2:{last.hash}" in out
    assert "Audit chain intact: 2 entries verified" in out


@pytest.mark.django_db
def test_head_prints_seq_colon_hash_and_verify_accepts_it_back(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "head"]) == 0
    assert capsys.readouterr().out == f"0:{GENESIS_HASH}\n"
    last = record()
    assert main(["audit", "head"]) == 0
    exported = capsys.readouterr().out.strip()
    assert exported == f"1:{last.hash}"
    record()
    assert main(["audit", "verify", "--expect-head", exported]) == 0
    assert "与导出的链头一致" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_with_a_head_that_does_not_match_exits_1(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    record()
    assert main(["audit", "verify", "--expect-head", "1:" + "a" * 64]) == 1
    out = capsys.readouterr().out
    assert "审计链已损坏：第一处异常在第 1 条" in out
    assert "BROKEN at seq 1 (expected_head_mismatch)" in out


@pytest.mark.django_db(transaction=True)
def test_verify_a_tampered_chain_exits_1_naming_the_entry(record: Any, capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(4):
        record()
    tamper_summary(2, {"forged": True})
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "审计链已损坏：第一处异常在第 2 条。第 2 条的内容与其哈希不符：该条目被篡改" in out
    assert "Audit chain BROKEN at seq 2 (hash_mismatch)" in out


@pytest.mark.django_db
def test_a_malformed_expected_head_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--expect-head", "latest"]) == 2
    assert "链头格式应为" in capsys.readouterr().err


def test_audit_without_an_action_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit"]) == 2
    assert "verify" in capsys.readouterr().out
