#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 for the gradebook tests and print its URL.
#   scripts/start-postgres.sh [PORT]      (as root; the cluster runs as the postgres user)
# Idempotent: a cluster already answering on PORT is reused. Stop it with
#   runuser -u postgres -- pg_ctl -D /tmp/ocop-postgres-PORT/data stop
set -euo pipefail
port=${1:-54329}
dir=/tmp/ocop-postgres-$port
url="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
if pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; then
    echo "$url"
    exit 0
fi
id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /usr/sbin/nologin postgres
rm -rf "$dir"
mkdir -p "$dir"
chown postgres "$dir"
runuser -u postgres -- initdb -D "$dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- pg_ctl -D "$dir/data" -l "$dir/server.log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" -w start >/dev/null
echo "$url"
