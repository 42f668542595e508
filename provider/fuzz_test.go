package provider

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"math"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzParseRetryAfter: a Retry-After is never read as a negative delay, the seconds form is exactly
// that many seconds (saturating at the largest Duration, never wrapping and never dropped to 0 because
// it is large), an HTTP-date is its distance from now (0 once past), and anything else is 0.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 21, 14, 0, 0, 0, time.UTC)
	for _, v := range []string{
		"", "0", "1", "120", " 30 ", "-5", "+5", "1.5", "9223372036", "9223372037", "9223372036854775807",
		"9223372036854775808", "99999999999999999999999", "0000000000000000000000007",
		"Sat, 21 Nov 2026 14:02:00 GMT", "Sat, 21 Nov 2026 13:00:00 GMT", "Saturday, 21-Nov-26 14:00:30 GMT",
		"Sat Nov 21 14:01:00 2026", "Fri, 31 Dec 9999 23:59:59 GMT", "soon", "1e3",
	} {
		f.Add(v, now.Unix())
	}
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		now := time.Unix(nowUnix%(1<<40), 0) // dates within ±35,000 years, as HTTP-dates can be
		got := parseRetryAfter(v, now)
		if got < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v: negative", v, got)
		}
		s := strings.TrimSpace(v)
		digits, sign := s, byte(0)
		if s != "" && (s[0] == '+' || s[0] == '-') {
			digits, sign = s[1:], s[0]
		}
		if digits != "" && strings.Trim(digits, "0123456789") == "" {
			n, _ := new(big.Int).SetString(digits, 10)
			want := time.Duration(math.MaxInt64)
			if limit := big.NewInt(int64(math.MaxInt64 / time.Second)); n.Cmp(limit) <= 0 {
				want = time.Duration(n.Int64()) * time.Second
			}
			if sign == '-' {
				want = 0
			}
			if got != want {
				t.Fatalf("parseRetryAfter(%q) = %v, want %v (delay-seconds)", v, got, want)
			}
			return
		}
		want := time.Duration(0)
		if when, err := http.ParseTime(s); err == nil {
			want = max(when.Sub(now), 0)
		}
		if got != want {
			t.Fatalf("parseRetryAfter(%q) at %v = %v, want %v (an HTTP-date's distance from now, else 0)", v, now, got, want)
		}
	})
}

// keySeeds are real keys in the forms ParsePrivateKey and ParsePublicKey take, and keys they refuse.
func keySeeds(f *testing.F) []string {
	k := testKey()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		f.Fatal(err)
	}
	pkix, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		f.Fatal(err)
	}
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		f.Fatal(err)
	}
	pkcs1 := x509.MarshalPKCS1PrivateKey(k)
	return []string{
		pemOf("PRIVATE KEY", pkcs8), pemOf("RSA PRIVATE KEY", pkcs1), pemOf("PRIVATE KEY", pkcs1), b64(pkcs8), b64(pkcs1),
		wrap64(b64(pkcs8), "\n"), strings.ReplaceAll(strings.TrimSpace(pemOf("PRIVATE KEY", pkcs8)), "\n", `\n`),
		pemOf("PUBLIC KEY", pkix), pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey)), b64(pkix),
		pemOf("PRIVATE KEY", ecDER), pemOf("PUBLIC KEY", ecPub), pemOf("ENCRYPTED PRIVATE KEY", pkcs8),
		"-----BEGIN PRIVATE KEY-----\nMIIE\n", "", "not a key", "MIIB",
	}
}

// FuzzParsePrivateKey: whatever ParsePrivateKey accepts is an RSA key of at least minRSABits that
// signs, its public half verifies the signature, and its PKCS#8 encoding parses back to the same key.
func FuzzParsePrivateKey(f *testing.F) {
	var signed sync.Map // PKCS#8 DER of the keys that signed already: signing is slow
	for _, s := range keySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePrivateKey(s)
		if err != nil {
			if k != nil {
				t.Fatal("a key returned with an error")
			}
			return
		}
		if k.N.BitLen() < minRSABits {
			t.Fatalf("accepted a %d-bit key", k.N.BitLen())
		}
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatalf("an accepted key does not encode: %v", err)
		}
		again, err := ParsePrivateKey(b64(der))
		if err != nil || !again.Equal(k) {
			t.Fatalf("re-encoded key parses to %v, %v", again != nil, err)
		}
		if _, done := signed.LoadOrStore(string(der), true); done {
			return // this key already signed (most accepted inputs are a seed key, spelled differently)
		}
		msg := []byte("payment 42")
		sig, err := SignRSASHA256(k, msg)
		if err != nil {
			t.Fatalf("an accepted key does not sign: %v", err)
		}
		if err := VerifyRSASHA256(&k.PublicKey, msg, sig); err != nil {
			t.Fatalf("an accepted key's signature does not verify: %v", err)
		}
	})
}

// FuzzParsePublicKey: whatever ParsePublicKey accepts is an RSA key of at least minRSABits that
// crypto/rsa takes for verification (a wrong signature is refused as wrong, not the key), and its PKIX
// and PKCS#1 encodings parse back to the same key.
func FuzzParsePublicKey(f *testing.F) {
	for _, s := range keySeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParsePublicKey(s)
		if err != nil {
			if k != nil {
				t.Fatal("a key returned with an error")
			}
			return
		}
		if k.N.BitLen() < minRSABits {
			t.Fatalf("accepted a %d-bit key", k.N.BitLen())
		}
		sum := sha256.Sum256([]byte("payment 42"))
		wrong := make([]byte, k.Size())
		wrong[len(wrong)-1] = 1
		if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], wrong); !errors.Is(err, rsa.ErrVerification) {
			t.Fatalf("an accepted key is refused by crypto/rsa: %v", err)
		}
		pkix, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatalf("an accepted key does not encode: %v", err)
		}
		for _, enc := range []string{b64(pkix), pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(k))} {
			again, err := ParsePublicKey(enc)
			if err != nil || !again.Equal(k) {
				t.Fatalf("re-encoded key parses to %v, %v", again != nil, err)
			}
		}
	})
}
