package sim_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestManualClock(t *testing.T) {
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	c := sim.NewManualClock(start)
	assert.Equal(t, start, c.Now())
	c.Advance(31 * time.Minute)
	assert.Equal(t, start.Add(31*time.Minute), c.Now())
	c.Set(start)
	assert.Equal(t, start, c.Now())
	assert.WithinDuration(t, time.Now(), sim.SystemClock{}.Now(), time.Minute)
}

func TestFaultsQueueInOrderAndCountTimes(t *testing.T) {
	var q sim.Faults
	_, ok := q.Next(paygate.OpCreate)
	assert.False(t, ok, "nothing queued")
	q.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "E0001", Times: 2})
	q.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	q.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.DropBeforeProcessing})
	assert.Equal(t, 3, q.Pending(paygate.OpCreate))

	var kinds []sim.FaultKind
	for {
		f, ok := q.Next(paygate.OpCreate)
		if !ok {
			break
		}
		assert.Equal(t, 1, f.Times, "each strike is one call")
		kinds = append(kinds, f.Kind)
	}
	assert.Equal(t, []sim.FaultKind{sim.ReplyCode, sim.ReplyCode, sim.LoseReply}, kinds)
	assert.Equal(t, 1, q.Pending(paygate.OpRefund), "other operations are untouched")
	q.Clear()
	assert.Zero(t, q.Pending(paygate.OpRefund))
}

func TestFaultsChaos(t *testing.T) {
	var q sim.Faults
	calls := 0
	q.SetChaos(func(op paygate.Op) (sim.Fault, bool) {
		calls++
		return sim.Fault{Kind: sim.ReplyStatus, Status: 503}, op == paygate.OpCreate
	})
	q.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	f, ok := q.Next(paygate.OpCreate)
	require.True(t, ok)
	assert.Equal(t, sim.LoseReply, f.Kind, "a queued fault strikes before chaos")
	assert.Zero(t, calls)
	f, ok = q.Next(paygate.OpCreate)
	require.True(t, ok)
	assert.Equal(t, sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503, Times: 1}, f)
	_, ok = q.Next(paygate.OpInquire)
	assert.False(t, ok, "chaos may choose no fault")
	q.Clear()
	_, ok = q.Next(paygate.OpCreate)
	assert.False(t, ok, "Clear turns chaos off")
	assert.Equal(t, 2, calls)
}

func TestFaultKinds(t *testing.T) {
	processes := map[sim.FaultKind]bool{
		sim.DropBeforeProcessing: false, sim.LoseReply: true, sim.DelayReply: true, sim.ReplyStatus: false,
		sim.ReplyCode: false, sim.CorruptBody: true, sim.CorruptSignature: true,
	}
	for k, want := range processes {
		assert.Equal(t, want, k.Processes(), k.String())
		assert.NotContains(t, k.String(), "FaultKind(")
	}
	assert.Equal(t, "FaultKind(99)", sim.FaultKind(99).String())
	assert.Equal(t, "reply-code on create code E0001 ×2", sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "E0001", Times: 2}.String())
	for _, s := range []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction} {
		assert.NotContains(t, s.String(), "Settlement(")
	}
}

func TestLedger(t *testing.T) {
	var l sim.Ledger
	usd := money.MustParse("10.50", "USD")
	l.Received(paygate.OpCreate, "p1")
	l.Received(paygate.OpCreate, "p1")
	l.Received(paygate.OpInquire, "p1")
	l.Received(paygate.OpCreate, "p9")
	assert.Equal(t, 2, l.Requests(paygate.OpCreate, "p1"))
	assert.Equal(t, 3, l.RequestsOf(paygate.OpCreate))
	assert.Equal(t, 1, l.RequestsOf(paygate.OpInquire))
	assert.Equal(t, 4, l.TotalRequests())

	l.AddOrder(sim.Order{RequestID: "p1", ProviderID: "o1", Amount: usd, WireAmount: "10.50", Status: status.PaymentRequiresAction})
	l.AddOrder(sim.Order{RequestID: "p2", ProviderID: "o2", Amount: usd, Status: status.PaymentRequiresAction})
	l.AddOrder(sim.Order{RequestID: "p2", ProviderID: "o3", Amount: usd, Status: status.PaymentRequiresAction})
	assert.Equal(t, []string{"p2"}, l.Duplicates())
	l.SetOrderStatus("o1", status.PaymentSucceeded, money.MustParse("1.00", "USD"))
	o := l.Orders("p1")
	require.Len(t, o, 1)
	assert.Equal(t, status.PaymentSucceeded, o[0].Status)
	assert.True(t, o[0].Refunded.Equal(money.MustParse("1.00", "USD")))
	o[0].Status = status.PaymentFailed
	assert.Equal(t, status.PaymentSucceeded, l.Orders("p1")[0].Status, "copies, not the ledger's own")
	assert.Len(t, l.AllOrders(), 3)

	l.AddRefund(sim.Refund{RequestID: "r1", ProviderID: "f1", Amount: usd, Status: status.RefundPending})
	l.SetRefundStatus("f1", status.RefundSucceeded)
	require.Len(t, l.Refunds("r1"), 1)
	assert.Equal(t, status.RefundSucceeded, l.Refunds("r1")[0].Status)
	assert.Len(t, l.AllRefunds(), 1)
}

