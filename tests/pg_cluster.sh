# Sourced by the tests that need a real PostgreSQL and a Freshet server: starts a throwaway
# PostgreSQL cluster on a free port (as the postgres system user when run as root: initdb refuses
# root) and a Freshet server on another, both under one temporary directory removed on exit.
# Sets: dir, pgport, fport, fpid, pgbin, PG_CONNINFO, FRESHET_CONNINFO. PostgreSQL runs with fsync
# off unless PG_FSYNC=on (benchmarks of durable writes). Prints "0 passed, 1 failed" and exits
# 1 when either cannot start.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  echo "PostgreSQL server binaries not found (the Makefile installs postgresql)"
  echo "0 passed, 1 failed"
  exit 1
fi
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
dir=$(mktemp -d /tmp/freshet-pg.XXXXXX)
chmod 755 "$dir"
pgport=$(free_port)
fport=$(free_port)
as_pg() {
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}
mkdir -p "$dir/pg"
[ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
cleanup() {
  as_pg "$pgbin/pg_ctl -D $dir/pg/data -m immediate stop" >/dev/null 2>&1
  [ -n "${fpid:-}" ] && kill "$fpid" 2>/dev/null && wait "$fpid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
as_pg "$pgbin/initdb -D $dir/pg/data -U postgres --auth=trust" > "$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log"; echo "0 passed, 1 failed"; exit 1; }
as_pg "$pgbin/pg_ctl -D $dir/pg/data -l $dir/pg/log -w -o '-p $pgport -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-off}' start" > /dev/null 2>&1 || {
  cat "$dir/pg/log" 2>/dev/null; echo "0 passed, 1 failed"; exit 1; }
"$build/freshet" --data-dir "$dir/freshet" --port "$fport" > "$dir/freshet.log" 2>&1 &
fpid=$!
for _ in $(seq 100); do
  psql -h 127.0.0.1 -p "$fport" -U freshet -Atqc 'select 1' >/dev/null 2>&1 && break
  sleep 0.1
done
PG_CONNINFO="host=127.0.0.1 port=$pgport user=postgres dbname=postgres"
FRESHET_CONNINFO="host=127.0.0.1 port=$fport user=freshet dbname=freshet"
