package provider

import (
	"errors"
	"fmt"
	"io"
	"mime"
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

// CheckWebhookContentType reports whether a webhook delivery declares a JSON body, which is what every
// provider paygate supports sends. The media type must be application/json, compared
// case-insensitively, with any parameters (charset=UTF-8 from Antom); anything else, a missing header
// included, is an error saying what arrived. Handlers answer it with 415 before reading the body, so
// a form post or a text/plain request never reaches the signature check or the decoder.
func CheckWebhookContentType(h http.Header) error {
	vs := h.Values("Content-Type")
	switch {
	case len(vs) == 0:
		return errors.New("the request has no Content-Type; want application/json")
	case len(vs) > 1:
		return fmt.Errorf("the request has %d Content-Type headers; want one, application/json", len(vs))
	}
	// A malformed parameter still yields the media type, and parameters do not matter here.
	mt, _, err := mime.ParseMediaType(vs[0])
	if err != nil && !errors.Is(err, mime.ErrInvalidMediaParameter) {
		return fmt.Errorf("the request's Content-Type %s does not parse; want application/json", Excerpt(vs[0]))
	}
	if mt != "application/json" {
		return fmt.Errorf("the request's Content-Type is %s; want application/json", Excerpt(mt))
	}
	return nil
}

// ReadWebhook makes the checks a webhook handler makes before it looks at a delivery, in this order:
// POST only (405, with an Allow header), a secret to verify it with (401 with noSecret's text when
// verifiable is false: nothing could be verified), a JSON Content-Type (415, CheckWebhookContentType),
// and a body of at most max bytes (413; 400 when it cannot be read). It returns the body and ok, or the
// status and the reason for the adapter to answer in its provider's terms (and log, never the body).
func ReadWebhook(w http.ResponseWriter, r *http.Request, verifiable bool, noSecret error, max int64) (body []byte, code int, why string, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		return nil, http.StatusMethodNotAllowed, "method not allowed", false
	}
	if !verifiable {
		return nil, http.StatusUnauthorized, noSecret.Error(), false
	}
	if err := CheckWebhookContentType(r.Header); err != nil {
		return nil, http.StatusUnsupportedMediaType, err.Error(), false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			return nil, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", max), false
		}
		return nil, http.StatusBadRequest, "body could not be read", false
	}
	return body, 0, "", true
}
