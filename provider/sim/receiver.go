package sim

import (
	"bytes"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
)

// maxNotification caps a notification FirstAccepting buffers.
const maxNotification = 1 << 20

// FirstAccepting serves one notify URL for several providers' webhook handlers, as a router's
// payments may land at any provider that takes its notify URL per request: each handler in turn
// verifies the notification, and the first that accepts it (2xx) answers; the others refuse what
// they cannot verify. When none accepts, the last one's answer is given. For demos and soaks on
// simulators: a merchant gives each provider its own path.
func FirstAccepting(handlers ...http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxNotification))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		rec := httptest.NewRecorder()
		rec.Code = http.StatusNotFound // no handler
		for _, h := range handlers {
			rec = httptest.NewRecorder()
			try := r.Clone(r.Context())
			try.Body, try.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			h.ServeHTTP(rec, try)
			if rec.Code < 300 {
				break
			}
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}
