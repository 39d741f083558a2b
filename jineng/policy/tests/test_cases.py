"""The shared case files, the runner, and the ``jineng policy`` commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jineng.policy import cli
from jineng.policy.engine.cases import read_case_file, run_case, run_case_file

REPO = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("JINENG_POLICY_CASES", REPO.parent / "shared" / "policy-cases"))
"""The shared case files (``../shared/policy-cases`` beside the repository, or $JINENG_POLICY_CASES)."""
CASE_FILES = sorted(SHARED.glob("*.yaml"))
needs_shared = pytest.mark.skipif(not CASE_FILES, reason=f"no shared case files in {SHARED}")


def _shared_cases() -> list[Any]:
    found = []
    for path in CASE_FILES:
        for index, raw in enumerate(read_case_file(path)):
            found.append(pytest.param(path, index, id=f"{path.stem}: {raw.get('name', index + 1)}"))
    return found


@needs_shared
def test_shared_case_files_exist() -> None:
    assert {p.name for p in CASE_FILES} >= {
        "shandong-2020-11.yaml",
        "panzhihua-2020-33.yaml",
        "jinjiang-2019-79.yaml",
        "shaoguan-2020-11.yaml",
    }


@needs_shared
@pytest.mark.parametrize(("path", "index"), _shared_cases())
def test_shared_case(path: Path, index: int) -> None:
    raw = read_case_file(path)[index]
    result = run_case(raw, file=str(path), index=index)
    assert result.passed, result.differences


@needs_shared
def test_cli_runs_every_shared_file(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run_test(_args(files=[str(p) for p in CASE_FILES]))
    lines = capsys.readouterr().out.splitlines()
    assert status == 0
    assert lines[-1] == f"{len(_shared_cases())} passed, 0 failed"
    assert all(line.startswith("✓ ") for line in lines[:-1])


def _args(**values: object) -> object:
    import argparse

    return argparse.Namespace(packs=None, **values)


OTHER_FILE = """
- name: a right answer
  policy: shaoguan-2020-11
  subsidy: online_post_training
  claimed_on: 2020-05-20
  person: {id_number: "440204199003071234"}
  employer: {size: sme, contract_months: 24}
  training: {kind: on_the_job, delivery: online, occupation: "6-31-01-03", level: 5,
             filed_on: 2020-03-02, start: 2020-03-09, end: 2020-04-10, minutes: 1349, passed: true}
  expect: {eligible: true, amount: "870.00", payee: employer, payer_region: null}

- name: a wrong expectation
  policy: shaoguan-2020-11
  subsidy: online_post_training
  claimed_on: 2020-05-20
  person: {id_number: "440204199003071234"}
  employer: {size: sme, contract_months: 24}
  training: {kind: on_the_job, delivery: online, occupation: "6-31-01-03", level: 5,
             filed_on: 2020-03-02, start: 2020-03-09, end: 2020-04-10, minutes: 900, passed: true}
  expect: {eligible: true, amount: "599.00", payee: employer}

- name: minutes written as text
  policy: shaoguan-2020-11
  subsidy: online_post_training
  claimed_on: 2020-05-20
  person: {id_number: "440204199003071234"}
  training: {kind: on_the_job, delivery: online, occupation: "6-31-01-03", level: 5,
             filed_on: 2020-03-02, start: 2020-03-09, end: 2020-04-10, minutes: "900", passed: true}
  expect: {error: invalid_case}

- name: an unknown item
  policy: shaoguan-2020-11
  subsidy: no_such_item
  claimed_on: 2020-05-20
  person: {id_number: "440204199003071234"}
  training: {kind: on_the_job, delivery: online, occupation: "6-31-01-03", start: 2020-03-09, end: 2020-04-10}
  expect: {error: invalid_case}

- name: money as a float is a bad field, not a traceback
  policy: panzhihua-2020-33
  subsidy: sme_paid_online_training
  claimed_on: 2020-06-01
  person: {id_number: "51040219920715357X"}
  employer: {size: sme, contract_months: 36}
  training: {kind: on_the_job, delivery: online, occupation: "6-28-01-01", level: 4,
             start: 2020-03-02, end: 2020-04-17, minutes: 2400, passed: true, cost: 450.00}
  expect: {eligible: true, amount: "450.00", payee: employer}
