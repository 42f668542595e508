package provider

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
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
