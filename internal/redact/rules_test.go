package redact

import (
	"crypto/x509"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The string-rule tests provider's log_test.go held while the rules were reached through
// provider.Redact; they call New(secrets...).String, which provider.Redact forwards to.

const amex = "378282246310005"

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
			assert.Equal(t, tt.want, New(tt.secrets...).String(tt.in))
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
		out := New(key).String(in)
		for _, l := range lines {
			if len(l) >= MinSecretLen {
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
		assert.Equal(t, tt.want, Luhn(tt.in), tt.in)
	}
}

func TestSecretKey(t *testing.T) {
	secret := []string{"apikey", "api_key", "X-Api-Key", "clientSecret", "password", "access_token", "Authorization",
		"privateKey", "signature", "X-Signature", "cvv", "CVC", "cvv2", "cardNumber", "card_number", "pan", "card.cvv", "PIN"}
	plain := []string{"", "amount", "currency", "orderId", "key", "company", "expand", "panel", "authorizationId", "status", "id"}
	for _, k := range secret {
		assert.True(t, SecretKey(k), k)
	}
	for _, k := range plain {
		assert.False(t, SecretKey(k), k)
	}
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
