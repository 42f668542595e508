package vai247

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
)

// The static headers are one map per Gateway shared by every call: concurrent creates, inquiries and
// signed refunds must neither change it (run with -race) nor see one another's timestamp, signature
// or idempotency key.
func TestStaticHeadersSharedByConcurrentCalls(t *testing.T) {
	var mu sync.Mutex
	var got []http.Header
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		mu.Lock()
		got, paths = append(got, r.Header.Clone()), append(paths, r.URL.Path)
		mu.Unlock()
		switch {
		case r.Method == http.MethodGet:
			_, _ = io.WriteString(w, `{"transaction_id":"ord_1","order_id":"ord_1","amount":10.00,"currency":"USD","status":"paid","updated_at":"2027-01-15T08:05:00Z"}`)
		case strings.HasSuffix(r.URL.Path, "/refund"):
			_, _ = io.WriteString(w, `{"refund_id":"rf_1","order_id":"ord_1","amount":0.50,"status":"completed"}`)
		default:
			_, _ = io.WriteString(w, `{"order_id":"ord_1","status":"pending","qr_code":"QR"}`)
		}
	}))
	t.Cleanup(srv.Close)
	g, err := New(Config{BaseURL: srv.URL, AppID: "app-1", APIKey: "key-1", APISecret: "secret-1", StoreID: "store-1",
		RefundSigning: true, Retry: retry.Policy{MaxAttempts: 1}})
	require.NoError(t, err)
	t.Cleanup(g.Close)
	wantPost, wantGet := g.headers(true), g.headers(false)

	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			id := "r" + string(rune('a'+i))
			_, err := g.Create(ctx, &paygate.CreateRequest{PaymentRequestID: id, Amount: money.MustParse("10.00", "USD")})
			assert.NoError(t, err)
			_, err = g.Refund(ctx, &paygate.RefundRequest{RefundRequestID: id, ProviderPaymentID: "ord_1", Amount: money.MustParse("0.50", "USD")})
			assert.NoError(t, err)
		})
	}
	wg.Wait()

	assert.Equal(t, wantPost, g.postHeaders, "the shared POST headers were changed")
	assert.Equal(t, wantGet, g.getHeaders, "the shared GET headers were changed")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, got, 16*3)
	for i, h := range got {
		assert.Len(t, h.Values(wire.hdrTimestamp), 1, paths[i])
		refund := strings.HasSuffix(paths[i], "/refund")
		assert.Equal(t, refund, h.Get(wire.hdrSignature) != "", "signature only on refunds: %s", paths[i])
		assert.Equal(t, refund, h.Get(wire.hdrIdempotentKey) != "", "idempotency key only on refunds: %s", paths[i])
	}
}
