package route_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// memoryAnswersF is whether the memory provider's code table makes code an F (ReplyCode faults
// with it are then F at memory).
func memoryAnswersF(t *testing.T, code status.Code) bool {
	t.Helper()
	g := newMem(t, "probe")
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: string(code)})
	_, err := g.Create(t.Context(), createReq("probe"))
	return paygate.OutcomeOf(err) == status.Failure
}

// An F whose code is in FailoverCodes moves the create to the next candidate, with the same
// PaymentRequestID, and the journal says so.
func TestFailoverOnEveryFailoverCode(t *testing.T) {
	codes := slices.Sorted(maps.Keys(route.FailoverCodes))
	require.NotEmpty(t, codes)
	for _, code := range codes {
		t.Run(string(code), func(t *testing.T) {
			a := newFake("a")
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error { return fail("a", paygate.OpCreate, code) }
			b := newMem(t, "b")
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})

			p, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "b", p.Provider)
			assert.Equal(t, "pay-1", p.PaymentRequestID)
			assert.Equal(t, 1, a.Calls(paygate.OpCreate))
			assert.Zero(t, a.Orders("pay-1"))
			assert.Equal(t, 1, b.Ledger().Requests(paygate.OpCreate, "pay-1"), "b got the create with the same PaymentRequestID")
			require.Len(t, b.Ledger().Orders("pay-1"), 1)
			assert.Equal(t, b.Ledger().Orders("pay-1")[0].ProviderID, p.ProviderPaymentID)

			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, "b", e.Provider)
			assert.Equal(t, []string{"a"}, e.Tried)
			assert.Empty(t, e.Open)
			assert.Equal(t, status.Success, e.Outcome)
			assert.Equal(t, p.ProviderPaymentID, e.ProviderID)
			assert.Equal(t, string(status.PaymentRequiresAction), e.Status)
			assert.True(t, e.Amount.Equal(usd("10.50")))
		})
	}
}

// The same with the memory provider answering the code itself, where its code table makes it an F.
func TestFailoverFromMemoryProvider(t *testing.T) {
	for _, code := range slices.Sorted(maps.Keys(route.FailoverCodes)) {
		if !memoryAnswersF(t, code) {
			continue // memory answers it as U: covered by TestNoFailoverOnUnknown
		}
		t.Run(string(code), func(t *testing.T) {
			a, b := newMem(t, "a"), newMem(t, "b")
			a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: string(code)})
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})

			p, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "b", p.Provider)
			assert.Equal(t, 1, a.Ledger().Requests(paygate.OpCreate, "pay-1"))
			assert.Empty(t, a.Ledger().Orders("pay-1"))
			assert.Len(t, b.Ledger().Orders("pay-1"), 1)
			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, "b", e.Provider)
			assert.Equal(t, []string{"a"}, e.Tried)
		})
	}
}

// Every other code stays where it is: an F is returned as it is (a U, for the codes an F may not
// carry), and the next candidate is never asked.
func TestNoFailoverOnOtherCodes(t *testing.T) {
	for _, code := range status.Codes() {
		if _, ok := route.FailoverCodes[code]; ok {
			continue
		}
		t.Run(string(code), func(t *testing.T) {
			a, b := newFake("a"), newFake("b")
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error { return fail("a", paygate.OpCreate, code) }
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})

			p, err := r.Create(t.Context(), createReq("pay-1"))
			require.Error(t, err)
			assert.Nil(t, p)
			assert.Zero(t, b.TotalCalls(), "b must not be asked")
			assert.Equal(t, 1, a.Calls(paygate.OpCreate))
			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, "a", e.Provider)
			assert.Empty(t, e.Tried)
			if code == status.CodeOK || code == status.CodeUnknown {
				// Not a well-formed F: it is U, and stays open.
				requireOutcome(t, err, status.Unknown, "")
				assert.Equal(t, paygate.OpCreate, e.Open)
				return
			}
			requireOutcome(t, err, status.Failure, code)
			assert.Empty(t, e.Open)
			assert.Equal(t, status.Failure, e.Outcome)
			assert.Equal(t, code, e.Code)

			_, err = r.Create(t.Context(), createReq("pay-1"))
			if code == status.CodeNotFound {
				// F NOT_FOUND is also the journal's mark for "Reconcile found it never landed", so
				// the same id is sent again — to the owner only.
				requireOutcome(t, err, status.Failure, code)
				assert.Equal(t, 2, a.Calls(paygate.OpCreate))
				assert.Zero(t, b.TotalCalls())
				return
			}
			// F is final: the same id again sends nothing anywhere.
			requireOutcome(t, err, status.Failure, code)
			assert.Equal(t, 1, a.Calls(paygate.OpCreate))
			assert.Zero(t, b.TotalCalls())
		})
	}
}

