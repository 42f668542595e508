package redactlog

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate/internal/redact"
)

const (
	visa = "4111111111111111"
	amex = "378282246310005"
)

type stringer string

func (s stringer) String() string { return string(s) }

type nilStringer struct{ v *string }

func (n *nilStringer) String() string { return *n.v }

type cardObject struct{ number, cvv, holder string }

func (c cardObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("number", c.number)
	enc.AddString("cvv", c.cvv)
	enc.AddString("holder", c.holder)
	return enc.AddObject("nested", zapcore.ObjectMarshalerFunc(func(enc zapcore.ObjectEncoder) error {
		enc.AddString("api_key", "nested-key-value")
		enc.AddInt("n", 7)
		return nil
	}))
}

func observed(secrets ...string) (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return New(zap.New(core), secrets...), logs
}

func TestNewFields(t *testing.T) {
	type request struct {
		CardNumber string
		CVV        string
		Amount     string
	}
	tests := []struct {
		name  string
		field zap.Field
		want  any
	}{
		{"secret key string", zap.String("api_key", "abc"), redact.Redacted},
		{"secret key header name", zap.String("X-Signature", "abc"), redact.Redacted},
		{"secret key int", zap.Int("cvv", 123), redact.Redacted},
		{"secret key any", zap.Any("password", []string{"a"}), redact.Redacted},
		{"card in string", zap.String("note", "paid with "+visa), "paid with ************1111"},
		{"card in bytes", zap.ByteString("raw", []byte(`{"cvv":"123"}`)), `{"cvv":"[REDACTED]"}`},
		{"card in binary", zap.Binary("bin", []byte("pan "+visa)), "pan ************1111"},
		{"card as int64", zap.Int64("n", 4111111111111111), "************1111"},
		{"configured secret", zap.String("msg", "token is super-secret-1"), "token is [REDACTED]"},
		{"error", zap.Error(fmt.Errorf("decline for card %s", visa)), "decline for card ************1111"},
		{"wrapped error", zap.NamedError("cause", fmt.Errorf("outer: %w", errors.New("apiKey=abc123"))), "outer: apiKey=[REDACTED]"},
		{"stringer", zap.Stringer("s", stringer("cvv=123")), "cvv=[REDACTED]"},
		{"nil stringer", zap.Stringer("s", &nilStringer{}), "<nil>"},
		{"reflected struct", zap.Any("req", request{CardNumber: visa, CVV: "123", Amount: "10.50"}),
			`{"CardNumber":"[REDACTED]","CVV":"[REDACTED]","Amount":"10.50"}`},
		{"reflected map", zap.Any("m", map[string]string{"note": visa}), `{"note":"************1111"}`},
		{"object", zap.Object("card", cardObject{number: visa, cvv: "123", holder: "A. Person"}), map[string]any{
			"number": "************1111", "cvv": redact.Redacted, "holder": "A. Person",
			"nested": map[string]any{"api_key": redact.Redacted, "n": 7},
		}},
		{"array", zap.Strings("xs", []string{visa, "ORDER-1"}), []any{"************1111", "ORDER-1"}},
		{"order id survives", zap.String("order", "ORDER-20261121-0001"), "ORDER-20261121-0001"},
		{"amount survives", zap.String("amount", "10.50 USD"), "10.50 USD"},
		{"int survives", zap.Int("count", 3), int64(3)},
		{"long non-Luhn int survives", zap.Int64("id", 1234567890123), int64(1234567890123)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, logs := observed("super-secret-1")
			log.Info("m", tt.field)
			require.Equal(t, 1, logs.Len())
			ctx := logs.All()[0].ContextMap()
			key := tt.field.Key
			assert.Equal(t, tt.want, ctx[key])
		})
	}
}

func TestNewMessageWithAndNamespace(t *testing.T) {
	log, logs := observed("sk_test_0123456789")
	child := log.With(zap.String("token", "t-1"), zap.String("merchant", "M1"), zap.String("hint", "key sk_test_0123456789"))
	child.Info("charging "+visa+" with sk_test_0123456789", zap.Namespace("card"), zap.String("cvv", "123"), zap.String("last4", "1111"))
	log.Sugar().Infow("sugared", "cvc", "999", "note", `{"password":"pw"}`)
	log.Sugar().Infof("formatted %s", visa)

	all := logs.All()
	require.Len(t, all, 3)
	assert.Equal(t, "charging ************1111 with [REDACTED]", all[0].Message)
	ctx := all[0].ContextMap()
	assert.Equal(t, redact.Redacted, ctx["token"])
	assert.Equal(t, "M1", ctx["merchant"])
	assert.Equal(t, "key [REDACTED]", ctx["hint"])
	assert.Equal(t, map[string]any{"cvv": redact.Redacted, "last4": "1111"}, ctx["card"])

	ctx = all[1].ContextMap()
	assert.Equal(t, redact.Redacted, ctx["cvc"])
	assert.Equal(t, `{"password":"[REDACTED]"}`, ctx["note"])
	assert.Equal(t, "formatted ************1111", all[2].Message)
}

