package routepg_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/routepg"
	"github.com/paygate-go/paygate/route/storetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// postgresURL returns the test server's URL. Without one the test skips, or fails when
// PAYGATE_REQUIRE_POSTGRES=1 (CI), so that a misconfigured CI cannot pass by skipping.
func postgresURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("PAYGATE_POSTGRES_URL")
	if url != "" {
		return url
	}
	const how = "set PAYGATE_POSTGRES_URL=postgres://user@127.0.0.1:5432/db?sslmode=disable " +
		"(any database the user may create tables in), or run: scripts/postgres-dev go test ./route/routepg/"
	if os.Getenv("PAYGATE_REQUIRE_POSTGRES") == "1" {
		t.Fatal("PAYGATE_REQUIRE_POSTGRES=1 but PAYGATE_POSTGRES_URL is empty: " + how)
	}
	t.Skip("PostgreSQL tests skipped: " + how)
	return ""
}

// connect returns a pool on the test server, closed when t ends.
func connect(t *testing.T) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(postgresURL(t))
	require.NoError(t, err, "PAYGATE_POSTGRES_URL")
	cfg.MaxConns = 8 // the concurrency cases run 32 goroutines; they may queue for connections
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	require.NoError(t, pool.Ping(t.Context()), "connect to PAYGATE_POSTGRES_URL")
	return pool
}

// freshTable returns a table name no other test uses, and drops that table when t ends.
func freshTable(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "paygate_route_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		// t.Context() is already cancelled while cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := pool.Exec(ctx, "DROP TABLE IF EXISTS "+pgx.Identifier{name}.Sanitize())
		assert.NoError(t, err, "drop table %s", name)
	})
	return name
}

// newStore returns a migrated Store on a fresh table.
func newStore(t *testing.T, pool *pgxpool.Pool) (*routepg.Store, string) {
	t.Helper()
	name := freshTable(t, pool)
	s, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	return s, name
}

func TestStore(t *testing.T) {
	pool := connect(t)
	storetest.Run(t, func(t *testing.T) route.Store {
		s, _ := newStore(t, pool)
		return s
	})
}

// Two routers, each with a Store on its own connection pool, on one table: two machines on one journal.
func TestStoreShared(t *testing.T) {
	pool1, pool2 := connect(t), connect(t)
	storetest.RunShared(t, func(t *testing.T) (route.Store, route.Store) {
		s1, name := newStore(t, pool1)
		s2, err := routepg.New(pool2, routepg.Options{Table: name})
		require.NoError(t, err)
		require.NoError(t, s2.Migrate(t.Context()))
		return s1, s2
	})
}

// A table made before leases existed gains their columns, and its rows read back without a lease.
func TestMigrateAddsTheLease(t *testing.T) {
	pool := connect(t)
	name := freshTable(t, pool)
	tbl := pgx.Identifier{name}.Sanitize()
	_, err := pool.Exec(t.Context(), `CREATE TABLE `+tbl+` (
		kind text NOT NULL, request_id text NOT NULL, provider text NOT NULL, provider_id text NOT NULL,
		payment_request_id text NOT NULL, provider_payment_id text NOT NULL,
		amount_value text CHECK (amount_value ~ '^-?[0-9]+([.][0-9]+)?$'), amount_currency text,
		open text NOT NULL, outcome text NOT NULL, code text NOT NULL, status text NOT NULL,
		tried text[] NOT NULL, refund jsonb, version bigint NOT NULL CHECK (version > 0),
		created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
		PRIMARY KEY (kind, request_id), CHECK ((amount_value IS NULL) = (amount_currency IS NULL)))`)
	require.NoError(t, err)
	_, err = pool.Exec(t.Context(), `INSERT INTO `+tbl+` VALUES ('payment', 'old-1', 'alpha', '', '', '', '10.50', 'USD',
		'create', '', '', '', '{}', NULL, 1, now(), now())`)
	require.NoError(t, err)

	s, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	e, err := s.Get(t.Context(), route.KindPayment, "old-1")
	require.NoError(t, err)
	assert.Empty(t, e.LeaseOwner)
	assert.True(t, e.LeaseUntil.IsZero())
	e.LeaseOwner, e.LeaseUntil = "machine-a#1", time.Now().UTC().Truncate(time.Microsecond)
	require.NoError(t, s.Put(t.Context(), e))
	got, err := s.Get(t.Context(), route.KindPayment, "old-1")
	require.NoError(t, err)
	assert.Equal(t, "machine-a#1", got.LeaseOwner)
	assert.True(t, e.LeaseUntil.Equal(got.LeaseUntil))
}

