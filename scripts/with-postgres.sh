#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster, exporting QINGSHAN_TEST_POSTGRES_URL.
# The suite then runs every database test on both SQLite and PostgreSQL. Where that PostgreSQL has
# PostGIS (postgresql-$MAJOR-postgis-3, see system-deps.sh) it also exports QINGSHAN_TEST_POSTGIS=1:
# the databases the tests migrate get the extension, and the spatial tests (fixture gis_engine)
# run on PostgreSQL without it (a database migrated with qingshan.postgis = off) and with it.
# Without PostgreSQL binaries (or with QINGSHAN_TEST_POSTGRES_URL already set) the command runs as is.
set -euo pipefail
if [[ -n "${QINGSHAN_TEST_POSTGRES_URL:-}" ]]; then exec "$@"; fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
  echo "with-postgres: no PostgreSQL binaries found; tests run on SQLite only" >&2
  exec "$@"
fi
PORT=${QINGSHAN_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/qingshan-pg.XXXXXX)
chmod 755 "$DIR"
as_pg() { if [[ $(id -u) == 0 ]]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[[ $(id -u) == 0 ]] && chown postgres "$DIR"
as_pg "$PGBIN/initdb -D $DIR/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$DIR/initdb.log"
as_pg "$PGBIN/pg_ctl -D $DIR/data -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off' -l $DIR/pg.log -w start >/dev/null"
cleanup() { as_pg "$PGBIN/pg_ctl -D $DIR/data -m immediate stop >/dev/null" || true; rm -rf "$DIR"; }
trap cleanup EXIT
as_pg "$PGBIN/createdb -h 127.0.0.1 -p $PORT -U postgres qingshan_test"
export QINGSHAN_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/qingshan_test"
MAJOR=$(basename "$(dirname "$PGBIN")")
if [[ -f /usr/share/postgresql/$MAJOR/extension/postgis.control ]]; then
  export QINGSHAN_TEST_POSTGIS=1
else
  echo "with-postgres: no PostGIS for PostgreSQL $MAJOR; spatial tests run without it" >&2
fi
echo "with-postgres: PostgreSQL on port $PORT" >&2
"$@"
