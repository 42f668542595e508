package soak_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/route/soak"
)

// TestSoak is the chaos soak: 5,000 payments (PAYGATE_SOAK_PAYMENTS to change; PAYGATE_SOAK_SEED to
// replay a run) through the router over the three simulators under random faults, outages and a crash.
// -short skips it.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak takes a while; run without -short")
	}
	cfg := soak.Config{}
	if n, err := strconv.Atoi(os.Getenv("PAYGATE_SOAK_PAYMENTS")); err == nil {
		cfg.Payments = n
	}
	if n, err := strconv.ParseUint(os.Getenv("PAYGATE_SOAK_SEED"), 10, 64); err == nil {
		cfg.Seed = n
	}
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
}
