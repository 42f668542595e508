package provider

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

const (
	visa = "4111111111111111"
	amex = "378282246310005"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		secrets []string
		want    string
	}{
		// Ordinary text survives.
		{"plain text", "payment ORDER-20261121-0001 for 10.50 USD created", nil, "payment ORDER-20261121-0001 for 10.50 USD created"},
		{"network error", "dial tcp 127.0.0.1:443: connect: connection refused", nil, "dial tcp 127.0.0.1:443: connect: connection refused"},
		{"non-secret keys", `{"orderId":"ORDER-20261121-0001","amount":"10.50","currency":"USD","key":"k1"}`, nil, `{"orderId":"ORDER-20261121-0001","amount":"10.50","currency":"USD","key":"k1"}`},
		{"non-Luhn long number", "order 4111111111111112 and 1234567890123", nil, "order 4111111111111112 and 1234567890123"},
		{"empty", "", []string{"secret-value"}, ""},

		// Configured secrets.
		{"secret", "calling with sk_live_abcdef123 now", []string{"sk_live_abcdef123"}, "calling with [REDACTED] now"},
		{"secret twice", "a=sk_live_abcdef123;b=sk_live_abcdef123", []string{"sk_live_abcdef123"}, "a=[REDACTED];b=[REDACTED]"},
		{"short secret ignored", "abc is fine", []string{"abc"}, "abc is fine"},
		{"longest secret first", "xx hunter2hunter2 xx", []string{"hunter2", "hunter2hunter2"}, "xx [REDACTED] xx"},

		// PEM blocks.
		{"PEM block", "key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY----- done", nil, "key: [REDACTED PEM] done"},
		{"truncated PEM", "got -----BEGIN RSA PRIVATE KEY-----\nMIIEvQIBADANBg", nil, "got [REDACTED PEM]"},
		{"escaped PEM in JSON", `{"k":"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"}`, nil, `{"k":"[REDACTED PEM]\n"}`},

		// Card numbers.
		{"card", "card " + visa + " ok", nil, "card ************1111 ok"},
		{"card with spaces", "card 4111 1111 1111 1111.", nil, "card ************1111."},
		{"card with dashes", "4111-1111-1111-1111", nil, "************1111"},
		{"amex", "amex " + amex, nil, "amex ***********0005"},
		{"card then expiry", "card 4111 1111 1111 1111 2025", nil, "card ************1111 2025"},
		{"two cards", visa + "," + amex, nil, "************1111,***********0005"},
		{"card inside token", "tok_" + visa, nil, "tok_************1111"},
		{"a card number at the start of a longer run is masked", "41111111111111111111", nil, "************11111111"},
		{"a long id without a card-number window is kept", "12345678901234567890", nil, "12345678901234567890"},
		{"card with dots", "card 4111.1111.1111.1111 declined", nil, "card ************1111 declined"},
		{"card with underscores", "card 4111_1111_1111_1111 declined", nil, "card ************1111 declined"},
		{"amex with dots", "3782.822463.10005", nil, "***********0005"},
		{"a date with slashes is no separator", "on 2025/11/21 ref 4111/1111/1111/1111", nil, "on 2025/11/21 ref 4111/1111/1111/1111"},
		{"amounts and versions with dots survive", "10.50 USD, v1.2.3, 192.168.0.1", nil, "10.50 USD, v1.2.3, 192.168.0.1"},

		// CVVs in free text.
		{"cvv and space", "cvv 918", nil, "cvv [REDACTED]"},
		{"CVV and colon", "CVV: 918", nil, "CVV: [REDACTED]"},
		{"cvc=", "cvc=918", nil, "cvc=[REDACTED]"},
		{"JSON cvv", `"cvv":"918"`, nil, `"cvv":"[REDACTED]"`},
		{"security code", "security code 9182", nil, "security code [REDACTED]"},
		{"a year after another word survives", "order 9182 paid in 2025", nil, "order 9182 paid in 2025"},
		{"a date after cvv survives", "cvv checked 2025-11-21", nil, "cvv checked 2025-11-21"},

		// Key/value pairs inside strings.
		{"JSON cvv", `{"cvv":"123","amount":"10.50"}`, nil, `{"cvv":"[REDACTED]","amount":"10.50"}`},
		{"JSON cvc spaced", `{"cvc": "1234"}`, nil, `{"cvc": "[REDACTED]"}`},
		{"JSON card number", `{"cardNumber":"` + visa + `"}`, nil, `{"cardNumber":"[REDACTED]"}`},
		{"JSON apiKey number", `{"apiKey":12345,"n":1}`, nil, `{"apiKey":"[REDACTED]","n":1}`},
		{"JSON many", `{"signature":"c2ln","privateKey":"MIIE","password":"p@ss \"q\"","secret":"s","card":{"cvv2":"999"}}`, nil,
			`{"signature":"[REDACTED]","privateKey":"[REDACTED]","password":"[REDACTED]","secret":"[REDACTED]","card":{"cvv2":"[REDACTED]"}}`},
		{"escaped JSON", `body="{\"cvv\":\"123\",\"id\":\"o1\"}"`, nil, `body="{\"cvv\":\"[REDACTED]\",\"id\":\"o1\"}"`},
		{"signature=", "t=1700000000, signature=abc123+/=, v=1", nil, "t=1700000000, signature=[REDACTED], v=1"},
		{"query", "GET /pay?apiKey=k123&order=O1", nil, "GET /pay?apiKey=[REDACTED]&order=O1"},
		{"Authorization header", "Authorization: Bearer eyJhbGc.eyJzdWIi.sig\nHost: api", nil, "Authorization: [REDACTED]\nHost: api"},
		{"http.Header %v", "map[Authorization:[Bearer xyz] Content-Type:[application/json] X-Api-Key:[k-123]]", nil,
			"map[Authorization:[REDACTED] Content-Type:[application/json] X-Api-Key:[REDACTED]]"},
		{"struct %+v", "{CardNumber:" + visa + " CVV:123 Amount:10.50}", nil, "{CardNumber:[REDACTED] CVV:[REDACTED] Amount:10.50}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Redact(tt.in, tt.secrets...))
		})
	}
}

