package waffo

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
)

// decodeStrict decodes raw into v refusing unknown fields: a documented field the wire types do not
// name fails.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// TestDocumentedExampleBodies decodes Waffo's documented example body of every reply and notification
// (testdata/waffo-docs, sources in its README) into the adapter's wire types, with unknown fields
// refused, and reads the notifications, whose examples carry real values, into events.
func TestDocumentedExampleBodies(t *testing.T) {
	for _, c := range []struct {
		file string
		data any // the wire type of the reply's data
	}{
		{"order-create.reply.json", &orderData{}},
		{"order-inquiry.reply.json", &orderData{}},
		{"order-cancel.reply.json", &orderData{}},
		{"order-refund.reply.json", &refundData{}},
		{"refund-inquiry.reply.json", &refundData{}},
	} {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "waffo-docs", c.file))
			require.NoError(t, err)
			var env envelope
			require.NoError(t, decodeStrict(raw, &env))
			require.NotEmpty(t, env.Data)
			require.NoError(t, decodeStrict(env.Data, c.data), "every field of the documented reply is named by the wire type")
		})
	}

	gw := &Gateway{log: zap.NewNop()}
	for _, c := range []struct {
		file  string
		flat  any
		check func(t *testing.T, ev *paygate.Event)
	}{
		{"payment-notification.json", &struct {
			EventType string `json:"eventType"`
			orderData
		}{}, func(t *testing.T, ev *paygate.Event) {
			require.NotNil(t, ev.Payment)
			assert.Equal(t, "REQ123", ev.Payment.PaymentRequestID)
			assert.Equal(t, "ORDER123", ev.Payment.MerchantOrderID)
			assert.Equal(t, "ACQ123456", ev.Payment.ProviderPaymentID)
			assert.Equal(t, "100.00 USD", ev.Payment.Amount.String())
		}},
		{"refund-notification.json", &struct {
			EventType string `json:"eventType"`
			refundData
		}{}, func(t *testing.T, ev *paygate.Event) {
			require.NotNil(t, ev.Refund)
			assert.Equal(t, "REFUND_REQ123", ev.Refund.RefundRequestID)
			assert.Equal(t, "REF123456", ev.Refund.ProviderRefundID)
			assert.True(t, ev.Refund.Amount.IsZero(), "no currency in the message: the handler completes it by inquiry")
		}},
	} {
		t.Run(c.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", "waffo-docs", c.file))
			require.NoError(t, err)
			require.NoError(t, decodeStrict(raw, c.flat), "every field of the documented notification is named by the wire type")
			n, err := gw.readNotification(raw)
			require.NoError(t, err)
			require.NotNil(t, n.ev)
			c.check(t, n.ev)
		})
	}
}
