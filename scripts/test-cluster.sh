#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: its own data folder and port.
# Usage: source scripts/test-cluster.sh   (exports VANTAGE_TEST_DATABASE_URL, defines stop_test_cluster)

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pgbin" ] || { echo "error: PostgreSQL server binaries not found (apt-get install postgresql-15)." >&2; return 1; }

test_pg_dir=$(mktemp -d /tmp/vantage-test-pg.XXXXXX)
chmod 755 "$test_pg_dir"
test_pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres: "$test_pg_dir"
  as_owner=(runuser -u postgres --)
fi

"${as_owner[@]}" "$pgbin/initdb" -D "$test_pg_dir/data" -U vantage -A trust -E UTF8 --locale=C >/dev/null
cat >> "$test_pg_dir/data/postgresql.conf" <<CONF
port = $test_pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$test_pg_dir'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$test_pg_dir/data" -l "$test_pg_dir/postgres.log" -w -t 60 -s start

stop_test_cluster() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$test_pg_dir/data" -m immediate -w -s stop >/dev/null 2>&1 || true
  rm -rf "$test_pg_dir"
}

export VANTAGE_TEST_DATABASE_URL="postgres://vantage@127.0.0.1:$test_pg_port/postgres?sslmode=disable"
echo "test cluster: $VANTAGE_TEST_DATABASE_URL"
