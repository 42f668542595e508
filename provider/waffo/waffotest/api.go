package waffotest

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/shopspring/decimal"
)

// Waffo's timestamps: ISO 8601, UTC, milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

// reply is a Waffo answer before it is enveloped and signed.
type reply struct {
	status int
	code   string // "0" for success
	msg    string
	data   any
}

func success(data any) reply {
	return reply{status: http.StatusOK, code: "0", msg: "Success", data: data}
}

// fail answers a Waffo result code with the HTTP status Waffo uses for its family.
func fail(code, msg string) reply { return reply{status: httpStatusOf(code), code: code, msg: msg} }

// httpStatusOf is the HTTP status Waffo answers a result code with (its error-code reference): A codes
// 400 (401 for A0001, A0002 and A0004), B 400, C 500 (503 when the system is unavailable), D 406, E 500.
func httpStatusOf(code string) int {
	switch {
	case code == "A0001" || code == "A0002" || code == "A0004":
		return http.StatusUnauthorized
	case code == "C0001":
		return http.StatusServiceUnavailable
	case strings.HasPrefix(code, "A"), strings.HasPrefix(code, "B"):
		return http.StatusBadRequest
	case strings.HasPrefix(code, "D"):
		return http.StatusNotAcceptable
	default:
		return http.StatusInternalServerError
	}
}

// envelope is Waffo's response shape.
type envelope struct {
	Code string `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data,omitempty"`
}

func (s *Server) encode(rep reply) []byte {
	b, err := json.Marshal(envelope{Code: rep.code, Msg: rep.msg, Data: rep.data})
	if err != nil {
		b = []byte(`{"code":"E0001","msg":"simulator could not encode its reply"}`)
	}
	return b
}

// write sends a signed envelope outside sim.Serve (unknown paths).
func (s *Server) write(w http.ResponseWriter, rep reply) {
	body := s.encode(rep)
	s.sign(nil, w.Header(), body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(body)
}

// sign sets X-SIGNATURE: SHA256withRSA over body with Waffo's key.
func (s *Server) sign(_ *http.Request, h http.Header, body []byte) {
	sig, err := signWith(s.waffoKey, body)
	if err == nil {
		h.Set("X-SIGNATURE", sig)
	}
}

func signWith(key *rsa.PrivateKey, body []byte) (string, error) {
	d := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

func verifyWith(key *rsa.PublicKey, sig string, body []byte) bool {
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return false
	}
	d := sha256.Sum256(body)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, d[:], raw) == nil
}

// codeReply is the answer to an injected ReplyCode fault: Waffo's envelope with the code.
func (s *Server) codeReply(_ paygate.Op, _ *http.Request, _ []byte, code string) sim.Reply {
	return s.simReply(fail(code, "injected: "+code))
}

// simReply envelopes rep for sim.Serve, which signs it.
func (s *Server) simReply(rep reply) sim.Reply {
	return sim.Reply{Status: rep.status, Header: http.Header{"Content-Type": {"application/json"}}, Body: s.encode(rep)}
}

// request is one parsed API call.
type request struct {
	fields map[string]any
}

// str returns the string at a dotted path ("userInfo.userId"); "" when absent or not a string.
func (q *request) str(path string) string {
	var cur any = q.fields
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	switch v := cur.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// present reports whether the dotted path holds any value.
func (q *request) present(path string) bool {
	var cur any = q.fields
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[k]; !ok || cur == nil {
			return false
		}
	}
	return true
}

// check enforces required string fields and maximum lengths, as Waffo's parameter validation does
// (A0003).
func (q *request) check(required []string, maxLen map[string]int) error {
	for _, f := range required {
		if q.str(f) == "" {
			return fmt.Errorf("%s is required", f)
		}
	}
	for f, n := range maxLen {
		if len([]rune(q.str(f))) > n {
			return fmt.Errorf("%s is longer than %d", f, n)
		}
	}
	return nil
}

// requestID reads a top-level id from a body that may not parse, for the ledger.
func requestID(body []byte, field string) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	if v, ok := m[field].(string); ok {
		return v
	}
	return ""
}

// process authenticates and parses a call, then runs fn under the state lock.
func (s *Server) process(r *http.Request, body []byte, fn func(*request) reply) sim.Reply {
	if r.Header.Get("X-API-KEY") != s.APIKey {
		return s.simReply(fail("A0001", "invalid API key"))
	}
	if !verifyWith(s.merchantKey, r.Header.Get("X-SIGNATURE"), body) {
		return s.simReply(fail("A0002", "invalid signature"))
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		return s.simReply(fail("A0003", "Content-Type must be application/json"))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	q := &request{}
	if err := dec.Decode(&q.fields); err != nil || q.fields == nil {
		return s.simReply(fail("A0003", "the body is not a JSON object"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noteUndocumented(endpointOf(r.URL.Path), q.fields)
	return s.simReply(fn(q))
}

var (
	twoDigits  = regexp.MustCompile(`^(0|[1-9][0-9]*)\.[0-9]{2}$`)
	zeroDigits = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)
)

// zeroDigitCurrencies are the currencies Waffo writes without decimals (IDR included, unlike ISO 4217).
var zeroDigitCurrencies = map[string]bool{"JPY": true, "KRW": true, "VND": true, "CLP": true, "IDR": true}

// Currencies the simulated merchant contract accepts; any other is A0007.
var Currencies = []string{"USD", "EUR", "GBP", "SGD", "HKD", "AUD", "JPY", "KRW", "VND", "CLP", "IDR", "THB", "PHP", "MYR", "BRL", "MXN", "CNY", "TWD"}

// parseAmount reads a Waffo amount string strictly: exactly 2 decimals, or none for the zero-digit
// currencies.
func parseAmount(value, currency string) (money.Amount, error) {
	re, digits := twoDigits, 2
	if zeroDigitCurrencies[currency] {
		re, digits = zeroDigits, 0
	}
	if !re.MatchString(value) {
		return money.Amount{}, fmt.Errorf("amount %q: Waffo wants a string with exactly %d decimals for %s", value, digits, currency)
	}
	return money.ParseAt(value, currency, digits)
}

// formatAmount writes an amount as Waffo does.
func formatAmount(a money.Amount) string {
	digits := 2
	if zeroDigitCurrencies[a.Currency()] {
		digits = 0
	}
	return a.Decimal().StringFixed(int32(digits))
}

// triggers are the sandbox amounts that answer a code instead of creating an order.
var triggers = []struct {
	value decimal.Decimal
	code  string
}{
	{decimal.RequireFromString("9.1"), "C0001"}, {decimal.RequireFromString("91"), "C0001"},
	{decimal.RequireFromString("9.2"), "E0001"}, {decimal.RequireFromString("92"), "E0001"},
	{decimal.RequireFromString("90"), "C0005"}, {decimal.RequireFromString("990"), "C0005"},
}

func triggerCode(a money.Amount) string {
	for _, t := range triggers {
		if a.Decimal().Equal(t.value) {
			return t.code
		}
	}
	return ""
}

// parseTime reads a Waffo timestamp.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errors.New("not an ISO 8601 date-time such as 2026-11-21T08:00:00.000Z")
	}
	return t, nil
}