// uFaults are the memory provider's faults that make a create U.
func uFaults() map[string]sim.Fault {
	return map[string]sim.Fault{
		"reply code UNKNOWN":       {Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "UNKNOWN"},
		"reply code UNAVAILABLE":   {Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "UNAVAILABLE"},
		"reply code RATE_LIMITED":  {Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "RATE_LIMITED"},
		"reply code E0001":         {Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "E0001"},
		"lose reply":               {Op: paygate.OpCreate, Kind: sim.LoseReply},
		"reply status 500":         {Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 500},
		"reply status 503":         {Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503},
		"reply status 429":         {Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 429},
		"drop before processing":   {Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing},
		"corrupt body":             {Op: paygate.OpCreate, Kind: sim.CorruptBody},
		"corrupt signature":        {Op: paygate.OpCreate, Kind: sim.CorruptSignature},
		"delay past the deadline":  {Op: paygate.OpCreate, Kind: sim.DelayReply, Delay: time.Second},
		"delay, several resolving": {Op: paygate.OpCreate, Kind: sim.DelayReply, Delay: time.Second, Times: 2},
	}
}

// A U never moves: the outcome is U, the next candidate gets no request of any kind, and the journal
// keeps the create open at the first provider.
func TestNoFailoverOnUnknown(t *testing.T) {
	for name, fault := range uFaults() {
		t.Run(name, func(t *testing.T) {
			a, b := newMem(t, "a"), newMem(t, "b")
			a.Inject(fault)
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})

			ctx := t.Context()
			if fault.Kind == sim.DelayReply {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, 20*time.Millisecond)
				defer cancel()
			}
			p, err := r.Create(ctx, createReq("pay-1"))
			assert.Nil(t, p)
			requireOutcome(t, err, status.Unknown, "")
			assert.Zero(t, totalRequests(b), "b must get no request at all")
			assert.Equal(t, 1, a.Ledger().Requests(paygate.OpCreate, "pay-1"))
			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, "a", e.Provider)
			assert.Equal(t, paygate.OpCreate, e.Open)
			assert.Empty(t, e.Tried)
		})
	}
}

// A U with retries and resolution in the wrapped provider still never moves, whatever the policy
// does inside.
func TestNoFailoverOnUnknownWithResolution(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing, Times: 10})
	a.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyStatus, Status: 503, Times: 100})
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"),
		Retry: retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, ResolveFor: 20 * time.Millisecond}})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Zero(t, totalRequests(b))
	assert.Equal(t, 3, a.Ledger().Requests(paygate.OpCreate, "pay-1"), "the policy's resends go to a, with the same id")
}

// A create whose earlier try was U goes back to the same provider only, even when the rules would
// now pick another first, until it is settled there.
func TestUnknownCreateStaysWithItsProvider(t *testing.T) {
	for _, fault := range []sim.Fault{
		{Op: paygate.OpCreate, Kind: sim.LoseReply},            // it landed
		{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing}, // it did not
	} {
		t.Run(fault.Kind.String(), func(t *testing.T) {
			a, b := newMem(t, "a"), newMem(t, "b")
			store := route.NewMemoryStore()
			providers := map[string]paygate.Gateway{"a": a, "b": b}
			r1 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a", "b"), Store: store})
			a.Inject(fault)
			_, err := r1.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")

			// Rules changed: b first now. Still U at a: the create stays there.
			r2 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("b", "a"), Store: store})
			a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503})
			_, err = r2.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
			assert.Zero(t, totalRequests(b))
			assert.Equal(t, 2, a.Ledger().Requests(paygate.OpCreate, "pay-1"))

			// a answers now: one payment, at a.
			p, err := r2.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "a", p.Provider)
			assert.NotNil(t, p.Action, "the create's answer carries the customer's action")
			assert.Zero(t, totalRequests(b))
			assert.Len(t, a.Ledger().Orders("pay-1"), 1)
			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, "a", e.Provider)
			assert.Empty(t, e.Open)
			assert.Equal(t, p.ProviderPaymentID, e.ProviderID)
		})
	}
}

