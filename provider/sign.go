package provider

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
)

// SignRSASHA256 signs msg with RSASSA-PKCS1-v1_5 over SHA-256 ("SHA256withRSA", "RSA256"), the
// scheme Waffo and Antom use.
func SignRSASHA256(key *rsa.PrivateKey, msg []byte) ([]byte, error) {
	if key == nil {
		return nil, errors.New("sign: no private key configured")
	}
	sum := sha256.Sum256(msg)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return nil, fmt.Errorf("sign: RSA-SHA256: %w", err)
	}
	return sig, nil
}

// VerifyRSASHA256 checks an RSASSA-PKCS1-v1_5 SHA-256 signature of msg. It returns nil only when sig
// is valid for key.
func VerifyRSASHA256(key *rsa.PublicKey, msg, sig []byte) error {
	if key == nil {
		return errors.New("verify: no public key configured")
	}
	if len(sig) == 0 {
		return errors.New("verify: the signature is missing")
	}
	sum := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("verify: RSA-SHA256 signature does not match: %w", err)
	}
	return nil
}

// SignHMACSHA256 returns HMAC-SHA256(secret, msg).
func SignHMACSHA256(secret, msg []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write(msg)
	return m.Sum(nil)
}

// VerifyHMACSHA256 reports whether sig is HMAC-SHA256(secret, msg), comparing in constant time. An
// empty secret never verifies.
func VerifyHMACSHA256(secret, msg, sig []byte) bool {
	if len(secret) == 0 || len(sig) == 0 {
		return false
	}
	return hmac.Equal(SignHMACSHA256(secret, msg), sig)
}
