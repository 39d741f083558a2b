"""``jineng bench heartbeats``: batched heartbeats over HTTP against gunicorn and PostgreSQL.

1. creates a scratch PostgreSQL database (``JINENG_BENCH_POSTGRES_URL``, default
   ``postgres://postgres@127.0.0.1:5432/jineng_bench``; dropped afterwards) and migrates it;
2. through the services: registers N learners, enrols them, starts one study session each;
   gives each a signed-in Django session (cookie + CSRF token, as a browser would have);
3. starts gunicorn (``python -m gunicorn jineng.wsgi:application``) on 127.0.0.1;
4. simulated players post batches of beats (``BEAT_SECONDS`` apart, ``beats_per_batch`` each,
   as the player does) over keep-alive loopback connections from client threads, bounded in
   time and count; 2 % of the batches are sent twice, as a retrying player would;
5. measures the database's raw insert rate for the same rows (one row per beat, one
   INSERT + COMMIT each, from as many connections as there are client threads);
6. counts what is stored and fails if any accepted beat is missing.

The last line printed (by ``jineng bench``) is one JSON object: ``heartbeats_per_s``, ``p50_ms``,
``p99_ms``, ``raw_inserts_per_s``, ``ratio``, ``lost`` and the parameters.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/jineng_bench"
BASE_DIR = Path(__file__).resolve().parents[2]


def _say(message: str) -> None:
    print(message, flush=True)


def _admin_dsn(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise ValueError(f"bad database name {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def _recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    admin, name = _admin_dsn(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Player:
    session_id: int
    lesson_id: int
    cookie: str
    csrf: str
    device: str
    beat_token: str = ""
    seq: int = 0
    position: float = 0.0
    last_body: bytes | None = None
    accepted: int = 0


@dataclass
class ClientTotals:
    latencies: list[float] = field(default_factory=list)
    accepted: int = 0
    sent_beats: int = 0
    batches: int = 0
    duplicates_sent: int = 0
    duplicate_accepted: int = 0
    errors: list[str] = field(default_factory=list)


def _setup_data(learners: int, beat_seconds: float) -> tuple[list[Player], dict]:
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from jineng.courses.models import Course, Lesson, Module, Occupation
    from jineng.identity.id_numbers import id_number_with_check_digit
    from jineng.identity.services import learner_register, staff_user_create
    from jineng.learning.beat_tokens import beat_token_issue
    from jineng.learning.services import enrolment_create, session_start
    from jineng.organizations.services import organization_register
    from jineng.regions.models import Region

    # Only the bench's own throw-away accounts: a fast hash keeps set-up short (argon2 is deliberately slow).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    province = Region.objects.create(code="440000", name="广东省", level="province", province_code="440000")
    city = Region.objects.create(code="440200", name="韶关市", level="city", parent=province, province_code="440000",
                                 city_code="440200")
    Region.objects.create(code="440204", name="浈江区", level="county", parent=city, province_code="440000",
                          city_code="440200")
    from jineng.organizations.credit_codes import credit_code_with_check_digit

    body = "91440204MA4UB0001"
    provider = organization_register(kind="institution", name="压测培训学校", credit_code=credit_code_with_check_digit(body),
                                     region_code="440204", address="压测路 1 号", legal_representative="压测", actor=None)
    author = staff_user_create(username="bench-author", display_name="压测", password="Bench@2026!x", actor=None)
    occupation = Occupation.objects.create(code="6-31-01-03", name="电工", levels=[5])
    course = Course.objects.create(occupation=occupation, level=5, title="压测课程", provider=provider,
                                   status=Course.Status.PUBLISHED, created_by=author)
    module = Module.objects.create(course=course, title="模块一", category="public", planned_minutes=600)
    lesson = Lesson.objects.create(module=module, title="视频一", kind=Lesson.Kind.VIDEO, planned_minutes=600,
                                   video_seconds=36_000)
    players = []
    for i in range(learners):
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
        number_body = f"440204{birth:%Y%m%d}{i % 900 + 100:03d}"
        user = learner_register(name=f"学员{i}", id_number=id_number_with_check_digit(number_body),
                                phone=f"139{i:08d}", password="Bench@2026!x")
        enrolment_create(course=course, actor=user)
        device = f"bench-device-{i:06d}"
        session = session_start(actor=user, lesson=lesson, device_id=device, user_agent="jineng-bench", ip="127.0.0.1")
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret in the header
        # What POST /api/learning/sessions hands the player, which sends it with every batch.
        token = beat_token_issue(session_id=session.pk, person_id=session.person_id, user_id=user.pk)
        players.append(Player(session_id=session.pk, lesson_id=lesson.pk, device=device, csrf=csrf,
                              cookie=f"sessionid={store.session_key}; csrftoken={csrf}", beat_token=token))
    return players, {"course": course.pk, "lesson": lesson.pk}


def _start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false", "DJANGO_SETTINGS_MODULE": "jineng.settings",
           "DB_CONN_MAX_AGE": "600", "LOG_LEVEL": "ERROR"}
    command = [sys.executable, "-m", "gunicorn", "jineng.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
               "--keep-alive", "30", "--backlog", "2048", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)  # noqa: S603 - fixed argv
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    _stop(process)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _pids(*, session: int | None = None, user: str | None = None) -> list[int]:
    import pwd

    uid = pwd.getpwnam(user).pw_uid if user else None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if session is not None and os.getsid(int(entry.name)) != session:
                continue
            if uid is not None and entry.stat().st_uid != uid:
                continue
        except OSError:
            continue
        found.append(int(entry.name))
    return found


def _cpu_split(gunicorn_pid: int) -> dict[str, float]:
    """CPU seconds used so far by the app server (gunicorn's process group), PostgreSQL and this process."""
    usage = os.times()
    try:
        db = _cpu_seconds(_pids(user="postgres"))
    except KeyError:
        db = 0.0
    return {"app": _cpu_seconds(_pids(session=gunicorn_pid)), "db": db, "client": usage.user + usage.system}


def _batch_body(player: Player, count: int, beat_seconds: float) -> bytes:
    beats = []
    for _ in range(count):
        player.seq += 1
        player.position += beat_seconds
        beats.append({"seq": player.seq, "lesson": player.lesson_id, "position": round(player.position, 2),
                      "rate": 1.0, "visible": True, "focused": True, "dur": beat_seconds})
    return json.dumps({"session": player.session_id, "beats": beats, "device": player.device},
                      separators=(",", ":")).encode()


def _client(port: int, players: list[Player], deadline: float, max_batches: int, beats_per_batch: int,
            beat_seconds: float, duplicate_share: float, totals: ClientTotals, lock: threading.Lock,
            counter: list[int]) -> None:
    rng = random.Random(secrets.randbits(32))
    local = ClientTotals()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = 0
    try:
        while time.monotonic() < deadline:
            with lock:
                if counter[0] >= max_batches:
                    break
                counter[0] += 1
            player = players[index % len(players)]
            index += 1
            duplicate = player.last_body is not None and rng.random() < duplicate_share
            body = player.last_body if duplicate else _batch_body(player, beats_per_batch, beat_seconds)
            headers = {"Content-Type": "application/json", "Cookie": player.cookie, "X-CSRFToken": player.csrf,
                       "X-Beat-Token": player.beat_token, "Connection": "keep-alive"}
            started = time.perf_counter()
            try:
                connection.request("POST", "/api/learning/heartbeats", body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                local.errors.append(f"{type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if not duplicate:  # the player keeps the beats and sends them again, same seqs
                    player.last_body = body
                continue
            local.latencies.append((time.perf_counter() - started) * 1000)
            local.batches += 1
            if response.status != 200:
                local.errors.append(f"HTTP {response.status}: {payload[:200]!r}")
                continue
            accepted = json.loads(payload)["accepted"]
            if duplicate:
                local.duplicates_sent += 1
                local.duplicate_accepted += accepted
            else:
                local.sent_beats += beats_per_batch
            local.accepted += accepted
            player.accepted += accepted
            player.last_body = body
    finally:
        connection.close()
        with lock:
            totals.latencies.extend(local.latencies)
            totals.accepted += local.accepted
            totals.sent_beats += local.sent_beats
            totals.batches += local.batches
            totals.duplicates_sent += local.duplicates_sent
            totals.duplicate_accepted += local.duplicate_accepted
            totals.errors.extend(local.errors)


def _raw_insert_rate(url: str, rows: int, connections: int, seconds: float) -> float:
    """One row per beat, one INSERT + COMMIT each (what a row-per-beat design costs), from parallel connections."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_raw_beats (id bigserial PRIMARY KEY, session_id bigint NOT NULL, "
                     "seq integer NOT NULL, lesson_id bigint NOT NULL, position real, rate real NOT NULL, "
                     "visible boolean NOT NULL, focused boolean NOT NULL, dur real, "
                     "received_at timestamptz NOT NULL DEFAULT now(), UNIQUE (session_id, seq))")
    per_connection = max(1, rows // connections)
    done = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def insert(n: int) -> None:
        count = 0
        with psycopg.connect(url, autocommit=True) as conn:
            for i in range(per_connection):
                if time.monotonic() > deadline:
                    break
                conn.execute("INSERT INTO bench_raw_beats (session_id, seq, lesson_id, position, rate, visible, focused, dur)"
                             " VALUES (%s, %s, %s, %s, 1.0, true, true, 5.0)", (n, i + 1, 1, 5.0 * (i + 1)))
                count += 1
        with lock:
            done[0] += count

    threads = [threading.Thread(target=insert, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return done[0] / elapsed if elapsed else 0.0


def run_heartbeat_bench(*, learners: int = 200, seconds: float | None = None, beats_per_batch: int | None = None,
                        clients: int | None = None, workers: int | None = None, threads: int | None = None,
                        max_batches: int = 200_000, database_url: str | None = None) -> dict:
    url = database_url or os.environ.get("JINENG_BENCH_POSTGRES_URL", DEFAULT_URL)
    seconds = seconds if seconds is not None else float(os.environ.get("JINENG_BENCH_SECONDS", "20"))
    cpus = os.cpu_count() or 2
    # Measured on 2 CPUs: single-threaded workers, two more than CPUs, and as many players posting at
    # once as there are workers plus two give the best rate at a p99 under 100 ms (threads add GIL contention).
    workers = workers or int(os.environ.get("JINENG_BENCH_WORKERS", str(cpus + 2)))
    threads = threads or int(os.environ.get("JINENG_BENCH_THREADS", "1"))
    clients = clients or int(os.environ.get("JINENG_BENCH_CLIENTS", str(workers * threads + 2)))
    if beats_per_batch is None and os.environ.get("JINENG_BENCH_BEATS_PER_BATCH"):
        beats_per_batch = int(os.environ["JINENG_BENCH_BEATS_PER_BATCH"])
    os.environ["DATABASE_URL"] = url
    from jineng.cli import setup_django

    _recreate_database(url)
    _say(f"scratch database {_admin_dsn(url)[1]} created")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from jineng.learning.services import learning_config

    if connection.vendor != "postgresql":
        raise RuntimeError("jineng bench heartbeats needs PostgreSQL (set JINENG_BENCH_POSTGRES_URL)")
    process = None
    try:
        call_command("migrate", verbosity=0)
        cfg = learning_config()
        beat_seconds = cfg.BEAT_SECONDS
        beats_per_batch = beats_per_batch or max(1, round(cfg.BATCH_SECONDS / cfg.BEAT_SECONDS))
        started = time.perf_counter()
        players, _ = _setup_data(learners, beat_seconds)
        _say(f"{learners} learners registered, enrolled and studying (sessions started) in "
             f"{time.perf_counter() - started:.1f} s")
        connection.close()
        port = _free_port()
        process = _start_gunicorn(url, port, workers, threads)
        _say(f"gunicorn on 127.0.0.1:{port}: {workers} workers × {threads} threads; {clients} client threads, "
             f"{beats_per_batch} beats per batch (a beat every {beat_seconds:g} s, a batch every {cfg.BATCH_SECONDS:g} s)")
        shares = [players[i::clients] for i in range(clients)]
        warm = ClientTotals()  # a second of load first: every worker imports and connects before the clock runs
        lock = threading.Lock()
        warm_threads = [threading.Thread(target=_client, args=(port, share, time.monotonic() + 1.5, max_batches,
                                                                beats_per_batch, beat_seconds, 0.0, warm, lock, [0]))
                        for share in shares if share]
        for thread in warm_threads:
            thread.start()
        for thread in warm_threads:
            thread.join()
        totals = ClientTotals()
        counter = [0]
        cpu_before = _cpu_split(process.pid)
        load_started = time.perf_counter()
        deadline = time.monotonic() + seconds
        client_threads = [threading.Thread(target=_client, args=(port, share, deadline, max_batches, beats_per_batch,
                                                                  beat_seconds, 0.02, totals, lock, counter))
                          for share in shares if share]
        for thread in client_threads:
            thread.start()
        for thread in client_threads:
            thread.join()
        elapsed = time.perf_counter() - load_started
        cpu_after = _cpu_split(process.pid)
        cpu_ms = {k: round((cpu_after[k] - cpu_before[k]) * 1000 / max(totals.batches, 1), 2) for k in cpu_before}
        _stop(process)
        process = None

        from django.db.models import Sum

        from jineng.learning.models import BeatBatch, StudySession

        stored_beats = BeatBatch.objects.aggregate(n=Sum("beat_count"))["n"] or 0
        session_beats = StudySession.objects.aggregate(n=Sum("beats_accepted"))["n"] or 0
        by_session = {p.session_id: p for p in players}
        gaps = 0
        for session in StudySession.objects.filter(pk__in=list(by_session)):
            player = by_session[session.pk]
            if player.accepted and session.seen_ranges != [[1, player.accepted]]:
                gaps += 1
        accepted_all = totals.accepted + warm.accepted
        lost = max(0, accepted_all - stored_beats) + max(0, accepted_all - session_beats)
        heartbeats_per_s = totals.accepted / elapsed if elapsed else 0.0
        latencies = sorted(totals.latencies)
        p50 = statistics.median(latencies) if latencies else 0.0
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
        _say(f"load: {totals.batches} batches in {elapsed:.1f} s, {totals.accepted} beats accepted "
             f"({totals.duplicates_sent} repeated batches, {totals.duplicate_accepted} beats of them accepted again), "
             f"{len(totals.errors)} errors")
        _say(f"CPU per batch: app server {cpu_ms['app']} ms, PostgreSQL {cpu_ms['db']} ms, load generator "
             f"{cpu_ms['client']} ms ({cpus} CPUs)")
        _say(f"warm-up before the timed run: {warm.batches} batches, {warm.accepted} beats accepted")
        _say(f"stored: {stored_beats} beats in {BeatBatch.objects.count()} evidence rows; sessions count {session_beats}; "
             f"sessions with a gap in their seq ranges: {gaps}")
        connection.close()
        raw = _raw_insert_rate(url, rows=max(totals.accepted, 1000), connections=clients, seconds=min(seconds, 20))
        _say(f"raw PostgreSQL inserts (one row per beat, one commit each, {clients} connections): {raw:.0f}/s")
        figures = {
            "heartbeats_per_s": round(heartbeats_per_s),
            "p50_ms": round(p50, 1),
            "p99_ms": round(p99, 1),
            "raw_inserts_per_s": round(raw),
            "ratio": round(heartbeats_per_s / raw, 2) if raw else None,
            "lost": lost,
            "batches_per_s": round(totals.batches / elapsed) if elapsed else 0,
            "beats_per_batch": beats_per_batch,
            "learners": learners,
            "clients": clients,
            "workers": workers,
            "threads": threads,
            "seconds": round(elapsed, 1),
            "errors": len(totals.errors),
            "duplicates_accepted": totals.duplicate_accepted,
            "seq_gaps": gaps,
            "cpus": cpus,
            "cpu_ms_per_batch": cpu_ms,
        }
        if totals.errors:
            _say("first errors: " + "; ".join(totals.errors[:3]))
        if lost or totals.duplicate_accepted or gaps:
            raise SystemExit(f"heartbeats lost or counted twice: {json.dumps(figures)}")
        return figures
    finally:
        if process is not None:
            _stop(process)
        from django.db import connections

        connections.close_all()
        if os.environ.get("JINENG_BENCH_KEEP") != "1":
            _recreate_database(url, drop_only=True)
