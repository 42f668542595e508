package redact

import (
	"crypto/rand"
	"crypto/rsa"
	encpem "encoding/pem"
	"strings"
	"sync"
)

// testKey, pemOf and nonLabelLines are the key helpers of provider/keys_test.go the redaction tests
// were written against there.

// testKey is generated once per test binary: RSA key generation is slow.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func pemOf(typ string, der []byte) string {
	return string(encpem.EncodeToMemory(&encpem.Block{Type: typ, Bytes: der}))
}

// nonLabelLines returns the base64 body lines of a PEM text.
func nonLabelLines(in string) []string {
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
