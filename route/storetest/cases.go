package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

func getCases() []testCase {
	cases := []testCase{
		{"missing key", func(t *testing.T, s route.Store) {
			requireNotFound(t, s, route.KindPayment, "pay-missing")
			put(t, s, newPayment("pay-other"))
			requireNotFound(t, s, route.KindPayment, "pay-missing")
		}},
	}

	// The key is compared exactly: a store that folds case or trims would merge two payments.
	for _, id := range []string{"PAY-1", "pay-1 ", " pay-1", "pay-", "pay-10", "pay‐1"} {
		cases = append(cases, testCase{fmt.Sprintf("key is exact: %q is not pay-1", id), func(t *testing.T, s route.Store) {
			put(t, s, newPayment("pay-1"))
			requireNotFound(t, s, route.KindPayment, id)
		}})
	}

	invalid := []struct {
		name  string
		entry *route.Entry
	}{
		{"nil entry", nil},
		{"no Kind", &route.Entry{RequestID: "pay-no-kind", CreatedAt: base, UpdatedAt: base}},
		{"no RequestID", &route.Entry{Kind: route.KindPayment, CreatedAt: base, UpdatedAt: base}},
	}
	for _, tt := range invalid {
		cases = append(cases, testCase{"Put refuses an entry with " + tt.name, func(t *testing.T, s route.Store) {
			err := s.Put(t.Context(), tt.entry)
			require.Error(t, err, "Put must refuse an entry with %s", tt.name)
			assert.NotErrorIs(t, err, route.ErrConflict, "an invalid entry is not a conflict: the caller would retry it forever")
			if tt.entry != nil {
				assert.Zero(t, tt.entry.Version, "a refused Put must leave e.Version alone")
				requireNotFound(t, s, tt.entry.Kind, tt.entry.RequestID)
			}
		}})
	}
	return cases
}

func versionCases() []testCase {
	type step struct {
		version  int64  // the Version the entry is Put with
		provider string // marks the write, to tell which one is stored
		conflict bool   // Put must fail with ErrConflict and store nothing
	}
	table := []struct {
		name         string
		steps        []step
		wantProvider string // stored at the end; "" when nothing is
		wantVersion  int64
	}{
		{"insert sets Version 1", []step{{0, "p1", false}}, "p1", 1},
		{"second insert conflicts", []step{{0, "p1", false}, {0, "p2", true}}, "p1", 1},
		{"stale version conflicts", []step{{0, "p1", false}, {1, "p2", false}, {1, "p3", true}}, "p2", 2},
		{"version ahead of the stored one conflicts", []step{{0, "p1", false}, {2, "p2", true}}, "p1", 1},
		{"update of a missing entry conflicts", []step{{1, "p1", true}}, "", 0},
		{"negative version conflicts", []step{{-1, "p1", true}}, "", 0},
		{"negative version of a stored entry conflicts", []step{{0, "p1", false}, {-1, "p2", true}}, "p1", 1},
		{"successive puts count up by one", []step{{0, "p1", false}, {1, "p2", false}, {2, "p3", false}, {3, "p4", false}, {4, "p5", false}}, "p5", 5},
		{"after a conflict, the stored version wins", []step{{0, "p1", false}, {0, "p2", true}, {1, "p3", false}}, "p3", 2},
	}
	var cases []testCase
	for _, tt := range table {
		cases = append(cases, testCase{tt.name, func(t *testing.T, s route.Store) {
			const id = "pay-versions"
			entry := func(provider string, version int64) *route.Entry {
				e := newPayment(id)
				e.Provider = provider
				e.UpdatedAt = at(int(version))
				e.Version = version
				return e
			}
			var want *route.Entry // what the store must hold; nil while nothing is stored
			for i, st := range tt.steps {
				e := entry(st.provider, st.version)
				err := s.Put(t.Context(), e)
				if st.conflict {
					require.ErrorIs(t, err, route.ErrConflict, "step %d: Put with Version %d must fail with ErrConflict", i, st.version)
					assert.Equal(t, st.version, e.Version, "step %d: a failed Put must leave e.Version alone", i)
				} else {
					require.NoError(t, err, "step %d: Put with Version %d", i, st.version)
					require.Equal(t, st.version+1, e.Version, "step %d: Put must set e.Version to the new version", i)
					want = stored(entry(st.provider, st.version), st.version+1)
				}
				if want == nil {
					requireNotFound(t, s, route.KindPayment, id)
				} else {
					assertEntry(t, want, get(t, s, route.KindPayment, id), fmt.Sprintf("step %d: the stored entry (a failed Put must store nothing)", i))
				}
			}
			if tt.wantProvider == "" {
				require.Nil(t, want, "the table says nothing is stored")
				return
			}
			got := get(t, s, route.KindPayment, id)
			assert.Equal(t, tt.wantProvider, got.Provider)
			assert.Equal(t, tt.wantVersion, got.Version)
		}})
	}
	return cases
}

