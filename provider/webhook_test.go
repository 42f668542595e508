package provider

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestWriteWebhookReply(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	w := httptest.NewRecorder()
	WriteWebhookReply(w, zap.New(core), "acme webhook", "application/json", 500, []byte(`{"ok":false}`), "ev_1", "handler failed")
	assert.Equal(t, 500, w.Code)
	assert.Equal(t, `{"ok":false}`, w.Body.String())
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	entries := logs.All()
	if assert.Len(t, entries, 1) {
		assert.Equal(t, "acme webhook", entries[0].Message)
		assert.Equal(t, map[string]any{"status": int64(500), "event_id": "ev_1", "reason": "handler failed"}, entries[0].ContextMap())
	}
	WriteWebhookReply(httptest.NewRecorder(), zap.NewNop(), "m", "application/json", 200, nil, "", "")
}

func TestCheckWebhookContentType(t *testing.T) {
	for _, tt := range []struct {
		name   string
		values []string
		ok     bool
	}{
		{"json", []string{"application/json"}, true},
		{"json with charset", []string{"application/json; charset=UTF-8"}, true},
		{"upper case", []string{"Application/JSON;Charset=utf-8"}, true},
		{"json with a malformed parameter", []string{"application/json; charset"}, true},
		{"missing", nil, false},
		{"empty", []string{""}, false},
		{"two headers", []string{"application/json", "application/json"}, false},
		{"form", []string{"application/x-www-form-urlencoded"}, false},
		{"text", []string{"text/plain; charset=utf-8"}, false},
		{"json suffix", []string{"application/problem+json"}, false},
		{"prefix only", []string{"application/jsonp"}, false},
		{"garbage", []string{"/"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.values {
				h.Add("Content-Type", v)
			}
			err := CheckWebhookContentType(h)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			if assert.Error(t, err) {
				assert.Contains(t, err.Error(), "application/json", "the error says what is wanted")
			}
		})
	}
	// The header arrives before anything is verified: the error quotes a short prefix of it.
	for _, v := range []string{"text/" + strings.Repeat("x", 8192), "/" + strings.Repeat("x", 8192)} {
		err := CheckWebhookContentType(http.Header{"Content-Type": {v}})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "… (cut; ")
		assert.Less(t, len(err.Error()), ExcerptLen+100, err.Error())
	}
}

// ReadWebhook refuses in order: method, missing secret, content type, body size; and returns the body.
func TestReadWebhook(t *testing.T) {
	noSecret := errors.New("no secret configured")
	tests := []struct {
		name        string
		method, ct  string
		body        string
		verifiable  bool
		wantCode    int
		wantWhy     string
		wantAllowed bool
	}{
		{"GET", http.MethodGet, "application/json", "{}", true, http.StatusMethodNotAllowed, "method not allowed", true},
		{"no secret", http.MethodPost, "text/plain", "{}", false, http.StatusUnauthorized, "no secret configured", false},
		{"not JSON", http.MethodPost, "text/plain", "{}", true, http.StatusUnsupportedMediaType, "want application/json", false},
		{"too large", http.MethodPost, "application/json", strings.Repeat("x", 9), true, http.StatusRequestEntityTooLarge, "body over 8 bytes", false},
		{"accepted", http.MethodPost, "application/json; charset=utf-8", "{}", true, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/hook", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ct)
			w := httptest.NewRecorder()
			body, code, why, ok := ReadWebhook(w, r, tt.verifiable, noSecret, 8)
			assert.Equal(t, tt.wantCode == 0, ok)
			assert.Equal(t, tt.wantCode, code)
			assert.Contains(t, why, tt.wantWhy)
			if ok {
				assert.Equal(t, tt.body, string(body))
			}
			assert.Equal(t, tt.wantAllowed, w.Header().Get("Allow") == http.MethodPost)
		})
	}
}
