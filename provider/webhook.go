package provider

import (
	"net/http"

	"go.uber.org/zap"
)

// WriteWebhookReply answers a provider's webhook delivery with code and body (the provider's exact
// acknowledgement or refusal) and logs it at Debug under msg: the status, the event id and the reason,
// never the body or the notification.
func WriteWebhookReply(w http.ResponseWriter, log *zap.Logger, msg, contentType string, code int, body []byte, eventID, why string) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	_, _ = w.Write(body)
	ce := log.Check(zap.DebugLevel, msg)
	if ce == nil {
		return
	}
	fs := []zap.Field{zap.Int("status", code)}
	if eventID != "" {
		fs = append(fs, zap.String("event_id", eventID))
	}
	if why != "" {
		fs = append(fs, zap.String("reason", why))
	}
	ce.Write(fs...)
}
