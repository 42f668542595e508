// Package storetest checks implementations of route.Store, in the manner of testing/fstest: every
// Store, in memory or in a database, must pass Run.
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) route.Store { return newEmptyStore(t) })
//	}
//
// The suite checks what the router relies on: the key is (Kind, RequestID), exactly; Put is
// compare-and-swap on Version; every field reads back as written (money exactly, times to the
// microsecond, the lease that keeps routers on several machines apart); no memory is shared with callers; FindByProviderID and Unresolved follow every write;
// of two concurrent writers of one version only one wins; and a cancelled context stops every call.
// Run it with -race.
//
// The suite's times are UTC with a microsecond part and are compared with time.Equal: a Store may
// return another location, but must keep at least microseconds.
package storetest

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// Run runs the suite against the stores newStore returns. Every case is a subtest, grouped by what it
// checks (get, versions, kinds, fields, isolation, find, unresolved, concurrency, context), and calls
// newStore once for a store of its own that must be empty. newStore may register cleanups with t.
func Run(t *testing.T, newStore func(t *testing.T) route.Store) {
	t.Helper()
	groups := []struct {
		name  string
		cases []testCase
	}{
		{"get", getCases()},
		{"versions", versionCases()},
		{"kinds", kindCases()},
		{"fields", fieldCases()},
		{"isolation", isolationCases()},
		{"find", findCases()},
		{"unresolved", unresolvedCases()},
		{"concurrency", concurrencyCases()},
		{"context", contextCases()},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, c := range g.cases {
				t.Run(c.name, func(t *testing.T) {
					s := newStore(t)
					require.NotNil(t, s, "newStore returned no store")
					c.run(t, s)
				})
			}
		})
	}
}

type testCase struct {
	name string
	run  func(t *testing.T, s route.Store)
}

// base is the suite's clock: UTC with a microsecond part, the precision every Store must keep.
var base = time.Date(2026, time.March, 4, 5, 6, 7, 123456000, time.UTC)

// at is base plus n minutes.
func at(n int) time.Time { return base.Add(time.Duration(n) * time.Minute) }

// newPayment returns a payment entry as the router writes it just before a create.
func newPayment(id string) *route.Entry {
	return &route.Entry{
		Kind:      route.KindPayment,
		RequestID: id,
		Provider:  "alpha",
		Amount:    money.MustParse("10.50", "USD"),
		Open:      paygate.OpCreate,
		CreatedAt: base,
		UpdatedAt: base,
	}
}

// newRefund returns a refund entry as the router writes it just before a refund.
func newRefund(id string) *route.Entry {
	return &route.Entry{
		Kind:              route.KindRefund,
		RequestID:         id,
		Provider:          "alpha",
		PaymentRequestID:  "pay-of-" + id,
		ProviderPaymentID: "alpha-pay-of-" + id,
		Amount:            money.MustParse("4.20", "USD"),
		Open:              paygate.OpRefund,
		Refund: &paygate.RefundRequest{
			RefundRequestID:   id,
			PaymentRequestID:  "pay-of-" + id,
			ProviderPaymentID: "alpha-pay-of-" + id,
			Amount:            money.MustParse("4.20", "USD"),
			Reason:            "requested by customer",
			NotifyURL:         "https://shop.example/hooks/refunds",
		},
		CreatedAt: base,
		UpdatedAt: base,
	}
}

// newCapture returns a capture entry as the router writes it just before a capture: the payment's
// ids, the amount asked (here a partial one) and the request as sent.
func newCapture(id string) *route.Entry {
	return &route.Entry{
		Kind:              route.KindCapture,
		RequestID:         id,
		Provider:          "alpha",
		PaymentRequestID:  "pay-of-" + id,
		ProviderPaymentID: "alpha-pay-of-" + id,
		Amount:            money.MustParse("7.35", "USD"),
		Open:              paygate.OpCapture,
		Capture: &paygate.CaptureRequest{
			CaptureRequestID:  id,
			PaymentRequestID:  "pay-of-" + id,
			ProviderPaymentID: "alpha-pay-of-" + id,
			Amount:            money.MustParse("7.35", "USD"),
		},
		CreatedAt: base,
		UpdatedAt: base,
	}
}

// fullCapture returns a capture entry with every field a capture uses set, leased and unknown.
func fullCapture() *route.Entry {
	e := newCapture("cap-full-1")
	e.Provider = "gamma"
	e.Outcome = status.Unknown
	e.Code = status.CodeTimeout
	e.Status = string(status.PaymentAuthorized)
	e.LeaseOwner = "checkout-7/4242#18"
	e.LeaseUntil = at(8)
	e.CreatedAt = at(-4)
	e.UpdatedAt = at(4)
	return e
}

// fullEntry returns a refund entry with every field set to something other than its zero value.
func fullEntry() *route.Entry {
	e := newRefund("full-1")
	e.Provider = "gamma"
	e.ProviderID = "gamma-refund-1"
	e.Outcome = status.Unknown
	e.Code = status.CodeTimeout
	e.Status = string(status.RefundPending)
	e.Tried = []string{"alpha", "beta"}
	e.LeaseOwner = "checkout-7/4242#17"
	e.LeaseUntil = at(7)
	e.CreatedAt = at(-5)
	e.UpdatedAt = at(5)
	return e
}

