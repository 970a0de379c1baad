#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on loopback only.
#
#   eval "$(scripts/postgres.sh start)"   initdb into a new temporary directory, start the
#                                          server on 127.0.0.1 and a free port, and print
#                                          MICROCRED_TEST_POSTGRES (the DSN the tests read)
#                                          and MICROCRED_PG_DIR (what stop removes)
#   scripts/postgres.sh stop              stop the server of $MICROCRED_PG_DIR, remove it
#   scripts/postgres.sh env               print the exports again
#
# PostgreSQL comes from the OS packages: if no server binaries are found it
# runs apt-get install -y postgresql (Debian/Ubuntu). The server never runs as
# root: as root the script runs it as the 'postgres' user the package creates
# (runuser), and refuses if there is none. Authentication is 'trust', which is
# why it listens on 127.0.0.1 and a socket in its own directory only.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"; return 0
  fi
  return 1
}

# as_pg runs a command as the server's user.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin
  if ! bin=$(find_bin); then
    if [ "$(id -u)" != 0 ]; then
      log "no PostgreSQL server binaries found, and not root to install them: apt-get install postgresql"; exit 1
    fi
    log "no PostgreSQL server found: installing it from the OS packages (apt-get install -y postgresql)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin) || { log "apt-get install postgresql installed no pg_ctl"; exit 1; }
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "running as root and there is no 'postgres' user to run the server as: refusing to run PostgreSQL as root"; exit 1
  fi
  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/microcred-pg.XXXXXX")
  chmod 0755 "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  # A free port: ask the kernel, then let the server take it.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000)))
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -h 127.0.0.1 -p $port -c max_connections=200" start >&2 ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "$bin" >"$dir/bin"
  echo "$port" >"$dir/port"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
  print_env "$dir"
}

print_env() {
  local dir=$1
  echo "export MICROCRED_PG_DIR='$dir'"
  echo "export MICROCRED_TEST_POSTGRES='postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres?sslmode=disable'"
}

stop() {
  local dir=${MICROCRED_PG_DIR:-}
  [ -n "$dir" ] && [ -f "$dir/bin" ] || { log "stop: MICROCRED_PG_DIR names no server of this script"; exit 1; }
  as_pg "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env "${MICROCRED_PG_DIR:?MICROCRED_PG_DIR is not set}" ;;
  *) echo "usage: scripts/postgres.sh start|stop|env" >&2; exit 2 ;;
esac
