package antom

import (
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/paygate-go/paygate/provider"
)

// SignatureAlgorithm is the only algorithm Antom uses: SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256).
const SignatureAlgorithm = "RSA256"

// SignContent returns the bytes Antom signs, for requests, responses and notifications alike:
//
//	<method> <path>\n<clientID>.<timestamp>.<body>
//
// path is the URL path without host or query (for a notification, the path of the notify URL);
// timestamp is the request-time or response-time header exactly as sent; body is the raw JSON.
func SignContent(method, path, clientID, timestamp string, body []byte) []byte {
	out := make([]byte, 0, len(method)+len(path)+len(clientID)+len(timestamp)+len(body)+4)
	out = append(out, method...)
	out = append(out, ' ')
	out = append(out, path...)
	out = append(out, '\n')
	out = append(out, clientID...)
	out = append(out, '.')
	out = append(out, timestamp...)
	out = append(out, '.')
	return append(out, body...)
}

// Sign signs SignContent(method, path, clientID, timestamp, body) with key and returns the value of
// Antom's signature header:
//
//	algorithm=RSA256,keyVersion=<keyVersion>,signature=<URL-encoded standard base64 of the signature>
func Sign(key *rsa.PrivateKey, keyVersion, method, path, clientID, timestamp string, body []byte) (string, error) {
	sig, err := provider.SignRSASHA256(key, SignContent(method, path, clientID, timestamp, body))
	if err != nil {
		return "", err
	}
	return SignatureHeader(keyVersion, sig), nil
}

// SignatureHeader formats a raw signature as the signature header's value.
func SignatureHeader(keyVersion string, sig []byte) string {
	return "algorithm=" + SignatureAlgorithm + ",keyVersion=" + keyVersion + ",signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// ParsedSignature is a signature header taken apart.
type ParsedSignature struct {
	Algorithm  string // "RSA256"
	KeyVersion string // "1" unless the key was rotated
	Signature  []byte // the raw RSA signature
}

// ParseSignatureHeader takes apart "algorithm=…,keyVersion=…,signature=…". The signature comes last and
// is URL-decoded, then base64-decoded.
func ParseSignatureHeader(h string) (ParsedSignature, error) {
	var p ParsedSignature
	head, sig, ok := strings.Cut(strings.TrimSpace(h), "signature=")
	if !ok || strings.TrimSpace(sig) == "" {
		return p, errors.New("the signature header has no signature= part")
	}
	for part := range strings.SplitSeq(head, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "algorithm":
			p.Algorithm = v
		case "keyVersion":
			p.KeyVersion = v
		}
	}
	unescaped, err := url.QueryUnescape(strings.TrimSpace(sig))
	if err != nil {
		return p, errors.New("the signature is not URL-encoded")
	}
	if p.Signature, err = base64.StdEncoding.DecodeString(unescaped); err != nil {
		return p, errors.New("the signature is not base64")
	}
	return p, nil
}

// Verify checks a signature header value against SignContent(method, path, clientID, timestamp,
// body) with Antom's public key. It returns nil only when the header is well formed, names RSA256 (or
// no algorithm) and the signature is valid.
func Verify(key *rsa.PublicKey, header, method, path, clientID, timestamp string, body []byte) error {
	p, err := ParseSignatureHeader(header)
	if err != nil {
		return err
	}
	if p.Algorithm != "" && p.Algorithm != SignatureAlgorithm {
		return fmt.Errorf("the signature algorithm is %q, not %s", p.Algorithm, SignatureAlgorithm)
	}
	return provider.VerifyRSASHA256(key, SignContent(method, path, clientID, timestamp, body), p.Signature)
}
