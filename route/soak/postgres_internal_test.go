package soak

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/route/routepg"
)

// PostgresJournal opens a fresh journal table in the PostgreSQL at PAYGATE_POSTGRES_URL (which
// .ci/run sets) for a soak test, dropped when the test ends, or skips the test without a server
// (fails it when PAYGATE_REQUIRE_POSTGRES=1). The table's name starts with prefix. Exported for the
// external soak tests; it is test code only.
func PostgresJournal(t *testing.T, prefix string) *routepg.Store {
	t.Helper()
	url := os.Getenv("PAYGATE_POSTGRES_URL")
	if url == "" {
		if os.Getenv("PAYGATE_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PAYGATE_REQUIRE_POSTGRES=1 but PAYGATE_POSTGRES_URL is empty")
		}
		t.Skip("set PAYGATE_POSTGRES_URL=postgres://user@127.0.0.1:5432/db?sslmode=disable (or run scripts/postgres-dev) to soak the PostgreSQL journal")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	table := prefix + strconv.FormatInt(time.Now().UnixNano(), 36)
	store, err := routepg.Open(ctx, url, routepg.Options{Table: table})
	require.NoError(t, err)
	t.Cleanup(func() {
		pool, err := pgxpool.New(context.Background(), url)
		if err == nil {
			_, _ = pool.Exec(context.Background(), "DROP TABLE IF EXISTS "+pgx.Identifier{table}.Sanitize())
			pool.Close()
		}
		store.Close()
	})
	return store
}
