package provider

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
)

// TestDoDefiniteAnswerReadsHeaders pins Request.DefiniteAnswer: a 5xx whose header says resending
// cannot help (Stripe-Should-Retry: false) is returned at once, a 5xx without it is resent, and the
// header-blind Definite keeps working next to it.
func TestDoDefiniteAnswerReadsHeaders(t *testing.T) {
	hint := func(_ int, h http.Header, _ []byte) bool { return h.Get("Stripe-Should-Retry") == "false" }
	for _, tt := range []struct {
		name      string
		header    string
		definite  func(int, []byte) bool
		wantSends int32
	}{
		{"should-retry false", "false", nil, 1},
		{"should-retry true", "true", nil, 3},
		{"no header", "", nil, 3},
		{"Definite alone decides too", "", func(int, []byte) bool { return true }, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				if tt.header != "" {
					w.Header().Set("Stripe-Should-Retry", tt.header)
				}
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = io.WriteString(w, "reply "+strconv.Itoa(int(rec.n.Load())))
			})
			tr := newTestTransport(t, ts.URL, nil)
			var asked atomic.Int32
			answer := func(st int, h http.Header, b []byte) bool { asked.Add(1); return hint(st, h, b) }
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("b"), Resendable: true,
				Definite: tt.definite, DefiniteAnswer: answer})
			require.NoError(t, err)
			assert.Equal(t, int(tt.wantSends), resp.Attempts)
			assert.Equal(t, tt.wantSends, rec.n.Load())
			if tt.definite == nil {
				assert.GreaterOrEqual(t, asked.Load(), tt.wantSends-1, "asked about every answer it would resend")
			}
		})
	}
}
