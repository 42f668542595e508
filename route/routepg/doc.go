// Package routepg is a route.Store in PostgreSQL: the router's journal of which provider owns every
// payment, refund and capture, shared by every machine that runs the checkout, and kept across crashes.
//
// # Use
//
//	store, err := routepg.Open(ctx, os.Getenv("DATABASE_URL"), routepg.Options{})
//	if err != nil { ... }
//	defer store.Close()
//
// Open creates a pgxpool.Pool, checks the connection and runs Migrate. A service that already has a
// pool passes it to New and runs Migrate itself (at start-up; it is idempotent and safe to run from
// several machines at once).
//
// # Schema
//
// One table (Options.Table, default paygate_route_journal, found through the search_path), one row per
// entry, primary key (kind, request_id):
//
//	kind, request_id, provider, provider_id,         text
//	payment_request_id, provider_payment_id,         text
//	amount_value     text   the amount as exact decimal text in its currency's digits ("10.50", "1000",
//	amount_currency  text   "1.234") and its ISO 4217 code; both NULL for the zero Amount. Never a float.
//	open, outcome, code, status                      text, '' when unset
//	tried            text[] in order
//	refund           jsonb  the RefundRequest as encoding/json writes it (amounts as strings), or NULL
//	capture          jsonb  the CaptureRequest of a capture entry, the same way, or NULL
//	version          bigint the entry's Version
//	created_at, updated_at                           timestamptz (PostgreSQL keeps microseconds)
//	lease_owner text, lease_until timestamptz        the lease ('' and NULL when none is held)
//
// with an index on (kind, provider_id) for FindByProviderID, and a partial index on (updated_at) of the
// rows whose open is not empty for Unresolved, which therefore reads only the open entries.
//
// Put is compare-and-swap on version: Version 0 inserts with ON CONFLICT DO NOTHING, any other Version
// updates WHERE version = Version; no row written means route.ErrConflict. A Put returns after
// PostgreSQL has committed it, so it is as durable as the server's settings make a commit
// (synchronous_commit on, the default). An error other than ErrConflict, such as a connection lost
// while the commit was under way, does not prove that nothing was written: read the entry again.
//
// Text columns cannot hold NUL bytes or invalid UTF-8 (in a UTF8 database), and a provider_id longer
// than about 2,700 bytes does not fit the index; such entries fail to Put with the server's error.
//
// # Tests
//
// The tests run the shared suite (route/storetest) against a real server, each case in a table of its
// own that is dropped afterwards. They need PAYGATE_POSTGRES_URL and skip without it:
//
//	PAYGATE_POSTGRES_URL='postgres://user@127.0.0.1:5432/db?sslmode=disable' go test ./route/routepg/
//
// scripts/postgres-dev starts a throwaway local server for them (as .ci/run does, where
// PAYGATE_REQUIRE_POSTGRES=1 turns the skip into a failure):
//
//	scripts/postgres-dev go test -race -v ./route/routepg/
package routepg
