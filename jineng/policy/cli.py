"""``jineng policy test FILE...``, ``jineng policy explain FILE [--case NAME]`` and
``jineng policy bench``: pure commands, no Django."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jineng.policy.engine.cases import CaseResult, find_case, parse_case, run_case_file
from jineng.policy.engine.errors import PackError, PolicyError
from jineng.policy.engine.explain import render_error, render_judgement
from jineng.policy.engine.judge import judge
from jineng.policy.engine.packs import PackSet, load_packs


def register(subparsers: Any) -> None:
    policy = subparsers.add_parser("policy", help="补贴政策包：运行案例、解释判定")
    policy.set_defaults(func=lambda args: _help(policy))
    commands = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")

    test = commands.add_parser("test", help="运行案例文件，每个案例一行，最后一行为“N passed, M failed”")
    test.add_argument("files", nargs="+", metavar="FILE", help="案例文件（YAML）")
    test.add_argument("--packs", metavar="DIR", help="政策包目录（默认 jineng/policy/packs）")
    test.set_defaults(func=run_test)

    explain = commands.add_parser("explain", help="用中文逐步解释案例的判定过程")
    explain.add_argument("file", metavar="FILE", help="案例文件（YAML）")
    explain.add_argument("--case", dest="case_name", metavar="NAME", help="只解释名称为 NAME 的案例")
    explain.add_argument("--packs", metavar="DIR", help="政策包目录（默认 jineng/policy/packs）")
    explain.set_defaults(func=run_explain)

    bench = commands.add_parser("bench", help="测量判定速度（内存中的案例与已享受记录）")
    bench.add_argument("--cases", type=int, default=100_000)
    bench.add_argument("--history", type=int, default=1_000_000)
    bench.set_defaults(func=run_bench)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _packs(args: argparse.Namespace) -> PackSet | None:
    try:
        return load_packs(args.packs)
    except PackError as exc:
        print(f"政策包无法加载：{exc.message}", file=sys.stderr)
        return None


def format_result(result: CaseResult) -> str:
    mark = "✓" if result.passed else "✗"
    line = f"{mark} {result.file}: {result.name}"
    if result.differences:
        line += " — " + "; ".join(" ".join(d.split()) for d in result.differences)
    return line


def run_test(args: argparse.Namespace) -> int:
    packs = _packs(args)
    if packs is None:
        return 2
    passed = failed = 0
    for file in args.files:
        for result in run_case_file(file, packs=packs):
            print(format_result(result))
            if result.passed:
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def run_explain(args: argparse.Namespace) -> int:
    packs = _packs(args)
    if packs is None:
        return 2
    try:
        found = find_case(args.file, args.case_name)
    except ValueError as exc:
        print(f"{args.file}：{exc}", file=sys.stderr)
        return 1
    if not found:
        what = f"名称为 {args.case_name!r} 的案例" if args.case_name else "任何案例"
        print(f"{args.file} 中没有{what}", file=sys.stderr)
        return 1
    blocks = []
    for name, raw in found:
        body = {k: v for k, v in raw.items() if k != "expect"} if isinstance(raw, dict) else raw
        try:
            blocks.append(
                render_judgement(
                    judge(parse_case(body), packs=packs), title=f"{name}（{Path(args.file).name}）"
                )
            )
        except PolicyError as exc:
            blocks.append(render_error(exc, title=name))
    print("\n\n".join(blocks))
    return 0


def run_bench(args: argparse.Namespace) -> int:
    from jineng.policy.bench import run_policy_bench

    figures = run_policy_bench(cases=args.cases, history=args.history)
    for key, value in figures.items():
        print(f"{key}: {value}")
    return 0