func TestRedactPEMSecretLines(t *testing.T) {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	require.NoError(t, err)
	key := pemOf("PRIVATE KEY", der)
	lines := nonLabelLines(key)
	body := strings.Join(lines, "")

	for _, in := range []string{
		"line " + lines[3] + " leaked",
		"body " + body + " leaked",
		"whole " + key,
	} {
		out := Redact(in, key)
		for _, l := range lines {
			if len(l) >= minSecretLen {
				assert.NotContains(t, out, l)
			}
		}
	}
}

func TestLuhn(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{visa, true}, {amex, true}, {"5555 5555 5555 4444", true}, {"4111111111111112", false}, {"0", true},
	} {
		assert.Equal(t, tt.want, luhn(tt.in), tt.in)
	}
}

func TestSecretKey(t *testing.T) {
	secret := []string{"apikey", "api_key", "X-Api-Key", "clientSecret", "password", "access_token", "Authorization",
		"privateKey", "signature", "X-Signature", "cvv", "CVC", "cvv2", "cardNumber", "card_number", "pan", "card.cvv", "PIN"}
	plain := []string{"", "amount", "currency", "orderId", "key", "company", "expand", "panel", "authorizationId", "status", "id"}
	for _, k := range secret {
		assert.True(t, secretKey(k), k)
	}
	for _, k := range plain {
		assert.False(t, secretKey(k), k)
	}
}

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
	return NewLogger(zap.New(core), secrets...), logs
}

