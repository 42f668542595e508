package route_test

import (
	"context"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// manualFake is the fake declaring manual capture, with idem as its capture idempotency.
type manualFake struct{ *fake }

// automaticOnly is a memory gateway that declares no manual capture (as VAI247 does).
type automaticOnly struct{ *memory.Gateway }

func (g automaticOnly) Capabilities() provider.Capabilities {
	c := g.Gateway.Capabilities()
	c.CaptureModes, c.PartialCapture, c.Void, c.AuthorizationHold = nil, false, false, 0
	c.Ops = slices.DeleteFunc(slices.Clone(c.Ops), func(op paygate.Op) bool { return op == paygate.OpCapture })
	c.Idempotency = maps.Clone(c.Idempotency)
	delete(c.Idempotency, paygate.OpCapture)
	return c
}

func (g manualFake) Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops:          paygate.Ops(),
		CaptureModes: []paygate.CaptureMode{paygate.CaptureManual},
		Idempotency:  map[paygate.Op]retry.Idempotency{paygate.OpCapture: g.idem[paygate.OpCapture]},
	}
}

func manualReq(id string) *paygate.CreateRequest {
	req := createReq(id)
	req.CaptureMode = paygate.CaptureManual
	return req
}

func captureReq(id, paymentRequestID string) *paygate.CaptureRequest {
	return &paygate.CaptureRequest{CaptureRequestID: id, PaymentRequestID: paymentRequestID}
}

// authorizedAt creates pay-1 in manual capture through r (it lands at a, the first candidate) and
// authorizes it there.
func authorizedAt(t *testing.T, r *route.Router, a *fake) {
	t.Helper()
	p, err := r.Create(t.Context(), manualReq("pay-1"))
	require.NoError(t, err)
	require.Equal(t, a.name, p.Provider)
	a.setAuthorized("pay-1")
}

// withCaptureIdem makes f declare idem for capture (and, with Dedupes, behave so).
func withCaptureIdem(f *fake, idem retry.Idempotency) *fake {
	f.idem = map[paygate.Op]retry.Idempotency{paygate.OpCapture: idem}
	return f
}

// A capture goes to the payment's owner, is journaled under its CaptureRequestID with the request
// as sent, and brings the payment's entry to SUCCEEDED.
func TestCaptureGoesToTheOwner(t *testing.T) {
	a, b := newFake("a"), newFake("b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}, "b": manualFake{b}},
		Rules: catchAll("a", "b"), Store: store})
	authorizedAt(t, r, a)

	p, err := r.Capture(t.Context(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: usd("4.00")})
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
	assert.Equal(t, status.PaymentSucceeded, p.Status)
	assert.Equal(t, usd("4.00"), p.Captured)
	assert.Equal(t, 1, a.Captures("pay-1"))
	assert.Zero(t, b.TotalCalls())

	ce := getEntry(t, store, route.KindCapture, "cap-1")
	assert.Equal(t, "a", ce.Provider)
	assert.Equal(t, "pay-1", ce.PaymentRequestID)
	assert.Equal(t, p.ProviderPaymentID, ce.ProviderPaymentID)
	assert.Equal(t, usd("4.00"), ce.Amount)
	assert.Empty(t, ce.Open)
	assert.Equal(t, status.Success, ce.Outcome)
	assert.Equal(t, string(status.PaymentSucceeded), ce.Status)
	require.NotNil(t, ce.Capture)
	assert.Equal(t, paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("4.00")}, *ce.Capture)
	assert.Equal(t, string(status.PaymentSucceeded), getEntry(t, store, route.KindPayment, "pay-1").Status)

	// The same id again is answered from the provider, never captured twice.
	again, err := r.Capture(t.Context(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: usd("4.00")})
	require.NoError(t, err)
	assert.Equal(t, usd("4.00"), again.Captured)
	assert.Equal(t, 1, a.Calls(paygate.OpCapture))

	// A different amount under the same id is a conflict; nothing is sent.
	_, err = r.Capture(t.Context(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: usd("5.00")})
	requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
	assert.Equal(t, 1, a.Calls(paygate.OpCapture))
}

