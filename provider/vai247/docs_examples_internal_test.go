package vai247

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/status"
)

// The docs' messages as the docs' code examples declare them (amounts as json.Number, never a
// float), for a decode that refuses any other field.
type (
	docCreateReply struct {
		OrderID   string `json:"order_id"`
		Status    string `json:"status"`
		QRCode    string `json:"qr_code"`
		ExpiresAt string `json:"expires_at"`
	}
	docTransactionDetail struct {
		TransactionID string      `json:"transaction_id"`
		OrderID       string      `json:"order_id"`
		Amount        json.Number `json:"amount"`
		Currency      string      `json:"currency"`
		Status        string      `json:"status"`
		CreatedAt     string      `json:"created_at"`
		UpdatedAt     string      `json:"updated_at"`
	}
	docCancelResponse struct {
		OrderID     string `json:"order_id"`
		Status      string `json:"status"`
		CancelledAt string `json:"cancelled_at"`
	}
	docRefundResponse struct {
		RefundID  string      `json:"refund_id"`
		OrderID   string      `json:"order_id"`
		Amount    json.Number `json:"amount"`
		Status    string      `json:"status"`
		CreatedAt string      `json:"created_at"`
	}
	docError struct {
		Error struct {
			Code      string          `json:"code"`
			Message   string          `json:"message"`
			Details   json.RawMessage `json:"details"`
			RequestID string          `json:"request_id"`
			Timestamp json.Number     `json:"timestamp"`
		} `json:"error"`
	}
	docWebhookPayload struct {
		Event     string      `json:"event"`
		OrderID   string      `json:"order_id"`
		Amount    json.Number `json:"amount"`
		Currency  string      `json:"currency"`
		Status    string      `json:"status"`
		Timestamp json.Number `json:"timestamp"`
	}
)

// readExample reads testdata/docs/name, checks that SOURCES.md names its source, decodes it into dst
// with unknown fields refused, and checks that its fields are exactly vai247test.Fields[message].
func readExample(t *testing.T, name, message string, dst any) []byte {
	t.Helper()
	sources, err := os.ReadFile(filepath.Join("testdata", "docs", "SOURCES.md"))
	require.NoError(t, err)
	require.Contains(t, string(sources), "| "+name+" | "+message+" | ", "SOURCES.md names the source of %s", name)
	body, err := os.ReadFile(filepath.Join("testdata", "docs", name))
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	require.NoError(t, dec.Decode(dst), "%s decodes with unknown fields refused", name)
	require.False(t, dec.More(), "%s: one JSON value", name)
	var members map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &members))
	var want []string
	for _, f := range vai247test.Fields[message] {
		want = append(want, f.Name)
	}
	var got []string
	for n := range members {
		got = append(got, n)
	}
	assert.ElementsMatch(t, want, got, "%s has exactly the fields of %q in vai247test.Fields", name, message)
	return body
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The docs' example replies, read as VAI247 would send them, give the adapter's payments, refunds
// and errors.
func TestDocsExampleReplies(t *testing.T) {
	fifty := money.MustParse("50.00", "USD")

	t.Run("create", func(t *testing.T) {
		body := readExample(t, "create-reply.json", "create reply", &docCreateReply{})
		f, err := decodeObject(body)
		require.NoError(t, err)
		p, err := (&Gateway{}).createdPayment(f, &paygate.CreateRequest{PaymentRequestID: "pay-1", MerchantOrderID: "order-1", Amount: fifty})
		require.NoError(t, err)
		assert.Equal(t, "ord_abc123xyz", p.ProviderPaymentID)
		assert.Equal(t, "pay-1", p.PaymentRequestID, "from the request: the reply has no reference")
		assert.Equal(t, status.PaymentRequiresAction, p.Status)
		require.NotNil(t, p.Action)
		assert.Equal(t, paygate.ActionQRCode, p.Action.Kind)
		assert.NotEmpty(t, p.Action.QRCode)
		assert.Equal(t, mustTime("2025-10-04T11:30:00Z"), p.Action.ExpiresAt)
	})
	t.Run("inquire", func(t *testing.T) {
		body := readExample(t, "inquire-reply.json", "inquire reply", &docTransactionDetail{})
		f, err := decodeObject(body)
		require.NoError(t, err)
		p, err := inquiredPayment(f, "ord_abc123xyz")
		require.NoError(t, err)
		assert.Equal(t, status.PaymentSucceeded, p.Status)
		assert.Equal(t, "completed", p.ProviderStatus)
		assert.True(t, fifty.Equal(p.Amount), "%s", p.Amount)
		assert.Equal(t, mustTime("2025-10-04T11:05:00Z"), p.UpdatedAt)
		assert.Empty(t, p.PaymentRequestID, "TransactionDetail carries no merchant reference")
	})
	t.Run("cancel", func(t *testing.T) {
		body := readExample(t, "cancel-reply.json", "cancel reply", &docCancelResponse{})
		f, err := decodeObject(body)
		require.NoError(t, err)
		p, err := cancelledPayment(f, "ord_abc123xyz")
		require.NoError(t, err)
		assert.Equal(t, status.PaymentCanceled, p.Status)
		assert.Equal(t, mustTime("2025-10-04T11:15:00Z"), p.UpdatedAt)
	})
	t.Run("refund", func(t *testing.T) {
		body := readExample(t, "refund-reply.json", "refund reply", &docRefundResponse{})
		f, err := decodeObject(body)
		require.NoError(t, err)
		r, err := refundAnswer(f, &paygate.RefundRequest{RefundRequestID: "refund-1", ProviderPaymentID: "ord_abc123xyz", Amount: fifty})
		require.NoError(t, err)
		assert.Equal(t, "rf_abc123", r.ProviderRefundID)
		assert.Equal(t, "refund-1", r.RefundRequestID, "from the request: the reply has no reference")
		assert.Equal(t, status.RefundSucceeded, r.Status)
		assert.True(t, fifty.Equal(r.Amount), "%s", r.Amount)
		assert.Equal(t, mustTime("2025-10-04T12:00:00Z"), r.UpdatedAt)
	})
	t.Run("error", func(t *testing.T) {
		body := readExample(t, "error-reply.json", "error reply", &docError{})
		var env struct {
			Error json.RawMessage `json:"error"`
		}
		require.NoError(t, json.Unmarshal(body, &env))
		var members map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(env.Error, &members))
		assert.Len(t, members, len(vai247test.Fields["error object"]))
		for _, f := range vai247test.Fields["error object"] {
			assert.Contains(t, members, f.Name)
		}
		e := (&Gateway{}).errorAnswer(paygate.OpRefund, &provider.Response{StatusCode: http.StatusUnprocessableEntity, Body: body})
		assert.Equal(t, status.Failure, e.Outcome)
		assert.Equal(t, status.CodeInsufficientFunds, e.Code)
		assert.Equal(t, "insufficient_funds", e.ProviderCode)
		assert.Equal(t, "The merchant account has insufficient funds to process this payout", e.ProviderMessage)
	})
}