func TestNewLevelAndNil(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	log := New(zap.New(core))
	log.Debug("hidden " + visa)
	log.Info("shown")
	require.Equal(t, 1, logs.Len())
	assert.Equal(t, "shown", logs.All()[0].Message)

	nop := New(nil, "secret-value")
	require.NotNil(t, nop)
	nop.Info("nothing", zap.String("k", "v"))
}

// TestNewJSONOutput runs everything through a real JSON encoder: no secret may reach the bytes.
func TestNewJSONOutput(t *testing.T) {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	require.NoError(t, err)
	keyPEM := pemOf("PRIVATE KEY", der)
	const apiKey = "live_api_key_0123456789"

	var buf bytes.Buffer
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	base := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel))
	log := New(base, apiKey, keyPEM).With(zap.String("merchant", "M1"))

	log.Info("request", zap.ByteString("body", []byte(`{"cardNumber":"`+visa+`","cvv":"123","amount":"10.50"}`)),
		zap.String("auth", "Authorization: Bearer "+apiKey),
		zap.Object("card", cardObject{number: visa, cvv: "321", holder: "A"}),
		zap.Inline(cardObject{number: amex, cvv: "654", holder: "B"}),
		zap.Error(errors.New("bad key "+keyPEM)),
		zap.String("line", nonLabelLines(keyPEM)[2]),
	)
	out := buf.String()
	for _, leak := range []string{visa, amex, apiKey, `"123"`, `"321"`, `"654"`, "nested-key-value", "BEGIN PRIVATE KEY"} {
		assert.NotContains(t, out, leak)
	}
	for _, l := range nonLabelLines(keyPEM) {
		if len(l) >= redact.MinSecretLen {
			assert.NotContains(t, out, l)
		}
	}
	for _, keep := range []string{`"merchant":"M1"`, "10.50", `"holder":"A"`, "************1111", "***********0005"} {
		assert.Contains(t, out, keep)
	}
}

func BenchmarkRedactPlain(b *testing.B) {
	r := newRedactor([]string{"sk_live_abcdef123"})
	s := "payment ORDER-20261121-0001 for 10.50 USD created"
	b.ReportAllocs()
	for b.Loop() {
		r.str(s)
	}
}

func TestRedactReviewCases(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := New(zap.New(core))
	l.Info("card", zap.String("card_cvv", "737"), zap.String("cvv_code", "7373"), zap.String("note", `{"card_cvv":"737"}`),
		zap.String("pan_expiry", "41111111111111111225"), zap.String("prefixed", "00004111111111111111"))
	m := logs.All()[0].ContextMap()
	assert.Equal(t, redact.Redacted, m["card_cvv"])
	assert.Equal(t, redact.Redacted, m["cvv_code"])
	assert.NotContains(t, m["note"], "737")
	assert.NotContains(t, m["pan_expiry"], "4111111111111111")
	assert.True(t, strings.HasSuffix(m["pan_expiry"].(string), "1225"), "the expiry after the card number is kept: %v", m["pan_expiry"])
	assert.NotContains(t, m["prefixed"], "4111111111111111")
}

func TestRedactingLoggerKeepsTeeLevels(t *testing.T) {
	debugCore, debugLogs := observer.New(zapcore.DebugLevel)
	errorCore, errorLogs := observer.New(zapcore.ErrorLevel)
	l := New(zap.New(zapcore.NewTee(debugCore, errorCore)))
	l.Debug("chatty")
	l.Error("bad", zap.String("api_key", "sk_live_abcdef"))
	assert.Equal(t, 2, debugLogs.Len())
	require.Equal(t, 1, errorLogs.Len(), "the error-only core gets only the error")
	assert.Equal(t, redact.Redacted, errorLogs.All()[0].ContextMap()["api_key"])
}