// A capture is never sent anywhere but the owner: not after an F with a code that would move a
// create, not after a U.
func TestCaptureNeverFailsOver(t *testing.T) {
	for name, tc := range map[string]struct {
		answer  func(name string) error
		outcome status.Outcome
		open    paygate.Op
	}{
		"F unavailable": {func(n string) error { return fail(n, paygate.OpCapture, status.CodeUnavailable) }, status.Failure, ""},
		"F declined":    {func(n string) error { return fail(n, paygate.OpCapture, status.CodeDeclined) }, status.Failure, ""},
		"U":             {func(n string) error { return unknownErr(n, paygate.OpCapture) }, status.Unknown, paygate.OpCapture},
	} {
		t.Run(name, func(t *testing.T) {
			a, b := newFake("a"), newFake("b")
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}, "b": manualFake{b}},
				Rules: catchAll("a", "b"), Store: store})
			authorizedAt(t, r, a)
			a.onCapture = func(context.Context, int, *paygate.CaptureRequest) error { return tc.answer("a") }

			_, err := r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
			requireOutcome(t, err, tc.outcome, "")
			assert.Equal(t, 1, a.Calls(paygate.OpCapture))
			assert.Zero(t, b.TotalCalls(), "nothing went to b")
			ce := getEntry(t, store, route.KindCapture, "cap-1")
			assert.Equal(t, tc.open, ce.Open)
			assert.Equal(t, tc.outcome, ce.Outcome)
			assert.Empty(t, ce.LeaseOwner, "the lease went back with the answer")
			assert.Zero(t, a.Captures("pay-1"))

			if tc.outcome == status.Failure {
				// An F is final: the same id answers it again without sending.
				_, err = r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
				requireOutcome(t, err, status.Failure, paygate.CodeOf(tc.answer("a")))
				assert.Equal(t, 1, a.Calls(paygate.OpCapture))
			}
		})
	}
}

// A capture whose outcome is unknown is settled with the same id: by inquiry where the owner's
// captures may not be sent again, by the identical request where they may; an F to a capture sent
// again is believed only once an inquiry shows the first did not land. Never two captures, and a
// capture that landed is never reported F.
func TestCaptureUnknownIsSettled(t *testing.T) {
	lost := func(n int) error {
		if n == 1 {
			return unknownErr("a", paygate.OpCapture)
		}
		return nil
	}
	dropped := func(_ context.Context, n int, _ *paygate.CaptureRequest) error {
		if n == 1 {
			return unknownErr("a", paygate.OpCapture)
		}
		return nil
	}
	for name, tc := range map[string]struct {
		idem     retry.Idempotency
		setup    func(a *fake)
		outcome  status.Outcome
		code     status.Code
		sends    int // captures sent in all
		captures int // captures performed
	}{
		"reply lost, not resendable: inquiry finds it":      {retry.Idempotency{}, func(a *fake) { a.afterCapture = lost }, status.Success, "", 1, 1},
		"dropped, not resendable: inquiry, then sent again": {retry.Idempotency{}, func(a *fake) { a.onCapture = dropped }, status.Success, "", 2, 1},
		"reply lost, deduped: resent, same capture":         {retry.Idempotency{Dedupes: true}, func(a *fake) { a.afterCapture = lost }, status.Success, "", 2, 1},
		// Resendable without deduping: the resend is refused (already captured), the inquiry shows
		// the first landed: S.
		"reply lost, resend refused: inquiry finds it": {retry.Idempotency{ResendSafe: "a second capture of one order is refused"},
			func(a *fake) { a.afterCapture = lost }, status.Success, "", 2, 1},
		// The resend is refused and the inquiry shows nothing captured: the F stands.
		"dropped, resend refused: F stands": {retry.Idempotency{ResendSafe: "a second capture of one order is refused"},
			func(a *fake) {
				a.onCapture = func(_ context.Context, n int, _ *paygate.CaptureRequest) error {
					if n == 1 {
						return unknownErr("a", paygate.OpCapture)
					}
					return fail("a", paygate.OpCapture, status.CodeRiskRejected)
				}
			}, status.Failure, status.CodeRiskRejected, 2, 0},
	} {
		t.Run(name, func(t *testing.T) {
			a := withCaptureIdem(newFake("a"), tc.idem)
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}}, Rules: catchAll("a"), Store: store})
			authorizedAt(t, r, a)
			tc.setup(a)

			_, err := r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
			requireOutcome(t, err, status.Unknown, "")
			assert.Equal(t, paygate.OpCapture, getEntry(t, store, route.KindCapture, "cap-1").Open)

			p, err := r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
			requireOutcome(t, err, tc.outcome, tc.code)
			assert.Equal(t, tc.sends, a.Calls(paygate.OpCapture))
			assert.Equal(t, tc.captures, a.Captures("pay-1"))
			ce := getEntry(t, store, route.KindCapture, "cap-1")
			assert.Empty(t, ce.Open)
			assert.Equal(t, tc.outcome, ce.Outcome)
			if tc.outcome == status.Success {
				assert.Equal(t, usd("10.50"), p.Captured)
				assert.Equal(t, string(status.PaymentSucceeded), getEntry(t, store, route.KindPayment, "pay-1").Status)
			}
		})
	}
}