// A table made before captures existed (leases already there) gains the capture column; its rows
// read back without a capture request, and capture entries keep theirs.
func TestMigrateAddsTheCapture(t *testing.T) {
	pool := connect(t)
	name := freshTable(t, pool)
	tbl := pgx.Identifier{name}.Sanitize()
	_, err := pool.Exec(t.Context(), `CREATE TABLE `+tbl+` (
		kind text NOT NULL, request_id text NOT NULL, provider text NOT NULL, provider_id text NOT NULL,
		payment_request_id text NOT NULL, provider_payment_id text NOT NULL,
		amount_value text CHECK (amount_value ~ '^-?[0-9]+([.][0-9]+)?$'), amount_currency text,
		open text NOT NULL, outcome text NOT NULL, code text NOT NULL, status text NOT NULL,
		tried text[] NOT NULL, refund jsonb, version bigint NOT NULL CHECK (version > 0),
		created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
		lease_owner text NOT NULL DEFAULT '', lease_until timestamptz,
		PRIMARY KEY (kind, request_id), CHECK ((amount_value IS NULL) = (amount_currency IS NULL)))`)
	require.NoError(t, err)
	_, err = pool.Exec(t.Context(), `INSERT INTO `+tbl+` VALUES ('payment', 'old-1', 'alpha', '', '', '', '10.50', 'USD',
		'create', '', '', '', '{}', NULL, 1, now(), now(), '', NULL)`)
	require.NoError(t, err)

	s, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	require.NoError(t, s.Migrate(t.Context()))
	e, err := s.Get(t.Context(), route.KindPayment, "old-1")
	require.NoError(t, err)
	assert.Nil(t, e.Capture)

	c := entry("cap-1")
	c.Kind, c.Open, c.PaymentRequestID = route.KindCapture, paygate.OpCapture, "old-1"
	c.Capture = &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "old-1", Amount: money.MustParse("4.05", "USD")}
	require.NoError(t, s.Put(t.Context(), c))
	got, err := s.Get(t.Context(), route.KindCapture, "cap-1")
	require.NoError(t, err)
	require.NotNil(t, got.Capture)
	assert.Equal(t, *c.Capture, *got.Capture)
	var raw string
	require.NoError(t, pool.QueryRow(t.Context(), `SELECT capture::text FROM `+tbl+` WHERE request_id = 'cap-1'`).Scan(&raw))
	assert.Contains(t, raw, `"4.05"`, "the amount is stored as exact text, never a JSON number")
}

func entry(id string) *route.Entry {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return &route.Entry{Kind: route.KindPayment, RequestID: id, Provider: "alpha",
		Amount: money.MustParse("10.50", "USD"), CreatedAt: now, UpdatedAt: now}
}

func TestMigrateTwice(t *testing.T) {
	pool := connect(t)
	s, _ := newStore(t, pool)
	require.NoError(t, s.Put(t.Context(), entry("pay-1")))
	require.NoError(t, s.Migrate(t.Context()), "a second Migrate")
	require.NoError(t, s.Migrate(t.Context()), "a third Migrate")
	got, err := s.Get(t.Context(), route.KindPayment, "pay-1")
	require.NoError(t, err, "Migrate must keep the rows")
	assert.Equal(t, int64(1), got.Version)
}

