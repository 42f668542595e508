package redact

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const visa = "4111111111111111"

func TestCardSeparators(t *testing.T) {
	tests := []struct{ in, want string }{
		{"4111 1111 1111 1111", "************1111"},
		{"4111-1111-1111-1111", "************1111"},
		{"4111.1111.1111.1111", "************1111"},
		{"4111_1111_1111_1111", "************1111"},
		{"4111 1111-1111.1111", "************1111"},
		{"card 4111.1111.1111.1111.", "card ************1111."},
		{"err: card 4111_1111_1111_1111 declined", "err: card ************1111 declined"},
		{"3782.822463.10005", "***********0005"},
		// Not separators: two of them, or '/', which joins dates and paths.
		{"4111  1111  1111  1111", "4111  1111  1111  1111"},
		{"4111/1111/1111/1111", "4111/1111/1111/1111"},
		{"4111--1111--1111--1111", "4111--1111--1111--1111"},
		// Numbers that must stay.
		{"paid 1234.56 USD on 2025.11.21", "paid 1234.56 USD on 2025.11.21"},
		{"ip 192.168.100.200 port 8443", "ip 192.168.100.200 port 8443"},
		{"order ORDER_2026_1121_0001", "order ORDER_2026_1121_0001"},
		{"4111.1111.1111.1112", "4111.1111.1111.1112"}, // not Luhn-valid
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, String(tt.in), tt.in)
	}
}

// TestCVV is the table of what the CVV rule masks and what it must leave alone.
func TestCVV(t *testing.T) {
	masked := []struct{ in, want string }{
		{"cvv 918", "cvv " + Redacted},
		{"CVV: 918", "CVV: " + Redacted},
		{"cvc=918", "cvc=" + Redacted},
		{`"cvv":"918"`, `"cvv":"` + Redacted + `"`},
		{`{"card":{"cvv": "918"}}`, `{"card":{"cvv": "` + Redacted + `"}}`},
		{`body="{\"cvv\":\"918\"}"`, `body="{\"cvv\":\"` + Redacted + `\"}"`},
		{"security code 9182", "security code " + Redacted},
		{"Security code: 9182.", "Security code: " + Redacted + "."},
		{"Security-Code: 9182", "Security-Code: " + Redacted}, // a secret key: the key/value rule
		{"card security code 918 rejected", "card security code " + Redacted + " rejected"},
		{"CVV2 918", "CVV2 " + Redacted},
		{"cvn 918", "cvn " + Redacted},
		{"CSC 9182", "CSC " + Redacted},
		{"cvv code 918", "cvv code " + Redacted},
		{"CVV number: 918", "CVV number: " + Redacted},
		{"cvv no. 918", "cvv no. " + Redacted},
		{"the cvv is 918, expiry 12/27", "the cvv is " + Redacted + ", expiry 12/27"},
		{"cvv #918", "cvv #" + Redacted},
		{"cvv\t918\n", "cvv\t" + Redacted + "\n"},
		{"card_cvv 737", "card_cvv " + Redacted},
		{"cvv 918 and cvc 123", "cvv " + Redacted + " and cvc " + Redacted},
		{"card 4111 1111 1111 1111 cvv 918", "card ************1111 cvv " + Redacted},
	}
	for _, tt := range masked {
		assert.Equal(t, tt.want, String(tt.in), tt.in)
	}
	kept := []string{
		"in 2025",
		"paid 1000 USD in 2025",
		"order 9182 shipped",
		"error code 1234",
		"security check 2025",
		"security 2025",
		"cvv check on 2025-11-21",
		"cvv mismatch in 2025",
		"cvv ok, amount 918",
		"cvv 2025-11-21",
		"cvv 918.50",
		"cvv 12345",
		"cvv 12",
		"cvv 918/27",
		"cvv 9 18",
		"recvv 918",
		"cvvs 918",
		"cvv918",
		"CVV2 result M, code 123",
		"verification code 123456",
		"cvv                 918", // too far
		"cvc-1234-5678",
	}
	for _, in := range kept {
		assert.Equal(t, in, String(in), in)
	}
}

