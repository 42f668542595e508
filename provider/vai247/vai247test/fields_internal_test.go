package vai247test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
)

// fieldsMismatch says how body's top-level members differ from the table's fields for message; nil
// when they are the same set.
func fieldsMismatch(message string, body []byte) error {
	want, ok := Fields[message]
	if !ok {
		return fmt.Errorf("no message %q in Fields", message)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(body, &got); err != nil {
		return fmt.Errorf("%s %s is not a JSON object: %v", message, body, err)
	}
	var extra, missing []string
	for name := range got {
		if !slices.ContainsFunc(want, func(f Field) bool { return f.Name == name }) {
			extra = append(extra, name)
		}
	}
	for _, f := range want {
		if _, ok := got[f.Name]; !ok {
			missing = append(missing, f.Name)
		}
	}
	if len(extra)+len(missing) == 0 {
		return nil
	}
	slices.Sort(extra)
	return fmt.Errorf("%s %s: fields no source names %v, documented fields left out %v", message, body, extra, missing)
}

// Every source names a doc page, the seed or a DECISION, and every required field is in the table.
func TestFieldsTableNamesSources(t *testing.T) {
	for msg, fs := range Fields {
		seen := map[string]bool{}
		for _, f := range fs {
			assert.False(t, seen[f.Name], "%s lists %s twice", msg, f.Name)
			seen[f.Name] = true
			assert.True(t, strings.HasPrefix(f.Source, "docs ") || strings.HasPrefix(f.Source, "seed ") ||
				strings.HasPrefix(f.Source, "DECISION "), "%s.%s: source %q", msg, f.Name, f.Source)
		}
	}
	for msg, names := range Required {
		for _, n := range names {
			assert.True(t, slices.ContainsFunc(Fields[msg], func(f Field) bool { return f.Name == n }), "%s requires %s, which no source names", msg, n)
		}
	}
}

// The request bodies the simulator decodes (strictly: unknown fields are 400) have exactly the
// table's fields.
func TestRequestBodiesHaveOnlyDocumentedFields(t *testing.T) {
	for msg, v := range map[string]any{"create request": createBody{}, "cancel request": cancelBody{}, "refund request": refundBody{}} {
		var names []string
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			names = append(names, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
		}
		var want []string
		for _, f := range Fields[msg] {
			want = append(want, f.Name)
		}
		assert.ElementsMatch(t, want, names, msg)
	}
}

// fieldsClient drives a simulator over HTTP and collects its notifications.
type fieldsClient struct {
	t     *testing.T
	srv   *Server
	clock *sim.ManualClock

	mu    sync.Mutex
	hooks [][]byte
}

func newFieldsClient(t *testing.T, cfg Config) *fieldsClient {
	c := &fieldsClient{t: t, clock: sim.NewManualClock(time.Now())}
	cfg.Clock, cfg.WebhookSchedule = c.clock, []time.Duration{time.Millisecond}
	c.srv = NewServer(cfg)
	t.Cleanup(c.srv.Close)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.hooks = append(c.hooks, b)
		c.mu.Unlock()
		_, _ = w.Write([]byte(`{"status":"received"}`))
	}))
	t.Cleanup(hook.Close)
	c.srv.SetWebhookURL(hook.URL)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	return c
}

// do sends one authenticated request and returns the status and the raw reply.
func (c *fieldsClient) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	require.NoError(c.t, err)
	req.Header.Set("X-App-Id", c.srv.AppID)
	req.Header.Set("X-Api-Key", c.srv.APIKey)
	req.Header.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().Unix(), 10))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	return resp.StatusCode, b
}

func (c *fieldsClient) create(t *testing.T) string {
	st, b := c.do("POST", PathCreate, `{"store_id":"`+c.srv.StoreID+`","amount":12.50,"currency":"USD","reference_id":"pay-1"}`)
	require.Equal(t, http.StatusOK, st, "%s", b)
	assert.NoError(t, fieldsMismatch("create reply", b))
	var r struct {
		OrderID string `json:"order_id"`
	}
	require.NoError(t, json.Unmarshal(b, &r))
	return r.OrderID
}

// Every reply and every notification the simulator sends has exactly the table's fields.
func TestRepliesAndNotificationsHaveOnlyDocumentedFields(t *testing.T) {
	c := newFieldsClient(t, Config{})
	ctx := context.Background()

	paid := c.create(t)
	st, b := c.do("GET", PathInquire+"?transaction_id="+paid, "")
	require.Equal(t, http.StatusOK, st)
	assert.NoError(t, fieldsMismatch("inquire reply", b))
	require.NoError(t, c.srv.Scan(paid))                      // payment.processing
	require.NoError(t, c.srv.SettleOrder(ctx, paid, sim.Pay)) // payment.success
	st, b = c.do("POST", PathRefund, `{"order_id":"`+paid+`","amount":2.50,"reason":"r","reference_id":"ref-1"}`)
	require.Equal(t, http.StatusOK, st, "%s", b)
	assert.NoError(t, fieldsMismatch("refund reply", b)) // and refund.completed

	failed := c.create(t)
	require.NoError(t, c.srv.SettleOrder(ctx, failed, sim.Fail)) // payment.failed
	cancelled := c.create(t)
	st, b = c.do("POST", PathCancel, `{"order_id":"`+cancelled+`","reason":"r"}`)
	require.Equal(t, http.StatusOK, st, "%s", b)
	assert.NoError(t, fieldsMismatch("cancel reply", b))

	for _, bad := range []struct{ method, path, body string }{
		{"POST", PathCreate, `{"store_id":"nope","amount":1,"currency":"USD"}`},
		{"GET", PathInquire + "?transaction_id=ord_none", ""},
		{"POST", PathCancel, `{"order_id":"` + paid + `"}`},
		{"POST", PathRefund, `{"order_id":"` + paid + `","amount":100}`},
		{"GET", "/api/v1/nowhere", ""},
	} {
		st, b := c.do(bad.method, bad.path, bad.body)
		require.GreaterOrEqual(t, st, 400, "%s", b)
		assert.NoError(t, fieldsMismatch("error reply", b))
		var env struct {
			Error json.RawMessage `json:"error"`
		}
		require.NoError(t, json.Unmarshal(b, &env))
		assert.NoError(t, fieldsMismatch("error object", env.Error))
	}

	events := map[string]bool{}
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return len(c.hooks) == 4
	}, 5*time.Second, time.Millisecond, "payment.processing, payment.success, refund.completed, payment.failed")
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, h := range c.hooks {
		assert.NoError(t, fieldsMismatch("notification", h))
		var n struct {
			Event string `json:"event"`
		}
		require.NoError(t, json.Unmarshal(h, &n))
		events[n.Event] = true
	}
	assert.Equal(t, map[string]bool{"payment.processing": true, "payment.success": true, "payment.failed": true, "refund.completed": true}, events)
}

