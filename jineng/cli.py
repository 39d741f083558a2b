"""The ``jineng`` command. Each app that offers subcommands has a ``cli.py`` with
``register(subparsers)``; it adds its parsers and sets ``func`` (called with the parsed
arguments, returning the exit status). Commands that need the database call
``setup_django()`` first; the pure ones (``policy``) do not.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMAND_MODULES = [
    "jineng.web.cli",  # demo, serve
    "jineng.audit.cli",  # audit verify
    "jineng.regions.cli",  # regions load, calendar
    "jineng.policy.cli",  # policy test, policy explain
    "jineng.benchmarks",  # bench NAME
    "jineng.scheduling",  # tick, scheduler
]


def setup_django(settings_module: str = "jineng.settings") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django

    django.setup()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jineng", description="技能 jineng：线上职业技能培训与补贴系统")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        module.register(subparsers)
    manage = subparsers.add_parser("manage", help="Django manage.py 命令", add_help=False)
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=_manage)
    return parser


def _manage(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jineng.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jineng manage", *args.args])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