func TestLedgerConcurrent(t *testing.T) {
	var l sim.Ledger
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			l.Received(paygate.OpCreate, "p")
			l.AddOrder(sim.Order{RequestID: "p", ProviderID: string(rune('a' + i%26))})
			_ = l.Orders("p")
		})
	}
	wg.Wait()
	assert.Equal(t, 100, l.Requests(paygate.OpCreate, "p"))
}

func TestWebhooksRetryUntilAcked(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		assert.Equal(t, `{"id":"e1"}`, string(body))
		assert.Equal(t, "sig", r.Header.Get("X-Signature"))
		if calls.Add(1) < 3 {
			http.Error(w, "not yet", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, `{"message":"success"}`)
	}))
	defer srv.Close()
	wh := sim.NewWebhooks(sim.WebhookConfig{
		Schedule: sim.Compress([]time.Duration{time.Second, time.Minute, time.Hour}, 1000000),
		Accept:   func(status int, body []byte) bool { return status == 200 && string(body) == `{"message":"success"}` },
	})
	defer wh.Close()
	wh.Send("e1", srv.URL, http.Header{"X-Signature": {"sig"}}, []byte(`{"id":"e1"}`))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, wh.Wait(ctx))
	ds := wh.Deliveries()
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acked)
	assert.True(t, ds[0].Done)
	assert.Len(t, ds[0].Attempts, 3)
	assert.Equal(t, 500, ds[0].Attempts[0].Status)
	assert.Equal(t, "e1", ds[0].EventID)
}

func TestWebhooksGiveUpAfterSchedule(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"message":"failed"}`)
	}))
	defer srv.Close()
	wh := sim.NewWebhooks(sim.WebhookConfig{
		Schedule: []time.Duration{time.Millisecond, time.Millisecond},
		Accept:   func(status int, body []byte) bool { return string(body) == `{"message":"success"}` },
	})
	defer wh.Close()
	wh.Send("e1", srv.URL, nil, []byte(`{}`))
	require.NoError(t, wh.Wait(context.Background()))
	d := wh.Deliveries()[0]
	assert.False(t, d.Acked)
	assert.Len(t, d.Attempts, 3, "the first try and one per scheduled wait")
}

func TestWebhooksCloseStopsPendingRetries(t *testing.T) {
	wh := sim.NewWebhooks(sim.WebhookConfig{Schedule: []time.Duration{time.Hour}})
	wh.Send("e1", "http://127.0.0.1:1/unreachable", nil, nil)
	done := make(chan struct{})
	go func() { wh.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not stop the pending retry")
	}
	assert.NotEmpty(t, wh.Deliveries()[0].Attempts[0].Err)
}

func TestWebhooksSendSignedSignsEveryTry(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("X-Sig"))
		n := len(seen)
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()
	wh := sim.NewWebhooks(sim.WebhookConfig{Schedule: []time.Duration{time.Millisecond, time.Millisecond}})
	defer wh.Close()
	var n atomic.Int32
	wh.SendSigned("e1", srv.URL, []byte(`{}`), func() http.Header {
		return http.Header{"X-Sig": {string(rune('a' + n.Add(1) - 1))}}
	})
	require.NoError(t, wh.Wait(context.Background()))
	assert.Equal(t, []string{"a", "b", "c"}, seen, "a fresh signature on every try")
	assert.Equal(t, "c", wh.Deliveries()[0].Header.Get("X-Sig"), "the delivery shows the latest headers")
}

func TestWebhooksAcceptReplySeesHeaders(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 1 {
			w.Header().Set("X-Reply-Signature", "ok")
		}
		_, _ = io.WriteString(w, `{"message":"success"}`)
	}))
	defer srv.Close()
	wh := sim.NewWebhooks(sim.WebhookConfig{
		Schedule: []time.Duration{time.Millisecond, time.Millisecond},
		AcceptReply: func(status int, h http.Header, body []byte) bool {
			return status == 200 && h.Get("X-Reply-Signature") == "ok"
		},
	})
	defer wh.Close()
	wh.Send("e1", srv.URL, nil, []byte(`{}`))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, wh.Wait(ctx))
	ds := wh.Deliveries()
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acked)
	assert.Len(t, ds[0].Attempts, 2, "an unsigned reply is not an acknowledgement")
	assert.Equal(t, "ok", ds[0].Attempts[1].ReplyHeader.Get("X-Reply-Signature"))
}
