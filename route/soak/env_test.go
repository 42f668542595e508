package soak

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
)

// The soak's VAI247 webhooks are verified with the simulator's webhook secret: an unsigned or
// mis-signed notification is refused and not counted; a signed one is counted as verified.
func TestSoakVerifiesVAI247Webhooks(t *testing.T) {
	e, err := newEnv(registry.All(), zap.NewNop())
	require.NoError(t, err)
	defer e.close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := e.byName[vai247.Name]
	vs, ok := p.sim.(interface { // the registry's sim.Instance wraps a *vai247test.Server
		DeliverWebhook(ctx context.Context, url, orderID string, tw vai247test.TestWebhook) (int, []byte, error)
	})
	require.True(t, ok)
	pay, err := p.gateway.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "soak-env-1", Amount: money.MustParse("3.00", "USD")})
	require.NoError(t, err)
	url := e.hooks.URL + "/vai247"
	for name, tw := range map[string]vai247test.TestWebhook{"unsigned": {Unsigned: true}, "mis-signed": {WrongSecret: true}} {
		code, _, err := vs.DeliverWebhook(ctx, url, pay.ProviderPaymentID, tw)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, name)
	}
	assert.Zero(t, e.verified[vai247.Name].Load(), "refused notifications are not counted")
	code, _, err := vs.DeliverWebhook(ctx, url, pay.ProviderPaymentID, vai247test.TestWebhook{})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, int64(1), e.verified[vai247.Name].Load())
}
