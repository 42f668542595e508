package stripe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// form is a request body in Stripe's form encoding, its parameters in the order they were added
// (nested keys written out: metadata[k], payment_method_types[0]), so the same request always
// encodes to the same bytes — a resend with the same Idempotency-Key must carry the same body.
type form struct{ kv []string }

func (f *form) add(key, value string) *form {
	f.kv = append(f.kv, key, value)
	return f
}

func (f *form) addInt(key string, n int64) *form { return f.add(key, strconv.FormatInt(n, 10)) }

// encode writes the parameters as application/x-www-form-urlencoded, keys and values escaped as
// url.QueryEscape does (brackets become %5B and %5D, which Stripe reads as nesting).
func (f *form) encode() []byte {
	if f == nil {
		return []byte{}
	}
	var b strings.Builder
	for i := 0; i < len(f.kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.kv[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.kv[i+1]))
	}
	return []byte(b.String())
}

// The objects the adapter reads. Amounts are JSON integers decoded into int64 (encoding/json parses
// them as integers: a fraction or exponent is an error, never a float). Only the fields the adapter
// uses are named; the decoders count the others (unknown), so a test can see what was skipped.

type paymentIntent struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	Amount             int64             `json:"amount"`
	AmountCapturable   int64             `json:"amount_capturable"`
	AmountReceived     int64             `json:"amount_received"`
	Currency           string            `json:"currency"`
	Status             string            `json:"status"`
	CaptureMethod      string            `json:"capture_method"`
	CancellationReason string            `json:"cancellation_reason"`
	CanceledAt         int64             `json:"canceled_at"`
	Created            int64             `json:"created"`
	Metadata           map[string]string `json:"metadata"`
	NextAction         *nextAction       `json:"next_action"`
	LastPaymentError   *apiError         `json:"last_payment_error"`
	LatestCharge       *chargeRef        `json:"latest_charge"`
	ClientSecret       string            `json:"client_secret"`
}

type nextAction struct {
	Type          string `json:"type"`
	RedirectToURL *struct {
		URL string `json:"url"`
	} `json:"redirect_to_url"`
	AlipayHandleRedirect *struct {
		URL       string `json:"url"`
		NativeURL string `json:"native_url"`
	} `json:"alipay_handle_redirect"`
	WechatPayDisplayQRCode *struct {
		Data string `json:"data"`
	} `json:"wechat_pay_display_qr_code"`
	WechatPayRedirectToIOSApp *struct {
		NativeURL string `json:"native_url"`
	} `json:"wechat_pay_redirect_to_ios_app"`
}

// chargeRef is latest_charge: a charge id, or the charge itself when expanded.
type chargeRef struct {
	ID     string
	Charge *charge
}

func (c *chargeRef) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.ID)
	}
	c.Charge = new(charge)
	if err := json.Unmarshal(b, c.Charge); err != nil {
		return err
	}
	c.ID = c.Charge.ID
	return nil
}

type charge struct {
	ID             string `json:"id"`
	Object         string `json:"object"`
	Amount         int64  `json:"amount"`
	AmountCaptured int64  `json:"amount_captured"`
	AmountRefunded int64  `json:"amount_refunded"`
	Currency       string `json:"currency"`
	PaymentIntent  string `json:"payment_intent"`
}

type refund struct {
	ID            string            `json:"id"`
	Object        string            `json:"object"`
	Amount        int64             `json:"amount"`
	Currency      string            `json:"currency"`
	Status        string            `json:"status"`
	PaymentIntent string            `json:"payment_intent"`
	Charge        string            `json:"charge"`
	Created       int64             `json:"created"`
	FailureReason string            `json:"failure_reason"`
	Metadata      map[string]string `json:"metadata"`
}

// list is a list or search_result of objects: data, has_more (and next_page for a search).
type list[T any] struct {
	Object   string `json:"object"`
	Data     []T    `json:"data"`
	HasMore  bool   `json:"has_more"`
	NextPage string `json:"next_page"`
	URL      string `json:"url"`
}

type errorEnvelope struct {
	Error *apiError `json:"error"`
}

// apiError is Stripe's error object (also a PaymentIntent's last_payment_error).
type apiError struct {
	Type          string `json:"type"`
	Code          string `json:"code"`
	DeclineCode   string `json:"decline_code"`
	Param         string `json:"param"`
	Message       string `json:"message"`
	PaymentIntent *struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"payment_intent"`
}

type event struct {
	ID         string `json:"id"`
	Object     string `json:"object"`
	Type       string `json:"type"`
	Created    int64  `json:"created"`
	APIVersion string `json:"api_version"`
	Livemode   bool   `json:"livemode"`
	Data       struct {
		Object json.RawMessage `json:"object"`
	} `json:"data"`
}

// eventObject is what the handler reads of an event's data.object to fetch its current state.
type eventObject struct {
	ID            string `json:"id"`
	Object        string `json:"object"`
	PaymentIntent string `json:"payment_intent"`
}

// decode reads body into v (a pointer to one of the types above) and returns how many members of
// the body, at any depth the types describe, v has no field for. Metadata maps and raw members are
// taken whole. The body must be one JSON object.
func decode(body []byte, v any) (unknown int, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return 0, err
	}
	if dec.More() {
		return 0, errors.New("the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err == nil {
		return 0, errors.New("the body holds more than one JSON value")
	}
	return countUnknown(body, reflect.TypeOf(v).Elem()), nil
}

// countUnknown counts the members of raw that t (a struct type) has no field for, recursing into
// members whose fields are structs (or pointers or slices of them, and chargeRef's expanded charge).
func countUnknown(raw json.RawMessage, t reflect.Type) int {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[chargeRef]():
		if len(raw) > 0 && raw[0] == '{' {
			return countUnknown(raw, reflect.TypeFor[charge]())
		}
		return 0
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return 0
		}
		n := 0
		for _, it := range items {
			n += countUnknown(it, t.Elem())
		}
		return n
	case t.Kind() != reflect.Struct || t == reflect.TypeFor[json.RawMessage]():
		return 0
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(raw, &members) != nil {
		return 0
	}
	fields := fieldsOf(t)
	n := 0
	for name, v := range members {
		ft, ok := fields[name]
		if !ok {
			n++
			continue
		}
		n += countUnknown(v, ft)
	}
	return n
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// fieldsOf maps a struct type's JSON names to their field types.
func fieldsOf(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := make(map[string]reflect.Type, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = f.Type
	}
	fieldCache.Store(t, m)
	return m
}

// decodeError reads an error answer's envelope; nil when the body is not one.
func decodeError(body []byte) *apiError {
	var env errorEnvelope
	if _, err := decode(body, &env); err != nil || env.Error == nil {
		return nil
	}
	return env.Error
}

// searchQuery is the search API's query for the intent carrying our payment request id. Values are
// quoted strings in Stripe's query language, where a quote or backslash is escaped with a backslash.
func searchQuery(paymentRequestID string) string {
	v := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(paymentRequestID)
	return fmt.Sprintf("metadata['%s']:'%s'", metaPaymentRequestID, v)
}

// The metadata keys the adapter writes.
const (
	metaPaymentRequestID = "paygate_payment_request_id"
	metaMerchantOrderID  = "paygate_merchant_order_id"
	metaRefundRequestID  = "paygate_refund_request_id"
)
