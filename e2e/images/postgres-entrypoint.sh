#!/bin/sh
# Stands in for the postgres image's entrypoint, with Debian's server: on first start, initdb with POSTGRES_USER
# and POSTGRES_PASSWORD, then POSTGRES_DB; every start, the server on every address ("$@" adds flags).
# E2E_HBA_TYPE=hostssl makes a stand-in for a managed server that accepts TLS connections only.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  password_file="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$password_file"
  initdb --pgdata="$PGDATA" --username="$POSTGRES_USER" --pwfile="$password_file" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$password_file"
  echo "${E2E_HBA_TYPE:-host} all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\";" | postgres --single -D "$PGDATA" postgres >/dev/null
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
