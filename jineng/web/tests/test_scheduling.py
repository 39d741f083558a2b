"""The periodic jobs: every registered target exists, and a tick runs each one on real data."""

from __future__ import annotations

import pytest

from jineng import scheduling


def test_every_job_points_at_a_function_that_takes_no_arguments():
    import inspect

    for job in scheduling.JOBS:
        function = job.function()
        required = [p for p in inspect.signature(function).parameters.values()
                    if p.default is inspect.Parameter.empty and p.kind != p.VAR_KEYWORD]
        assert required == [], f"{job.name} needs {required}"


@pytest.mark.django_db
def test_a_tick_runs_every_job_and_a_failing_job_does_not_stop_the_others(monkeypatch):
    calls = []
    boom = scheduling.Job("boom", "jineng.web.tests.test_scheduling:_explode", 60, "always fails")
    monkeypatch.setattr(scheduling, "JOBS", [boom, *scheduling.JOBS])
    monkeypatch.setattr(scheduling, "run_job", lambda job, _real=scheduling.run_job: calls.append(job.name) or _real(job))
    results = scheduling.tick()
    assert calls == [job.name for job in scheduling.JOBS]
    assert results["boom"] is None
    assert all(results[job.name] is not None for job in scheduling.JOBS if job.name != "boom")


def _explode():
    raise RuntimeError("boom")
