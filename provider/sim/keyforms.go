package sim

import (
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"

	"github.com/paygate-go/paygate/provider"
)

// A simulator file gives each key twice: as PEM, and as bare base64 DER (PKCS#8 private, X.509
// SubjectPublicKeyInfo public), the form Waffo's and Antom's dashboards and SDKs use; a client takes
// whichever its language reads.

// PrivateKeyForms gives an RSA private key (PEM or base64 DER) in both forms: bare base64 PKCS#8
// DER and PKCS#8 PEM.
func PrivateKeyForms(key string) (derBase64, pemText string, err error) {
	k, err := provider.ParsePrivateKey(key)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(der), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// PublicKeyForms gives an RSA public key (PEM or base64 DER) in both forms: bare base64 X.509
// SubjectPublicKeyInfo DER and PEM.
func PublicKeyForms(key string) (derBase64, pemText string, err error) {
	k, err := provider.ParsePublicKey(key)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return "", "", err
	}
	return base64.StdEncoding.EncodeToString(der), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
