package stripetest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/sim"
)

// Every field has a source; every required parameter and every Fields request member is accepted.
func TestFieldsTableNamesSources(t *testing.T) {
	for msg, fs := range Fields {
		seen := map[string]bool{}
		for _, f := range fs {
			assert.False(t, seen[f.Name], "%s lists %s twice", msg, f.Name)
			seen[f.Name] = true
			assert.True(t, strings.HasPrefix(f.Source, "spec3.json ") || strings.HasPrefix(f.Source, "docs") ||
				strings.HasPrefix(f.Source, "stripe-go ") || strings.HasPrefix(f.Source, "DECISION"), "%s.%s: %q", msg, f.Name, f.Source)
			if ps, ok := Params[msg]; ok {
				assert.Contains(t, ps, f.Name, "%s reads %s, which the spec does not accept", msg, f.Name)
			}
		}
	}
	for msg, names := range Required {
		for _, n := range names {
			assert.True(t, slices.ContainsFunc(Fields[msg], func(f Field) bool { return f.Name == n }), "%s requires %s", msg, n)
		}
	}
	for code, c := range Codes {
		assert.NotEmpty(t, c.Source, code)
		assert.NotZero(t, c.Status, code)
	}
}

// Params agree with Stripe's spec, when stripe-mock's module is in the module cache.
func TestParamsMatchSpec(t *testing.T) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Skip("no go env")
	}
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "github.com/stripe/stripe-mock@v0.203.0/embedded/openapi/spec3.json"))
	if err != nil {
		t.Skip("stripe-mock v0.203.0 is not in the module cache")
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
			}
			RequestBody struct {
				Content map[string]struct {
					Schema struct {
						Properties map[string]any
					}
				}
			} `json:"requestBody"`
		}
	}
	require.NoError(t, json.Unmarshal(raw, &spec))
	for msg, where := range map[string][2]string{
		"create request": {"/v1/payment_intents", "post"}, "retrieve query": {"/v1/payment_intents/{intent}", "get"},
		"cancel request": {"/v1/payment_intents/{intent}/cancel", "post"}, "capture request": {"/v1/payment_intents/{intent}/capture", "post"},
		"search query": {"/v1/payment_intents/search", "get"}, "refund request": {"/v1/refunds", "post"},
		"refund list query": {"/v1/refunds", "get"}, "refund retrieve query": {"/v1/refunds/{refund}", "get"},
	} {
		op := spec.Paths[where[0]][where[1]]
		var want []string
		for _, p := range op.Parameters {
			if p.In == "query" {
				want = append(want, p.Name)
			}
		}
		for k := range op.RequestBody.Content["application/x-www-form-urlencoded"].Schema.Properties {
			want = append(want, k)
		}
		assert.ElementsMatch(t, want, Params[msg], msg)
	}
}

// members checks an object's members against the table: none outside it, and (full) all of it.
func members(t *testing.T, msg string, obj map[string]any, full bool) {
	t.Helper()
	var names []string
	for _, f := range Fields[msg] {
		names = append(names, f.Name)
	}
	var got []string
	for k := range obj {
		got = append(got, k)
		assert.Contains(t, names, k, "%s sends %s, which no source names", msg, k)
	}
	if full {
		sort.Strings(got)
		assert.ElementsMatch(t, names, got, msg)
	}
}

func pinIntent(t *testing.T, pi map[string]any) {
	members(t, "payment_intent", pi, true)
	if ch, ok := pi["latest_charge"].(map[string]any); ok {
		members(t, "charge", ch, true)
	}
	if na, ok := pi["next_action"].(map[string]any); ok {
		members(t, "next_action", na, false)
		for _, k := range []string{"redirect_to_url", "alipay_handle_redirect", "wechat_pay_display_qr_code"} {
			if v, ok := na[k].(map[string]any); ok {
				members(t, k, v, true)
			}
		}
	}
	if e, ok := pi["last_payment_error"].(map[string]any); ok {
		members(t, "error object", e, false)
	}
}

