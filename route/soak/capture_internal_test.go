package soak

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// withAcquirers is the registered providers and two test-only acquirers that declare manual
// capture: one dedupes captures by id, one does not (its unknown captures settle by inquiry).
func withAcquirers() []registry.Entry {
	return append(registry.All(), acquirerEntry("holdfast", true), acquirerEntry("handheld", false))
}

// The manual-capture share follows the declarations: with providers that declare manual capture
// in the soak, checkouts authorize, capture (whole and partial), void, and lose captures to a crash
// mid-capture, under faults on capture, and the ledgers still show no double capture, nothing lost
// and no wrong status.
func TestSoakManualCapture(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak takes a while; run without -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cfg := Config{Payments: 1500, providers: withAcquirers()}
	res, err := Run(ctx, cfg)
	require.NoError(t, err)
	t.Log(res.Summary())
	t.Log(res.Details())
	for _, p := range res.Problems {
		t.Error(p)
	}
	require.True(t, res.OK(), "%s (seed %d)", res.Summary(), res.Seed)
	require.Positive(t, res.Manual, "manual-capture checkouts")
	require.Positive(t, res.Authorized, "authorizations")
	require.Positive(t, res.Captures, "captures")
	require.Positive(t, res.Voided, "voids")
	require.Positive(t, res.CapturesCut, "captures cut by a crash mid-capture")
	require.Positive(t, res.CapturesUnknown, "captures answered U, then settled")
	require.Positive(t, res.Reconciled, "entries reconciled")
	assert.Contains(t, res.Summary(), "captures, 0 double charges, 0 double captures, 0 lost, 0 wrong status")
}

// The same storm with the journal in PostgreSQL (PAYGATE_POSTGRES_URL, which .ci/run sets): capture
// entries, their requests and their leases survive the crashes there too.
func TestSoakManualCapturePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the chaos soak takes a while; run without -short")
	}
	store := PostgresJournal(t, "soak_capture_")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := Run(ctx, Config{Payments: 1000, Store: store, providers: withAcquirers()})
	require.NoError(t, err)
	t.Log(res.Summary())
	t.Log(res.Details())
	for _, p := range res.Problems {
		t.Error(p)
	}
	require.True(t, res.OK(), "%s (seed %d)", res.Summary(), res.Seed)
	require.Positive(t, res.Captures, "captures")
	require.Positive(t, res.CapturesCut, "captures cut by a crash mid-capture")
}

// Manual-capture checkouts follow the declarations: a checkout asks for manual capture only where
// its routing rule has a provider that declares it, and some do wherever one does.
func TestManualCaptureFollowsTheDeclarations(t *testing.T) {
	for name, entries := range map[string][]registry.Entry{
		"registered providers": registry.All(),
		"with acquirers":       withAcquirers(),
	} {
		t.Run(name, func(t *testing.T) {
			e, err := newEnv(entries, nil)
			require.NoError(t, err)
			defer e.close()
			declared := false
			for _, p := range e.providers {
				declared = declared || p.manual()
			}
			s := &soak{cfg: Config{Seed: 11}, env: e, payments: make([]*checkout, 400)}
			manual := 0
			for i := range 400 {
				c := s.newCheckout(i)
				if c.req.CaptureMode != paygate.CaptureManual {
					continue
				}
				manual++
				auto := *c.req
				auto.CaptureMode = paygate.CaptureAutomatic
				for _, rl := range rules(e.entries) {
					if !rl.Matches(&auto) {
						continue
					}
					assert.True(t, slices.ContainsFunc(rl.Targets, func(tg route.Target) bool {
						p, ok := e.byName[tg.Provider]
						return ok && p.manual()
					}), "checkout %d asks for manual capture under rule %q, where no provider declares it", i, rl.Name)
					break
				}
			}
			assert.Equal(t, declared, manual > 0, "manual-capture checkouts: %d; they follow the declarations", manual)
		})
	}
}

