package provider

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// minRSABits is the smallest RSA modulus ParsePrivateKey and ParsePublicKey accept: shorter keys are
// no longer considered safe for signing payments.
const minRSABits = 2048

const (
	privateHint = "paste the key as PEM or as the base64 body of a PKCS#8/PKCS#1 key"
	publicHint  = "paste the key as PEM (PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE) or as the base64 body of a PKIX/PKCS#1 key"
)

// ParsePrivateKey parses the merchant's RSA signing key, as configured by people who paste keys from
// provider portals in every format: PEM ("PRIVATE KEY" PKCS#8 or "RSA PRIVATE KEY" PKCS#1) or the bare
// base64 DER body (whitespace ignored), PKCS#8 tried before PKCS#1. It refuses non-RSA keys and keys
// under 2048 bits. Errors say what to do and never contain the key material.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	const what = "private key"
	der, blockType, err := keyDER(what, s, privateHint)
	if err != nil {
		return nil, err
	}
	var key any
	switch blockType {
	case "PRIVATE KEY", "RSA PRIVATE KEY", "":
		// Labels are often wrong (a PKCS#1 body under "PRIVATE KEY"), so try both encodings.
		if key, err = x509.ParsePKCS8PrivateKey(der); err != nil {
			if key, err = x509.ParsePKCS1PrivateKey(der); err != nil {
				if blockType == "" && isPublicDER(der) {
					return nil, errors.New("private key: this is a public key; a private key was expected (configure the merchant's private key here, and the provider's public key for verification)")
				}
				if blockType != "" {
					return nil, fmt.Errorf("private key: the %s block is not a valid PKCS#8 or PKCS#1 key (%s)", blockType, privateHint)
				}
				return nil, fmt.Errorf("private key: base64 decodes but is not a PKCS#8 or PKCS#1 private key (%s)", privateHint)
			}
		}
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("private key: the key is encrypted; decrypt it first (openssl pkcs8 -topk8 -nocrypt -in key.pem) and paste the unencrypted key")
	case "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY":
		return nil, fmt.Errorf("private key: PEM block is %q; an RSA key of at least %d bits is required", blockType, minRSABits)
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("private key: PEM block is %q; a private key was expected (configure the merchant's private key here, and the provider's public key for verification)", blockType)
	default:
		return nil, fmt.Errorf("private key: PEM block is %q; expected \"PRIVATE KEY\" or \"RSA PRIVATE KEY\"", blockType)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key: it is %s; an RSA key of at least %d bits is required", keyKind(key), minRSABits)
	}
	if err := checkBits(what, rk.N.BitLen()); err != nil {
		return nil, err
	}
	return rk, nil
}

// ParsePublicKey parses a provider's RSA verification key: PEM ("PUBLIC KEY" PKIX, "RSA PUBLIC KEY"
// PKCS#1 or a "CERTIFICATE" carrying the key) or the bare base64 DER body (whitespace ignored), PKIX
// tried before PKCS#1 and then a certificate. It refuses non-RSA keys and keys under 2048 bits.
// Errors say what to do and never contain the key material.
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	const what = "public key"
	der, blockType, err := keyDER(what, s, publicHint)
	if err != nil {
		return nil, err
	}
	var key any
	switch blockType {
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE", "":
		// Labels are often wrong, so try every encoding a public key comes in.
		if key, err = x509.ParsePKIXPublicKey(der); err != nil {
			if key, err = x509.ParsePKCS1PublicKey(der); err != nil {
				cert, cerr := x509.ParseCertificate(der)
				if cerr != nil {
					if blockType == "" && isPrivateDER(der) {
						return nil, errors.New("public key: this is a private key; a public key was expected (configure the provider's public key here; never share a private key)")
					}
					if blockType != "" {
						return nil, fmt.Errorf("public key: the %s block is not a valid PKIX key, PKCS#1 key or certificate (%s)", blockType, publicHint)
					}
					return nil, fmt.Errorf("public key: base64 decodes but is not a PKIX or PKCS#1 public key (%s)", publicHint)
				}
				key = cert.PublicKey
			}
		}
	case "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("public key: PEM block is %q; a public key was expected (configure the provider's public key here; never share a private key)", blockType)
	default:
		return nil, fmt.Errorf("public key: PEM block is %q; expected \"PUBLIC KEY\", \"RSA PUBLIC KEY\" or \"CERTIFICATE\"", blockType)
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key: it is %s; an RSA key of at least %d bits is required", keyKind(key), minRSABits)
	}
	if err := checkBits(what, rk.N.BitLen()); err != nil {
		return nil, err
	}
	return rk, nil
}

// keyDER returns the DER bytes of s and its PEM block type ("" for bare base64 DER).
func keyDER(what, s, hint string) (der []byte, blockType string, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, "", fmt.Errorf("%s: empty (%s)", what, hint)
	}
	if strings.Contains(s, "-----BEGIN") {
		// Keys kept in environment variables often carry literal "\n" instead of newlines.
		if !strings.Contains(s, "\n") && strings.Contains(s, `\n`) {
			s = strings.ReplaceAll(s, `\n`, "\n")
		}
		block, _ := pem.Decode([]byte(s))
		if block == nil {
			return nil, "", fmt.Errorf("%s: the PEM text is malformed (check that the BEGIN and END lines are complete and on their own lines; %s)", what, hint)
		}
		if block.Headers["Proc-Type"] != "" {
			return nil, "", fmt.Errorf("%s: the PEM block is encrypted; decrypt it first (openssl rsa -in key.pem) and paste the unencrypted key", what)
		}
		return block.Bytes, block.Type, nil
	}
	compact := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			return -1
		}
		return r
	}, s)
	der, err = base64.StdEncoding.DecodeString(compact)
	if err != nil || len(der) == 0 {
		return nil, "", fmt.Errorf("%s: not PEM and not base64 DER (%s)", what, hint)
	}
	return der, "", nil
}

func checkBits(what string, bits int) error {
	if bits < minRSABits {
		return fmt.Errorf("%s: the RSA key is %d bits; at least %d bits are required (generate a new key pair of 2048 bits or more and register its public key with the provider)", what, bits, minRSABits)
	}
	return nil
}

func isPublicDER(der []byte) bool {
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PublicKey(der)
	return err == nil
}

func isPrivateDER(der []byte) bool {
	if _, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		return true
	}
	_, err := x509.ParsePKCS1PrivateKey(der)
	return err == nil
}

// keyKind names a parsed key's algorithm for error messages.
func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "an ECDSA key"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "an Ed25519 key"
	case *ecdh.PrivateKey, *ecdh.PublicKey:
		return "an ECDH key"
	case nil:
		return "not a key"
	}
	return fmt.Sprintf("a %T key", key)
}