// A capture left open by a crash (journaled, then the process died before the answer) is settled
// by Reconcile: recorded S if the payment shows it captured, sent again where the owner allows it,
// else recorded as not landed, and a Capture with the same id then sends it.
func TestReconcileCapture(t *testing.T) {
	for name, tc := range map[string]struct {
		idem      retry.Idempotency
		landed    bool // the send reached the provider before the crash
		sends     int  // captures sent by Reconcile
		captured  bool // captured after Reconcile
		outcome   status.Outcome
		code      status.Code
		thenSends int // captures the Capture call after Reconcile sends
	}{
		"landed":                       {retry.Idempotency{}, true, 0, true, status.Success, status.CodeOK, 0},
		"not landed, resendable: sent": {retry.Idempotency{Dedupes: true}, false, 1, true, status.Success, status.CodeOK, 0},
		"not landed, not resendable":   {retry.Idempotency{}, false, 0, false, status.Failure, status.CodeNotFound, 1},
	} {
		t.Run(name, func(t *testing.T) {
			a := withCaptureIdem(newFake("a"), tc.idem)
			store := newFlakyStore()
			providers := map[string]paygate.Gateway{"a": manualFake{a}}
			clock := sim.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
			r1 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a"), Store: store, Now: clock.Now})
			authorizedAt(t, r1, a)
			// The crash: the capture's journal entry (and its lease) is written, then the process is
			// gone: the journal takes no more writes, the call ends unanswered.
			a.onCapture = func(context.Context, int, *paygate.CaptureRequest) error {
				store.set(false, true)
				if tc.landed {
					return nil
				}
				return unknownErr("a", paygate.OpCapture)
			}
			_, err := r1.Capture(t.Context(), captureReq("cap-1", "pay-1"))
			if !tc.landed {
				requireOutcome(t, err, status.Unknown, "")
			}
			store.set(false, false)
			a.onCapture = nil
			ce := getEntry(t, store, route.KindCapture, "cap-1")
			require.Equal(t, paygate.OpCapture, ce.Open)
			require.NotEmpty(t, ce.LeaseOwner, "the crashed call still holds the lease")
			require.NotNil(t, ce.Capture)

			clock.Advance(route.DefaultLease + time.Second)
			r2 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a"), Store: store, Now: clock.Now})
			rep, err := r2.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
			assert.Equal(t, 1+tc.sends, a.Calls(paygate.OpCapture))
			ce = getEntry(t, store, route.KindCapture, "cap-1")
			assert.Empty(t, ce.Open)
			assert.Empty(t, ce.LeaseOwner)
			assert.Equal(t, tc.outcome, ce.Outcome)
			assert.Equal(t, tc.code, ce.Code)
			assert.Equal(t, map[bool]int{true: 1}[tc.captured], a.Captures("pay-1"))

			p, err := r2.Capture(t.Context(), captureReq("cap-1", "pay-1"))
			require.NoError(t, err)
			assert.Equal(t, usd("10.50"), p.Captured)
			assert.Equal(t, 1+tc.sends+tc.thenSends, a.Calls(paygate.OpCapture))
			assert.Equal(t, 1, a.Captures("pay-1"), "one capture in all")
		})
	}
}

// Two concurrent captures with the same id: one waits for the other and answers from it; the
// payment is captured once.
func TestConcurrentCapturesOfOneID(t *testing.T) {
	a := newFake("a")
	started, release := make(chan struct{}), make(chan struct{})
	a.onCapture = func(_ context.Context, n int, _ *paygate.CaptureRequest) error {
		if n == 1 {
			close(started)
			<-release
		}
		return nil
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}}, Rules: catchAll("a")})
	authorizedAt(t, r, a)

	var wg sync.WaitGroup
	var first, second *paygate.Payment
	var firstErr, secondErr error
	wg.Go(func() { first, firstErr = r.Capture(context.Background(), captureReq("cap-1", "pay-1")) })
	waitClosed(t, started)
	wg.Go(func() { second, secondErr = r.Capture(t.Context(), captureReq("cap-1", "pay-1")) })
	time.Sleep(20 * time.Millisecond) // let the second call meet the lease
	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	require.NoError(t, secondErr)
	assert.Equal(t, first.Captured, second.Captured)
	assert.Equal(t, 1, a.Captures("pay-1"), "one capture")
	assert.Equal(t, 1, a.Calls(paygate.OpCapture), "the second call sent none")
}

