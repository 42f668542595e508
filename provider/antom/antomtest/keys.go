package antomtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// keyPair is an RSA key pair in the formats Antom's portal hands out: the private key as base64
// PKCS#8 DER, the public key as base64 PKIX DER.
type keyPair struct {
	priv       *rsa.PrivateKey
	privateB64 string
	publicB64  string
}

var (
	builtinOnce              sync.Once
	builtinMerchant, builtin *keyPair
	builtinErr               error
)

// builtinKeys returns the process's shared test key pairs (the merchant's and Antom's), generated
// once: 2048-bit RSA generation takes long enough that a fresh pair per simulator would slow suites
// that start hundreds of them.
func builtinKeys() (merchant, antom *keyPair, err error) {
	builtinOnce.Do(func() {
		if builtinMerchant, builtinErr = generate(); builtinErr != nil {
			return
		}
		builtin, builtinErr = generate()
	})
	return builtinMerchant, builtin, builtinErr
}

func generate() (*keyPair, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("antomtest: generating an RSA key: %w", err)
	}
	return newKeyPair(k)
}

func newKeyPair(k *rsa.PrivateKey) (*keyPair, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("antomtest: encoding the private key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("antomtest: encoding the public key: %w", err)
	}
	return &keyPair{
		priv:       k,
		privateB64: base64.StdEncoding.EncodeToString(der),
		publicB64:  base64.StdEncoding.EncodeToString(pub),
	}, nil
}

// parsePrivate reads a private key as PEM or bare base64 DER (PKCS#8 or PKCS#1).
func parsePrivate(s string) (*rsa.PrivateKey, error) {
	der, err := keyBytes(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if rk, ok := k.(*rsa.PrivateKey); ok {
			return rk, nil
		}
		return nil, errors.New("antomtest: the private key is not RSA")
	}
	return x509.ParsePKCS1PrivateKey(der)
}

// parsePublic reads a public key as PEM or bare base64 DER (PKIX or PKCS#1).
func parsePublic(s string) (*rsa.PublicKey, error) {
	der, err := keyBytes(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKIXPublicKey(der); err == nil {
		if rk, ok := k.(*rsa.PublicKey); ok {
			return rk, nil
		}
		return nil, errors.New("antomtest: the public key is not RSA")
	}
	return x509.ParsePKCS1PublicKey(der)
}

func keyBytes(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "-----BEGIN") {
		b, _ := pem.Decode([]byte(s))
		if b == nil {
			return nil, errors.New("antomtest: malformed PEM key")
		}
		return b.Bytes, nil
	}
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		return nil, fmt.Errorf("antomtest: the key is neither PEM nor base64 DER: %w", err)
	}
	return der, nil
}
