package soak_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/route/soak"
)

// TestSoak is the chaos soak: 5,000 payments (PAYGATE_SOAK_PAYMENTS to change; PAYGATE_SOAK_SEED to
// replay a run) through the router over the registered simulators under random faults, outages and a
// crash, with manual capture at the providers that declare it.
// -short skips it.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak takes a while; run without -short")
	}
	cfg := settings(t, 5000)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	res, err := soak.Run(ctx, cfg)
	require.NoError(t, err)
	t.Log(res.Summary())
	t.Log(res.Details())
	for _, p := range res.Problems {
		t.Error(p)
	}
	require.True(t, res.OK(), "%s (replay with PAYGATE_SOAK_SEED=%d)", res.Summary(), res.Seed)
	// The soak must have met what it claims to survive, or its zeros prove nothing.
	require.Positive(t, res.Faults, "faults injected")
	require.Positive(t, res.BreakerTrips, "breaker trips")
	require.Positive(t, res.Failovers, "failovers")
	require.Positive(t, res.Refunds, "refunds")
	require.Positive(t, res.Canceled, "cancels")
	require.Positive(t, res.Unknown+res.Reconciled, "unknown outcomes")
	require.Positive(t, res.CutByCrash, "checkouts cut by the crash")
	for _, name := range []string{"waffo", "antom", "vai247"} {
		require.Positive(t, res.VerifiedWebhooks[name], "%s webhooks verified by its adapter's handler", name)
	}
	// Manual capture follows the declarations: once a registered provider declares it, the soak
	// authorizes, captures and voids there (TestSoakManualCapture covers it until then).
	if manualDeclared() {
		require.Positive(t, res.Manual, "manual-capture checkouts")
		require.Positive(t, res.Captures, "captures")
	} else {
		require.Zero(t, res.Manual, "no registered provider declares manual capture")
	}
}

// manualDeclared reports whether a registered provider declares manual capture.
func manualDeclared() bool {
	for _, e := range registry.All() {
		if c := e.Adapter.Capabilities; c.Captures(paygate.CaptureManual) && c.Offers(paygate.OpCapture) {
			return true
		}
	}
	return false
}

// settings is the soak's size and seed: payments unless PAYGATE_SOAK_PAYMENTS says otherwise, and the
// seed in PAYGATE_SOAK_SEED (0, a fresh one, when unset). A value that is set but unreadable fails the
// test rather than silently running another soak than the one asked for.
func settings(t *testing.T, payments int) soak.Config {
	t.Helper()
	cfg := soak.Config{Payments: payments}
	if v := os.Getenv("PAYGATE_SOAK_PAYMENTS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "PAYGATE_SOAK_PAYMENTS")
		require.Positive(t, n, "PAYGATE_SOAK_PAYMENTS")
		cfg.Payments = n
	}
	if v := os.Getenv("PAYGATE_SOAK_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "PAYGATE_SOAK_SEED")
		cfg.Seed = n
	}
	return cfg
}

func TestSettings(t *testing.T) {
	t.Setenv("PAYGATE_SOAK_PAYMENTS", "")
	t.Setenv("PAYGATE_SOAK_SEED", "")
	assert.Equal(t, soak.Config{Payments: 5000}, settings(t, 5000))
	assert.Equal(t, soak.Config{Payments: 1000}, settings(t, 1000))
	t.Setenv("PAYGATE_SOAK_PAYMENTS", "70")
	t.Setenv("PAYGATE_SOAK_SEED", "9")
	assert.Equal(t, soak.Config{Payments: 70, Seed: 9}, settings(t, 5000))
	assert.Equal(t, soak.Config{Payments: 70, Seed: 9}, settings(t, 1000), "whatever the default")
}

// TestSoakPostgres runs the same soak, 5,000 payments unless PAYGATE_SOAK_PAYMENTS says otherwise,
// with the journal in PostgreSQL (PAYGATE_POSTGRES_URL, which .ci/run sets), so the database store is
// proven under the same storm, manual captures included, as the in-memory one.
func TestSoakPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak takes a while; run without -short")
	}
	store := soak.PostgresJournal(t, "soak_journal_")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cfg := settings(t, 5000)
	cfg.Store = store
	res, err := soak.Run(ctx, cfg)
	require.NoError(t, err)
	t.Log(res.Summary())
	t.Log(res.Details())
	for _, p := range res.Problems {
		t.Error(p)
	}
	require.True(t, res.OK(), "%s (replay with PAYGATE_SOAK_SEED=%d)", res.Summary(), res.Seed)
	require.Positive(t, res.CutByCrash, "checkouts cut by the crash")
}
