# stripe-mock (Stripe's own API mock, which checks every request against Stripe's OpenAPI spec) on
# loopback for the Stripe adapter's wire check. Sourced by .ci/run and scripts/stripe-mock-dev; it
# defines functions and changes nothing until one is called.
#
#   stripe_mock_start  installs stripe-mock $STRIPE_MOCK_VERSION with `go install` into .ci/bin (the
#                      module and build caches keep it), starts it on 127.0.0.1 at a port the system
#                      chooses, with -strict-version-check (so a request pinned to another API version
#                      than the spec's fails), waits until it answers, and exports PAYGATE_STRIPE_MOCK_URL.
#   stripe_mock_stop   stops it; safe to call twice or after a failed start.

STRIPE_MOCK_VERSION=v0.203.0 # its spec is Stripe API 2026-08-26.dahlia, the version the adapter pins

stripe_mock_start() {
  local root tools log addr
  root=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
  tools="$root/.ci/bin"
  GOBIN="$tools" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  PAYGATE_STRIPE_MOCK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/paygate-stripe-mock.XXXXXX")
  log="$PAYGATE_STRIPE_MOCK_DIR/log"
  "$tools/stripe-mock" -http-addr 127.0.0.1: -strict-version-check >"$log" 2>&1 &
  PAYGATE_STRIPE_MOCK_PID=$!
  # It logs "Listening for HTTP at address: 127.0.0.1:PORT" once the spec is loaded (1–2 s).
  for _ in $(seq 1 300); do
    addr=$(sed -n 's/.*Listening for HTTP at address: *\([0-9.]*:[0-9]*\).*/\1/p' "$log" | head -n 1)
    if [ -n "$addr" ]; then break; fi
    if ! kill -0 "$PAYGATE_STRIPE_MOCK_PID" 2>/dev/null; then
      echo "stripe-mock exited:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  if [ -z "$addr" ]; then
    echo "stripe-mock did not report its address within 30 s:" >&2
    cat "$log" >&2
    return 1
  fi
  export PAYGATE_STRIPE_MOCK_URL="http://$addr"
  echo "stripe-mock $STRIPE_MOCK_VERSION at $PAYGATE_STRIPE_MOCK_URL"
}

stripe_mock_stop() {
  if [ -n "${PAYGATE_STRIPE_MOCK_PID:-}" ]; then
    kill "$PAYGATE_STRIPE_MOCK_PID" 2>/dev/null || true
    wait "$PAYGATE_STRIPE_MOCK_PID" 2>/dev/null || true
    PAYGATE_STRIPE_MOCK_PID=
  fi
  if [ -n "${PAYGATE_STRIPE_MOCK_DIR:-}" ]; then
    rm -rf "$PAYGATE_STRIPE_MOCK_DIR"
    PAYGATE_STRIPE_MOCK_DIR=
  fi
}
