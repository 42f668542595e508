package routepg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// DefaultTable is the journal table's name when Options.Table is empty.
const DefaultTable = "paygate_route_journal"

// maxTableName leaves room for the longest index name suffix within PostgreSQL's 63-byte identifiers:
// a longer name would be truncated, and two truncated index names could collide, so that
// CREATE INDEX IF NOT EXISTS silently skips one table's index.
const maxTableName = 48

var tableName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// Options configures a Store.
type Options struct {
	// Table is the journal table's name, resolved through the connection's search_path. It must be
	// lower-case letters, digits and underscores, start with a letter or underscore, and have at most 48
	// bytes (lower case only, so the name means the same quoted and unquoted in psql). Empty means
	// DefaultTable.
	Table string
}

// Store is a route.Store in a PostgreSQL table. Safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	owned bool   // Open created the pool, so Close closes it
	name  string // the table name as given, for errors
	lock  int64  // advisory lock key that serializes Migrate for this table

	schema                                       []string // the table first, then its indexes
	upgrades                                     []string // columns added since the first schema
	get, find, unresolved, insert, update, probe string
	probeFirst                                   string // the first schema's columns
}

var _ route.Store = (*Store)(nil)

// columns is the order in which every query reads and writes an entry: firstColumns, the schema's
// first version, then the lease and the capture request, added later.
const (
	firstColumns = `kind, request_id, provider, provider_id, payment_request_id, provider_payment_id,
	amount_value, amount_currency, open, outcome, code, status, tried, refund, version, created_at, updated_at`
	columns = firstColumns + `, lease_owner, lease_until, capture`
)