// After a U, a resent create that the owner refuses with a failover code is checked by inquiry:
// the first try landed, so the payment is there, and nothing moves.
func TestUnknownThenFailoverCodeAtOwnerInquiresFirst(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b")})
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")

	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
	assert.Zero(t, totalRequests(b))
	assert.Len(t, a.Ledger().Orders("pay-1"), 1)
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpInquire, "pay-1"))
}

// After a U, an inquiry works and settles the journal.
func TestUnknownCreateThenInquire(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")

	p, err := r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
	assert.Equal(t, status.PaymentRequiresAction, p.Status)
	e := getEntry(t, store, route.KindPayment, "pay-1")
	assert.Empty(t, e.Open, "the inquiry showed the create landed")
	assert.Equal(t, status.Success, e.Outcome)
	assert.Equal(t, p.ProviderPaymentID, e.ProviderID)
	assert.Zero(t, totalRequests(b))

	// And by the provider's id, now that the journal knows it.
	p2, err := r.Inquire(t.Context(), &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Equal(t, "pay-1", p2.PaymentRequestID)
}

// Every candidate refusing with a failover code is an F, nothing is created anywhere, and the same
// id again sends nothing to the providers that refused it.
func TestAllCandidatesRefuse(t *testing.T) {
	a, b := newFake("a"), newFake("b")
	a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return fail("a", paygate.OpCreate, status.CodeDeclined)
	}
	b.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return fail("b", paygate.OpCreate, status.CodeUnsupportedCurrency)
	}
	store := route.NewMemoryStore()
	providers := map[string]paygate.Gateway{"a": a, "b": b}
	r := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a", "b"), Store: store})

	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeUnsupportedCurrency) // the last refusal's code
	assert.Contains(t, err.Error(), "a: DECLINED")
	assert.Contains(t, err.Error(), "b: UNSUPPORTED_CURRENCY")
	assert.Zero(t, a.Orders("pay-1")+b.Orders("pay-1"))
	e := getEntry(t, store, route.KindPayment, "pay-1")
	assert.Equal(t, []string{"a", "b"}, e.Tried)
	assert.Empty(t, e.Open)
	assert.Equal(t, status.Failure, e.Outcome)

	// F is final: nothing new to a or b.
	_, err = r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeUnsupportedCurrency)
	assert.Equal(t, 1, a.Calls(paygate.OpCreate))
	assert.Equal(t, 1, b.Calls(paygate.OpCreate))

	// What the code does with a candidate that was never tried (the rules gained one): the create
	// goes there, and only there.
	c := newMem(t, "c")
	providers["c"] = c
	r2 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a", "b", "c"), Store: store})
	p, err := r2.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "c", p.Provider)
	assert.Equal(t, 1, a.Calls(paygate.OpCreate))
	assert.Equal(t, 1, b.Calls(paygate.OpCreate))
	assert.Len(t, c.Ledger().Orders("pay-1"), 1)
}

// The same with the memory provider: both decline, and neither ledger holds an order.
func TestAllCandidatesRefuseMemory(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	b.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "RISK_REJECTED"})
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b")})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeRiskRejected)
	assert.Empty(t, a.Ledger().AllOrders())
	assert.Empty(t, b.Ledger().AllOrders())

	// The same id again: nothing reaches either provider (the faults are used up, so a resend would
	// create the payment).
	_, err = r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, "")
	assert.Equal(t, 1, totalRequests(a))
	assert.Equal(t, 1, totalRequests(b))
	assert.Empty(t, a.Ledger().AllOrders())
	assert.Empty(t, b.Ledger().AllOrders())
}

// A create no rule matches is F NOT_SUPPORTED with nothing sent and nothing journaled.
func TestNoRuleMatches(t *testing.T) {
	a := newFake("a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Store: store,
		Rules: []route.Rule{{Currencies: []string{"EUR"}, Targets: targets("a")}}})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeNotSupported)
	assert.Zero(t, a.TotalCalls())
	assert.Zero(t, store.puts)
	requireNoEntry(t, store, route.KindPayment, "pay-1")
}

