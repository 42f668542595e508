package redact

import (
	"strings"
	"testing"
)

// markerBytes are the bytes redaction writes. A secret made of other bytes can only reappear in the
// output if redaction failed; one made of these could be spelled by the markers themselves.
const markerBytes = "[]REDACTPM *\"\\"

// FuzzRedact checks the properties of String on any input: it does not panic, it is idempotent, no
// Luhn-valid card number of whole digit groups survives, and a configured secret never appears in the
// output.
//
//	go test -run '^$' -fuzz '^FuzzRedact$' -fuzztime 10s ./internal/redact/
func FuzzRedact(f *testing.F) {
	for _, gen := range adversarial {
		f.Add(gen(256), "sk_live_abcdef")
	}
	for _, s := range []string{
		"card 4111 1111 1111 1111 cvv 918", "4111.1111.1111.1111", "4111_1111_1111_1111", "cvv 918",
		"security code 9182", `{"cardNumber":"4111111111111111","cvv":"123"}`, `body="{\"cvv\":\"123\"}"`,
		"Authorization: Bearer abc\nHost: x", "map[Authorization:[Bearer xyz] X-Api-Key:[k]]",
		"token:[abc password=xyz", "-----BEGIN X-----\nab\n-----END X-----", "41111111111111111225",
		"00004111111111111111", "4111 1111 1111 11 11 2", "pan: 4111 1111 1111 1111",
	} {
		f.Add(s, "sk_live_abcdef")
	}
	f.Fuzz(func(t *testing.T, s, secret string) {
		r := plain
		useSecret := len(secret) >= MinSecretLen && !strings.ContainsAny(secret, markerBytes)
		if useSecret {
			r = New(secret)
		}
		out := r.String(s)
		if again := r.String(out); again != out {
			t.Fatalf("not idempotent:\nin    %q\nonce  %q\ntwice %q", s, out, again)
		}
		if c, ok := luhnWindow(out); ok {
			t.Fatalf("card number %s survives in %q (from %q)", c, out, s)
		}
		if useSecret && strings.Contains(out, secret) {
			t.Fatalf("secret %q survives in %q (from %q)", secret, out, s)
		}
	})
}

// luhnWindow returns a Luhn-valid window of 13–19 digits of whole groups of s, groups of digits
// joined by single separators (space, '-', '.', '_'), if there is one. It is the fuzz oracle, written
// apart from the rule: it tries every window.
func luhnWindow(s string) (string, bool) {
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		var groups []string
		for {
			k := i
			for k < len(s) && '0' <= s[k] && s[k] <= '9' {
				k++
			}
			groups = append(groups, s[i:k])
			if k+1 < len(s) && strings.IndexByte(" -._", s[k]) >= 0 && '0' <= s[k+1] && s[k+1] <= '9' {
				i = k + 1
				continue
			}
			i = k
			break
		}
		for a := range groups {
			digits := ""
			for _, g := range groups[a:] {
				if digits += g; len(digits) > 19 {
					break
				}
				if len(digits) >= 13 && luhnRightToLeft(digits) {
					return digits, true
				}
			}
		}
	}
	return "", false
}

func luhnRightToLeft(digits string) bool {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
