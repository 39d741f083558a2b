"""``jineng demo``, ``jineng serve`` and ``jineng otp code``."""

from __future__ import annotations

import argparse
import os
import sys


def register(subparsers) -> None:
    demo = subparsers.add_parser("demo", help="建库、载入演示数据并在 127.0.0.1 启动网站")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站")
    demo.set_defaults(func=run_demo)

    serve = subparsers.add_parser("serve", help="用 gunicorn 启动网站（生产方式）")
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    serve.set_defaults(func=run_serve)

    otp = subparsers.add_parser("otp", help="动态口令（仅开发与演示环境）")
    otp_sub = otp.add_subparsers(dest="otp_command", required=True)
    code = otp_sub.add_parser("code", help="打印某个演示账号当前的 6 位动态口令")
    code.add_argument("username")
    code.set_defaults(func=run_otp_code)


def run_demo(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    (settings.BASE_DIR / "var").mkdir(exist_ok=True)
    print("准备数据库…", flush=True)
    call_command("migrate", verbosity=0, interactive=False)
    from jineng.demo import load_demo, print_accounts

    accounts = load_demo()
    base_url = f"http://127.0.0.1:{args.port}"
    print_accounts(accounts, base_url=base_url)
    if args.no_serve:
        return 0
    sys.stdout.flush()
    from jineng.scheduling import start_in_background

    start_in_background()  # deadlines, overdue exams and stale sessions move on while the demo runs
    call_command("runserver", f"127.0.0.1:{args.port}", use_reloader=False, skip_checks=True)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    command = [sys.executable, "-m", "gunicorn", "jineng.wsgi:application", "--bind", args.bind,
               "--workers", str(args.workers), "--access-logfile", "-"]
    os.execvp(sys.executable, command)  # noqa: S606 - gunicorn replaces this process on purpose
    return 0


def run_otp_code(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from django.conf import settings

    if settings.PRODUCTION:
        print("生产环境不提供该命令 (not available in production)", file=sys.stderr)
        return 2
    from jineng.identity import two_factor
    from jineng.identity.models import User

    user = User.objects.filter(username=args.username).first()
    device = user and two_factor.confirmed_device(user=user)
    if not device:
        print(f"账号 {args.username} 没有已绑定的动态口令设备", file=sys.stderr)
        return 1
    print(two_factor.current_token(device))
    return 0