// An owner that does not offer capture refuses it with F NOT_SUPPORTED before the journal: nothing
// sent, nothing written.
func TestCaptureNotOfferedIsRefusedWithoutSending(t *testing.T) {
	a := newMem(t, "a") // memory declares no capture (yet)
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": declaring{a, []paygate.Op{paygate.OpCapture}}},
		Rules: catchAll("a"), Store: store})
	paidAt(t, r, a)
	_, err := r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeNotSupported)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.Zero(t, a.Ledger().Requests(paygate.OpCapture, "cap-1"))
	requireNoEntry(t, store, route.KindCapture, "cap-1")

	// An unknown payment is NOT_FOUND, also without a journal entry.
	_, err = r.Capture(t.Context(), captureReq("cap-2", "pay-nobody"))
	requireOutcome(t, err, status.Failure, status.CodeNotFound)
	requireNoEntry(t, store, route.KindCapture, "cap-2")
}

// A manual-capture create goes only to candidates that declare manual capture, failover included;
// with none, it is F NOT_SUPPORTED with nothing sent or journaled.
func TestManualCreateGoesOnlyWhereDeclared(t *testing.T) {
	mem := newMem(t, "auto")
	auto := automaticOnly{mem} // declares automatic capture only
	m1, m2 := newFake("m1"), newFake("m2")
	m1.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return fail("m1", paygate.OpCreate, status.CodeUnavailable)
	}
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{
		Providers: map[string]paygate.Gateway{"auto": auto, "m1": manualFake{m1}, "m2": manualFake{m2}},
		Rules: []route.Rule{
			{Name: "yen", Currencies: []string{"JPY"}, Targets: targets("auto")},
			{Name: "all", Targets: targets("m1", "auto", "m2")},
		},
		Store: store,
	})
	_, cands := r.Candidates(manualReq("x"))
	assert.Equal(t, []string{"m1", "m2"}, cands)
	_, cands = r.Candidates(createReq("x"))
	assert.Equal(t, []string{"m1", "auto", "m2"}, cands)

	p, err := r.Create(t.Context(), manualReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "m2", p.Provider, "m1 refused with a failover code; auto was passed over")
	assert.Zero(t, totalRequests(mem))
	assert.Equal(t, []string{"m1"}, getEntry(t, store, route.KindPayment, "pay-1").Tried)

	yen := manualReq("pay-2")
	yen.Amount = money.MustParse("1000", "JPY")
	_, err = r.Create(t.Context(), yen)
	requireOutcome(t, err, status.Failure, status.CodeNotSupported)
	assert.ErrorContains(t, err, "manual capture")
	assert.Zero(t, totalRequests(mem))
	requireNoEntry(t, store, route.KindPayment, "pay-2")
}

// Cancel of an AUTHORIZED payment is the void, at the owner; a capture after it is the owner's F,
// recorded as final, and the payment's entry shows CANCELED.
func TestVoidThenCapture(t *testing.T) {
	a := newFake("a")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}}, Rules: catchAll("a"), Store: store})
	authorizedAt(t, r, a)

	p, err := r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status)
	assert.Equal(t, string(status.PaymentCanceled), getEntry(t, store, route.KindPayment, "pay-1").Status)

	_, err = r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeInvalidState)
	ce := getEntry(t, store, route.KindCapture, "cap-1")
	assert.Empty(t, ce.Open)
	assert.Equal(t, status.Failure, ce.Outcome)
	assert.Zero(t, a.Captures("pay-1"))
	_, err = r.Capture(t.Context(), captureReq("cap-1", "pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeInvalidState)
	assert.Equal(t, 1, a.Calls(paygate.OpCapture), "an F is not sent again")
}

// A capture named by the provider's payment id alone finds its payment in the journal; the journal
// records both ids.
func TestCaptureByProviderPaymentID(t *testing.T) {
	a := newFake("a")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": manualFake{a}}, Rules: catchAll("a"), Store: store})
	authorizedAt(t, r, a)
	ppid := getEntry(t, store, route.KindPayment, "pay-1").ProviderID
	p, err := r.Capture(t.Context(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: ppid, Amount: usd("10.50")})
	require.NoError(t, err)
	assert.Equal(t, usd("10.50"), p.Captured)
	ce := getEntry(t, store, route.KindCapture, "cap-1")
	assert.Equal(t, "pay-1", ce.PaymentRequestID)
	assert.Equal(t, ppid, ce.ProviderPaymentID)

	// The same id for another payment is a conflict, sent nowhere.
	_, err = r.Create(t.Context(), manualReq("pay-2"))
	require.NoError(t, err)
	a.setAuthorized("pay-2")
	_, err = r.Capture(t.Context(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-2", Amount: usd("10.50")})
	requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
	assert.Equal(t, 1, a.Calls(paygate.OpCapture))
}
