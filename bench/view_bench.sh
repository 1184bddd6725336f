#!/usr/bin/env bash
# Runs freshet-bench-views against a fresh Freshet server and a throwaway PostgreSQL cluster
# (started as the postgres system user when run as root), then stops both.
# Usage: bench/view_bench.sh [BUILD_DIR] [SIZES]   e.g. bench/view_bench.sh build 10000,1000000
set -uo pipefail
build=${1:-build}
sizes=${2:-10000,100000,1000000,10000000}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d /tmp/freshet-viewbench.XXXXXX)
chmod 755 "$dir"
pgport=$(free_port)
fport=$(free_port)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
mkdir -p "$dir/pg"
[ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
cleanup() {
  as_pg "$pgbin/pg_ctl -D $dir/pg/data -m immediate stop" >/dev/null 2>&1
  [ -n "${fpid:-}" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$pgbin/initdb -D $dir/pg/data -U postgres --auth=trust" > "$dir/initdb.log" 2>&1 || exit 1
as_pg "$pgbin/pg_ctl -D $dir/pg/data -l $dir/pg/log -w -o '-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1' start" > /dev/null 2>&1 || exit 1
"$build/freshet" --data-dir "$dir/freshet" --port "$fport" > "$dir/freshet.log" 2>&1 &
fpid=$!
for _ in $(seq 100); do
  psql -h 127.0.0.1 -p "$fport" -U freshet -Atqc 'select 1' >/dev/null 2>&1 && break
  sleep 0.1
done
"$build/freshet-bench-views" --freshet "host=127.0.0.1 port=$fport user=freshet dbname=freshet" \
  --postgres "host=127.0.0.1 port=$pgport user=postgres dbname=postgres" --sizes "$sizes"
echo "freshet peak RSS: $(grep VmHWM /proc/$fpid/status | awk '{print $2 / 1024 " MB"}')"