"""


def test_runner_accepts_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(OTHER_FILE, encoding="utf-8")
    status = cli.run_test(_args(files=[str(path)]))
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines[-1] == "3 passed, 2 failed"
    assert lines[0] == f"✓ {path}: a right answer"
    assert lines[1] == f"✗ {path}: a wrong expectation — amount 应为 599.00，实际为 600.00"
    assert lines[4].startswith(
        f"✗ {path}: money as a float is a bad field, not a traceback — 未预期的错误 invalid_case"
    )
    assert "training.cost" in lines[4]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- name: [unclosed\n", "YAML 格式错误"),
        ("policy: not a list\n", "案例文件应为一个列表"),
    ],
    ids=["bad-yaml", "not-a-list"],
)
def test_a_broken_file_is_one_failure_not_a_traceback(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    (result,) = run_case_file(path)
    assert not result.passed
    assert problem in result.differences[0]


def test_a_missing_file_is_a_failure(tmp_path: Path) -> None:
    (result,) = run_case_file(tmp_path / "absent.yaml")
    assert not result.passed
    assert "无法读取" in result.differences[0]


@needs_shared
def test_expected_error_that_does_not_happen_fails() -> None:
    raw = read_case_file(SHARED / "shaoguan-2020-11.yaml")[0] | {"expect": {"error": "invalid_id_number"}}
    result = run_case(raw, file="f.yaml", index=0)
    assert not result.passed
    assert result.differences[0].startswith("error 应为 invalid_id_number，实际未拒绝")


def test_a_case_that_is_not_a_mapping_fails() -> None:
    result = run_case(["not", "a", "case"], file="f.yaml", index=2)
    assert (result.name, result.passed) == ("#3", False)


@needs_shared
def test_a_bad_expect_block_fails_with_a_message() -> None:
    raw = read_case_file(SHARED / "shaoguan-2020-11.yaml")[0] | {
        "expect": {"eligible": True, "amount": 600.0}
    }
    result = run_case(raw, file="f.yaml", index=0)
    assert not result.passed
    assert "expect.amount" in result.differences[0]


@needs_shared
def test_explain_prints_the_trace_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run_explain(
        _args(
            file=str(SHARED / "shaoguan-2020-11.yaml"),
            case_name="the May Day holiday is not five working days",
        )
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "结论：不符合条件，补贴 0.00 元。原因：filed_too_late" in out
    assert "依据：韶人社函〔2020〕11号 附件1 二(一)" in out
    assert (
        "参数：开训前备案的工作日数 = 5 个工作日（2020-03-02 起施行；出处 韶人社函〔2020〕11号 附件1 二(一)）"
        in out
    )
    assert "备案日期 2020-04-27 晚于开训日期 2020-05-06 前第 5 个工作日（2020-04-26）。" in out
    assert "参数：每学时补贴标准 = 30.00 元（2020-03-02 起施行" in out


@needs_shared
def test_explain_an_error_case(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run_explain(
        _args(
            file=str(SHARED / "shaoguan-2020-11.yaml"),
            case_name="an ID number with a wrong check digit is rejected",
        )
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "输入被拒绝：invalid_id_number（字段 person.id_number）" in out


@needs_shared
def test_explain_an_unknown_case_name(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.run_explain(_args(file=str(SHARED / "shaoguan-2020-11.yaml"), case_name="no such case"))
    assert status == 1
    assert "没有名称为 'no such case' 的案例" in capsys.readouterr().err


@needs_shared
def test_the_command_runs_through_jineng_cli_without_django() -> None:
    code = (
        "import sys; from jineng.cli import main; import argparse\n"
        "from jineng.policy import cli\n"
        "p = argparse.ArgumentParser(); s = p.add_subparsers(); cli.register(s)\n"
        f"a = p.parse_args(['policy', 'test', *{[str(f) for f in CASE_FILES]!r}])\n"
        "rc = a.func(a)\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith(" passed, 0 failed")
