#!/bin/bash
# Entrypoint of the bench's offline PostgreSQL image (test/stack/postgresImage.mjs). It keeps the
# contract of the official postgres image that generated compose files rely on:
#   POSTGRES_USER (default postgres), POSTGRES_PASSWORD, POSTGRES_DB (default: the user),
#   POSTGRES_HOST_AUTH_METHOD (default scram-sha-256 for connections from other hosts),
#   PGDATA (default /var/lib/postgresql/data).
# An empty data directory gets a new cluster, made while the server listens on its socket only,
# so `pg_isready -h 127.0.0.1` answers only once the real server accepts TCP connections.
set -Eeuo pipefail

# `docker run IMAGE -c key=value` passes server options, as with the official image.
if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi
if [ "$1" != postgres ]; then
  exec "$@"
fi

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
POSTGRES_USER="${POSTGRES_USER:-postgres}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"

# As root: give the data and socket directories to postgres, then run this script again as postgres.
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

if [ -s "$PGDATA/PG_VERSION" ]; then
  echo "postgres-entrypoint: $PGDATA already holds a cluster; starting it."
else
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo "postgres-entrypoint: the data directory is empty and POSTGRES_PASSWORD is not set." >&2
    echo "Set POSTGRES_PASSWORD, or POSTGRES_HOST_AUTH_METHOD=trust to accept every connection without one." >&2
    exit 1
  fi

  echo "postgres-entrypoint: creating a cluster in $PGDATA for user $POSTGRES_USER"
  # initdb trusts connections over the socket and from loopback, as in the official image.
  if [ -n "$POSTGRES_PASSWORD" ]; then
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD")
  else
    initdb --username="$POSTGRES_USER"
  fi
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >> "$PGDATA/pg_hba.conf"

  # A temporary server on the socket only: nothing over TCP can see a half-made cluster.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
  if [ "$POSTGRES_DB" != postgres ]; then
    exists="$(psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres --no-password --tuples-only --no-align \
      --set db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")"
    if [ -z "$exists" ]; then
      psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres --no-password \
        --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop
  echo "postgres-entrypoint: cluster ready; starting the server."
fi

# The server replaces this script as PID 1 and gets the container's stop signal; it listens on
# every interface (listen_addresses = '*' in the configuration that initdb wrote).
exec "$@"