func TestMigrateConcurrently(t *testing.T) {
	pool := connect(t)
	name := freshTable(t, pool)
	const machines = 4
	errs := make([]error, machines)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range machines {
		wg.Go(func() {
			s, err := routepg.New(pool, routepg.Options{Table: name})
			if err == nil {
				<-start
				err = s.Migrate(t.Context())
			}
			errs[i] = err
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "machine %d", i)
	}
	s, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	require.NoError(t, s.Put(t.Context(), entry("pay-1")))
}

func TestMigrateRefusesAForeignTable(t *testing.T) {
	pool := connect(t)
	name := freshTable(t, pool)
	_, err := pool.Exec(t.Context(), "CREATE TABLE "+pgx.Identifier{name}.Sanitize()+" (kind text, request_id text)")
	require.NoError(t, err)
	s, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	err = s.Migrate(t.Context())
	require.Error(t, err, "Migrate must notice that the table is not a journal")
	assert.Contains(t, err.Error(), "lacks a column")
}

func TestSchemaKeepsMoneyAsText(t *testing.T) {
	pool := connect(t)
	s, name := newStore(t, pool)
	tests := []struct {
		value, currency string  // as written by the caller; "" for the zero Amount
		wantValue       *string // the column; nil for NULL
		wantCurrency    *string
	}{
		{"10.50", "USD", ptr("10.50"), ptr("USD")},
		{"10.5", "USD", ptr("10.50"), ptr("USD")},
		{"1000", "JPY", ptr("1000"), ptr("JPY")},
		{"1.234", "KWD", ptr("1.234"), ptr("KWD")},
		{"0.01", "USD", ptr("0.01"), ptr("USD")},
		{"0", "USD", ptr("0.00"), ptr("USD")},
		{"-3.05", "EUR", ptr("-3.05"), ptr("EUR")},
		{"92233720368547758.07", "USD", ptr("92233720368547758.07"), ptr("USD")},
		{"", "", nil, nil},
	}
	for i, tt := range tests {
		t.Run(fmt.Sprintf("%q %s", tt.value, tt.currency), func(t *testing.T) {
			id := fmt.Sprintf("pay-%d", i)
			e := entry(id)
			e.Amount = money.Amount{}
			if tt.currency != "" {
				e.Amount = money.MustParse(tt.value, tt.currency)
			}
			require.NoError(t, s.Put(t.Context(), e))
			var value, currency *string
			require.NoError(t, pool.QueryRow(t.Context(),
				"SELECT amount_value, amount_currency FROM "+pgx.Identifier{name}.Sanitize()+" WHERE request_id = $1", id,
			).Scan(&value, &currency))
			assert.Equal(t, tt.wantValue, value, "amount_value")
			assert.Equal(t, tt.wantCurrency, currency, "amount_currency")
		})
	}

	t.Run("refund request amounts are JSON strings", func(t *testing.T) {
		e := entry("ref-1")
		e.Kind = route.KindRefund
		e.Refund = &paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", Amount: money.MustParse("1.234", "KWD")}
		require.NoError(t, s.Put(t.Context(), e))
		var value, typ string
		require.NoError(t, pool.QueryRow(t.Context(),
			"SELECT refund->'amount'->>'value', jsonb_typeof(refund->'amount'->'value') FROM "+
				pgx.Identifier{name}.Sanitize()+" WHERE kind = 'refund' AND request_id = 'ref-1'",
		).Scan(&value, &typ))
		assert.Equal(t, "1.234", value)
		assert.Equal(t, "string", typ)
	})

	t.Run("capture request amounts are JSON strings", func(t *testing.T) {
		e := entry("cap-1")
		e.Kind = route.KindCapture
		e.Capture = &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: money.MustParse("1.234", "KWD")}
		require.NoError(t, s.Put(t.Context(), e))
		var value, typ string
		require.NoError(t, pool.QueryRow(t.Context(),
			"SELECT capture->'amount'->>'value', jsonb_typeof(capture->'amount'->'value') FROM "+
				pgx.Identifier{name}.Sanitize()+" WHERE kind = 'capture' AND request_id = 'cap-1'",
		).Scan(&value, &typ))
		assert.Equal(t, "1.234", value)
		assert.Equal(t, "string", typ)
	})

	t.Run("column types", func(t *testing.T) {
		rows, err := pool.Query(t.Context(),
			"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()", name)
		require.NoError(t, err)
		types, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([2]string, error) {
			var c [2]string
			return c, row.Scan(&c[0], &c[1])
		})
		require.NoError(t, err)
		got := map[string]string{}
		for _, c := range types {
			got[c[0]] = c[1]
		}
		for col, want := range map[string]string{
			"amount_value": "text", "amount_currency": "text", "tried": "ARRAY", "refund": "jsonb", "capture": "jsonb",
			"version": "bigint", "created_at": "timestamp with time zone", "updated_at": "timestamp with time zone",
		} {
			assert.Equal(t, want, got[col], "type of column %s", col)
		}
		for col, typ := range got {
			assert.NotContains(t, []string{"real", "double precision", "numeric", "money"}, typ, "column %s", col)
		}
	})
}

