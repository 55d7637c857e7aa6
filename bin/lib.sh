# Shared by bin/dev, bin/test and .ci/run: the virtualenv and the local services.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
VAR="$ROOT/var"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mError:\033[0m %s\n' "$*" >&2; exit 1; }

find_python() {
  local candidate
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 14))' 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  die "Python 3.11 or newer is needed (python3.11 not found). Debian/Ubuntu: apt-get install python3 python3-venv"
}

# A ready virtualenv: dependencies installed and the translations compiled.
ensure_venv() {
  install_dependencies
  compile_translations
}

# Create .venv and install the pinned dependencies; again only when the requirement files change.
install_dependencies() {
  local stamp="$VENV/.vakt-installed" want
  want="$(cat requirements.txt requirements-dev.txt constraints.txt | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating the virtualenv in .venv"
    "$(find_python)" -m venv "$VENV" || die "could not create .venv (Debian/Ubuntu: apt-get install python3-venv)"
  fi
  # pdqhash (the hash bank's perceptual hash) is published as source only: pip compiles it.
  command -v g++ >/dev/null 2>&1 || die "installing the dependencies needs a C++ compiler for pdqhash: sudo apt-get install g++"
  say "Installing dependencies (pinned in constraints.txt; the first time takes a few minutes)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  # One line per package, so a long first install shows it is moving.
  "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
    -r requirements-dev.txt -c constraints.txt | show_collected
  echo "$want" >"$stamp"
}

# pip's "Collecting django==5.2 (from …)" lines as "  django==5.2"; its errors go to stderr.
show_collected() {
  local line
  while IFS= read -r line; do
    case "$line" in
      Collecting\ *) line="${line#Collecting }"; echo "  ${line%% *}" ;;
    esac
  done
}

# What the whole test suite needs beyond Python, checked before anything is installed: a
# missing browser would otherwise show up as errors at the end of a long run.
check_test_tools() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # The local text reader's OpenCV links libGL and GLib (tests/test_image_text*.py).
  ldconfig -p | grep 'libGL\.so\.1' >/dev/null || missing+=(libgl1)
  ldconfig -p | grep 'libglib-2\.0\.so\.0' >/dev/null || missing+=(libglib2.0-0)
  command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  [ ${#missing[@]} -eq 0 ] && return 0
  die "the browser, translation, proxy and image-text tests need ${missing[*]}: sudo apt-get install ${missing[*]}
  (or run part of the suite, e.g. ./bin/test --ignore tests/browser)"
}

# Compile the translation catalogs (locale/*/LC_MESSAGES/*.po → .mo; the .mo files are build
# output, never committed), but only when one is missing or older than its .po: a run with
# nothing changed does not even start Python.
compile_translations() {
  local po stale=""
  for po in "$ROOT"/locale/*/LC_MESSAGES/*.po; do
    [ -e "$po" ] || continue
    if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
      stale=1
    fi
  done
  [ -n "$stale" ] || return 0
  say "Compiling translations"
  "$VENV/bin/python" manage.py compiletranslations
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_port() {
  local i
  for i in $(seq 1 50); do
    port_open "$1" "$2" && return 0
    sleep 0.2
  done
  return 1
}

# Redis on 127.0.0.1:6379, unless CELERY_BROKER_URL points elsewhere.
# Prints nothing and returns 0 if it runs; returns 1 if it is installed but stopped.
redis_running() {
  [ -n "${CELERY_BROKER_URL:-}" ] && return 0
  port_open 127.0.0.1 6379
}

redis_missing_help() {
  die "Redis is not installed and nothing listens on 127.0.0.1:6379.
  Debian/Ubuntu:  sudo apt-get install redis-server
  macOS:          brew install redis
  Docker:         docker run -d -p 6379:6379 redis:7
  or point CELERY_BROKER_URL at a Redis you have, then run this again."
}

start_redis_daemon() {
  redis_running && return
  command -v redis-server >/dev/null 2>&1 || redis_missing_help
  say "Starting Redis on 127.0.0.1:6379"
  mkdir -p "$VAR"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$VAR" --logfile "$VAR/redis.log"
  wait_port 127.0.0.1 6379 || die "Redis did not start; see var/redis.log"
}

# PostgreSQL on 127.0.0.1:5432 for the test suite, unless DATABASE_URL says otherwise.
start_postgres() {
  [ -n "${DATABASE_URL:-}" ] && return
  port_open 127.0.0.1 5432 && return
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    say "Starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
    wait_port 127.0.0.1 5432 || die "PostgreSQL did not start"
    return
  fi
  die "The tests need PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) or DATABASE_URL.
  Debian/Ubuntu:  sudo apt-get install postgresql
  Docker:         docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:15"
}
