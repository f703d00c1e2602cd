#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the store benchmarks (docs/BENCHMARKS.md, "PostgreSQL store and
# workers"): initdb in DIR, a server on 127.0.0.1:PORT with trust authentication, no system service.
# Unlike the test cluster it keeps PostgreSQL's durable defaults (fsync, synchronous_commit, full page
# writes), so commit times are what a real deployment pays; only memory is raised (shared_buffers 1GB,
# maintenance_work_mem 512MB for the GIN index builds).
#
#   bash tools/Bench/Store/pg-cluster.sh start DIR [PORT]   # prints the --server connection string
#   bash tools/Bench/Store/pg-cluster.sh stop DIR           # stops the server and deletes DIR
#
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root). Binaries come from
# RETRIEVAL_PG_BIN, else /usr/lib/postgresql/15/bin (apt-get install -y postgresql-15).
set -euo pipefail

bin=${RETRIEVAL_PG_BIN:-/usr/lib/postgresql/15/bin}
command=${1:-}
dir=${2:-}
port=${3:-55432}
if [ -z "$command" ] || [ -z "$dir" ]; then
  echo "usage: $0 start DIR [PORT] | stop DIR" >&2
  exit 2
fi

as_server() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
  start)
    [ -x "$bin/initdb" ] || { echo "$bin/initdb not found: apt-get install -y postgresql-15, or set RETRIEVAL_PG_BIN" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_server "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_server "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 120 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c maintenance_work_mem=512MB -c max_connections=200" \
      start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server "$bin/pg_ctl" -D "$dir/data" -w -t 120 -m fast stop >/dev/null
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start DIR [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