// Follow-ups go to the provider that owns the payment: after a failover from a to b, every call
// reaches b only.
func TestFollowUpsGoToTheOwner(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})
	ctx := t.Context()

	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED", Times: 2})
	p1, err := r.Create(ctx, createReq("pay-1"))
	require.NoError(t, err)
	require.Equal(t, "b", p1.Provider)
	p2, err := r.Create(ctx, createReq("pay-2"))
	require.NoError(t, err)
	require.Equal(t, "b", p2.Provider)
	aBefore := totalRequests(a)
	require.Equal(t, 2, aBefore)

	t.Run("inquire by request id", func(t *testing.T) {
		p, err := r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
		require.NoError(t, err)
		assert.Equal(t, "b", p.Provider)
		assert.Equal(t, p1.ProviderPaymentID, p.ProviderPaymentID)
		assert.Equal(t, 1, b.Ledger().Requests(paygate.OpInquire, "pay-1"))
	})
	t.Run("inquire by provider id", func(t *testing.T) {
		p, err := r.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p1.ProviderPaymentID})
		require.NoError(t, err)
		assert.Equal(t, "b", p.Provider)
		assert.Equal(t, "pay-1", p.PaymentRequestID)
	})
	t.Run("cancel by provider id", func(t *testing.T) {
		p, err := r.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: p2.ProviderPaymentID})
		require.NoError(t, err)
		assert.Equal(t, "b", p.Provider)
		assert.Equal(t, status.PaymentCanceled, p.Status)
		assert.Equal(t, 1, b.Ledger().Requests(paygate.OpCancel, "pay-2"))
		assert.Equal(t, string(status.PaymentCanceled), getEntry(t, store, route.KindPayment, "pay-2").Status)
	})
	require.NoError(t, b.Pay("pay-1"))
	var f1 *paygate.Refund
	t.Run("refund by request id", func(t *testing.T) {
		f, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "3.00"))
		require.NoError(t, err)
		f1 = f
		assert.Equal(t, "b", f.Provider)
		assert.Len(t, b.Ledger().Refunds("ref-1"), 1)
		e := getEntry(t, store, route.KindRefund, "ref-1")
		assert.Equal(t, "b", e.Provider)
		assert.Equal(t, "pay-1", e.PaymentRequestID)
		assert.Equal(t, p1.ProviderPaymentID, e.ProviderPaymentID)
		assert.Equal(t, f.ProviderRefundID, e.ProviderID)
		assert.Empty(t, e.Open)
	})
	t.Run("refund by provider payment id", func(t *testing.T) {
		f, err := r.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "ref-2", ProviderPaymentID: p1.ProviderPaymentID, Amount: usd("1.00")})
		require.NoError(t, err)
		assert.Equal(t, "b", f.Provider)
		assert.Len(t, b.Ledger().Refunds("ref-2"), 1)
	})
	t.Run("inquire refund by request id", func(t *testing.T) {
		f, err := r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
		require.NoError(t, err)
		assert.Equal(t, "b", f.Provider)
		assert.Equal(t, 1, b.Ledger().Requests(paygate.OpInquireRefund, "ref-1"))
	})
	t.Run("inquire refund by provider id", func(t *testing.T) {
		require.NotNil(t, f1)
		f, err := r.InquireRefund(ctx, &paygate.InquireRefundRequest{ProviderRefundID: f1.ProviderRefundID})
		require.NoError(t, err)
		assert.Equal(t, "b", f.Provider)
		assert.Equal(t, "ref-1", f.RefundRequestID)
	})
	assert.Equal(t, aBefore, totalRequests(a), "a got nothing after refusing the creates")
}

// A follow-up for an id the journal does not know is F NOT_FOUND with nothing sent; so is one for
// a payment no provider created.
func TestFollowUpsOfUnknownIDs(t *testing.T) {
	a := newFake("a")
	a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return fail("a", paygate.OpCreate, status.CodeInsufficientFunds)
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
	ctx := t.Context()
	_, err := r.Create(ctx, createReq("refused"))
	requireOutcome(t, err, status.Failure, status.CodeInsufficientFunds)
	calls := a.TotalCalls()

	for _, id := range []string{"never-seen", "refused"} {
		_, err = r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: id})
		requireOutcome(t, err, status.Failure, status.CodeNotFound)
		_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: id})
		requireOutcome(t, err, status.Failure, status.CodeNotFound)
		_, err = r.Refund(ctx, refundReq("ref-"+id, id, "1.00"))
		requireOutcome(t, err, status.Failure, status.CodeNotFound)
	}
	_, err = r.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "no-such-id"})
	requireOutcome(t, err, status.Failure, status.CodeNotFound)
	_, err = r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "no-such-refund"})
	requireOutcome(t, err, status.Failure, status.CodeNotFound)
	assert.Equal(t, calls, a.TotalCalls())
}