func TestPEM(t *testing.T) {
	tests := []struct{ in, want string }{
		{"k -----BEGIN X-----\nab\n-----END X----- z", "k " + RedactedPEM + " z"},
		{"-----BEGIN X-----ab-----END bad\n-----END X-----!", RedactedPEM + "!"},
		{"-----BEGIN X-----ab", RedactedPEM},
		{"-----BEGIN X\n-----", RedactedPEM},
		{"a -----BEGIN RSA PRIV", "a " + RedactedPEM},
		{"-----BEGIN-----BEGIN X-----a-----END X----------BEGIN Y-----", RedactedPEM + RedactedPEM},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, String(tt.in), tt.in)
	}
}

func TestPairs(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"token":"a \"b\" c","n":1}`, `{"token":"[REDACTED]","n":1}`},
		{`{"apiKey":true}`, `{"apiKey":"[REDACTED]"}`},
		{"token:[a b] x", "token:[REDACTED] x"},
		{"token:[a b", "token:[REDACTED]"},
		{"token:[a b\nnext", "token:[REDACTED]\nnext"},
		{`password="abc`, `password=[REDACTED]`},
		{`{"password":"abc`, `{"password":"[REDACTED]"`},
		{`"{\"token\":\"abc"}`, `"{\"token\":\"[REDACTED]\""}`},
		{"Authorization: Bearer x [REDACTED] y\nnext", "Authorization: [REDACTED]\nnext"},
		{"authorization=\"Bearer x\" k=v", "authorization=[REDACTED] k=v"},
		{"Proxy-Authorization: Basic abc", "Proxy-Authorization: [REDACTED]"},
		{"pan: 4111 1111 1111 1111 ok", "pan: [REDACTED] ok"},
		{"x.apiKey = 'abc'", "x.apiKey = [REDACTED]"},
		{"a=1 " + strings.Repeat("k", 70) + "token=x", "a=1 " + strings.Repeat("k", 70) + "token=x"},
		{"a=1 " + strings.Repeat("k", 10) + ".token=x", "a=1 " + strings.Repeat("k", 10) + ".token=[REDACTED]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, String(tt.in), tt.in)
	}
}

func TestSecrets(t *testing.T) {
	r := New("sk_live_abcdef", "short", "  padded-secret  ")
	assert.Equal(t, "a [REDACTED] b short [REDACTED]", r.String("a sk_live_abcdef b short padded-secret"))
	assert.Same(t, plain, New("abc"), "no secret long enough: the plain redactor")
}