func kindCases() []testCase {
	return []testCase{
		{"the same request id as payment and as refund is two entries", func(t *testing.T, s route.Store) {
			p, r := newPayment("shared-1"), newRefund("shared-1")
			put(t, s, p)
			put(t, s, r) // a Store keyed by RequestID alone fails here with ErrConflict
			assertEntry(t, stored(newPayment("shared-1"), 1), get(t, s, route.KindPayment, "shared-1"), "the payment")
			assertEntry(t, stored(newRefund("shared-1"), 1), get(t, s, route.KindRefund, "shared-1"), "the refund")

			p.Provider = "beta"
			put(t, s, p)
			assert.Equal(t, "beta", get(t, s, route.KindPayment, "shared-1").Provider)
			assertEntry(t, stored(newRefund("shared-1"), 1), get(t, s, route.KindRefund, "shared-1"), "the refund after an update of the payment")
		}},
		{"Get does not cross kinds", func(t *testing.T, s route.Store) {
			put(t, s, newPayment("only-payment"))
			put(t, s, newRefund("only-refund"))
			put(t, s, newCapture("only-capture"))
			requireNotFound(t, s, route.KindRefund, "only-payment")
			requireNotFound(t, s, route.KindPayment, "only-refund")
			requireNotFound(t, s, route.KindCapture, "only-payment")
			requireNotFound(t, s, route.KindCapture, "only-refund")
			requireNotFound(t, s, route.KindPayment, "only-capture")
			requireNotFound(t, s, route.KindRefund, "only-capture")
		}},
		{"the same request id as payment, refund and capture is three entries", func(t *testing.T, s route.Store) {
			p, r, c := newPayment("shared-2"), newRefund("shared-2"), newCapture("shared-2")
			put(t, s, p)
			put(t, s, r)
			put(t, s, c)
			assertEntry(t, stored(newPayment("shared-2"), 1), get(t, s, route.KindPayment, "shared-2"), "the payment")
			assertEntry(t, stored(newRefund("shared-2"), 1), get(t, s, route.KindRefund, "shared-2"), "the refund")
			assertEntry(t, stored(newCapture("shared-2"), 1), get(t, s, route.KindCapture, "shared-2"), "the capture")
		}},
	}
}

