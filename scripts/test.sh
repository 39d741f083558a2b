#!/usr/bin/env bash
# Sets everything up and runs the whole suite: lint, architecture contracts, then every
# test (browser tests included) on SQLite, and again on PostgreSQL at 127.0.0.1:5432.
# Under CI (CI=true) PostgreSQL must be reachable; elsewhere it is skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

export PATH="$PWD/.venv/bin:$PATH"
say() { printf '\n\033[1m[test]\033[0m %s\n' "$*"; }

say "ruff"
ruff check jineng conftest.py
say "import contracts"
lint-imports --no-cache
say "policy cases in ../shared/policy-cases (if present)"
if ls ../shared/policy-cases/*.yaml >/dev/null 2>&1; then
  jineng policy test ../shared/policy-cases/*.yaml
fi

say "pytest on SQLite"
env -u DATABASE_URL pytest -q -p no:cacheprovider "$@"

PG_URL=${JINENG_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/jineng}
if python - "$PG_URL" <<'PY'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable: {exc}")
    sys.exit(1)
PY
then
  # Production's parts together: PostgreSQL, and Redis for the cache and sessions when it answers.
  REDIS_TEST_URL=${JINENG_TEST_REDIS_URL:-redis://127.0.0.1:6379/14}
  if python -c "import redis, sys; redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()" "$REDIS_TEST_URL" 2>/dev/null; then
    export REDIS_URL="$REDIS_TEST_URL" JINENG_CACHE_PREFIX="jineng-test-$$"
    say "pytest on PostgreSQL ($PG_URL) with sessions in Redis ($REDIS_URL)"
  else
    say "pytest on PostgreSQL ($PG_URL); Redis not reachable: database sessions"
  fi
  DATABASE_URL="$PG_URL" pytest -q -p no:cacheprovider --create-db "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI 必须连接 PostgreSQL (CI must reach PostgreSQL at $PG_URL)"
  exit 1
else
  say "PostgreSQL not reachable: skipped (CI requires it)"
fi