// With the 2026-03-02 refund signing, a refund and its replay by X-Idempotent-Key answer the same
// documented fields.
func TestSignedRefundReplyHasOnlyDocumentedFields(t *testing.T) {
	c := newFieldsClient(t, Config{RefundSigning: true})
	id := c.create(t)
	require.NoError(t, c.srv.SettleOrder(context.Background(), id, sim.Pay))
	body := `{"order_id":"` + id + `","amount":1}`
	for range 2 {
		req, err := http.NewRequest("POST", c.srv.URL+PathRefund, strings.NewReader(body))
		require.NoError(t, err)
		ts := strconv.FormatInt(c.clock.Now().Unix(), 10)
		req.Header.Set("X-App-Id", c.srv.AppID)
		req.Header.Set("X-Api-Key", c.srv.APIKey)
		req.Header.Set("X-Timestamp", ts)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Idempotent-Key", "0f8fad5b-d9cb-469f-a165-70867728950e")
		req.Header.Set("X-Signature", hmacHex(c.srv.APISecret, body+ts))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		assert.NoError(t, fieldsMismatch("refund reply", b))
	}
}

// The simulator refuses a request without a field of Required, and takes one without any other
// field of the table: it requires nothing the docs do not name.
func TestRequiresOnlyDocumentedFields(t *testing.T) {
	c := newFieldsClient(t, Config{})
	full := map[string]map[string]string{
		"create request": {"store_id": `"` + c.srv.StoreID + `"`, "amount": `10`, "currency": `"USD"`, "reference_id": `"pay-2"`},
		"cancel request": {"reason": `"r"`},
		"refund request": {"amount": `1`, "reason": `"r"`, "reference_id": `"ref-2"`},
	}
	paths := map[string]string{"create request": PathCreate, "cancel request": PathCancel, "refund request": PathRefund}
	for msg, fields := range full {
		for _, f := range Fields[msg] {
			body := map[string]string{}
			for k, v := range fields {
				body[k] = v
			}
			if msg != "create request" { // a fresh order for each try, paid for a refund
				id := c.create(t)
				if msg == "refund request" {
					require.NoError(t, c.srv.SettleOrder(context.Background(), id, sim.Pay))
				}
				body["order_id"] = `"` + id + `"`
			}
			delete(body, f.Name)
			var sb bytes.Buffer
			sb.WriteByte('{')
			for k, v := range body {
				if sb.Len() > 1 {
					sb.WriteByte(',')
				}
				sb.WriteString(strconv.Quote(k) + ":" + v)
			}
			sb.WriteByte('}')
			st, b := c.do("POST", paths[msg], sb.String())
			if slices.Contains(Required[msg], f.Name) {
				assert.Equal(t, http.StatusBadRequest, st, "%s without %s: %s", msg, f.Name, b)
			} else {
				assert.Equal(t, http.StatusOK, st, "%s without %s: %s", msg, f.Name, b)
			}
		}
	}
	st, _ := c.do("GET", PathInquire, "")
	assert.Equal(t, http.StatusBadRequest, st, "inquire without transaction_id")
}

// The check fails when a reply or notification carries a field no source names, or leaves one out.
func TestFieldsMismatchCatchesAnAddedField(t *testing.T) {
	for _, tt := range []struct {
		message, body, want string
	}{
		{"notification", `{"event":"refund.completed","order_id":"o","amount":1,"currency":"USD","status":"refunded","timestamp":1,"refund_id":"r"}`, "[refund_id]"},
		{"notification", `{"event":"payment.success","order_id":"o","amount":1,"currency":"USD","status":"paid","timestamp":1,"reference_id":"pay-1"}`, "[reference_id]"},
		{"inquire reply", `{"transaction_id":"t","order_id":"o","amount":1,"currency":"USD","status":"paid","created_at":"","updated_at":"","reference_id":"pay-1"}`, "[reference_id]"},
		{"refund reply", `{"refund_id":"r","order_id":"o","amount":1,"status":"completed","created_at":"","currency":"USD"}`, "[currency]"},
		{"cancel reply", `{"order_id":"o","status":"cancelled"}`, "left out [cancelled_at]"},
	} {
		err := fieldsMismatch(tt.message, []byte(tt.body))
		if assert.Error(t, err, tt.body) {
			assert.Contains(t, err.Error(), tt.want)
		}
	}
}

func hmacHex(secret, msg string) string {
	return hex.EncodeToString(provider.SignHMACSHA256([]byte(secret), []byte(msg)))
}