// fieldCases write entries that exercise every field, insert them and update another entry to them,
// and read them back through Get, FindByProviderID and Unresolved.
func fieldCases() []testCase {
	amount := func(a money.Amount) func() *route.Entry {
		return func() *route.Entry {
			e := newPayment("pay-" + strings.ReplaceAll(a.String(), " ", "-"))
			e.Amount = a
			return e
		}
	}
	open := func(op paygate.Op) func() *route.Entry {
		return func() *route.Entry {
			e := newPayment("pay-open-" + string(op))
			e.Open = op
			return e
		}
	}
	table := []struct {
		name  string
		entry func() *route.Entry // called once per use, so the test can compare with a fresh copy
	}{
		{"amount 10.50 USD", amount(money.MustParse("10.50", "USD"))},
		{"amount 1000 JPY, no decimals", amount(money.MustParse("1000", "JPY"))},
		{"amount 1.234 KWD, three decimals", amount(money.MustParse("1.234", "KWD"))},
		{"amount 1.2345 CLF, four decimals", amount(money.MustParse("1.2345", "CLF"))},
		{"amount 0.01 USD", amount(money.MustParse("0.01", "USD"))},
		{"amount 0.00 USD is not the zero Amount", amount(money.MustParse("0.00", "USD"))},
		{"negative amount", amount(money.MustParse("-3.05", "EUR"))},
		{"large amount, beyond a float's precision", amount(money.MustParse("12345678901234567.89", "USD"))},
		{"largest amount", amount(largest)},
		{"smallest amount", amount(smallest)},
		{"amount in a withdrawn currency", amount(money.MustParse("12.34", "BGN"))},
		{"zero Amount", amount(money.Amount{})},
		{"Open create", open(paygate.OpCreate)},
		{"Open cancel", open(paygate.OpCancel)},
		{"Open refund", open(paygate.OpRefund)},
		{"Open capture", open(paygate.OpCapture)},
		{"nothing open", open("")},
		{"settled payment", func() *route.Entry {
			e := newPayment("pay-settled")
			e.ProviderID = "alpha-pay-settled"
			e.Open = ""
			e.Outcome, e.Code, e.Status = status.Success, status.CodeOK, string(status.PaymentSucceeded)
			return e
		}},
		{"unknown outcome", func() *route.Entry {
			e := newPayment("pay-unknown")
			e.Outcome, e.Code = status.Unknown, status.CodeTimeout
			return e
		}},
		{"failed over, Tried in order", func() *route.Entry {
			e := newPayment("pay-failed-over")
			e.Provider = "delta"
			e.Tried = []string{"gamma", "alpha", "beta"}
			e.Outcome, e.Code = status.Failure, status.CodeUnavailable
			return e
		}},
		{"Tried with awkward names", func() *route.Entry {
			e := newPayment("pay-awkward-tried")
			e.Tried = []string{"", "a,b", "{x}", `"quoted"`, "NULL", `back\slash`, "ünï 🙂", " spaced ", "'"}
			return e
		}},
		{"Tried empty", func() *route.Entry {
			e := newPayment("pay-tried-empty")
			e.Tried = []string{}
			return e
		}},
		{"refund with its request", func() *route.Entry {
			e := fullEntry()
			e.Refund.Reason = `customer asked – "rückerstattung" 返金 🙂 <&> \ '`
			e.Refund.NotifyURL = "https://shop.example/hooks?a=1&b=%20"
			return e
		}},
		{"refund request without amount", func() *route.Entry {
			e := newRefund("ref-no-amount")
			e.Refund.Amount = money.Amount{}
			return e
		}},
		{"refund request with ids only", func() *route.Entry {
			e := newRefund("ref-ids-only")
			e.Refund = &paygate.RefundRequest{RefundRequestID: "ref-ids-only", ProviderPaymentID: "alpha-123"}
			return e
		}},
		{"refund entry without request", func() *route.Entry {
			e := newRefund("ref-no-request")
			e.Refund = nil
			return e
		}},
		{"capture with its request", func() *route.Entry { return fullCapture() }},
		{"capture of the whole authorized amount (zero Amount)", func() *route.Entry {
			e := newCapture("cap-whole")
			e.Amount, e.Capture.Amount = money.Amount{}, money.Amount{}
			return e
		}},
		{"capture in yen", func() *route.Entry {
			e := newCapture("cap-yen")
			e.Amount, e.Capture.Amount = money.MustParse("1200", "JPY"), money.MustParse("1200", "JPY")
			return e
		}},
		{"capture settled", func() *route.Entry {
			e := newCapture("cap-settled")
			e.Open, e.Outcome, e.Code, e.Status = "", status.Success, status.CodeOK, string(status.PaymentSucceeded)
			return e
		}},
		{"capture entry without request", func() *route.Entry {
			e := newCapture("cap-no-request")
			e.Capture = nil
			return e
		}},
		{"leased", func() *route.Entry {
			e := newPayment("pay-leased")
			e.LeaseOwner, e.LeaseUntil = "router-a/123#9", at(2)
			return e
		}},
		{"lease given back", func() *route.Entry {
			e := newPayment("pay-lease-released")
			e.LeaseOwner, e.LeaseUntil = "", time.Time{}
			return e
		}},
		{"times far apart", func() *route.Entry {
			e := newPayment("pay-times")
			e.CreatedAt = time.Date(1999, time.December, 31, 23, 59, 59, 999999000, time.UTC)
			e.UpdatedAt = time.Date(2100, time.January, 1, 0, 0, 0, 1000, time.UTC)
			return e
		}},
		{"zero times", func() *route.Entry {
			e := newPayment("pay-zero-times")
			e.CreatedAt, e.UpdatedAt = time.Time{}, time.Time{}
			return e
		}},
		{"unicode and long text", func() *route.Entry {
			e := newPayment("заказ-🙂-1")
			e.Provider = "prövider"
			e.ProviderID = strings.Repeat("x9", 1000)
			e.Status = `weird "status" \ 'with' ;quotes--`
			return e
		}},
	}
	var cases []testCase
	for _, tt := range table {
		cases = append(cases, testCase{tt.name, func(t *testing.T, s route.Store) {
			e := tt.entry()
			put(t, s, e)
			checkEverywhere(t, s, stored(tt.entry(), 1), "inserted")

			// The same content as an update of another entry, so no column may be left behind.
			u := tt.entry()
			u.RequestID += "~updated"
			put(t, s, previous(u.Kind, u.RequestID))
			u.Version = 1
			put(t, s, u)
			want := tt.entry()
			want.RequestID += "~updated"
			checkEverywhere(t, s, stored(want, 2), "updated")
			found, err := s.FindByProviderID(t.Context(), want.Kind, "before-provider-id")
			require.NoError(t, err)
			assert.Empty(t, keys(found), "FindByProviderID by the ProviderID an update replaced")
		}})
	}
	return cases
}

