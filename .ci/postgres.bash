# A throwaway PostgreSQL server on loopback for the routepg tests. Sourced by .ci/run and
# scripts/postgres-dev; it defines functions and changes nothing until one is called.
#
#   postgres_start  installs PostgreSQL from the Debian packages if no server binaries are found,
#                   initialises a cluster in a fresh temporary directory (trust auth, user paygate),
#                   starts it on 127.0.0.1 at a free port with its socket inside that directory, and
#                   exports PAYGATE_POSTGRES_URL.
#   postgres_stop   stops the server and removes the directory; safe to call twice or after a failed start.
#
# The cluster runs with fsync off: it is deleted at exit, so crash safety would only cost time.

# postgres_bindir prints the bin directory of the newest installed server, or nothing. It looks only in
# the Debian layout, not on PATH, so a stray initdb elsewhere is never picked up.
postgres_bindir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -n "$initdb" ]; then dirname "$initdb"; fi
}

# postgres_as runs a command as the user that owns the cluster: postgres refuses to run as root.
postgres_as() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_start() {
  local bindir
  bindir=$(postgres_bindir)
  if [ -z "$bindir" ]; then
    echo "PostgreSQL is not installed; installing it from the Debian packages"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bindir=$(postgres_bindir)
    if [ -z "$bindir" ]; then
      echo "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb found" >&2
      return 1
    fi
  fi

  # As root the cluster belongs to the postgres user the package creates, so the directory must be one
  # that user can reach: /tmp, whatever TMPDIR says.
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "running as root, but there is no postgres user to run the server as" >&2
      return 1
    fi
    PAYGATE_PG_DIR=$(mktemp -d /tmp/paygate-pg.XXXXXX)
    chown postgres: "$PAYGATE_PG_DIR"
  else
    PAYGATE_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/paygate-pg.XXXXXX")
  fi
  PAYGATE_PG_BIN=$bindir

  # UTF8 whatever the machine's locale: jsonb refuses \u escapes above 0x7F in a SQL_ASCII database.
  postgres_as "$bindir/initdb" -D "$PAYGATE_PG_DIR/data" --auth=trust -U paygate \
    --encoding=UTF8 --no-locale --no-sync >"$PAYGATE_PG_DIR/initdb.log" 2>&1 || {
    cat "$PAYGATE_PG_DIR/initdb.log" >&2
    return 1
  }

  # A random port in a range few services use; one that is taken is skipped, and a bind that fails
  # anyway (a race with another process) is retried on another port.
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      continue # something listens there
    fi
    if postgres_as "$bindir/pg_ctl" -D "$PAYGATE_PG_DIR/data" -l "$PAYGATE_PG_DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$PAYGATE_PG_DIR -c fsync=off -c full_page_writes=off" \
      start >/dev/null; then
      PAYGATE_PG_PORT=$port
      export PAYGATE_POSTGRES_URL="postgres://paygate@127.0.0.1:$port/postgres?sslmode=disable"
      echo "PostgreSQL: $("$bindir/psql" "$PAYGATE_POSTGRES_URL" -Atc 'SELECT version()')"
      echo "PAYGATE_POSTGRES_URL=$PAYGATE_POSTGRES_URL"
      return 0
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt); its log:" >&2
    cat "$PAYGATE_PG_DIR/server.log" >&2 || true
  done
  return 1
}

postgres_stop() {
  if [ -n "${PAYGATE_PG_DIR:-}" ] && [ -d "$PAYGATE_PG_DIR" ]; then
    if [ -f "$PAYGATE_PG_DIR/data/postmaster.pid" ]; then
      # immediate: nothing in this cluster is worth a clean shutdown
      postgres_as "$PAYGATE_PG_BIN/pg_ctl" -D "$PAYGATE_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PAYGATE_PG_DIR"
  fi
  PAYGATE_PG_DIR=
}
