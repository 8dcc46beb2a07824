#!/usr/bin/env bash
# Run a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL, when one can be had.
#
#   tests/postgres.sh .venv/bin/python -m pytest -q
#
# - TEST_DATABASE_URL already set: use that server, start nothing.
# - Else, if Debian's PostgreSQL binaries exist (/usr/lib/postgresql/*/bin/initdb): create a
#   cluster in a temporary folder, start it on a free loopback port (no TCP outside 127.0.0.1,
#   socket in the temp folder), run the command, then stop the server and delete the folder.
#   initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
# - Else: say clearly that the PostgreSQL variants will be skipped, and run the command.
set -uo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

say() { echo "postgres.sh: $*" >&2; }

if [ -n "${TEST_DATABASE_URL:-}" ]; then
    say "using TEST_DATABASE_URL from the environment"
    exec "$@"
fi

initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
if [ -z "$initdb" ]; then
    say "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb):"
    say "the PostgreSQL variants of the store tests are SKIPPED (SQLite ones still run)."
    say "Install it with: apt-get install -y postgresql"
    exec "$@"
fi
bindir=$(dirname "$initdb")

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        say "running as root and no 'postgres' user to own a cluster: PostgreSQL tests SKIPPED"
        exec "$@"
    fi
    if command -v runuser >/dev/null 2>&1; then
        as_owner=(runuser -u postgres --)
    else
        as_owner=(su postgres -s /bin/sh -c)
    fi
fi

run_owner() {
    # Run a command as the cluster's owner, from a folder it can read.
    if [ "${#as_owner[@]}" -eq 0 ]; then
        (cd "$tmp" && "$@")
    elif [ "${as_owner[0]}" = "runuser" ]; then
        (cd "$tmp" && "${as_owner[@]}" "$@")
    else
        (cd "$tmp" && "${as_owner[@]}" "$(printf '%q ' "$@")")
    fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deepread-pg.XXXXXX")
data="$tmp/data"
log="$tmp/server.log"
[ "${#as_owner[@]}" -gt 0 ] && chown postgres "$tmp"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
    run_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if ! run_owner "$bindir/initdb" -D "$data" -U deepread -A trust -E UTF8 --no-locale >"$tmp/initdb.log" 2>&1; then
    say "initdb failed: PostgreSQL tests SKIPPED. Log:"
    sed 's/^/  /' "$tmp/initdb.log" >&2
    "$@"
    exit $?
fi
opts="-c listen_addresses=127.0.0.1 -p $port -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
if ! run_owner "$bindir/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 30 start >/dev/null; then
    say "PostgreSQL did not start: PostgreSQL tests SKIPPED. Log:"
    sed 's/^/  /' "$log" >&2
    "$@"
    exit $?
fi
if ! run_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U deepread deepread_test; then
    say "createdb failed: PostgreSQL tests SKIPPED"
    "$@"
    exit $?
fi

export TEST_DATABASE_URL="postgresql+asyncpg://deepread@127.0.0.1:$port/deepread_test"
say "throwaway PostgreSQL $(basename "$(dirname "$bindir")") on 127.0.0.1:$port (stopped at exit)"
"$@"
status=$?
exit $status