// checkEverywhere reads want back through every method that can return it.
func checkEverywhere(t *testing.T, s route.Store, want *route.Entry, how string) {
	t.Helper()
	assertEntry(t, want, get(t, s, want.Kind, want.RequestID), "Get of the "+how+" entry")
	if want.ProviderID != "" {
		found, err := s.FindByProviderID(t.Context(), want.Kind, want.ProviderID)
		require.NoError(t, err)
		i := slices.IndexFunc(found, func(e *route.Entry) bool { return key(e) == key(want) })
		require.NotEqual(t, -1, i, "FindByProviderID did not return the %s entry", how)
		assertEntry(t, want, found[i], "FindByProviderID of the "+how+" entry")
	}
	open, err := s.Unresolved(t.Context())
	require.NoError(t, err)
	for _, e := range open {
		if key(e) == key(want) {
			require.NotEmpty(t, want.Open, "Unresolved returned the %s entry, which has nothing open", how)
			assertEntry(t, want, e, "Unresolved of the "+how+" entry")
			return
		}
	}
	require.Empty(t, want.Open, "Unresolved did not return the %s entry, which has %q open", how, want.Open)
}

// scribble changes every part of e a store might share with it.
func scribble(e *route.Entry) {
	e.Provider = "scribbled"
	e.ProviderID = "scribbled"
	e.Amount = money.MustParse("666.66", "EUR")
	e.Open = paygate.OpCancel
	e.Status = "SCRIBBLED"
	if len(e.Tried) > 0 {
		e.Tried[0] = "scribbled" // in place first: catches a shared backing array
	}
	e.Tried = append(e.Tried, "scribbled")
	if e.Refund != nil {
		e.Refund.Reason = "scribbled"
		e.Refund.Amount = money.MustParse("666.66", "EUR")
		e.Refund.RefundRequestID = "scribbled"
	}
	if e.Capture != nil {
		e.Capture.Amount = money.MustParse("666.66", "EUR")
		e.Capture.CaptureRequestID = "scribbled"
	}
	e.Version = 99
	e.UpdatedAt = at(99)
}