// Requests that fail validation are F INVALID_REQUEST: no provider call, no journal entry.
func TestValidationNeverReachesProvidersOrJournal(t *testing.T) {
	a := newFake("a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	ctx := t.Context()

	noID := createReq("")
	negative := createReq("pay-neg")
	negative.Amount = usd("-1")
	zero := createReq("pay-zero")
	zero.Amount = usd("0")
	badURL := createReq("pay-url")
	badURL.NotifyURL = "not a url"
	badID := createReq("pay\x00bad")
	for name, req := range map[string]*paygate.CreateRequest{
		"nil": nil, "missing PaymentRequestID": noID, "negative amount": negative, "zero amount": zero,
		"bad NotifyURL": badURL, "bad id": badID,
	} {
		_, err := r.Create(ctx, req)
		requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
		assert.NotContains(t, err.Error(), "journal", name)
	}
	_, err := r.Inquire(ctx, &paygate.InquireRequest{})
	requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
	_, err = r.Cancel(ctx, &paygate.CancelRequest{})
	requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
	_, err = r.Refund(ctx, &paygate.RefundRequest{PaymentRequestID: "x", Amount: usd("1")})
	requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
	_, err = r.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r", PaymentRequestID: "x"})
	requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
	_, err = r.InquireRefund(ctx, &paygate.InquireRefundRequest{})
	requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)

	assert.Zero(t, a.TotalCalls())
	assert.Zero(t, store.puts)
	open, err := store.Unresolved(ctx)
	require.NoError(t, err)
	assert.Empty(t, open)
	for _, id := range []string{"", "pay-neg", "pay-zero", "pay-url", "pay\x00bad"} {
		requireNoEntry(t, store, route.KindPayment, id)
	}
}

// A known PaymentRequestID with another amount is F IDEMPOTENCY_CONFLICT and nothing is sent,
// whether the first create succeeded or is still unknown.
func TestCreateAmountConflict(t *testing.T) {
	for _, first := range []string{"succeeded", "unknown"} {
		t.Run(first, func(t *testing.T) {
			a, b := newMem(t, "a"), newMem(t, "b")
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b")})
			if first == "unknown" {
				a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 500})
			}
			_, _ = r.Create(t.Context(), createReq("pay-1"))
			before := totalRequests(a)

			req := createReq("pay-1")
			req.Amount = usd("10.51")
			_, err := r.Create(t.Context(), req)
			requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
			req.Amount = money.MustParse("1000", "IDR")
			_, err = r.Create(t.Context(), req)
			requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
			assert.Equal(t, before, totalRequests(a))
			assert.Zero(t, totalRequests(b))
		})
	}
}

// A known RefundRequestID with another amount, or for another payment, is F IDEMPOTENCY_CONFLICT
// and nothing is sent.
func TestRefundConflict(t *testing.T) {
	a := newMem(t, "a")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
	ctx := t.Context()
	for _, id := range []string{"pay-1", "pay-2"} {
		_, err := r.Create(ctx, createReq(id))
		require.NoError(t, err)
		require.NoError(t, a.Pay(id))
	}
	_, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "2.00"))
	require.NoError(t, err)
	before := a.Ledger().RequestsOf(paygate.OpRefund)

	_, err = r.Refund(ctx, refundReq("ref-1", "pay-1", "2.01"))
	requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
	_, err = r.Refund(ctx, refundReq("ref-1", "pay-2", "2.00"))
	requireOutcome(t, err, status.Failure, status.CodeIdempotencyConflict)
	assert.Equal(t, before, a.Ledger().RequestsOf(paygate.OpRefund))
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)

	// The identical refund again is answered with the original, never a second refund.
	f, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "2.00"))
	require.NoError(t, err)
	assert.Equal(t, "a", f.Provider)
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
}

// Payment.Provider and Refund.Provider are the router's names for its providers, not the adapters'.
func TestProviderNamesAreTheRoutersNames(t *testing.T) {
	memA, memB := memory.New(memory.Config{Name: "adapter-a"}), memory.New(memory.Config{Name: "adapter-b"})
	t.Cleanup(memA.Close)
	t.Cleanup(memB.Close)
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"eu": memA, "asia": memB}, Rules: catchAll("eu", "asia")})
	ctx := t.Context()

	p, err := r.Create(ctx, createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "eu", p.Provider)
	p, err = r.Create(ctx, createReq("pay-1")) // replayed
	require.NoError(t, err)
	assert.Equal(t, "eu", p.Provider)
	p, err = r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, "eu", p.Provider)
	require.NoError(t, memA.Pay("pay-1"))
	f, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "1.00"))
	require.NoError(t, err)
	assert.Equal(t, "eu", f.Provider)
	f, err = r.Refund(ctx, refundReq("ref-1", "pay-1", "1.00")) // replayed
	require.NoError(t, err)
	assert.Equal(t, "eu", f.Provider)
	f, err = r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	require.NoError(t, err)
	assert.Equal(t, "eu", f.Provider)

	memA.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	p, err = r.Create(ctx, createReq("pay-2"))
	require.NoError(t, err)
	assert.Equal(t, "asia", p.Provider)
	p, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
	require.NoError(t, err)
	assert.Equal(t, "asia", p.Provider)
}