// adversarial are inputs built to make a careless redactor slow, as functions of a size in bytes.
var adversarial = map[string]func(n int) string{
	"digits and spaces":   func(n int) string { return strings.Repeat("1 ", n/2) },
	"digits and dashes":   func(n int) string { return strings.Repeat("1-", n/2) },
	"digits and dots":     func(n int) string { return strings.Repeat("4.", n/2) },
	"mixed separators":    func(n int) string { return strings.Repeat("12 3-4.5_", n/9) },
	"one digit run":       func(n int) string { return strings.Repeat("4", n) },
	"19-digit groups":     func(n int) string { return strings.Repeat("4111111111111111111 ", n/20) },
	"16-digit cards":      func(n int) string { return strings.Repeat(visa+" ", n/17) },
	"23-digit groups":     func(n int) string { return strings.Repeat("41111111111111111111111 ", n/24) },
	"many key= pairs":     func(n int) string { return strings.Repeat("key=", n/4) },
	"many secret pairs":   func(n int) string { return strings.Repeat("token=", n/6) },
	"long keys":           func(n int) string { return strings.Repeat(strings.Repeat("k", 63)+"=", n/64) },
	"open brackets":       func(n int) string { return strings.Repeat("token:[", n/7) },
	"auth open brackets":  func(n int) string { return strings.Repeat("Authorization:[", n/15) },
	"auth redacted":       func(n int) string { return strings.Repeat("Authorization: [REDACTED] ", n/26) },
	"auth list and quote": func(n int) string { return strings.Repeat(`Authorization:["`, n/16) },
	"nested quotes":       func(n int) string { return strings.Repeat(`token="`, n/7) },
	"escaped quotes":      func(n int) string { return strings.Repeat(`{\"token\":\"`, n/13) },
	"json keys":           func(n int) string { return strings.Repeat(`"password":`, n/11) },
	"json nested":         func(n int) string { return strings.Repeat(`"a":"\"token\":`, n/15) },
	"spaces before colon": func(n int) string { return strings.Repeat(" ", n-7) + "token:x" },
	"PEM begins":          func(n int) string { return strings.Repeat("-----BEGIN ", n/11) },
	"PEM ends":            func(n int) string { return "-----BEGIN X-----" + strings.Repeat("-----END ", n/9) },
	"cvv words":           func(n int) string { return strings.Repeat("cvv ", n/4) },
	"cvv separators":      func(n int) string { return strings.Repeat("cvv :::::::::", n/13) },
	"authorization words": func(n int) string { return strings.Repeat("authorizatio", n/12) },
	"expiry after card":   func(n int) string { return strings.Repeat(visa+" 1225 ", n/22) },
	"card then digits":    func(n int) string { return strings.Repeat(visa+" 1 1 1 1 1 1 ", n/29) },
}

// maxStepsPerByte is the linear bound the rules are held to: the bytes they examine, per input byte.
const maxStepsPerByte = 64

// TestLinearWork holds every rule to a linear bound, counting the bytes examined instead of reading a
// clock: the run stops as soon as it goes over maxStepsPerByte·len(input), so a quadratic or cubic rule
// fails at once instead of running for minutes.
func TestLinearWork(t *testing.T) {
	r := New("sk_live_abcdef123456", "another-secret-value")
	for name, gen := range adversarial {
		for _, size := range []int{8 << 10, 1 << 20} {
			t.Run(fmt.Sprintf("%s/%d", name, size), func(t *testing.T) {
				in := gen(size)
				require.NotEmpty(t, in)
				w := work{budget: maxStepsPerByte * len(in)}
				func() {
					defer func() {
						if e := recover(); e != nil {
							over, ok := e.(errOverBudget)
							if !ok {
								panic(e)
							}
							t.Fatalf("examined more than %d bytes per input byte (%d bytes in, %d+ steps)", maxStepsPerByte, len(in), over.steps)
						}
					}()
					r.apply(in, &w)
				}()
				t.Logf("%.1f steps per byte", float64(w.steps)/float64(len(in)))
			})
		}
	}
}

// TestWorkCounts checks that the counter sees the work: a test of the bound is only as good as that.
func TestWorkCounts(t *testing.T) {
	var w work
	in := strings.Repeat("1 ", 4096)
	cards(in, &w)
	// Every start of "1 1 1 …" reads the next 19 digits of the window search.
	assert.GreaterOrEqual(t, w.steps, 19*4096)
}

func TestIdempotentAndNoCardsLeft(t *testing.T) {
	for name, gen := range adversarial {
		in := gen(4 << 10)
		out := String(in)
		assert.Equal(t, out, String(out), name)
		if c, ok := luhnWindow(out); ok {
			t.Errorf("%s: a card number survives: %q", name, c)
		}
	}
}

func TestNoWindowSurvives(t *testing.T) {
	// A long run of groups with card numbers all along it: nothing valid may survive.
	in := strings.Repeat("0 ", 100) + strings.Repeat("4111 1111 1111 1111 ", 50)
	out := String(in)
	_, found := luhnWindow(out)
	assert.False(t, found, out)
}
