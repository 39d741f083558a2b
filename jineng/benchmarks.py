"""``jineng bench NAME``: each benchmark prints what it does and, as its last line, one JSON
object with its figures. Benchmarks run against the configured database (``DATABASE_URL``)."""

from __future__ import annotations

import argparse
import json
import time

BENCHMARKS = {
    "audit": "追加审计日志并校验哈希链",
    "persons": "实名登记（校验、加密、查重、审计）",
    "policy": "补贴政策引擎：10 万个案例对 100 万条历史",
    "heartbeats": "学习心跳：gunicorn + PostgreSQL 上的批量心跳吞吐、延迟与丢失检查",
    "claims": "补贴申请：1 万行明细对 100 万人的补贴记录提交判定（--n 为明细行数）",
}


def register(subparsers) -> None:
    bench = subparsers.add_parser("bench", help="性能测试，最后一行输出 JSON")
    bench.add_argument("name", choices=sorted(BENCHMARKS))
    bench.add_argument("--n", type=int, default=None, help="规模（默认取各项的标准规模）")
    bench.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    runner = globals()[f"_bench_{args.name}"]
    print(f"bench {args.name}: {BENCHMARKS[args.name]}", flush=True)
    figures = runner(args.n)
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def _scratch_database():
    """Benchmarks that write use a fresh database of the configured kind, so that the figures
    do not depend on what the demo left behind, and nothing real is touched."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    old = setup_databases(verbosity=0, interactive=False)
    return connection.vendor, lambda: teardown_databases(old, verbosity=0)


def _bench_audit(n: int | None) -> dict:
    from jineng.cli import setup_django

    setup_django()
    from django.db import transaction

    from jineng.audit.selectors import audit_verify
    from jineng.audit.services import audit_record

    n = n or 20_000
    vendor, teardown = _scratch_database()
    try:
        started = time.perf_counter()
        batch = 500
        for start in range(0, n, batch):
            with transaction.atomic():
                for i in range(start, min(start + batch, n)):
                    audit_record(actor=None, action="bench.append", target_type="bench.item", target_id=str(i),
                                 summary={"i": i})
        append_s = time.perf_counter() - started
        started = time.perf_counter()
        result = audit_verify()
        verify_s = time.perf_counter() - started
        assert result.ok and result.entries_checked >= n, result
    finally:
        teardown()
    return {"database": vendor, "entries": n, "append_per_s": round(n / append_s), "verify_per_s": round(n / verify_s)}


def _bench_persons(n: int | None) -> dict:
    from jineng.cli import setup_django

    setup_django()
    import datetime as dt

    from jineng.identity.id_numbers import id_number_with_check_digit
    from jineng.identity.services import person_find_by_id_number, person_register

    n = n or 2_000
    vendor, teardown = _scratch_database()
    try:
        numbers = []
        for i in range(n):
            body = f"440204{dt.date(1970, 1, 1) + dt.timedelta(days=i // 999):%Y%m%d}{i % 999 + 1:03d}"
            numbers.append(id_number_with_check_digit(body))
        started = time.perf_counter()
        for i, number in enumerate(numbers):
            person_register(name=f"测试{i}", id_number=number, phone=f"139{i:08d}", actor=None)
        register_s = time.perf_counter() - started
        started = time.perf_counter()
        for number in numbers[: min(n, 1000)]:
            assert person_find_by_id_number(number) is not None
        lookup_s = time.perf_counter() - started
    finally:
        teardown()
    return {"database": vendor, "persons": n, "registrations_per_s": round(n / register_s),
            "lookups_per_s": round(min(n, 1000) / lookup_s)}


def _bench_policy(n: int | None) -> dict:
    from jineng.policy.bench import run_policy_bench

    return run_policy_bench(cases=n or 100_000)


def _bench_heartbeats(n: int | None) -> dict:
    from jineng.learning.bench import run_heartbeat_bench

    return run_heartbeat_bench(learners=n or 200)


def _bench_claims(n: int | None) -> dict:
    from jineng.claims.bench import run_claims_bench

    return run_claims_bench(lines=n or 10_000)