// previous returns an entry of kind and id whose every field differs from the other fixtures', to be
// overwritten by an update: a Store whose update forgets a column keeps one of these values.
func previous(kind route.Kind, id string) *route.Entry {
	return &route.Entry{
		Kind:              kind,
		RequestID:         id,
		Provider:          "before",
		ProviderID:        "before-provider-id",
		PaymentRequestID:  "before-payment",
		ProviderPaymentID: "before-provider-payment",
		Amount:            money.MustParse("77.77", "GBP"),
		Open:              paygate.OpCancel,
		Outcome:           status.Failure,
		Code:              status.CodeRateLimited,
		Status:            "BEFORE",
		Tried:             []string{"before-1", "before-2"},
		Refund: &paygate.RefundRequest{
			RefundRequestID:  "before-refund",
			PaymentRequestID: "before-payment",
			Amount:           money.MustParse("7.77", "GBP"),
			Reason:           "before",
			NotifyURL:        "https://before.example/",
		},
		Capture: &paygate.CaptureRequest{
			CaptureRequestID: "before-capture",
			PaymentRequestID: "before-payment",
			Amount:           money.MustParse("6.66", "GBP"),
		},
		LeaseOwner: "before-owner#1",
		LeaseUntil: time.Date(1992, time.January, 2, 3, 4, 5, 6000, time.UTC),
		CreatedAt:  time.Date(1990, time.January, 2, 3, 4, 5, 6000, time.UTC),
		UpdatedAt:  time.Date(1991, time.January, 2, 3, 4, 5, 6000, time.UTC),
	}
}

// minor is money.FromMinor for fixtures known to be valid.
func minor(units int64, currency string) money.Amount {
	a, err := money.FromMinor(units, currency)
	if err != nil {
		panic(err)
	}
	return a
}

var (
	largest  = minor(math.MaxInt64, "USD")
	smallest = minor(-math.MaxInt64, "JPY")
)

// put stores e, which must succeed.
func put(t *testing.T, s route.Store, e *route.Entry) {
	t.Helper()
	v := e.Version
	require.NoError(t, s.Put(t.Context(), e), "Put %s %q at version %d", e.Kind, e.RequestID, v)
	require.Equal(t, v+1, e.Version, "a successful Put must set e.Version to the new version, %d", v+1)
}

// get reads an entry that must exist.
func get(t *testing.T, s route.Store, kind route.Kind, id string) *route.Entry {
	t.Helper()
	e, err := s.Get(t.Context(), kind, id)
	require.NoError(t, err, "Get %s %q", kind, id)
	require.NotNil(t, e, "Get %s %q returned no entry and no error", kind, id)
	return e
}

// requireNotFound checks that nothing is stored under (kind, id).
func requireNotFound(t *testing.T, s route.Store, kind route.Kind, id string) {
	t.Helper()
	e, err := s.Get(t.Context(), kind, id)
	require.ErrorIs(t, err, route.ErrNotFound, "Get %s %q must fail with an error wrapping route.ErrNotFound (found %+v)", kind, id, e)
	require.Nil(t, e, "Get %s %q failed but returned an entry", kind, id)
}

// stored is want as the store holds it after n successful Puts.
func stored(want *route.Entry, version int64) *route.Entry {
	want.Version = version
	return want
}

// assertEntry checks that got has every field of want: times with time.Equal, Tried by content (nil
// and empty alike), everything else exactly.
func assertEntry(t *testing.T, want, got *route.Entry, what string) bool {
	t.Helper()
	if !assert.NotNil(t, got, "%s: no entry", what) {
		return false
	}
	ok := assert.True(t, want.CreatedAt.Equal(got.CreatedAt),
		"%s: CreatedAt reads back as %s, want %s (a Store must keep microseconds)", what, got.CreatedAt, want.CreatedAt)
	ok = assert.True(t, want.UpdatedAt.Equal(got.UpdatedAt),
		"%s: UpdatedAt reads back as %s, want %s (a Store must keep microseconds)", what, got.UpdatedAt, want.UpdatedAt) && ok
	ok = assert.True(t, want.LeaseUntil.Equal(got.LeaseUntil),
		"%s: LeaseUntil reads back as %s, want %s (a Store must keep the lease, to the microsecond)", what, got.LeaseUntil, want.LeaseUntil) && ok
	return assert.Equal(t, normalized(want), normalized(got), "%s: the entry read back is not the one written", what) && ok
}

// normalized is a copy of e without the differences assertEntry allows.
func normalized(e *route.Entry) route.Entry {
	c := *e
	c.CreatedAt, c.UpdatedAt, c.LeaseUntil = time.Time{}, time.Time{}, time.Time{}
	if len(c.Tried) == 0 {
		c.Tried = nil
	}
	return c
}

// key names an entry in messages and comparisons.
func key(e *route.Entry) string { return fmt.Sprintf("%s/%s", e.Kind, e.RequestID) }

// keys lists the keys of entries, in order.
func keys(entries []*route.Entry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, key(e))
	}
	return out
}