// Every reply and every event the simulator sends has only the table's members.
func TestRepliesAndEventsHaveOnlyDocumentedFields(t *testing.T) {
	c := newTC(t, Config{})
	var replies []map[string]any
	rec := func(method, path string, kv ...string) map[string]any {
		_, m, _ := c.do(method, path, form(kv...), "")
		replies = append(replies, m)
		return m
	}
	pi := rec("POST", "/v1/payment_intents", "amount", "1000", "currency", "usd", "capture_method", "manual", "metadata[paygate_payment_request_id]", "f1")
	id := pi["id"].(string)
	rec("POST", "/v1/payment_intents/"+id+"/capture") // unexpected state
	require.NoError(t, c.srv.Settle(context.Background(), "f1", sim.Pay))
	rec("POST", "/v1/payment_intents/"+id+"/capture", "amount_to_capture", "800", "expand[]", "latest_charge")
	rec("POST", "/v1/refunds", "payment_intent", id, "amount", "100", "reason", "requested_by_customer", "metadata[paygate_refund_request_id]", "r")
	rec("GET", "/v1/refunds", "payment_intent", id)
	rec("GET", "/v1/payment_intents/"+id, "expand[]", "latest_charge")
	rec("GET", "/v1/payment_intents/search", "query", "metadata['paygate_payment_request_id']:'f1'", "expand[]", "data.latest_charge")
	rec("POST", "/v1/payment_intents", "amount", "1000", "currency", "usd", "confirm", "true", "payment_method", "pm_card_chargeDeclined")
	rec("POST", "/v1/payment_intents", "amount", "1000", "currency", "usd", "confirm", "true", "payment_method_data[type]", "alipay")
	rec("POST", "/v1/payment_intents", "amount", "1000", "currency", "usd", "confirm", "true", "payment_method_data[type]", "wechat_pay")
	x := rec("POST", "/v1/payment_intents", "amount", "1000", "currency", "usd", "confirm", "true", "payment_method", "pm_card_threeDSecure2Required")
	rec("POST", "/v1/payment_intents/"+x["id"].(string)+"/cancel", "cancellation_reason", "abandoned")
	rec("GET", "/v1/payment_intents/pi_missing")
	for _, m := range replies {
		switch {
		case m["error"] != nil:
			members(t, "error reply", m, true)
			e := m["error"].(map[string]any)
			members(t, "error object", e, false)
			if p, ok := e["payment_intent"].(map[string]any); ok {
				pinIntent(t, p)
			}
		case m["object"] == "payment_intent":
			pinIntent(t, m)
		case m["object"] == "refund":
			members(t, "refund", m, true)
		case m["object"] == "list":
			members(t, "list", m, true)
			for _, d := range m["data"].([]any) {
				members(t, "refund", d.(map[string]any), true)
			}
		case m["object"] == "search_result":
			members(t, "search_result", m, true)
			for _, d := range m["data"].([]any) {
				pinIntent(t, d.(map[string]any))
			}
		default:
			t.Errorf("unexpected reply %v", m)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.srv.Webhooks().Wait(ctx))
	types := map[string]bool{}
	for _, raw := range c.srv.Events() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(raw, &ev))
		members(t, "event", ev, true)
		members(t, "event request", ev["request"].(map[string]any), true)
		data := ev["data"].(map[string]any)
		members(t, "event data", data, false)
		obj := data["object"].(map[string]any)
		types[ev["type"].(string)] = true
		switch obj["object"] {
		case "payment_intent":
			pinIntent(t, obj)
		case "charge":
			members(t, "charge", obj, true)
		case "refund":
			members(t, "refund", obj, true)
		default:
			t.Errorf("event %s carries %v", ev["type"], obj["object"])
		}
	}
	for _, want := range []string{"payment_intent.created", "payment_intent.requires_action", "payment_intent.amount_capturable_updated",
		"payment_intent.succeeded", "payment_intent.payment_failed", "payment_intent.canceled", "refund.created", "charge.refunded"} {
		assert.True(t, types[want], "no %s event", want)
	}
}
