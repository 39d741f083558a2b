#!/usr/bin/env bash
# Sets everything up and starts the demo: http://127.0.0.1:8000 on SQLite, with demo data
# for the four seed cities; the demo accounts and passwords are printed on start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/jineng demo "$@"