func isolationCases() []testCase {
	// Each reads the stored entry once, scribbles on the result, and must then read it unchanged.
	readers := []struct {
		name string
		read func(t *testing.T, s route.Store) *route.Entry
	}{
		{"Get", func(t *testing.T, s route.Store) *route.Entry {
			return get(t, s, route.KindRefund, "full-1")
		}},
		{"FindByProviderID", func(t *testing.T, s route.Store) *route.Entry {
			found, err := s.FindByProviderID(t.Context(), route.KindRefund, "gamma-refund-1")
			require.NoError(t, err)
			require.Len(t, found, 1)
			return found[0]
		}},
		{"Unresolved", func(t *testing.T, s route.Store) *route.Entry {
			open, err := s.Unresolved(t.Context())
			require.NoError(t, err)
			require.Len(t, open, 1)
			return open[0]
		}},
	}
	cases := []testCase{
		{"changing an entry after Put", func(t *testing.T, s route.Store) {
			e := fullEntry()
			put(t, s, e)
			scribble(e)
			assertEntry(t, stored(fullEntry(), 1), get(t, s, route.KindRefund, "full-1"), "an entry its caller changed after Put")
		}},
		{"changing a capture entry after Put", func(t *testing.T, s route.Store) {
			e := fullCapture()
			put(t, s, e)
			scribble(e)
			assertEntry(t, stored(fullCapture(), 1), get(t, s, route.KindCapture, "cap-full-1"), "a capture entry its caller changed after Put")
			scribble(get(t, s, route.KindCapture, "cap-full-1"))
			assertEntry(t, stored(fullCapture(), 1), get(t, s, route.KindCapture, "cap-full-1"), "a capture entry after its caller changed what Get returned")
		}},
		{"Put changes nothing but e.Version", func(t *testing.T, s route.Store) {
			e := fullEntry()
			e.Refund.ProviderOptions = []any{"option"}
			put(t, s, e)
			want := stored(fullEntry(), 1)
			want.Refund.ProviderOptions = []any{"option"}
			assertEntry(t, want, e, "the caller's entry after Put")
		}},
		{"Refund.ProviderOptions are not kept", func(t *testing.T, s route.Store) {
			e := fullEntry()
			e.Refund.ProviderOptions = []any{"option", func() {}}
			put(t, s, e)
			got := get(t, s, route.KindRefund, "full-1")
			require.NotNil(t, got.Refund)
			assert.Nil(t, got.Refund.ProviderOptions, "Refund.ProviderOptions must not be stored (see Entry.Refund)")
		}},
	}
	for _, r := range readers {
		cases = append(cases, testCase{"changing an entry returned by " + r.name, func(t *testing.T, s route.Store) {
			put(t, s, fullEntry())
			scribble(r.read(t, s))
			assertEntry(t, stored(fullEntry(), 1), r.read(t, s), "the entry after its caller changed what "+r.name+" returned")
		}})
	}
	cases = append(cases, testCase{"two reads return separate memory", func(t *testing.T, s route.Store) {
		put(t, s, fullEntry())
		first, second := get(t, s, route.KindRefund, "full-1"), get(t, s, route.KindRefund, "full-1")
		scribble(first)
		assertEntry(t, stored(fullEntry(), 1), second, "the second Get after its caller changed the first")
	}})
	return cases
}

// withProviderID is e with the given provider and provider id.
func withProviderID(e *route.Entry, provider, providerID string) *route.Entry {
	e.Provider, e.ProviderID = provider, providerID
	return e
}

func findCases() []testCase {
	pay := func(id, provider, pid string) func() *route.Entry {
		return func() *route.Entry { return withProviderID(newPayment(id), provider, pid) }
	}
	ref := func(id, provider, pid string) func() *route.Entry {
		return func() *route.Entry { return withProviderID(newRefund(id), provider, pid) }
	}
	table := []struct {
		name       string
		stored     []func() *route.Entry
		kind       route.Kind
		providerID string
		want       []string // keys, in any order
	}{
		{"empty store", nil, route.KindPayment, "pid-1", nil},
		{"no match", []func() *route.Entry{pay("p1", "alpha", "pid-1")}, route.KindPayment, "pid-2", nil},
		{"one match", []func() *route.Entry{pay("p1", "alpha", "pid-1"), pay("p2", "alpha", "pid-2")}, route.KindPayment, "pid-1", []string{"payment/p1"}},
		{"the same id at two providers", []func() *route.Entry{
			pay("p1", "alpha", "pid-x"), pay("p2", "beta", "pid-x"), pay("p3", "alpha", "pid-y"),
		}, route.KindPayment, "pid-x", []string{"payment/p1", "payment/p2"}},
		{"payments only", []func() *route.Entry{pay("p1", "alpha", "pid-x"), ref("r1", "alpha", "pid-x")}, route.KindPayment, "pid-x", []string{"payment/p1"}},
		{"refunds only", []func() *route.Entry{pay("p1", "alpha", "pid-x"), ref("r1", "alpha", "pid-x")}, route.KindRefund, "pid-x", []string{"refund/r1"}},
		{"empty id matches nothing", []func() *route.Entry{pay("p1", "alpha", ""), pay("p2", "beta", "")}, route.KindPayment, "", nil},
		{"no pattern matching", []func() *route.Entry{pay("p1", "alpha", "pid_1")}, route.KindPayment, "pid_%", nil},
		{"no prefix matching", []func() *route.Entry{pay("p1", "alpha", "pid_1")}, route.KindPayment, "pid_", nil},
		{"no case folding", []func() *route.Entry{pay("p1", "alpha", "pid_1")}, route.KindPayment, "PID_1", nil},
		{"no trimming", []func() *route.Entry{pay("p1", "alpha", "pid_1")}, route.KindPayment, "pid_1 ", nil},
	}
	var cases []testCase
	for _, tt := range table {
		cases = append(cases, testCase{tt.name, func(t *testing.T, s route.Store) {
			want := map[string]*route.Entry{}
			for _, build := range tt.stored {
				put(t, s, build())
				e := stored(build(), 1)
				want[key(e)] = e
			}
			found, err := s.FindByProviderID(t.Context(), tt.kind, tt.providerID)
			require.NoError(t, err)
			require.NotNil(t, found, "FindByProviderID must return an empty slice, not nil, when nothing matches")
			assert.ElementsMatch(t, tt.want, keys(found), "FindByProviderID(%s, %q)", tt.kind, tt.providerID)
			for _, e := range found {
				if w, ok := want[key(e)]; ok {
					assertEntry(t, w, e, "FindByProviderID of "+key(e))
				}
			}
		}})
	}
	cases = append(cases, testCase{"follows updates", func(t *testing.T, s route.Store) {
		find := func(pid string) []string {
			found, err := s.FindByProviderID(t.Context(), route.KindPayment, pid)
			require.NoError(t, err)
			return keys(found)
		}
		e := newPayment("p1")
		put(t, s, e) // no provider id yet, as before the create's answer
		assert.Empty(t, find("pid-1"))
		e.ProviderID = "pid-1"
		put(t, s, e)
		assert.Equal(t, []string{"payment/p1"}, find("pid-1"), "an entry whose ProviderID was set by an update")
		e.ProviderID = "pid-2"
		put(t, s, e)
		assert.Empty(t, find("pid-1"), "an entry whose ProviderID an update changed must not be found by the old one")
		assert.Equal(t, []string{"payment/p1"}, find("pid-2"))
	}})
	return cases
}

