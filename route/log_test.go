package route_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// TestFailoverLogRedactsProviderText: the router logs why it moved a create on (the refusing
// provider's error) with the merchant's own logger, which does not redact. Card data in the
// provider's message must reach that logger masked.
func TestFailoverLogRedactsProviderText(t *testing.T) {
	var buf bytes.Buffer
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	log := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel)) // plain: no redaction

	a := newFake("a")
	a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return &paygate.Error{Provider: "a", Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeDeclined,
			Message: "the channel declined", ProviderCode: "DECLINED",
			ProviderMessage: "card 4111.1111.1111.1111 (cvv 918) declined by issuer"}
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": newMem(t, "b")},
		Rules: catchAll("a", "b"), Logger: log})

	p, err := r.Create(t.Context(), createReq("pay-log-1"))
	require.NoError(t, err)
	require.Equal(t, "b", p.Provider)

	out := buf.String()
	assert.Contains(t, out, `card ************1111 (cvv [REDACTED]) declined by issuer`, "the failover line says why, masked")
	for _, leak := range []string{"4111.1111", "4111111111111111", "918"} {
		assert.NotContains(t, out, leak)
	}
}
