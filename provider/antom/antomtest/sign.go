package antomtest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
)

// signedContent is what Antom signs, for requests, responses and notifications alike:
// "<METHOD> <PATH>\n<client-id>.<time>.<body>".
func signedContent(method, path, clientID, tm string, body []byte) []byte {
	var b strings.Builder
	b.Grow(len(method) + len(path) + len(clientID) + len(tm) + len(body) + 4)
	b.WriteString(method)
	b.WriteByte(' ')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(clientID)
	b.WriteByte('.')
	b.WriteString(tm)
	b.WriteByte('.')
	b.Write(body)
	return []byte(b.String())
}

// signatureHeader signs content with key and formats the signature header:
// "algorithm=RSA256,keyVersion=<v>,signature=<url-encoded base64>".
func signatureHeader(key *rsa.PrivateKey, keyVersion string, content []byte) string {
	sum := sha256.Sum256(content)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil { // unreachable with a valid 2048-bit key
		panic("antomtest: signing failed: " + err.Error())
	}
	return "algorithm=RSA256,keyVersion=" + keyVersion + ",signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig))
}

// parsedSignature is a signature header's parts.
type parsedSignature struct {
	algorithm, keyVersion string
	sig                   []byte
}

// parseSignatureHeader splits "algorithm=…,keyVersion=…,signature=…". The signature is the last part
// and its value may itself hold '=' characters (before URL-decoding, base64 padding).
func parseSignatureHeader(h string) (parsedSignature, error) {
	var p parsedSignature
	head, sig, ok := strings.Cut(h, "signature=")
	if !ok || sig == "" {
		return p, errors.New("no signature= part")
	}
	for part := range strings.SplitSeq(strings.TrimSuffix(strings.TrimSpace(head), ","), ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "algorithm":
			p.algorithm = v
		case "keyVersion":
			p.keyVersion = v
		}
	}
	unescaped, err := url.QueryUnescape(strings.TrimSpace(sig))
	if err != nil {
		return p, errors.New("signature is not URL-encoded")
	}
	if p.sig, err = base64.StdEncoding.DecodeString(unescaped); err != nil {
		return p, errors.New("signature is not base64")
	}
	return p, nil
}

// verifyContent checks sig over content with key.
func verifyContent(key *rsa.PublicKey, content, sig []byte) bool {
	sum := sha256.Sum256(content)
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) == nil
}
