"""The heartbeat bench runs end to end on a small scale and finds nothing lost (PostgreSQL only:
it starts gunicorn against its own scratch database)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the bench needs PostgreSQL"),
]


def test_a_small_bench_run_reports_its_figures_and_loses_nothing():
    settings = connection.settings_dict
    url = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/jineng_bench_test"
    env = {**os.environ, "JINENG_BENCH_POSTGRES_URL": url, "JINENG_BENCH_SECONDS": "2", "JINENG_BENCH_WORKERS": "2",
           "DJANGO_SETTINGS_MODULE": "jineng.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "jineng.cli", "bench", "heartbeats", "--n", "12"],
                            cwd=Path(__file__).resolve().parents[3], env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["lost"] == 0 and figures["errors"] == 0 and figures["seq_gaps"] == 0
    assert figures["heartbeats_per_s"] > 0 and figures["raw_inserts_per_s"] > 0
    assert set(figures) >= {"heartbeats_per_s", "p50_ms", "p99_ms", "raw_inserts_per_s", "ratio", "lost"}
