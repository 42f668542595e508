package antom_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
)

// TestWebhookLongClientIDIsQuotedShort: the client-id header is checked before the signature, so
// anyone can send one of any length and content. An 8 KB one ("1 1 1 …", the redactor's worst case
// before it was linear) gets its 401, and the log line quotes only a bounded prefix of it.
func TestWebhookLongClientIDIsQuotedShort(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	_, gw := newEnv(t, antomtest.Config{}, func(c *antom.Config) { c.Logger = zap.New(core) })
	ev := &events{}
	h := gw.WebhookHandler(ev.fn)

	long := strings.Repeat("1 ", 4096)
	r := httptest.NewRequest(http.MethodPost, "/antom/notify", strings.NewReader(`{}`))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("client-id", long)
	r.Header.Set("signature", "algorithm=RSA256,keyVersion=1,signature=x")
	r.Header.Set("request-time", "1700000000000")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusUnauthorized, w.Code)

	entries := logs.All()
	require.Len(t, entries, 1)
	reason, _ := entries[0].ContextMap()["reason"].(string)
	assert.Contains(t, reason, "client-id header is")
	assert.Contains(t, reason, "(cut; 8192 bytes)")
	assert.Less(t, len(reason), provider.ExcerptLen+100, "at most a bounded prefix of the header: %q", reason)
	assert.Empty(t, ev.all())
}
