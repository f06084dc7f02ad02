#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the test suite (unattended, as root) and print its URL.
# fsync=off: test data only. Usage: eval "$(bash .ci/postgres.sh)"
set -euo pipefail
PORT=${PGPORT_TEST:-55433}
D=${PGDIR_TEST:-/tmp/pgci}
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if ! "$PGBIN/pg_isready" -h 127.0.0.1 -p "$PORT" -q; then
  rm -rf "$D"; mkdir -p "$D"; chown postgres:postgres "$D"
  su postgres -c "$PGBIN/initdb -D $D/data -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync" >&2
  su postgres -c "$PGBIN/pg_ctl -D $D/data -l $D/server.log -o '-p $PORT -k $D -c listen_addresses=127.0.0.1 -c fsync=off' -w start" >&2
  psql -h 127.0.0.1 -p "$PORT" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE survey LOGIN PASSWORD 'survey'" -c "CREATE DATABASE survey OWNER survey" >&2
fi
echo "export BRUKARENKAT_TEST_POSTGRES_URL=postgresql+asyncpg://survey:survey@127.0.0.1:$PORT/survey"