func unresolvedCases() []testCase {
	unresolved := func(t *testing.T, s route.Store) []string {
		t.Helper()
		open, err := s.Unresolved(t.Context())
		require.NoError(t, err)
		return keys(open)
	}
	entry := func(kind route.Kind, id string, op paygate.Op, created, updated time.Time) *route.Entry {
		e := newPayment(id)
		switch kind {
		case route.KindRefund:
			e = newRefund(id)
		case route.KindCapture:
			e = newCapture(id)
		}
		e.Open, e.CreatedAt, e.UpdatedAt = op, created, updated
		return e
	}
	return []testCase{
		{"open entries only, oldest update first", func(t *testing.T, s route.Store) {
			// Neither insertion, request id nor CreatedAt order is the answer.
			all := []*route.Entry{
				entry(route.KindPayment, "a-open-late", paygate.OpCreate, at(0), at(5)),
				entry(route.KindRefund, "b-closed", "", at(2), at(1)),
				entry(route.KindPayment, "c-open-early", paygate.OpCancel, at(9), at(1)),
				entry(route.KindRefund, "d-open-middle", paygate.OpRefund, at(1), at(3)),
				entry(route.KindPayment, "e-settled", "", at(3), at(0)),
				entry(route.KindRefund, "f-open-first", paygate.OpRefund, at(10), at(-10)),
			}
			for _, e := range all {
				put(t, s, e)
			}
			open, err := s.Unresolved(t.Context())
			require.NoError(t, err)
			require.Equal(t, []string{"refund/f-open-first", "payment/c-open-early", "refund/d-open-middle", "payment/a-open-late"}, keys(open),
				"Unresolved must return the entries with Open set, oldest UpdatedAt first")
			byKey := map[string]*route.Entry{}
			for _, e := range all {
				byKey[key(e)] = e
			}
			for _, e := range open {
				assertEntry(t, byKey[key(e)], e, "Unresolved of "+key(e))
			}
		}},
		{"an open capture is listed until it is settled", func(t *testing.T, s route.Store) {
			c := entry(route.KindCapture, "c1", paygate.OpCapture, at(0), at(2))
			put(t, s, entry(route.KindPayment, "c1", "", at(0), at(1)))
			put(t, s, c)
			put(t, s, entry(route.KindRefund, "r1", paygate.OpRefund, at(0), at(3)))
			require.Equal(t, []string{"capture/c1", "refund/r1"}, unresolved(t, s), "Unresolved must list an open capture")
			open, err := s.Unresolved(t.Context())
			require.NoError(t, err)
			assertEntry(t, stored(entry(route.KindCapture, "c1", paygate.OpCapture, at(0), at(2)), 1), open[0], "Unresolved of the open capture")
			c.Open, c.Outcome, c.UpdatedAt = "", status.Success, at(4)
			put(t, s, c)
			assert.Equal(t, []string{"refund/r1"}, unresolved(t, s), "a capture whose Open a later Put cleared is resolved")
		}},
		{"nothing open", func(t *testing.T, s route.Store) {
			assert.Empty(t, unresolved(t, s))
			put(t, s, entry(route.KindPayment, "p1", "", at(0), at(0)))
			assert.Empty(t, unresolved(t, s))
		}},
		{"clearing Open removes the entry", func(t *testing.T, s route.Store) {
			a := entry(route.KindPayment, "a", paygate.OpCreate, at(0), at(1))
			b := entry(route.KindPayment, "b", paygate.OpCreate, at(0), at(2))
			put(t, s, a)
			put(t, s, b)
			require.Equal(t, []string{"payment/a", "payment/b"}, unresolved(t, s))
			a.Open, a.UpdatedAt = "", at(3)
			put(t, s, a)
			assert.Equal(t, []string{"payment/b"}, unresolved(t, s), "an entry whose Open a later Put cleared is resolved")
			a.Open, a.UpdatedAt = paygate.OpCancel, at(4)
			put(t, s, a)
			assert.Equal(t, []string{"payment/b", "payment/a"}, unresolved(t, s), "an entry opened again")
		}},
		{"a later write moves the entry back", func(t *testing.T, s route.Store) {
			a := entry(route.KindPayment, "a", paygate.OpCreate, at(0), at(1))
			put(t, s, a)
			put(t, s, entry(route.KindRefund, "b", paygate.OpRefund, at(0), at(2)))
			require.Equal(t, []string{"payment/a", "refund/b"}, unresolved(t, s))
			a.UpdatedAt = at(3)
			put(t, s, a)
			assert.Equal(t, []string{"refund/b", "payment/a"}, unresolved(t, s), "Unresolved must order by the stored UpdatedAt, not the first one")
		}},
		{"microseconds count", func(t *testing.T, s route.Store) {
			put(t, s, entry(route.KindPayment, "a", paygate.OpCreate, base, base.Add(2*time.Microsecond)))
			put(t, s, entry(route.KindPayment, "b", paygate.OpCreate, base, base.Add(time.Microsecond)))
			put(t, s, entry(route.KindPayment, "c", paygate.OpCreate, base, base))
			assert.Equal(t, []string{"payment/c", "payment/b", "payment/a"}, unresolved(t, s))
		}},
	}
}

