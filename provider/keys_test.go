package provider

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/internal/testkeys"
)

// The key helpers shared with the redaction tests (internal/testkeys).
var (
	testKey = testkeys.RSA
	pemOf   = testkeys.PEM
)

func b64(der []byte) string { return base64.StdEncoding.EncodeToString(der) }

// wrap64 breaks s into 64-character lines, as PEM bodies are.
func wrap64(s, sep string) string {
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64] + sep)
		s = s[64:]
	}
	b.WriteString(s)
	return b.String()
}

func selfSigned(t *testing.T, pub, priv any) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "provider"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	require.NoError(t, err)
	return der
}

func TestParsePrivateKey(t *testing.T) {
	k := testKey()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	pkcs1 := x509.MarshalPKCS1PrivateKey(k)

	tests := []struct {
		name string
		in   string
	}{
		{"PEM PKCS#8", pemOf("PRIVATE KEY", pkcs8)},
		{"PEM PKCS#1", pemOf("RSA PRIVATE KEY", pkcs1)},
		{"PEM PKCS#1 mislabeled PRIVATE KEY", pemOf("PRIVATE KEY", pkcs1)},
		{"PEM with CRLF and surrounding space", "  \r\n" + strings.ReplaceAll(pemOf("PRIVATE KEY", pkcs8), "\n", "\r\n") + "\n "},
		{"PEM with literal \\n (environment variable)", strings.ReplaceAll(strings.TrimSpace(pemOf("PRIVATE KEY", pkcs8)), "\n", `\n`)},
		{"base64 PKCS#8", b64(pkcs8)},
		{"base64 PKCS#1", b64(pkcs1)},
		{"base64 PKCS#8 wrapped in lines", wrap64(b64(pkcs8), "\n")},
		{"base64 PKCS#1 with spaces and tabs", wrap64(b64(pkcs1), " \t\r\n ")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePrivateKey(tt.in)
			require.NoError(t, err)
			assert.True(t, got.Equal(k))
		})
	}
}

func TestParsePublicKey(t *testing.T) {
	k := testKey()
	pkix, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	require.NoError(t, err)
	pkcs1 := x509.MarshalPKCS1PublicKey(&k.PublicKey)
	cert := selfSigned(t, &k.PublicKey, k)

	tests := []struct {
		name string
		in   string
	}{
		{"PEM PKIX", pemOf("PUBLIC KEY", pkix)},
		{"PEM PKCS#1", pemOf("RSA PUBLIC KEY", pkcs1)},
		{"PEM certificate", pemOf("CERTIFICATE", cert)},
		{"PEM PKCS#1 mislabeled PUBLIC KEY", pemOf("PUBLIC KEY", pkcs1)},
		{"base64 PKIX", b64(pkix)},
		{"base64 PKCS#1", b64(pkcs1)},
		{"base64 certificate", b64(cert)},
		{"base64 PKIX wrapped", wrap64(b64(pkix), "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePublicKey(tt.in)
			require.NoError(t, err)
			assert.True(t, got.Equal(&k.PublicKey))
		})
	}
}