// journalSpy is a fake provider that, when called, reads the shared journal and records whether
// the entry for the call's request id is open for that write and names it as the owner.
type journalSpy struct {
	*fake
	store route.Store
	mu    sync.Mutex
	seen  map[paygate.Op]*route.Entry
}

func newJournalSpy(name string, store route.Store) *journalSpy {
	s := &journalSpy{fake: newFake(name).dedupes(), store: store, seen: map[paygate.Op]*route.Entry{}}
	record := func(ctx context.Context, op paygate.Op, kind route.Kind, id string) {
		e, err := store.Get(ctx, kind, id)
		if err != nil {
			e = nil
		}
		s.mu.Lock()
		s.seen[op] = e
		s.mu.Unlock()
	}
	s.onCreate = func(ctx context.Context, _ int, req *paygate.CreateRequest) error {
		record(ctx, paygate.OpCreate, route.KindPayment, req.PaymentRequestID)
		return nil
	}
	s.onCancel = func(ctx context.Context, _ int, req *paygate.CancelRequest) error {
		record(ctx, paygate.OpCancel, route.KindPayment, req.PaymentRequestID)
		return nil
	}
	s.onRefund = func(ctx context.Context, _ int, req *paygate.RefundRequest) error {
		record(ctx, paygate.OpRefund, route.KindRefund, req.RefundRequestID)
		return nil
	}
	return s
}

func (s *journalSpy) entrySeen(op paygate.Op) *route.Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.seen[op]
}

// The journal is written before every write is sent: at the moment the provider is called, the
// entry exists, names it and is open for that write.
func TestJournalWrittenBeforeTheCall(t *testing.T) {
	store := route.NewMemoryStore()
	a := newFake("a")
	a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return fail("a", paygate.OpCreate, status.CodeUnavailable)
	}
	b := newJournalSpy("b", store)
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})
	ctx := t.Context()

	_, err := r.Create(ctx, createReq("pay-1"))
	require.NoError(t, err)
	e := b.entrySeen(paygate.OpCreate)
	require.NotNil(t, e, "no journal entry when the create was sent")
	assert.Equal(t, paygate.OpCreate, e.Open)
	assert.Equal(t, "b", e.Provider)
	assert.Equal(t, []string{"a"}, e.Tried, "a's refusal was journaled before the create moved on")

	b.setPaid("pay-1")
	_, err = r.Refund(ctx, refundReq("ref-1", "pay-1", "1.00"))
	require.NoError(t, err)
	e = b.entrySeen(paygate.OpRefund)
	require.NotNil(t, e, "no journal entry when the refund was sent")
	assert.Equal(t, paygate.OpRefund, e.Open)
	assert.Equal(t, "b", e.Provider)
	assert.Equal(t, "pay-1", e.PaymentRequestID)
	require.NotNil(t, e.Refund, "the refund request is journaled for Reconcile")
	assert.True(t, e.Refund.Amount.Equal(usd("1.00")))

	_, err = r.Create(ctx, createReq("pay-2"))
	require.NoError(t, err)
	_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
	require.NoError(t, err)
	e = b.entrySeen(paygate.OpCancel)
	require.NotNil(t, e, "no journal entry when the cancel was sent")
	assert.Equal(t, paygate.OpCancel, e.Open)
	assert.Equal(t, "b", e.Provider)

	// And each is settled after the answer.
	for _, k := range []struct {
		kind route.Kind
		id   string
	}{{route.KindPayment, "pay-1"}, {route.KindPayment, "pay-2"}, {route.KindRefund, "ref-1"}} {
		assert.Empty(t, getEntry(t, store, k.kind, k.id).Open, "%s %s", k.kind, k.id)
	}
}

