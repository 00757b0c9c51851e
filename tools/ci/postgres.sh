# Sourced by .ci/run (bash). Installs Debian's PostgreSQL server when it is missing, starts a throwaway cluster
# on 127.0.0.1 for the database-engine tests (test/postgres), exports TEST_POSTGRES_URL, and stops the cluster
# and deletes its files when the calling shell exits, whether the tests passed or not.

postgres_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

postgres_server_bin() {
  find /usr/lib/postgresql -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1
}

# initdb refuses to run as root: as root, the cluster belongs to the `postgres` user the package creates.
postgres_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_stop() {
  if [ -n "${POSTGRES_TEST_DIR:-}" ] && [ -d "$POSTGRES_TEST_DIR" ]; then
    postgres_as_owner "$(postgres_server_bin)/pg_ctl" -D "$POSTGRES_TEST_DIR/data" stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_TEST_DIR"
  fi
}

postgres_start() {
  if [ -z "$(postgres_server_bin)" ]; then
    postgres_as_root apt-get update
    postgres_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql
  fi
  local bin port password
  bin="$(postgres_server_bin)"
  POSTGRES_TEST_DIR="$(mktemp -d)"
  trap postgres_stop EXIT
  # Without these, a signal would end the shell without running the EXIT trap.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [ "$(id -u)" -ne 0 ] || chown postgres: "$POSTGRES_TEST_DIR"
  port="$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')"
  password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" > "$POSTGRES_TEST_DIR/superuser-password"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$POSTGRES_TEST_DIR/superuser-password"
  # Password (SCRAM) authentication everywhere, as in production: VALID UNTIL only applies to password logins.
  postgres_as_owner "$bin/initdb" -D "$POSTGRES_TEST_DIR/data" -U postgres --auth=scram-sha-256 \
    --pwfile="$POSTGRES_TEST_DIR/superuser-password" --no-sync >/dev/null
  # Durability is worthless for a throwaway cluster; skipping it keeps the suite fast.
  postgres_as_owner "$bin/pg_ctl" -D "$POSTGRES_TEST_DIR/data" -l "$POSTGRES_TEST_DIR/server.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$POSTGRES_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  # secretlint-disable-next-line -- $password is the throwaway server's generated password, not a literal
  export TEST_POSTGRES_URL="postgresql://postgres:$password@127.0.0.1:$port/postgres"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests on 127.0.0.1:$port"
}

postgres_start
