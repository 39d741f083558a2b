"""``jineng audit verify [--expect-head SEQ:HASH]`` and ``jineng audit head``.

``verify`` exits 0 when the chain is intact, 1 when it is broken (naming the first broken
entry), 2 when ``--expect-head`` is malformed. ``head`` prints ``seq:hash`` of the newest entry:
keep that line somewhere the database's administrators cannot write (a signed e-mail, a
printed report) and pass it back to ``verify --expect-head`` later.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(subparsers: Any) -> None:
    audit = subparsers.add_parser("audit", help="审计日志：校验哈希链、导出链头 (audit trail)")
    commands = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    audit.set_defaults(func=lambda args: _usage(audit))

    verify = commands.add_parser("verify", help="重新计算整条哈希链并报告第一处损坏 (verify the chain)")
    verify.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="先前用 `jineng audit head` 导出的链头；该条必须仍在且哈希不变",
    )
    verify.add_argument("--batch-size", type=int, default=5000, help=argparse.SUPPRESS)
    verify.set_defaults(func=_verify)

    head = commands.add_parser("head", help="打印最新一条的 序号:哈希，供导出留存 (print seq:hash)")
    head.set_defaults(func=_head)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _verify(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from jineng.audit.selectors import audit_verify, parse_head
    from jineng.common.errors import DomainError

    if args.expect_head is not None:
        try:
            parse_head(args.expect_head)
        except DomainError as exc:
            print(f"参数错误：{exc.message} (malformed --expect-head)", file=sys.stderr)
            return 2
    result = audit_verify(expected_head=args.expect_head, batch_size=args.batch_size)
    if result.ok:
        print(f"审计链完整：共校验 {result.entries_checked} 条，链头 {result.head}")
        print(f"Audit chain intact: {result.entries_checked} entries verified, head {result.head}")
        if args.expect_head is not None:
            print("与导出的链头一致 (matches the exported head)")
        return 0
    print(f"审计链已损坏：第一处异常在第 {result.first_broken_seq} 条。{result.problem}")
    print(
        f"Audit chain BROKEN at seq {result.first_broken_seq} ({result.problem_code}); "
        f"{result.entries_checked} entries read, last intact entry {result.head}"
    )
    return 1


def _head(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from jineng.audit.selectors import audit_head

    print(audit_head())
    return 0