// When the journal cannot be written, nothing is sent: a first create is F (not sent), never U.
func TestJournalPutFailureSendsNothing(t *testing.T) {
	a := newMem(t, "a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	store.set(false, true)

	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Failure, status.CodeUnavailable)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.ErrorIs(t, err, errStoreDown)
	assert.Zero(t, totalRequests(a))
	store.set(false, false)
	requireNoEntry(t, store, route.KindPayment, "pay-1")
	assert.Equal(t, "closed", r.BreakerState("a"))

	// Back up: the create goes through.
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
}

// A refund whose journal entry cannot be written is not sent either.
func TestJournalPutFailureSendsNoRefund(t *testing.T) {
	a := newMem(t, "a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	require.NoError(t, a.Pay("pay-1"))

	store.set(false, true)
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Failure, status.CodeUnavailable)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	requireOutcome(t, err, status.Failure, status.CodeUnavailable)
	assert.Zero(t, a.Ledger().RequestsOf(paygate.OpRefund))
	assert.Zero(t, a.Ledger().RequestsOf(paygate.OpCancel))
}

// When an earlier try of the same id is open (U) and the journal then fails, the answer is U,
// never F.
func TestJournalFailureAfterUnknownIsUnknown(t *testing.T) {
	tests := []struct {
		name     string
		get, put bool
	}{
		{"get fails", true, false},
		{"put fails", false, true},
		{"both fail", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := newMem(t, "a"), newMem(t, "b")
			store := newFlakyStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})
			a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing})
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")

			store.set(tt.get, tt.put)
			a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503})
			a.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyStatus, Status: 503})
			_, err = r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
			assert.Zero(t, totalRequests(b))
		})
	}

	// A refund: the same.
	a := newMem(t, "a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	require.NoError(t, a.Pay("pay-1"))
	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.DropBeforeProcessing})
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
	store.set(true, false)
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
	store.set(false, true)
	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.ReplyStatus, Status: 503})
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
}

// A journal that cannot be read makes a create U (an earlier try may exist) with nothing sent.
func TestJournalGetFailureIsUnknown(t *testing.T) {
	a := newMem(t, "a")
	store := newFlakyStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	store.set(true, false)
	_, err := r.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, status.CodeUnavailable)
	assert.ErrorIs(t, err, errStoreDown)
	assert.Zero(t, totalRequests(a))

	_, err = r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	requireOutcome(t, err, status.Unknown, "")
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Zero(t, totalRequests(a))
}

// A cancel that is U while the create is still U must not hide the open create: a later create of
// the same id still resolves it (never F), and Reconcile still settles it.
func TestUnknownCancelOfUnknownCreate(t *testing.T) {
	t.Run("create landed", func(t *testing.T) {
		a, b := newMem(t, "a"), newMem(t, "b")
		store := route.NewMemoryStore()
		r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store})
		a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
		_, err := r.Create(t.Context(), createReq("pay-1"))
		requireOutcome(t, err, status.Unknown, "")
		a.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.DropBeforeProcessing})
		_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
		requireOutcome(t, err, status.Unknown, "")
		assert.Equal(t, paygate.OpCreate, getEntry(t, store, route.KindPayment, "pay-1").Open, "the create is still unknown")

		p, err := r.Create(t.Context(), createReq("pay-1"))
		require.NoError(t, err, "a create that may have landed is never F")
		assert.Equal(t, "a", p.Provider)
		assert.Len(t, a.Ledger().Orders("pay-1"), 1)
		assert.Zero(t, totalRequests(b))
	})
	t.Run("create never landed", func(t *testing.T) {
		a := newMem(t, "a")
		store := route.NewMemoryStore()
		r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
		a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing})
		_, err := r.Create(t.Context(), createReq("pay-1"))
		requireOutcome(t, err, status.Unknown, "")
		a.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.DropBeforeProcessing})
		_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
		requireOutcome(t, err, status.Unknown, "")

		rep, err := r.Reconcile(t.Context())
		require.NoError(t, err)
		assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
		e := getEntry(t, store, route.KindPayment, "pay-1")
		assert.Empty(t, e.Open)
		assert.Equal(t, status.CodeNotFound, e.Code)
	})
}

