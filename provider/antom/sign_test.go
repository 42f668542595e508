package antom_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/antom"
)

// vectorKey is a fixed 2048-bit key (testdata/vector_key.pem, made with openssl genpkey).
func vectorKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile("testdata/vector_key.pem")
	require.NoError(t, err)
	block, _ := pem.Decode(b)
	require.NotNil(t, block)
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	require.NoError(t, err)
	return k.(*rsa.PrivateKey)
}

const (
	vectorClientID = "SANDBOX_5YEZ3B2Z7JQM01234"
	vectorTime     = "1685599933871"
	vectorPath     = "/ams/api/v1/payments/pay"
	vectorBody     = `{"paymentRequestId":"pay_20230601_0001","paymentAmount":{"currency":"USD","value":"1999"}}`
	// vectorContent is Antom's content to sign, written out by hand from the documentation.
	vectorContent = "POST /ams/api/v1/payments/pay\n" +
		"SANDBOX_5YEZ3B2Z7JQM01234.1685599933871." +
		`{"paymentRequestId":"pay_20230601_0001","paymentAmount":{"currency":"USD","value":"1999"}}`
	// vectorSignature is `printf '%s' "$vectorContent" | openssl dgst -sha256 -sign vector_key.pem |
	// base64 -w0`, URL-encoded: computed by OpenSSL, not by Go.
	vectorSignature = "mAoyqPbzWp9TUkomKwy8%2BcEjtdx49SzqIuZPIz0%2FIWMZA2rVtmkkZXPONuSp0P1O7rP%2BUUGBi8iflwnyxgcSr%2B8w5uFcrG505U%2FLM65KUpJ%2BZ4gAxShP%2BvW%2BuGAkGDy05yWtW0yBBwR2lxDgyL2bX0eAtfKIfZxgOAv7qSUte7nb58FBg0jcyTG3czAaDDYrJmD2s2F1dakV6gx8oAJoucuN7OW3DEoBEaOSvOUZD1gqgXv%2BE5hr%2FK4cNzIV3K6E%2FfYRIR9LBx3SRgZC%2F14fJ2ADrs424hwS%2FgT2FjkXRRipvAnzyECp0Fwc2Rl0eBLmKeKVDcZXzPZxOQDUQDysCA%3D%3D"
)

func TestSignContentIsAntomsFormat(t *testing.T) {
	got := antom.SignContent("POST", vectorPath, vectorClientID, vectorTime, []byte(vectorBody))
	assert.Equal(t, vectorContent, string(got))
}

func TestSignMatchesTheKnownVector(t *testing.T) {
	key := vectorKey(t)
	h, err := antom.Sign(key, "1", "POST", vectorPath, vectorClientID, vectorTime, []byte(vectorBody))
	require.NoError(t, err)
	assert.Equal(t, "algorithm=RSA256,keyVersion=1,signature="+vectorSignature, h, "the header matches OpenSSL's signature")

	// And the same value computed here with crypto/rsa directly, from the hand-written content.
	sum := sha256.Sum256([]byte(vectorContent))
	raw, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	assert.Equal(t, "algorithm=RSA256,keyVersion=1,signature="+url.QueryEscape(base64.StdEncoding.EncodeToString(raw)), h)

	h2, err := antom.Sign(key, "3", "POST", vectorPath, vectorClientID, vectorTime, []byte(vectorBody))
	require.NoError(t, err)
	assert.Contains(t, h2, "keyVersion=3,")
}

func TestVerify(t *testing.T) {
	key := vectorKey(t)
	pub := &key.PublicKey
	good := "algorithm=RSA256,keyVersion=1,signature=" + vectorSignature
	require.NoError(t, antom.Verify(pub, good, "POST", vectorPath, vectorClientID, vectorTime, []byte(vectorBody)))

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for name, c := range map[string]struct {
		header, path, client, time, body string
		pub                              *rsa.PublicKey
	}{
		"another body":      {good, vectorPath, vectorClientID, vectorTime, vectorBody + " ", pub},
		"another path":      {good, "/ams/sandbox/api/v1/payments/pay", vectorClientID, vectorTime, vectorBody, pub},
		"another client":    {good, vectorPath, "SANDBOX_OTHER", vectorTime, vectorBody, pub},
		"another time":      {good, vectorPath, vectorClientID, "1685599933872", vectorBody, pub},
		"another key":       {good, vectorPath, vectorClientID, vectorTime, vectorBody, &other.PublicKey},
		"another algorithm": {"algorithm=RSA512,keyVersion=1,signature=" + vectorSignature, vectorPath, vectorClientID, vectorTime, vectorBody, pub},
		"no signature":      {"algorithm=RSA256,keyVersion=1", vectorPath, vectorClientID, vectorTime, vectorBody, pub},
		"not base64":        {"algorithm=RSA256,keyVersion=1,signature=%%%", vectorPath, vectorClientID, vectorTime, vectorBody, pub},
		"empty":             {"", vectorPath, vectorClientID, vectorTime, vectorBody, pub},
	} {
		assert.Error(t, antom.Verify(c.pub, c.header, "POST", c.path, c.client, c.time, []byte(c.body)), name)
	}
}

func TestParseSignatureHeader(t *testing.T) {
	p, err := antom.ParseSignatureHeader("algorithm=RSA256, keyVersion=2, signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString([]byte{1, 2, 251})))
	require.NoError(t, err)
	assert.Equal(t, antom.ParsedSignature{Algorithm: "RSA256", KeyVersion: "2", Signature: []byte{1, 2, 251}}, p)
}