// verify counts what it is there to count: a double capture, a capture nobody asked for, a
// capture the merchant was told S of that is not there, and one told F that is.
func TestVerifyCatchesCaptureFaults(t *testing.T) {
	amount := money.MustParse("10.00", "USD")
	for name, tc := range map[string]struct {
		captures []money.Amount // what the ledger holds
		call     *captureCall
		journal  status.Outcome // the capture entry's outcome ("" for none)
		count    func(r Result) int
	}{
		"captured twice": {[]money.Amount{amount, amount}, &captureCall{id: "p-c1", outcome: status.Success, payment: &paygate.Payment{Captured: amount}},
			status.Success, func(r Result) int { return r.DoubleCaptures }},
		"captured without asking": {[]money.Amount{amount}, nil, "", func(r Result) int { return r.Lost }},
		"told S, nothing captured": {nil, &captureCall{id: "p-c1", outcome: status.Success, payment: &paygate.Payment{Captured: amount}},
			status.Success, func(r Result) int { return r.Lost + r.WrongStatus }},
		"told F, captured": {[]money.Amount{amount}, &captureCall{id: "p-c1", outcome: status.Failure},
			status.Failure, func(r Result) int { return r.WrongStatus + r.Lost }},
		"captured another amount": {[]money.Amount{money.MustParse("4.00", "USD")}, &captureCall{id: "p-c1", outcome: status.Success, payment: &paygate.Payment{Captured: amount}},
			status.Success, func(r Result) int { return r.WrongStatus }},
		"all well": {[]money.Amount{amount}, &captureCall{id: "p-c1", outcome: status.Success, payment: &paygate.Payment{Captured: amount}},
			status.Success, nil},
	} {
		t.Run(name, func(t *testing.T) {
			e, err := newEnv([]registry.Entry{acquirerEntry("holdfast", true)}, nil)
			require.NoError(t, err)
			defer e.close()
			s := &soak{cfg: Config{}.withDefaults(), env: e, payments: []*checkout{}}
			s.cfg.providers = []registry.Entry{acquirerEntry("holdfast", true)}
			p := e.byName["holdfast"]
			req := &paygate.CreateRequest{PaymentRequestID: "p", Amount: amount, CaptureMode: paygate.CaptureManual}
			created, err := p.gateway.Create(t.Context(), req)
			require.NoError(t, err)
			require.NoError(t, p.sim.SettleOrder(t.Context(), created.ProviderPaymentID, sim.Pay))
			for _, a := range tc.captures {
				p.sim.Ledger().AddCapture(sim.Capture{RequestID: "p-c1", ProviderPaymentID: created.ProviderPaymentID, Amount: a})
			}
			pe := &route.Entry{Kind: route.KindPayment, RequestID: "p", Provider: "holdfast", ProviderID: created.ProviderPaymentID, Amount: amount, Status: string(status.PaymentAuthorized)}
			require.NoError(t, s.cfg.Store.Put(t.Context(), pe))
			if tc.journal != "" {
				require.NoError(t, s.cfg.Store.Put(t.Context(), &route.Entry{Kind: route.KindCapture, RequestID: "p-c1", Provider: "holdfast",
					PaymentRequestID: "p", ProviderPaymentID: created.ProviderPaymentID, Outcome: tc.journal}))
			}
			c := &checkout{req: req, outcome: status.Success, payment: created, authorized: true, capture: tc.call}
			var truth *sim.Order
			for _, o := range p.sim.Ledger().Orders("p") {
				truth = &o
			}
			require.NotNil(t, truth)
			s.verifyCapture(t.Context(), c, pe, truth)
			s.verifyAllCaptures(t.Context())
			if tc.count == nil {
				assert.True(t, s.res.OK(), "%v", s.res.Problems)
				assert.Equal(t, 1, s.res.Captures)
				return
			}
			assert.Positive(t, tc.count(s.res), "%v", s.res.Problems)
			assert.False(t, s.res.OK())
		})
	}
}
