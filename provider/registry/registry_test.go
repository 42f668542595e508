package registry_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestNamesAndLookup(t *testing.T) {
	assert.Equal(t, []string{"waffo", "antom", "vai247", "stripe"}, registry.Names(), "today's order")
	for _, e := range registry.All() {
		got, ok := registry.Lookup(e.Name())
		require.True(t, ok, e.Name())
		assert.Equal(t, e.Name(), got.Adapter.Name)
	}
	_, ok := registry.Lookup("paypal")
	assert.False(t, ok)
	assert.EqualError(t, registry.UnknownError("paypal"), `unknown provider "paypal": use waffo, antom, vai247 or stripe`)
}

// Each entry's adapter and simulator agree: names, settings, and the simulator's credentials open a
// working adapter.
func TestEntriesAgree(t *testing.T) {
	for _, e := range registry.All() {
		t.Run(e.Name(), func(t *testing.T) {
			a, s := e.Adapter, e.Simulator
			assert.Equal(t, a.Name, s.Name, "the simulator's name is the adapter's")
			assert.NotEmpty(t, a.Title)
			assert.NotEmpty(t, a.Codes)
			assert.NotEmpty(t, a.Capabilities.Ops)
			flags := map[string]bool{}
			envs := map[string]provider.Setting{}
			for _, st := range a.Settings {
				assert.NotEmpty(t, st.Env)
				assert.NotEmpty(t, st.Field)
				assert.False(t, flags[st.Flag] && st.Flag != "", "flag %s twice", st.Flag)
				flags[st.Flag] = true
				envs[st.Env] = st
			}
			for _, st := range a.Settings {
				if st.RequiredWith != "" {
					assert.True(t, envs[st.RequiredWith].Bool, "%s: RequiredWith names a Bool setting", st.Env)
				}
			}

			inst, err := s.Start(sim.StartOptions{WebhookSpeedup: 1000})
			require.NoError(t, err)
			t.Cleanup(inst.Close)
			env := inst.Env()
			for k := range env {
				assert.Contains(t, envs, k, "the simulator's env names the adapter's settings")
			}
			for _, st := range a.Settings {
				if st.Required {
					assert.NotEmpty(t, env[st.Env], "the simulator gives %s", st.Env)
				}
			}
			f, err := inst.File()
			require.NoError(t, err)
			assert.NotNil(t, f)

			gw, err := a.Open(func(k string) string { return env[k] }, provider.Common{})
			require.NoError(t, err)
			t.Cleanup(gw.Close)
			req := checkout("reg-"+a.Name, s.DashboardWebhook)
			p, err := gw.Create(t.Context(), req)
			require.NoError(t, err)
			assert.Equal(t, a.Name, p.Provider)
			assert.Equal(t, status.PaymentRequiresAction, p.Status)
			require.Len(t, inst.Ledger().Orders(req.PaymentRequestID), 1)

			// The codes the demo and the soak inject mean what sim.Spec says.
			assert.Contains(t, s.Chaos.RejectCodes, s.FailoverCode)
			assert.Contains(t, s.Chaos.UnknownCodes, s.UnknownCode)
			assert.NotEmpty(t, s.Chaos.Settlements)
			assert.NotEmpty(t, s.Chaos.Faults)
			for _, code := range s.Chaos.RejectCodes {
				inst.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code})
				_, err = gw.Create(t.Context(), checkout("reg-failover-"+a.Name+"-"+code, s.DashboardWebhook))
				assert.True(t, route.Failover(err), "%s: %v moves to the next provider", code, err)
			}
			for _, code := range s.Chaos.UnknownCodes {
				inst.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code, Times: 100})
				_, err = gw.Create(t.Context(), checkout("reg-unknown-"+a.Name+"-"+code, s.DashboardWebhook))
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%s: %v", code, err)
				inst.ClearFaults()
			}
			require.NoError(t, inst.SettleOrder(t.Context(), p.ProviderPaymentID, sim.Pay), "settled by the provider's id")
			inst.ClearFaults()
			_, err = gw.Create(t.Context(), checkout("reg-cleared-"+a.Name, s.DashboardWebhook))
			assert.NoError(t, err, "ClearFaults drops the queued faults")

			if !a.Capabilities.InquireByRequestID {
				return
			}
			got, err := gw.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
			require.NoError(t, err)
			assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID)
		})
	}
}

func TestSettingsOrder(t *testing.T) {
	for _, e := range registry.All() {
		// Required settings come first: the command lists the missing ones in this order.
		required := func(s provider.Setting) bool { return s.Required }
		i := slices.IndexFunc(e.Adapter.Settings, func(s provider.Setting) bool { return !required(s) })
		if i >= 0 {
			assert.False(t, slices.ContainsFunc(e.Adapter.Settings[i:], required), e.Name())
		}
	}
}

func checkout(id string, dashboardWebhook bool) *paygate.CreateRequest {
	amount, err := money.Parse("10.00", "USD")
	if err != nil {
		panic(err)
	}
	req := &paygate.CreateRequest{
		PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: amount, Description: "registry test",
		NotifyURL: "https://shop.example/notify", ReturnURL: "https://shop.example/return",
		Customer: paygate.Customer{ID: "cust-1", Email: "buyer@example.com", Country: "ID"},
	}
	if dashboardWebhook {
		req.NotifyURL = "" // set once in the provider's dashboard
	}
	return req
}
