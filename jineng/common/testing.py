"""Helpers for tests only; application code never imports this module."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(count: int, work: Callable[[int], Any]) -> tuple[list, list[BaseException]]:
    """Run ``work(n)`` for n in range(count) in threads released at the same instant, each on its
    own database connection (closed afterwards); return the results and the errors raised."""
    start = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def runner(number: int) -> None:
        try:
            start.wait()
            results.append(work(number))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors
