// Package testkeys holds the RSA key helpers the key-parsing and redaction tests share: one key per
// test binary (generating RSA keys is slow), PEM encoding, and the base64 body lines of a PEM text
// (what a log must never show). Tests only.
package testkeys

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"strings"
	"sync"
)

// RSA returns a 2048-bit key, generated once per test binary.
var RSA = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// PEM encodes der as a PEM block of type typ.
func PEM(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// BodyLines returns the base64 body lines of a PEM text (no labels, headers or blank lines).
func BodyLines(in string) []string {
	var out []string
	for _, line := range strings.Split(in, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "-----") || strings.Contains(line, ": ") {
			continue
		}
		out = append(out, line)
	}
	return out
}
