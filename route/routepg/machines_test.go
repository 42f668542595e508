package routepg_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/routepg"
	"github.com/paygate-go/paygate/status"
)

// Two instances of a checkout service, each with its own router, HTTP clients and connection pool,
// share one PostgreSQL journal and get the same payment ids at the same moment (a customer's double
// click reaching both behind a load balancer). VAI247 does not dedupe creates, so a second create
// sent by the other instance would be a second payable order. The audit that led to the lease found
// 20 of 40 ids with two orders in a plain race, 40 of 40 with a 300 ms reply delay and 26 of 40 after a
// Waffo → VAI247 failover; with the lease there must be none.
func TestTwoMachinesMakeOneOrderPerPayment(t *testing.T) {
	for _, tc := range []struct {
		name     string
		delay    time.Duration // VAI247 holds each create's reply this long (within the client timeout)
		failover bool          // Waffo refuses every create first (C0001), and the routers move to VAI247
	}{
		{name: "plain race"},
		{name: "300 ms reply delay", delay: 300 * time.Millisecond},
		{name: "after a Waffo to VAI247 failover", failover: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pool1, pool2 := connect(t), connect(t)
			s1, table := newStore(t, pool1)
			s2, err := routepg.New(pool2, routepg.Options{Table: table})
			require.NoError(t, err)

			vs := vai247test.NewServer(vai247test.Config{})
			t.Cleanup(vs.Close)
			ws := waffotest.NewServer(waffotest.Config{})
			t.Cleanup(ws.Close)
			if tc.delay > 0 {
				vs.SetChaos(func(op paygate.Op) (sim.Fault, bool) {
					return sim.Fault{Kind: sim.DelayReply, Delay: tc.delay}, op == paygate.OpCreate
				})
			}
			amount := money.MustParse("12.50", "USD")
			order := []string{vai247.Name}
			if tc.failover {
				amount = money.MustParse("9.10", "USD") // Waffo's sandbox trigger for C0001
				order = []string{waffo.Name, vai247.Name}
			}
			machine := func(name string, store route.Store) *route.Router {
				client := &http.Client{Timeout: 5 * time.Second}
				t.Cleanup(client.CloseIdleConnections)
				vgw, err := vai247.New(vai247.Config{BaseURL: vs.URL, AppID: vs.AppID, APIKey: vs.APIKey, APISecret: vs.APISecret,
					StoreID: vs.StoreID, WebhookSecret: vs.WebhookSecret, HTTPClient: client, Logger: zap.NewNop()})
				require.NoError(t, err)
				wgw, err := waffo.New(waffo.Config{BaseURL: ws.URL, APIKey: ws.APIKey, MerchantID: ws.MerchantID,
					PrivateKey: ws.Keys.MerchantPrivateKey, WaffoPublicKey: ws.Keys.WaffoPublicKey, HTTPClient: client, Logger: zap.NewNop()})
				require.NoError(t, err)
				targets := make([]route.Target, len(order))
				for i, n := range order {
					targets[i] = route.Target{Provider: n, Priority: i}
				}
				r, err := route.New(route.Config{
					Providers: map[string]paygate.Gateway{vai247.Name: vgw, waffo.Name: wgw},
					Rules:     []route.Rule{{Name: "all", Targets: targets}},
					Store:     store, Instance: name,
					Retry:   retry.Policy{MaxAttempts: 2, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, ResolveFor: -1},
					Breaker: route.BreakerSettings{Failures: 1 << 20},
				})
				require.NoError(t, err)
				return r
			}
			machines := []*route.Router{machine("checkout-1", s1), machine("checkout-2", s2)}

			const ids = 40
			var wg sync.WaitGroup
			for i := range ids {
				id := fmt.Sprintf("twin-%02d", i)
				start := make(chan struct{})
				for _, r := range machines {
					wg.Go(func() {
						<-start
						_, err := r.Create(context.Background(), &paygate.CreateRequest{
							PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: amount,
							NotifyURL: "https://shop.example/notify", ReturnURL: "https://shop.example/return",
							Customer: paygate.Customer{ID: "cust-" + id, Email: "buyer@example.com"},
						})
						if err != nil && paygate.CodeOf(err) != status.CodeInProgress {
							t.Errorf("create %s: want S, or U IN_PROGRESS for the instance that met the other's lease: %v", id, err)
						}
					})
				}
				close(start)
			}
			wg.Wait()

			doubled := 0
			for i := range ids {
				id := fmt.Sprintf("twin-%02d", i)
				n := len(vs.Ledger().Orders(id)) + len(ws.Ledger().Orders(id))
				if n != 1 {
					doubled++
					t.Errorf("payment %s: %d orders at the providers, want 1", id, n)
				}
			}
			t.Logf("%d of %d payment ids with more than one order", doubled, ids)

			// Both instances answer every id from the one order, and nothing is left open.
			for _, r := range machines {
				rep, err := r.Reconcile(t.Context())
				require.NoError(t, err)
				assert.Empty(t, rep.Unresolved)
				for i := range ids {
					id := fmt.Sprintf("twin-%02d", i)
					p, err := r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: id})
					if assert.NoError(t, err, id) {
						assert.Equal(t, vai247.Name, p.Provider, id)
					}
				}
			}
		})
	}
}
