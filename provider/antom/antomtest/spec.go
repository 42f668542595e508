package antomtest

import (
	"fmt"

	"github.com/paygate-go/paygate/provider/sim"
)

// The settings the simulator file gives besides the server's credentials.
const (
	fileKeyVersion        = "1"         // the server's default
	filePaymentMethodType = "ALIPAY_CN" // sent when a request names no method
)

// Spec registers the simulator with the `paygate` command (provider/registry lists it next to
// antom.Spec). The names below are antom's (antom.Name, antom.Env…), written out like the rest of
// this package's wire names; the registry's test checks that they agree.
func Spec() sim.Spec {
	return sim.Spec{
		Name:         "antom",
		FailoverCode: "RISK_REJECT", // F RISK_REJECTED
		UnknownCode:  "UNKNOWN_EXCEPTION",
		Chaos: sim.Chaos{
			Settlements: []sim.Settlement{sim.Pay, sim.Fail, sim.Expire},
			Faults: []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
				sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature},
			UnknownCodes: []string{"UNKNOWN_EXCEPTION"},
			RejectCodes:  []string{"RISK_REJECT"},
		},
		Start: func(o sim.StartOptions) (sim.Instance, error) {
			return instance{NewServer(Config{WebhookSchedule: o.Schedule(WebhookSchedule())})}, nil
		},
	}
}

// ClearFaults drops every fault still queued.
func (s *Server) ClearFaults() { s.faults.Clear() }

// instance is a Server as sim.Instance.
type instance struct{ *Server }

func (i instance) BaseURL() string { return i.URL }

func (i instance) Env() map[string]string {
	return map[string]string{
		"ANTOM_BASE_URL": i.URL, "ANTOM_CLIENT_ID": i.ClientID, "ANTOM_PRIVATE_KEY": i.MerchantPrivateKey,
		"ANTOM_PUBLIC_KEY": i.AntomPublicKey, "ANTOM_KEY_VERSION": fileKeyVersion, "ANTOM_PAYMENT_METHOD_TYPE": filePaymentMethodType,
	}
}

// File is the simulator's section of the file `paygate sim --out` writes. Keys are given twice: as
// bare base64 DER (PKCS#8 private, X.509 SubjectPublicKeyInfo public), as Antom's portal shows them,
// and as PEM; a client takes whichever its language reads. The adapter accepts both.
type File struct {
	BaseURL               string            `json:"base_url"`
	ClientID              string            `json:"client_id"`
	MerchantPrivateKey    string            `json:"merchant_private_key"`     // base64 PKCS#8 DER, as Antom's portal shows it
	MerchantPrivateKeyPEM string            `json:"merchant_private_key_pem"` // the same, PEM
	AntomPublicKey        string            `json:"antom_public_key"`         // base64 X.509 DER
	AntomPublicKeyPEM     string            `json:"antom_public_key_pem"`     // the same, PEM
	KeyVersion            string            `json:"key_version"`
	PaymentMethodType     string            `json:"payment_method_type"` // sent when a request names no method
	Env                   map[string]string `json:"env"`
}

func (i instance) File() (any, error) {
	f := File{BaseURL: i.URL, ClientID: i.ClientID, MerchantPrivateKey: i.MerchantPrivateKey,
		AntomPublicKey: i.AntomPublicKey, KeyVersion: fileKeyVersion, PaymentMethodType: filePaymentMethodType, Env: i.Env()}
	var err error
	if _, f.MerchantPrivateKeyPEM, err = sim.PrivateKeyForms(f.MerchantPrivateKey); err != nil {
		return nil, fmt.Errorf("antom simulator's merchant key: %w", err)
	}
	if _, f.AntomPublicKeyPEM, err = sim.PublicKeyForms(f.AntomPublicKey); err != nil {
		return nil, fmt.Errorf("antom simulator's public key: %w", err)
	}
	return f, nil
}
