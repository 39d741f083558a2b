"""Periodic jobs: the deadline sweeps and clean-ups the workflows rely on.

Each job is a service that is idempotent and safe to run at any time (it looks at the clock
and the data, and does what has come due). Two ways to run them:

- ``jineng tick`` runs every job once and exits — for cron or a systemd timer, every minute;
- ``jineng scheduler`` runs forever, each job at its own interval — ``jineng demo`` starts it
  in a background thread next to the web server.

With several app servers run exactly one scheduler; the jobs take row locks where two runs
could meet, so an accidental second one does no harm, only work twice.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("jineng.scheduling")


@dataclass(frozen=True)
class Job:
    name: str
    target: str  # "module:function", called without arguments
    every_seconds: int
    label: str

    def function(self) -> Callable[[], object]:
        module, _, attr = self.target.partition(":")
        return getattr(importlib.import_module(module), attr)


JOBS: list[Job] = [
    Job("sessions_expire_stale", "jineng.learning.services:sessions_expire_stale", 60, "结束长时间无心跳的学习会话"),
    Job("attempts_finalize_overdue", "jineng.exams.services:attempts_finalize_overdue", 60, "到时自动交卷"),
    Job("evidence_purge", "jineng.learning.services:evidence_purge", 24 * 3600, "清理超过保存期限的原始心跳"),
    Job("certificates_issue_due", "jineng.certificates.services:certificates_issue_due", 600,
        "为已满足结业条件的报名签发培训合格证书"),
    Job("projects_start_due", "jineng.projects.services.filing:projects_start_due", 3600, "到开始日期的已备案项目转为培训中"),
    Job("claims_advance_due", "jineng.claims.services:claims_advance_due", 3600,
        "公示期满无异议的申请转入拨付计划，标记审核、拨付超期"),
]


def run_job(job: Job) -> object:
    started = time.perf_counter()
    try:
        result = job.function()()
    except Exception:  # one failing job must not stop the others; the log carries the trace
        log.exception("job %s failed", job.name)
        return None
    log.info("job %s: %s in %.0f ms", job.name, result, (time.perf_counter() - started) * 1000)
    return result


def tick(*, only: str | None = None) -> dict[str, object]:
    """Every job once, in this process's connection (``jineng tick`` exits right after)."""
    results = {}
    for job in JOBS:
        if only and job.name != only:
            continue
        results[job.name] = run_job(job)
    return results


def run_forever(*, stop: threading.Event | None = None, poll_seconds: float = 5.0) -> None:
    from django.db import close_old_connections

    stop = stop or threading.Event()
    last: dict[str, float] = {}
    while not stop.is_set():
        now = time.monotonic()
        for job in JOBS:
            if now - last.get(job.name, -1e12) >= job.every_seconds:
                run_job(job)
                last[job.name] = time.monotonic()
                close_old_connections()
        stop.wait(poll_seconds)


def start_in_background() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, kwargs={"stop": stop}, name="jineng-scheduler", daemon=True).start()
    return stop


# ---- jineng tick / jineng scheduler -----------------------------------------------------------

def register(subparsers) -> None:
    tick_parser = subparsers.add_parser("tick", help="把到期的定时任务各运行一次（供 cron 每分钟调用）")
    tick_parser.add_argument("--only", help="只运行这一项", choices=[job.name for job in JOBS] or None)
    tick_parser.add_argument("--list", action="store_true", help="列出定时任务")
    tick_parser.set_defaults(func=_run_tick)
    loop = subparsers.add_parser("scheduler", help="常驻运行定时任务（只运行一个）")
    loop.set_defaults(func=_run_scheduler)


def _run_tick(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    if args.list:
        for job in JOBS:
            print(f"{job.name:32} 每 {job.every_seconds:>6} 秒  {job.label}")
        return 0
    results = tick(only=args.only)
    for name, result in results.items():
        print(f"{name}: {result}")
    return 0


def _run_scheduler(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    run_forever()
    return 0
