package antom_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
)

// newEnv starts a simulator and an adapter pointed at it. edit, if given, changes the adapter's
// Config before New.
func newEnv(t *testing.T, scfg antomtest.Config, edit ...func(*antom.Config)) (*antomtest.Server, *antom.Gateway) {
	t.Helper()
	if scfg.WebhookSchedule == nil {
		scfg.WebhookSchedule = sim.Compress(antomtest.WebhookSchedule(), 1_000_000)
	}
	srv := antomtest.NewServer(scfg)
	t.Cleanup(srv.Close)
	cfg := antom.Config{
		BaseURL: srv.URL, ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey,
		PaymentMethodType: "ALIPAY_CN",
	}
	for _, e := range edit {
		e(&cfg)
	}
	gw, err := antom.New(cfg)
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return srv, gw
}

var seq atomic.Int64

func id(prefix string) string {
	return fmt.Sprintf("%s-%d-%d", prefix, time.Now().UnixNano()%1e9, seq.Add(1))
}

func createRequest(amount, currency string) *paygate.CreateRequest {
	rid := id("pay")
	return &paygate.CreateRequest{
		PaymentRequestID: rid, MerchantOrderID: "order-" + rid, Amount: money.MustParse(amount, currency),
		Description: "antom test", ReturnURL: "https://shop.example/return",
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// events records what a merchant's webhook function received.
type events struct {
	mu   sync.Mutex
	got  []*paygate.Event
	fail int
}

func (e *events) fn(_ context.Context, ev *paygate.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail > 0 {
		e.fail--
		return fmt.Errorf("database down")
	}
	e.got = append(e.got, ev)
	return nil
}

func (e *events) all() []*paygate.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*paygate.Event(nil), e.got...)
}
