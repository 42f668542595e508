package waffotest

import (
	"fmt"

	"github.com/paygate-go/paygate/provider/sim"
)

// Spec registers the simulator with the `paygate` command (provider/registry lists it next to
// waffo.Spec). The names below are waffo's (waffo.Name, waffo.Env…): this package cannot import
// waffo, whose tests import it; the registry's test checks that they agree.
func Spec() sim.Spec {
	return sim.Spec{
		Name:         "waffo",
		FailoverCode: "C0001", // system unavailable: F UNAVAILABLE
		UnknownCode:  "E0001", // unknown error: U
		Chaos: sim.Chaos{
			Settlements:  []sim.Settlement{sim.Pay, sim.Fail, sim.Expire},
			Faults:       Faults(),
			UnknownCodes: []string{"E0001"},
			RejectCodes:  []string{"C0005", "C0001"},
		},
		Start: func(o sim.StartOptions) (sim.Instance, error) {
			return instance{NewServer(Config{WebhookSchedule: o.Schedule(WebhookSchedule())})}, nil
		},
	}
}

// instance is a Server as sim.Instance.
type instance struct{ *Server }

func (i instance) BaseURL() string { return i.URL }

func (i instance) Env() map[string]string {
	return map[string]string{
		"WAFFO_BASE_URL": i.URL, "WAFFO_API_KEY": i.APIKey, "WAFFO_MERCHANT_ID": i.MerchantID,
		"WAFFO_PRIVATE_KEY": i.Keys.MerchantPrivateKey, "WAFFO_PUBLIC_KEY": i.Keys.WaffoPublicKey,
	}
}

// File is the simulator's section of the file `paygate sim --out` writes. Keys are given twice: as
// PEM, and as bare base64 DER (PKCS#8 private, X.509 SubjectPublicKeyInfo public), the form Waffo's
// dashboard and SDKs use; a client takes whichever its language reads. The adapter accepts both.
type File struct {
	BaseURL                     string            `json:"base_url"`
	APIKey                      string            `json:"api_key"`
	MerchantID                  string            `json:"merchant_id"`
	MerchantPrivateKey          string            `json:"merchant_private_key"`            // PEM: signs requests (X-SIGNATURE)
	MerchantPrivateKeyDERBase64 string            `json:"merchant_private_key_der_base64"` // the same, base64 PKCS#8 DER
	MerchantPublicKey           string            `json:"merchant_public_key"`             // PEM: what Waffo holds for the merchant
	MerchantPublicKeyDERBase64  string            `json:"merchant_public_key_der_base64"`  // the same, base64 X.509 DER
	WaffoPublicKey              string            `json:"waffo_public_key"`                // PEM: verifies responses and webhooks
	WaffoPublicKeyDERBase64     string            `json:"waffo_public_key_der_base64"`     // the same, base64 X.509 DER
	Env                         map[string]string `json:"env"`
}

func (i instance) File() (any, error) {
	f := File{BaseURL: i.URL, APIKey: i.APIKey, MerchantID: i.MerchantID,
		MerchantPrivateKey: i.Keys.MerchantPrivateKey, MerchantPublicKey: i.Keys.MerchantPublicKey,
		WaffoPublicKey: i.Keys.WaffoPublicKey, Env: i.Env()}
	var err error
	if f.MerchantPrivateKeyDERBase64, _, err = sim.PrivateKeyForms(f.MerchantPrivateKey); err != nil {
		return nil, fmt.Errorf("waffo simulator's merchant key: %w", err)
	}
	if f.MerchantPublicKeyDERBase64, _, err = sim.PublicKeyForms(f.MerchantPublicKey); err != nil {
		return nil, fmt.Errorf("waffo simulator's merchant public key: %w", err)
	}
	if f.WaffoPublicKeyDERBase64, _, err = sim.PublicKeyForms(f.WaffoPublicKey); err != nil {
		return nil, fmt.Errorf("waffo simulator's public key: %w", err)
	}
	return f, nil
}