func TestUnreadableRowsAreErrors(t *testing.T) {
	pool := connect(t)
	s, name := newStore(t, pool)
	insert := "INSERT INTO " + pgx.Identifier{name}.Sanitize() + ` (kind, request_id, provider, provider_id,
		payment_request_id, provider_payment_id, amount_value, amount_currency, open, outcome, code, status,
		tried, refund, version, created_at, updated_at, capture)
		VALUES ('payment', $1, 'alpha', '', '', '', $2, $3, '', '', '', '', '{}', $4, 1, now(), now(), $5)`
	tests := []struct {
		name     string
		value    any
		currency any
		refund   any
		capture  any
		want     string
	}{
		{"unknown currency", "10.50", "XYZ", nil, nil, "unreadable amount"},
		{"too many decimals", "10.505", "USD", nil, nil, "unreadable amount"},
		{"refund amount as a JSON number", nil, nil, `{"amount": {"value": 10.5, "currency": "USD"}}`, nil, "unreadable refund request"},
		{"capture amount as a JSON number", nil, nil, nil, `{"amount": {"value": 10.5, "currency": "USD"}}`, "unreadable capture request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pool.Exec(t.Context(), insert, tt.name, tt.value, tt.currency, tt.refund, tt.capture)
			require.NoError(t, err)
			_, err = s.Get(t.Context(), route.KindPayment, tt.name)
			require.Error(t, err)
			assert.NotErrorIs(t, err, route.ErrNotFound)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestSchemaRefusesFloatText(t *testing.T) {
	pool := connect(t)
	_, name := newStore(t, pool)
	_, err := pool.Exec(t.Context(), "INSERT INTO "+pgx.Identifier{name}.Sanitize()+` (kind, request_id, provider,
		provider_id, payment_request_id, provider_payment_id, amount_value, amount_currency, open, outcome, code,
		status, tried, version, created_at, updated_at)
		VALUES ('payment', 'p', '', '', '', '', '1.05e1', 'USD', '', '', '', '', '{}', 1, now(), now())`)
	assert.ErrorContains(t, err, "check constraint", "amount_value must be plain decimal text")
}

func TestNewValidatesTheTableName(t *testing.T) {
	// A pool connects lazily, so no server is needed to build one.
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable")
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	tests := []struct {
		table string
		ok    bool
	}{
		{"", true},
		{"paygate_route_journal", true},
		{"journal2", true},
		{"_journal", true},
		{"select", true}, // quoted, so a keyword is fine
		{"a23456789012345678901234567890123456789012345678", true},   // 48 bytes
		{"a234567890123456789012345678901234567890123456789", false}, // 49 bytes
		{"Journal", false},
		{"2journal", false},
		{"pay-journal", false},
		{"public.journal", false},
		{`journal"; DROP TABLE x; --`, false},
		{"journal ", false},
		{"jöurnal", false},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			s, err := routepg.New(pool, routepg.Options{Table: tt.table})
			if tt.ok {
				assert.NoError(t, err)
				assert.NotNil(t, s)
				return
			}
			assert.ErrorContains(t, err, "table name")
			assert.Nil(t, s)
			_, err = routepg.Open(t.Context(), "postgres://nobody@127.0.0.1:1/none", routepg.Options{Table: tt.table})
			assert.ErrorContains(t, err, "table name", "Open must refuse the name before connecting")
		})
	}
	t.Run("nil pool", func(t *testing.T) {
		_, err := routepg.New(nil, routepg.Options{})
		assert.Error(t, err)
	})
}

func TestOpenErrorsHideTheConnectionString(t *testing.T) {
	const password = "s3cret-Pa55"
	tests := []struct {
		name string
		conn string
	}{
		{"bad port", "postgres://paygate:" + password + "@db.internal:badport/journal"},
		{"bad escape in the password", "postgres://paygate:" + password + "%zz@db.internal/journal"},
		{"bad sslmode", "postgres://paygate:" + password + "@db.internal/journal?sslmode=bogus"},
		{"key=value", "host=db.internal password=" + password + " port=abc"},
		{"nothing listening", "postgres://paygate:" + password + "@127.0.0.1:1/journal?sslmode=disable&connect_timeout=5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := routepg.Open(t.Context(), tt.conn, routepg.Options{})
			require.Error(t, err)
			assert.Nil(t, s)
			assert.NotContains(t, err.Error(), password)
			assert.NotContains(t, err.Error(), "db.internal")
			assert.Contains(t, err.Error(), "routepg:")
		})
	}
}

func TestOpen(t *testing.T) {
	url := postgresURL(t)
	pool := connect(t)
	name := freshTable(t, pool)
	s, err := routepg.Open(t.Context(), url, routepg.Options{Table: name})
	require.NoError(t, err)
	require.NoError(t, s.Put(t.Context(), entry("pay-1")), "Open must have migrated the table")
	_, err = s.Get(t.Context(), route.KindPayment, "pay-1")
	require.NoError(t, err)
	s.Close()
	_, err = s.Get(t.Context(), route.KindPayment, "pay-1")
	assert.Error(t, err, "Close must close the pool Open created")

	// A pool given to New stays open after Close.
	s2, err := routepg.New(pool, routepg.Options{Table: name})
	require.NoError(t, err)
	s2.Close()
	_, err = s2.Get(t.Context(), route.KindPayment, "pay-1")
	assert.NoError(t, err, "Close must not close a pool given to New")
}

func ptr(s string) *string { return &s }