// The docs' notifications, signed and posted to the adapter's WebhookHandler, give events with
// exactly what VAI247 says: the order id, the amount and the status. The merchant's
// PaymentRequestID and RefundRequestID stay empty, since no notification and no reply carries them
// (vai247test.Fields), and a refund has no refund id; nothing is made up.
func TestDocsExampleNotifications(t *testing.T) {
	fifty := money.MustParse("50.00", "USD")
	tests := []struct {
		file string
		want *paygate.Event
	}{
		{"notification-payment-success.json", &paygate.Event{Provider: Name, Type: paygate.EventPaymentUpdated, Payment: &paygate.Payment{
			Provider: Name, ProviderPaymentID: "ord_abc123xyz", Status: status.PaymentSucceeded, ProviderStatus: "paid", Amount: fifty,
			Captured: fifty, UpdatedAt: time.Unix(1759576200, 0)}}},
		{"notification-payment-failed.json", &paygate.Event{Provider: Name, Type: paygate.EventPaymentUpdated, Payment: &paygate.Payment{
			Provider: Name, ProviderPaymentID: "ord_abc123xyz", Status: status.PaymentPending, ProviderStatus: "failed", Amount: fifty,
			UpdatedAt: time.Unix(1759576200, 0)}}},
		{"notification-refund-completed.json", &paygate.Event{Provider: Name, Type: paygate.EventRefundUpdated, Refund: &paygate.Refund{
			Provider: Name, ProviderPaymentID: "ord_abc123xyz", Status: status.RefundSucceeded, ProviderStatus: "refunded", Amount: fifty,
			UpdatedAt: time.Unix(1759579200, 0)}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var doc docWebhookPayload
			body := readExample(t, tt.file, "notification", &doc)
			ts, err := doc.Timestamp.Int64()
			require.NoError(t, err)
			g, err := New(Config{BaseURL: "http://127.0.0.1:1", AppID: "a", APIKey: "k", StoreID: "s", WebhookSecret: "whsec",
				Now: func() time.Time { return time.Unix(ts, 0).Add(time.Minute) }})
			require.NoError(t, err)
			var got *paygate.Event
			h := g.WebhookHandler(func(_ context.Context, ev *paygate.Event) error { got = ev; return nil })
			req := httptest.NewRequest(http.MethodPost, "/notify", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-DVPay-Signature", hex.EncodeToString(provider.SignHMACSHA256([]byte("whsec"), body)))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.JSONEq(t, `{"status":"received"}`, rec.Body.String())
			require.NotNil(t, got)
			assert.NotEmpty(t, got.ID)
			tt.want.ID = got.ID
			assert.Equal(t, tt.want, got)
		})
	}
}