// New returns a Store that keeps its entries in opts.Table through pool. It does not touch the
// database: run Migrate before the first use. Close does not close pool.
func New(pool *pgxpool.Pool, opts Options) (*Store, error) {
	name, err := opts.table()
	if err != nil {
		return nil, err
	}
	if pool == nil {
		return nil, errors.New("routepg: New needs a pool")
	}
	t := pgx.Identifier{name}.Sanitize()
	h := fnv.New64a()
	h.Write([]byte("paygate/route/routepg:" + name))
	s := &Store{pool: pool, name: name, lock: int64(h.Sum64())}
	s.schema = []string{
		`CREATE TABLE IF NOT EXISTS ` + t + ` (
			kind                text        NOT NULL,
			request_id          text        NOT NULL,
			provider            text        NOT NULL,
			provider_id         text        NOT NULL,
			payment_request_id  text        NOT NULL,
			provider_payment_id text        NOT NULL,
			amount_value        text        CHECK (amount_value ~ '^-?[0-9]+([.][0-9]+)?$'),
			amount_currency     text,
			open                text        NOT NULL,
			outcome             text        NOT NULL,
			code                text        NOT NULL,
			status              text        NOT NULL,
			tried               text[]      NOT NULL,
			refund              jsonb,
			version             bigint      NOT NULL CHECK (version > 0),
			created_at          timestamptz NOT NULL,
			updated_at          timestamptz NOT NULL,
			lease_owner         text        NOT NULL DEFAULT '',
			lease_until         timestamptz,
			capture             jsonb,
			PRIMARY KEY (kind, request_id),
			CHECK ((amount_value IS NULL) = (amount_currency IS NULL))
		)`,
		`CREATE INDEX IF NOT EXISTS ` + pgx.Identifier{name + "_provider_idx"}.Sanitize() +
			` ON ` + t + ` (kind, provider_id)`,
		`CREATE INDEX IF NOT EXISTS ` + pgx.Identifier{name + "_open_idx"}.Sanitize() +
			` ON ` + t + ` (updated_at) WHERE open <> ''`,
	}
	// Tables made before leases existed gain their columns (no lease: the default), and tables made
	// before captures the capture request's (NULL: no request, as every entry of that time).
	s.upgrades = []string{
		`ALTER TABLE ` + t + ` ADD COLUMN IF NOT EXISTS lease_owner text NOT NULL DEFAULT ''`,
		`ALTER TABLE ` + t + ` ADD COLUMN IF NOT EXISTS lease_until timestamptz`,
		`ALTER TABLE ` + t + ` ADD COLUMN IF NOT EXISTS capture jsonb`,
	}
	s.probeFirst = `SELECT ` + firstColumns + ` FROM ` + t + ` WHERE false`
	s.probe = `SELECT ` + columns + ` FROM ` + t + ` WHERE false`
	s.get = `SELECT ` + columns + ` FROM ` + t + ` WHERE kind = $1 AND request_id = $2`
	s.find = `SELECT ` + columns + ` FROM ` + t + ` WHERE kind = $1 AND provider_id = $2 ORDER BY request_id`
	s.unresolved = `SELECT ` + columns + ` FROM ` + t + ` WHERE open <> '' ORDER BY updated_at, kind, request_id`
	s.insert = `INSERT INTO ` + t + ` (` + columns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (kind, request_id) DO NOTHING`
	s.update = `UPDATE ` + t + ` SET provider = $3, provider_id = $4, payment_request_id = $5,
		provider_payment_id = $6, amount_value = $7, amount_currency = $8, open = $9, outcome = $10,
		code = $11, status = $12, tried = $13, refund = $14, version = $15, created_at = $16, updated_at = $17,
		lease_owner = $18, lease_until = $19, capture = $20
		WHERE kind = $1 AND request_id = $2 AND version = $21`
	return s, nil
}

func (o Options) table() (string, error) {
	if o.Table == "" {
		return DefaultTable, nil
	}
	if len(o.Table) > maxTableName || !tableName.MatchString(o.Table) {
		return "", fmt.Errorf("routepg: table name %q: want lower-case letters, digits and underscores, "+
			"starting with a letter or underscore, at most %d bytes", o.Table, maxTableName)
	}
	return o.Table, nil
}

// Open connects to the database connString names (a URL or key=value string, as pgxpool.ParseConfig
// reads it), checks the connection, and runs Migrate. Close closes the pool it creates.
func Open(ctx context.Context, connString string, opts Options) (*Store, error) {
	if _, err := opts.table(); err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(connString)
	if err != nil {
		return nil, &connStringError{err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("routepg: create the pool: %w", err)
	}
	s, err := New(pool, opts)
	if err == nil {
		err = pool.Ping(ctx)
		if err != nil {
			err = fmt.Errorf("routepg: connect: %w", err)
		}
	}
	if err == nil {
		err = s.Migrate(ctx)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// connStringError reports an unusable connection string without quoting it: the driver's message
// repeats the string (password redacted, but not user and host), and this error may well be logged.
// The driver's error stays reachable through errors.Unwrap and errors.As.
type connStringError struct{ err error }

func (e *connStringError) Error() string {
	return "routepg: the connection string cannot be parsed (the driver's error is not shown because it quotes the string; errors.Unwrap returns it)"
}

func (e *connStringError) Unwrap() error { return e.err }

// Close closes the pool if Open created it; a pool given to New is the caller's to close.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

// Migrate creates the table and its indexes if they do not exist, adds the columns later versions
// added (the lease, the capture request) to a table an earlier version made, and checks that an existing table has every
// column the Store uses. It is idempotent, and safe to run from several machines at once:
// a transaction-scoped advisory lock makes concurrent runs wait for each other, because concurrent
// CREATE TABLE IF NOT EXISTS of one name can fail on PostgreSQL's catalog constraints.
func (s *Store) Migrate(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, s.lock); err != nil {
			return fmt.Errorf("take the migration lock: %w", err)
		}
		if _, err := tx.Exec(ctx, s.schema[0]); err != nil {
			return err
		}
		// A table of this name made by something else passes IF NOT EXISTS; fail here, not on first
		// use, and before altering it.
		if _, err := tx.Exec(ctx, s.probeFirst); err != nil {
			return fmt.Errorf("the table lacks a column this Store uses: %w", err)
		}
		for _, stmt := range s.upgrades {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, s.probe); err != nil {
			return fmt.Errorf("the table lacks a column this Store uses: %w", err)
		}
		for _, stmt := range s.schema[1:] {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("routepg: migrate table %s: %w", s.name, err)
	}
	return nil
}

// Get implements route.Store.
func (s *Store) Get(ctx context.Context, kind route.Kind, requestID string) (*route.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e, err := scanEntry(s.pool.QueryRow(ctx, s.get, string(kind), requestID))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s %q", route.ErrNotFound, kind, requestID)
	}
	if err != nil {
		return nil, fmt.Errorf("routepg: get %s %q: %w", kind, requestID, err)
	}
	return e, nil
}

// FindByProviderID implements route.Store.
func (s *Store) FindByProviderID(ctx context.Context, kind route.Kind, providerID string) ([]*route.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if providerID == "" { // entries without a provider id have "", which must not match
		return []*route.Entry{}, nil
	}
	found, err := s.query(ctx, s.find, string(kind), providerID)
	if err != nil {
		return nil, fmt.Errorf("routepg: find %s by provider id %q: %w", kind, providerID, err)
	}
	return found, nil
}

// Unresolved implements route.Store.
func (s *Store) Unresolved(ctx context.Context) ([]*route.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	open, err := s.query(ctx, s.unresolved)
	if err != nil {
		return nil, fmt.Errorf("routepg: list unresolved entries: %w", err)
	}
	return open, nil
}

// Put implements route.Store.
func (s *Store) Put(ctx context.Context, e *route.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e == nil || e.Kind == "" || e.RequestID == "" {
		return errors.New("routepg: Put needs an entry with Kind and RequestID")
	}
	args, err := values(e, e.Version+1)
	if err != nil {
		return fmt.Errorf("routepg: put %s %q: %w", e.Kind, e.RequestID, err)
	}
	query := s.insert
	if e.Version != 0 {
		query = s.update
		args = append(args, e.Version)
	}
	tag, err := s.pool.Exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("routepg: put %s %q: %w", e.Kind, e.RequestID, err)
	}
	if tag.RowsAffected() == 0 {
		if e.Version == 0 {
			return fmt.Errorf("%w: %s %q is already stored", route.ErrConflict, e.Kind, e.RequestID)
		}
		return fmt.Errorf("%w: %s %q is not stored at version %d", route.ErrConflict, e.Kind, e.RequestID, e.Version)
	}
	e.Version++
	return nil
}

func (s *Store) query(ctx context.Context, sql string, args ...any) ([]*route.Entry, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*route.Entry, error) { return scanEntry(row) })
	if entries == nil && err == nil {
		entries = []*route.Entry{} // the contract: none is an empty slice
	}
	return entries, err
}

// values returns e's columns in the order of columns, with version as the version column.
func values(e *route.Entry, version int64) ([]any, error) {
	var amountValue, amountCurrency any // NULL for the zero Amount
	if !e.Amount.IsZero() {
		digits, _ := money.Digits(e.Amount.Currency()) // every Amount's currency has digits
		v, err := e.Amount.ValueAt(digits)
		if err != nil {
			return nil, fmt.Errorf("amount %s: %w", e.Amount, err)
		}
		amountValue, amountCurrency = v, e.Amount.Currency()
	}
	tried := e.Tried
	if tried == nil {
		tried = []string{}
	}
	var refund any // NULL when there is no request
	if e.Refund != nil {
		b, err := json.Marshal(e.Refund) // ProviderOptions are json:"-": not stored, as the contract asks
		if err != nil {
			return nil, fmt.Errorf("refund request: %w", err)
		}
		refund = b
	}
	var capture any // NULL when there is no request
	if e.Capture != nil {
		b, err := json.Marshal(e.Capture) // amounts as strings, exact
		if err != nil {
			return nil, fmt.Errorf("capture request: %w", err)
		}
		capture = b
	}
	var leaseUntil any // NULL when no lease is held
	if !e.LeaseUntil.IsZero() {
		leaseUntil = e.LeaseUntil
	}
	return []any{
		string(e.Kind), e.RequestID, e.Provider, e.ProviderID, e.PaymentRequestID, e.ProviderPaymentID,
		amountValue, amountCurrency, string(e.Open), string(e.Outcome), string(e.Code), e.Status,
		tried, refund, version, e.CreatedAt, e.UpdatedAt, e.LeaseOwner, leaseUntil, capture,
	}, nil
}

// scanEntry reads one row selected with columns.
func scanEntry(row pgx.Row) (*route.Entry, error) {
	var (
		e                           route.Entry
		kind, open, outcome, code   string
		amountValue, amountCurrency *string
		refund, capture             []byte
		leaseUntil                  *time.Time
	)
	err := row.Scan(&kind, &e.RequestID, &e.Provider, &e.ProviderID, &e.PaymentRequestID, &e.ProviderPaymentID,
		&amountValue, &amountCurrency, &open, &outcome, &code, &e.Status, &e.Tried, &refund, &e.Version,
		&e.CreatedAt, &e.UpdatedAt, &e.LeaseOwner, &leaseUntil, &capture)
	if err != nil {
		return nil, err
	}
	e.Kind, e.Open, e.Outcome, e.Code = route.Kind(kind), paygate.Op(open), status.Outcome(outcome), status.Code(code)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	if leaseUntil != nil {
		e.LeaseUntil = leaseUntil.UTC()
	}
	if amountValue != nil && amountCurrency != nil {
		if e.Amount, err = money.Parse(*amountValue, *amountCurrency); err != nil {
			return nil, fmt.Errorf("entry %s %q has an unreadable amount: %w", kind, e.RequestID, err)
		}
	}
	if refund != nil {
		e.Refund = new(paygate.RefundRequest)
		if err := json.Unmarshal(refund, e.Refund); err != nil {
			return nil, fmt.Errorf("entry %s %q has an unreadable refund request: %w", kind, e.RequestID, err)
		}
	}
	if capture != nil {
		e.Capture = new(paygate.CaptureRequest)
		if err := json.Unmarshal(capture, e.Capture); err != nil {
			return nil, fmt.Errorf("entry %s %q has an unreadable capture request: %w", kind, e.RequestID, err)
		}
	}
	return &e, nil
}
