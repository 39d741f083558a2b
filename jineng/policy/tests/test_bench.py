"""The benchmark runs and reports its figures (the speed itself is measured by ``jineng policy bench``)."""

from __future__ import annotations

from jineng.policy.bench import run_policy_bench


def test_a_small_bench_run_judges_every_case() -> None:
    figures = run_policy_bench(cases=3_000, history=30_000)
    assert figures["cases"] == 3_000
    assert figures["errors"] == 0
    assert figures["eligible"] + figures["not_eligible"] == 3_000
    assert figures["eligible"] > 0
    assert figures["cases_per_s"] > 0
