package memory_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// The Gateway is a full simulator for the conformance suite and declares its idempotency.
var (
	_ conformance.Simulator = (*memory.Gateway)(nil)
	_ retry.Declarer        = (*memory.Gateway)(nil)
	_ paygate.Gateway       = (*memory.Gateway)(nil)
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// start is the ManualClock's start in tests.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const testSecret = "test-webhook-secret"

// newGateway returns a Gateway closed at the end of the test.
func newGateway(t *testing.T, cfg memory.Config) *memory.Gateway {
	t.Helper()
	g := memory.New(cfg)
	t.Cleanup(g.Close)
	return g
}

// receiver is a merchant's webhook endpoint for a Gateway: its own WebhookHandler on a test server,
// recording the events it was given.
type receiver struct {
	srv *httptest.Server

	mu     sync.Mutex
	events []*paygate.Event
	fail   int // how many calls still fail
}

// newReceiver serves g's WebhookHandler. It is registered so that g closes first.
func newReceiver(t *testing.T, g *memory.Gateway) *receiver {
	t.Helper()
	r := &receiver{}
	r.srv = httptest.NewServer(g.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.fail > 0 {
			r.fail--
			return errors.New("database unavailable")
		}
		r.events = append(r.events, ev)
		return nil
	}))
	t.Cleanup(r.srv.Close)
	t.Cleanup(g.Close) // runs before srv.Close
	return r
}

func (r *receiver) url() string { return r.srv.URL + "/notify" }

// byID is the events received, by event id (deliveries may arrive in any order).
func (r *receiver) byID() map[string]*paygate.Event {
	out := map[string]*paygate.Event{}
	for _, ev := range r.received() {
		out[ev.ID] = ev
	}
	return out
}

func (r *receiver) received() []*paygate.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*paygate.Event(nil), r.events...)
}

// newEnv is a Gateway on a ManualClock with a fast webhook schedule and a receiver for its webhooks.
func newEnv(t *testing.T) (*memory.Gateway, *sim.ManualClock, *receiver) {
	t.Helper()
	clock := sim.NewManualClock(start)
	g := memory.New(memory.Config{
		Clock:           clock,
		WebhookSecret:   testSecret,
		WebhookSchedule: []time.Duration{time.Millisecond, 2 * time.Millisecond, 5 * time.Millisecond},
	})
	return g, clock, newReceiver(t, g)
}

// waitWebhooks waits until every delivery so far is done.
func waitWebhooks(t *testing.T, g *memory.Gateway) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, g.Webhooks().Wait(ctx))
}

func amount(value, currency string) money.Amount { return money.MustParse(value, currency) }

func createRequest(id string) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id,
		MerchantOrderID:  "order-" + id,
		Amount:           amount("10.50", "USD"),
		Description:      "two coffees",
		ReturnURL:        "https://shop.example/return",
		Customer:         paygate.Customer{ID: "cust-1", Email: "buyer@example.com", Country: "ID"},
		Method:           paygate.Method{Type: "EWALLET", Name: "DANA"},
		Metadata:         map[string]string{"cart": "c-1"},
	}
}

func refundRequest(id, paymentRequestID, value string) *paygate.RefundRequest {
	return &paygate.RefundRequest{RefundRequestID: id, PaymentRequestID: paymentRequestID, Amount: amount(value, "USD")}
}

// requireError checks err is a *paygate.Error from this provider with outcome and code.
func requireError(t *testing.T, err error, outcome status.Outcome, code status.Code) *paygate.Error {
	t.Helper()
	require.Error(t, err)
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, outcome, paygate.OutcomeOf(err), "outcome of %v", err)
	require.Equal(t, code, paygate.CodeOf(err), "code of %v", err)
	require.Equal(t, outcome, pe.Outcome)
	require.NotEmpty(t, pe.Message)
	return pe
}

// mustCreate creates a payment for id and returns it.
func mustCreate(t *testing.T, g *memory.Gateway, req *paygate.CreateRequest) *paygate.Payment {
	t.Helper()
	p, err := g.Create(context.Background(), req)
	require.NoError(t, err)
	return p
}

// paid creates a USD 10.50 payment for id and pays it.
func paid(t *testing.T, g *memory.Gateway, id string) *paygate.Payment {
	t.Helper()
	mustCreate(t, g, createRequest(id))
	require.NoError(t, g.Pay(id))
	p, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: id})
	require.NoError(t, err)
	return p
}