// Calls about a payment or refund whose provider is no longer configured are refused without a
// panic: U for writes that may exist there (never F: the payment may be live), and no other
// provider is asked.
func TestFollowUpsAtRemovedProvider(t *testing.T) {
	store := route.NewMemoryStore()
	ctx := t.Context()
	require.NoError(t, store.Put(ctx, &route.Entry{Kind: route.KindPayment, RequestID: "pay-1", Provider: "gone",
		ProviderID: "gone_pay_1", Amount: usd("10.50"), Status: string(status.PaymentSucceeded), Outcome: status.Success, Code: status.CodeOK}))
	require.NoError(t, store.Put(ctx, &route.Entry{Kind: route.KindRefund, RequestID: "ref-1", Provider: "gone",
		ProviderID: "gone_ref_1", PaymentRequestID: "pay-1", Amount: usd("1.00"), Status: string(status.RefundSucceeded)}))
	b := newFake("b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"b": b}, Rules: catchAll("b"), Store: store})

	notSent := func(t *testing.T, err error) {
		t.Helper()
		requireOutcome(t, err, status.Failure, status.CodeUnavailable)
		assert.ErrorIs(t, err, retry.ErrNotSent)
		assert.Contains(t, err.Error(), `"gone"`)
	}
	_, err := r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	notSent(t, err)
	_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	notSent(t, err)
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").Open)
	_, err = r.Refund(ctx, refundReq("ref-2", "pay-1", "1.00"))
	notSent(t, err)
	_, err = r.Refund(ctx, refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
	_, err = r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	notSent(t, err)
	_, err = r.Create(ctx, createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Zero(t, b.TotalCalls())
	requireNoEntry(t, store, route.KindRefund, "ref-2")
}

// A create the provider made but the journal could not record: at a provider that does not dedupe
// creates, the caller gets U (its order would be an orphan Reconcile cannot find), at one that does,
// the payment (an inquiry by our id finds it later).
func TestCreateUnrecordedAnswer(t *testing.T) {
	for _, dedupes := range []bool{false, true} {
		t.Run(fmt.Sprintf("dedupes=%v", dedupes), func(t *testing.T) {
			store := newFlakyStore()
			a := newFake("a")
			if dedupes {
				a.dedupes()
			}
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
				store.set(false, true) // the journal goes down while the provider works
				return nil
			}
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
			p, err := r.Create(t.Context(), createReq("pay-1"))
			store.set(false, false)
			e := getEntry(t, store, route.KindPayment, "pay-1")
			assert.Equal(t, paygate.OpCreate, e.Open, "the intent stays open for Reconcile")
			if dedupes {
				require.NoError(t, err)
				assert.Equal(t, "a", p.Provider)
				return
			}
			requireOutcome(t, err, status.Unknown, status.CodeUnavailable)
			assert.Contains(t, err.Error(), "must not be shown to the customer")
		})
	}
}

// TestOpenCreatePastTheDedupeWindowIsLookedUpFirst: a provider that dedupes creates only for a while
// (retry.Idempotency.Window, Stripe's 24 hours) gets an open create again within that time; past it,
// the router looks first, and while the lookup cannot tell (Stripe's search lags: U NOT_FOUND), it
// sends nothing: a resend could make a second payment.
func TestOpenCreatePastTheDedupeWindowIsLookedUpFirst(t *testing.T) {
	tests := []struct {
		name        string
		after       time.Duration
		wantResends int
		wantOutcome status.Outcome
	}{
		{"within the window the create is resent", time.Hour, 1, status.Success},
		{"past the window nothing is sent while the lookup cannot tell", 25 * time.Hour, 0, status.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
			f := newFake("stripe").dedupes()
			for op, idem := range f.idem {
				idem.Window = 24 * time.Hour
				f.idem[op] = idem
			}
			var unreachable atomic.Bool
			unreachable.Store(true)
			f.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
				if unreachable.Load() {
					return unknownErr("stripe", paygate.OpCreate)
				}
				return nil
			}
			f.onInquire = func(context.Context, int, *paygate.InquireRequest) error {
				return &paygate.Error{Provider: "stripe", Op: paygate.OpInquire, Outcome: status.Unknown, Code: status.CodeNotFound, Message: "the search lags"}
			}
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"stripe": f}, Rules: catchAll("stripe"),
				Now: func() time.Time { return now }})
			_, err := r.Create(context.Background(), createReq("pay-window"))
			requireOutcome(t, err, status.Unknown, "")
			f.mu.Lock()
			before := f.calls[paygate.OpCreate]
			f.mu.Unlock()

			now = now.Add(tt.after)
			unreachable.Store(false)
			_, err = r.Create(context.Background(), createReq("pay-window"))
			assert.Equal(t, tt.wantOutcome, paygate.OutcomeOf(err), "%v", err)
			f.mu.Lock()
			defer f.mu.Unlock()
			assert.Equal(t, tt.wantResends, f.calls[paygate.OpCreate]-before)
		})
	}
}