// concurrent is how many goroutines the concurrency cases run at once.
const concurrent = 32

func concurrencyCases() []testCase {
	return []testCase{
		{"one of many inserts of a key wins", func(t *testing.T, s route.Store) {
			ctx := t.Context()
			errs := make([]error, concurrent)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range concurrent {
				wg.Go(func() {
					e := newPayment("pay-race")
					e.Provider = fmt.Sprintf("writer-%02d", i)
					<-start
					errs[i] = s.Put(ctx, e)
				})
			}
			close(start)
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil:
					assert.Equal(t, -1, winner, "writers %d and %d both inserted the same key with Version 0", winner, i)
					winner = i
				case errors.Is(err, route.ErrConflict):
				default:
					assert.NoError(t, err, "writer %d: a losing insert must fail with ErrConflict", i)
				}
			}
			require.NotEqual(t, -1, winner, "none of %d concurrent inserts succeeded", concurrent)
			got := get(t, s, route.KindPayment, "pay-race")
			assert.Equal(t, fmt.Sprintf("writer-%02d", winner), got.Provider, "the stored entry is not the winner's")
			assert.Equal(t, int64(1), got.Version)
		}},
		{"read-modify-write loops all land", func(t *testing.T, s route.Store) {
			ctx := t.Context()
			const id = "pay-rmw"
			first := newPayment(id)
			first.ProviderID = "pid-rmw"
			put(t, s, first)

			// A reader runs alongside and checks that it never sees a write half done or undone.
			done := make(chan struct{})
			var readers sync.WaitGroup
			readers.Go(func() {
				var last int64
				for {
					select {
					case <-done:
						return
					default:
					}
					e, err := s.Get(ctx, route.KindPayment, id)
					if !assert.NoError(t, err) ||
						!assert.GreaterOrEqual(t, e.Version, last, "a later read saw an older version") ||
						!assert.Len(t, e.Tried, int(e.Version-1), "a read saw Tried and Version of different writes") {
						return
					}
					last = e.Version
					_, err = s.FindByProviderID(ctx, route.KindPayment, "pid-rmw")
					if !assert.NoError(t, err) {
						return
					}
					_, err = s.Unresolved(ctx)
					if !assert.NoError(t, err) {
						return
					}
				}
			})

			names := make([]string, concurrent)
			errs := make([]error, concurrent)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range concurrent {
				names[i] = fmt.Sprintf("worker-%02d", i)
				wg.Go(func() {
					<-start
					errs[i] = appendTried(ctx, s, id, names[i])
				})
			}
			close(start)
			wg.Wait()
			close(done)
			readers.Wait()
			for i, err := range errs {
				assert.NoError(t, err, "worker %d", i)
			}
			got := get(t, s, route.KindPayment, id)
			assert.Equal(t, int64(1+concurrent), got.Version, "every successful Put must count exactly once")
			assert.ElementsMatch(t, names, got.Tried, "every worker's write must land exactly once")
		}},
	}
}