func TestNewLoggerFields(t *testing.T) {
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
		{"secret key string", zap.String("api_key", "abc"), Redacted},
		{"secret key header name", zap.String("X-Signature", "abc"), Redacted},
		{"secret key int", zap.Int("cvv", 123), Redacted},
		{"secret key any", zap.Any("password", []string{"a"}), Redacted},
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
			"number": "************1111", "cvv": Redacted, "holder": "A. Person",
			"nested": map[string]any{"api_key": Redacted, "n": 7},
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

func TestNewLoggerMessageWithAndNamespace(t *testing.T) {
	log, logs := observed("sk_test_0123456789")
	child := log.With(zap.String("token", "t-1"), zap.String("merchant", "M1"), zap.String("hint", "key sk_test_0123456789"))
	child.Info("charging "+visa+" with sk_test_0123456789", zap.Namespace("card"), zap.String("cvv", "123"), zap.String("last4", "1111"))
	log.Sugar().Infow("sugared", "cvc", "999", "note", `{"password":"pw"}`)
	log.Sugar().Infof("formatted %s", visa)

	all := logs.All()
	require.Len(t, all, 3)
	assert.Equal(t, "charging ************1111 with [REDACTED]", all[0].Message)
	ctx := all[0].ContextMap()
	assert.Equal(t, Redacted, ctx["token"])
	assert.Equal(t, "M1", ctx["merchant"])
	assert.Equal(t, "key [REDACTED]", ctx["hint"])
	assert.Equal(t, map[string]any{"cvv": Redacted, "last4": "1111"}, ctx["card"])

	ctx = all[1].ContextMap()
	assert.Equal(t, Redacted, ctx["cvc"])
	assert.Equal(t, `{"password":"[REDACTED]"}`, ctx["note"])
	assert.Equal(t, "formatted ************1111", all[2].Message)
}

func TestNewLoggerLevelAndNil(t *testing.T) {
	core, logs := observer.New(zapcore.InfoLevel)
	log := NewLogger(zap.New(core))
	log.Debug("hidden " + visa)
	log.Info("shown")
	require.Equal(t, 1, logs.Len())
	assert.Equal(t, "shown", logs.All()[0].Message)

	nop := NewLogger(nil, "secret-value")
	require.NotNil(t, nop)
	nop.Info("nothing", zap.String("k", "v"))
}

// TestNewLoggerJSONOutput runs everything through a real JSON encoder: no secret may reach the bytes.
func TestNewLoggerJSONOutput(t *testing.T) {
	der, err := x509.MarshalPKCS8PrivateKey(testKey())
	require.NoError(t, err)
	keyPEM := pemOf("PRIVATE KEY", der)
	const apiKey = "live_api_key_0123456789"

	var buf bytes.Buffer
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	base := zap.New(zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel))
	log := NewLogger(base, apiKey, keyPEM).With(zap.String("merchant", "M1"))

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
		if len(l) >= minSecretLen {
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
	l := NewLogger(zap.New(core))
	l.Info("card", zap.String("card_cvv", "737"), zap.String("cvv_code", "7373"), zap.String("note", `{"card_cvv":"737"}`),
		zap.String("pan_expiry", "41111111111111111225"), zap.String("prefixed", "00004111111111111111"))
	m := logs.All()[0].ContextMap()
	assert.Equal(t, Redacted, m["card_cvv"])
	assert.Equal(t, Redacted, m["cvv_code"])
	assert.NotContains(t, m["note"], "737")
	assert.NotContains(t, m["pan_expiry"], "4111111111111111")
	assert.True(t, strings.HasSuffix(m["pan_expiry"].(string), "1225"), "the expiry after the card number is kept: %v", m["pan_expiry"])
	assert.NotContains(t, m["prefixed"], "4111111111111111")
}

func TestRedactingLoggerKeepsTeeLevels(t *testing.T) {
	debugCore, debugLogs := observer.New(zapcore.DebugLevel)
	errorCore, errorLogs := observer.New(zapcore.ErrorLevel)
	l := NewLogger(zap.New(zapcore.NewTee(debugCore, errorCore)))
	l.Debug("chatty")
	l.Error("bad", zap.String("api_key", "sk_live_abcdef"))
	assert.Equal(t, 2, debugLogs.Len())
	require.Equal(t, 1, errorLogs.Len(), "the error-only core gets only the error")
	assert.Equal(t, Redacted, errorLogs.All()[0].ContextMap()["api_key"])
}

func TestBounded(t *testing.T) {
	short := strings.Repeat("a", ExcerptLen)
	assert.Equal(t, short, Bounded(short))
	long := strings.Repeat("é", ExcerptLen) // two bytes each: the cut falls inside none
	got := Bounded(long)
	assert.True(t, strings.HasSuffix(got, "…"))
	assert.True(t, utf8.ValidString(got))
	assert.LessOrEqual(t, len(got)-len("…"), ExcerptLen)
}