func TestParseKeyErrors(t *testing.T) {
	k := testKey()
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(k)
	pkix, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecSEC1, _ := x509.MarshalECPrivateKey(ec)
	ecPKIX, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(edPriv)
	edPKIX, _ := x509.MarshalPKIXPublicKey(edPub)
	ecCert := selfSigned(t, &ec.PublicKey, ec)

	short, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	shortPKCS8, _ := x509.MarshalPKCS8PrivateKey(short)
	shortPKIX, _ := x509.MarshalPKIXPublicKey(&short.PublicKey)

	random := make([]byte, 300)
	_, _ = rand.Read(random)

	type parse func(string) error
	priv := func(s string) error { _, err := ParsePrivateKey(s); return err }
	pub := func(s string) error { _, err := ParsePublicKey(s); return err }

	tests := []struct {
		name  string
		parse parse
		in    string
		want  string
	}{
		{"private: empty", priv, "  \n", "private key: empty"},
		{"private: garbage", priv, "this is not a key!", "private key: not PEM and not base64 DER (paste the key as PEM or as the base64 body of a PKCS#8/PKCS#1 key)"},
		{"private: random base64", priv, b64(random), "private key: base64 decodes but is not a PKCS#8 or PKCS#1 private key"},
		{"private: broken PEM", priv, "-----BEGIN PRIVATE KEY-----\n!!!notbase64!!!\n-----END PRIVATE KEY-----\n", "private key: the PEM text is malformed"},
		{"private: PEM with garbage body", priv, pemOf("PRIVATE KEY", random), `private key: the PRIVATE KEY block is not a valid PKCS#8 or PKCS#1 key`},
		{"private: public PEM", priv, pemOf("PUBLIC KEY", pkix), `private key: PEM block is "PUBLIC KEY"; a private key was expected`},
		{"private: certificate PEM", priv, pemOf("CERTIFICATE", ecCert), `private key: PEM block is "CERTIFICATE"; a private key was expected`},
		{"private: bare public DER", priv, b64(pkix), "private key: this is a public key; a private key was expected"},
		{"private: encrypted", priv, pemOf("ENCRYPTED PRIVATE KEY", random), "private key: the key is encrypted; decrypt it first"},
		{"private: legacy encrypted", priv, "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n" + wrap64(b64(random), "\n") + "\n-----END RSA PRIVATE KEY-----\n", "private key: the PEM block is encrypted"},
		{"private: EC PKCS#8", priv, pemOf("PRIVATE KEY", ecPKCS8), "private key: it is an ECDSA key; an RSA key of at least 2048 bits is required"},
		{"private: EC SEC1", priv, pemOf("EC PRIVATE KEY", ecSEC1), `private key: PEM block is "EC PRIVATE KEY"; an RSA key`},
		{"private: Ed25519 base64", priv, b64(edPKCS8), "private key: it is an Ed25519 key"},
		{"private: unknown PEM type", priv, pemOf("FOO", random), `private key: PEM block is "FOO"; expected "PRIVATE KEY" or "RSA PRIVATE KEY"`},
		{"private: 1024 bits", priv, pemOf("PRIVATE KEY", shortPKCS8), "private key: the RSA key is 1024 bits; at least 2048 bits are required"},
		{"public: empty", pub, "", "public key: empty"},
		{"public: garbage", pub, "-- not a key --", "public key: not PEM and not base64 DER"},
		{"public: random base64", pub, b64(random), "public key: base64 decodes but is not a PKIX or PKCS#1 public key"},
		{"public: private PEM", pub, pemOf("PRIVATE KEY", pkcs8), `public key: PEM block is "PRIVATE KEY"; a public key was expected`},
		{"public: bare private DER", pub, b64(pkcs8), "public key: this is a private key; a public key was expected"},
		{"public: EC PKIX", pub, pemOf("PUBLIC KEY", ecPKIX), "public key: it is an ECDSA key"},
		{"public: EC certificate", pub, pemOf("CERTIFICATE", ecCert), "public key: it is an ECDSA key"},
		{"public: Ed25519 base64", pub, b64(edPKIX), "public key: it is an Ed25519 key"},
		{"public: garbage certificate", pub, pemOf("CERTIFICATE", random), `public key: the CERTIFICATE block is not a valid PKIX key, PKCS#1 key or certificate`},
		{"public: 1024 bits", pub, b64(shortPKIX), "public key: the RSA key is 1024 bits; at least 2048 bits are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assertNoMaterial(t, err.Error(), tt.in)
		})
	}
}

// assertNoMaterial checks that msg holds no 12-character piece of the key text in (its labels aside).
func assertNoMaterial(t *testing.T, msg, in string) {
	t.Helper()
	var body strings.Builder
	for _, line := range strings.Split(in, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "-----") || strings.Contains(line, ": ") {
			continue // BEGIN/END and PEM header lines are labels, not material
		}
		body.WriteString(strings.Join(strings.Fields(line), ""))
	}
	s := body.String()
	for i := 0; i+12 <= len(s); i++ {
		require.NotContains(t, msg, s[i:i+12], "the error contains key material")
	}
}