// appendTried appends name to the entry's Tried by read-modify-write, retrying on ErrConflict. Each
// lost Put means another worker's Put succeeded in between, so a correct store needs at most
// concurrent attempts.
func appendTried(ctx context.Context, s route.Store, id, name string) error {
	for attempt := 0; attempt < concurrent; attempt++ {
		e, err := s.Get(ctx, route.KindPayment, id)
		if err != nil {
			return err
		}
		e.Tried = append(e.Tried, name)
		e.UpdatedAt = base.Add(time.Duration(e.Version) * time.Second)
		err = s.Put(ctx, e)
		if !errors.Is(err, route.ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("%s: ErrConflict on all %d attempts, though only %d other writers exist", name, concurrent, concurrent-1)
}

func contextCases() []testCase {
	contexts := []struct {
		name string
		ctx  func(t *testing.T) context.Context
		want error
	}{
		{"cancelled", func(t *testing.T) context.Context {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			return ctx
		}, context.Canceled},
		{"past its deadline", func(t *testing.T) context.Context {
			ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
			t.Cleanup(cancel)
			return ctx
		}, context.DeadlineExceeded},
	}
	var cases []testCase
	for _, c := range contexts {
		cases = append(cases, testCase{"a " + c.name + " context stops every call", func(t *testing.T, s route.Store) {
			// Something to find, so a store that ignores the context would answer.
			existing := withProviderID(newPayment("pay-ctx"), "alpha", "pid-ctx")
			put(t, s, existing)
			ctx := c.ctx(t)
			fresh := newPayment("pay-ctx-new")
			update := withProviderID(newPayment("pay-ctx"), "beta", "pid-ctx")
			update.Version = 1
			ops := []struct {
				name string
				call func() error
			}{
				{"Get", func() error { _, err := s.Get(ctx, route.KindPayment, "pay-ctx"); return err }},
				{"FindByProviderID", func() error { _, err := s.FindByProviderID(ctx, route.KindPayment, "pid-ctx"); return err }},
				{"Unresolved", func() error { _, err := s.Unresolved(ctx); return err }},
				{"Put of a new entry", func() error { return s.Put(ctx, fresh) }},
				{"Put of an update", func() error { return s.Put(ctx, update) }},
			}
			for _, op := range ops {
				assert.ErrorIs(t, op.call(), c.want, "%s with a %s context must fail with the context's error", op.name, c.name)
			}
			assert.Zero(t, fresh.Version, "a Put that failed must leave e.Version alone")
			assert.Equal(t, int64(1), update.Version, "a Put that failed must leave e.Version alone")
			requireNotFound(t, s, route.KindPayment, "pay-ctx-new")
			assertEntry(t, stored(withProviderID(newPayment("pay-ctx"), "alpha", "pid-ctx"), 1),
				get(t, s, route.KindPayment, "pay-ctx"), "an entry a Put with a "+c.name+" context tried to update")
		}})
	}
	return cases
}
