package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/retry"
)

// providerConfig is one adapter's configuration; the field named by the provider is the one in use.
type providerConfig struct {
	waffo  waffo.Config
	antom  antom.Config
	vai247 vai247.Config
}

// adapter is what the command needs of an adapter beyond paygate.Gateway.
type adapter interface {
	paygate.Gateway
	retry.Declarer
}

// credentialFlags are the flags every provider command takes. Which ones a provider uses is in
// its env variables' names (waffo.Env…, antom.Env…, vai247.Env…).
type credentialFlags struct {
	provider                             string
	simFile                              string
	baseURL, apiKey, merchantID, privKey string
	publicKey, clientID, keyVersion      string
	paymentMethodType                    string
	appID, apiSecret, storeID, whSecret  string
	refundSigning                        string
}

func (c *credentialFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.provider, "provider", "", "the provider: waffo, antom or vai247 (required)")
	fs.StringVar(&c.simFile, "sim", "", "take base URL and credentials from the JSON file that 'paygate sim --out FILE' wrote, instead of the environment")
	fs.StringVar(&c.baseURL, "base-url", "", "the provider's API root (env WAFFO_BASE_URL, ANTOM_BASE_URL, VAI247_BASE_URL)")
	fs.StringVar(&c.apiKey, "api-key", "", "waffo, vai247: the API key (env WAFFO_API_KEY, VAI247_API_KEY)")
	fs.StringVar(&c.merchantID, "merchant-id", "", "waffo: the merchant id (env WAFFO_MERCHANT_ID)")
	fs.StringVar(&c.privKey, "private-key", "", "waffo, antom: the merchant's private key, PEM or base64, or @FILE (env WAFFO_PRIVATE_KEY, ANTOM_PRIVATE_KEY)")
	fs.StringVar(&c.publicKey, "provider-public-key", "", "waffo, antom: the provider's public key, PEM or base64, or @FILE (env WAFFO_PUBLIC_KEY, ANTOM_PUBLIC_KEY)")
	fs.StringVar(&c.clientID, "client-id", "", "antom: the client id (env ANTOM_CLIENT_ID)")
	fs.StringVar(&c.keyVersion, "key-version", "", "antom: the key version (env ANTOM_KEY_VERSION)")
	fs.StringVar(&c.paymentMethodType, "payment-method-type", "", "antom: the payment method when a create names none (env ANTOM_PAYMENT_METHOD_TYPE)")
	fs.StringVar(&c.appID, "app-id", "", "vai247: the app id (env VAI247_APP_ID)")
	fs.StringVar(&c.apiSecret, "api-secret", "", "vai247: the API secret, or @FILE (env VAI247_API_SECRET)")
	fs.StringVar(&c.storeID, "store-id", "", "vai247: the store id (env VAI247_STORE_ID)")
	fs.StringVar(&c.whSecret, "webhook-secret", "", "vai247: the webhook secret, or @FILE (env VAI247_WEBHOOK_SECRET)")
	fs.StringVar(&c.refundSigning, "refund-signing", "", "vai247: true to sign and deduplicate refunds (env VAI247_REFUND_SIGNING)")
}

// config resolves the provider's configuration: the simulator file when --sim is given, else the
// environment; then any flag given overrides.
func (c *credentialFlags) config(getenv func(string) string) (string, providerConfig, error) {
	var cfg providerConfig
	switch c.provider {
	case waffo.Name, antom.Name, vai247.Name:
	case "":
		return "", cfg, usageError{"--provider is required: waffo, antom or vai247"}
	default:
		return "", cfg, usageError{unknownProvider(c.provider).Error()}
	}
	if c.simFile != "" {
		f, err := readSimFile(c.simFile)
		if err != nil {
			return "", cfg, err
		}
		if cfg, err = f.config(c.provider); err != nil {
			return "", cfg, err
		}
	} else {
		cfg.waffo, _ = waffo.ConfigFromEnv(getenv) // never fails
		cfg.antom, _ = antom.ConfigFromEnv(getenv) // never fails
		v, err := vai247.ConfigFromEnv(getenv)
		if err != nil {
			return "", cfg, err
		}
		cfg.vai247 = v
	}
	set := func(dst *string, v string) error {
		if v == "" {
			return nil
		}
		if name, ok := strings.CutPrefix(v, "@"); ok {
			b, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("reading %s: %w", name, err)
			}
			v = strings.TrimSpace(string(b))
		}
		*dst = v
		return nil
	}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	switch c.provider {
	case waffo.Name:
		w := &cfg.waffo
		add(set(&w.BaseURL, c.baseURL))
		add(set(&w.APIKey, c.apiKey))
		add(set(&w.MerchantID, c.merchantID))
		add(set(&w.PrivateKey, c.privKey))
		add(set(&w.WaffoPublicKey, c.publicKey))
	case antom.Name:
		a := &cfg.antom
		add(set(&a.BaseURL, c.baseURL))
		add(set(&a.ClientID, c.clientID))
		add(set(&a.PrivateKey, c.privKey))
		add(set(&a.AntomPublicKey, c.publicKey))
		add(set(&a.KeyVersion, c.keyVersion))
		add(set(&a.PaymentMethodType, c.paymentMethodType))
	case vai247.Name:
		v := &cfg.vai247
		add(set(&v.BaseURL, c.baseURL))
		add(set(&v.AppID, c.appID))
		add(set(&v.APIKey, c.apiKey))
		add(set(&v.APISecret, c.apiSecret))
		add(set(&v.StoreID, c.storeID))
		add(set(&v.WebhookSecret, c.whSecret))
		if c.refundSigning != "" {
			switch c.refundSigning {
			case "true", "1":
				v.RefundSigning = true
			case "false", "0":
				v.RefundSigning = false
			default:
				add(usageError{fmt.Sprintf("--refund-signing %q: use true or false", c.refundSigning)})
			}
		}
	}
	if len(errs) > 0 {
		return "", cfg, usageError{errors.Join(errs...).Error()}
	}
	return c.provider, cfg, nil
}

// open builds the adapter the flags name. A missing or malformed credential is a usage error: the
// command line (or the environment) must change.
func (c *credentialFlags) open(getenv func(string) string, opts buildOptions) (string, adapter, error) {
	name, cfg, err := c.config(getenv)
	if err != nil {
		return "", nil, err
	}
	a, err := cfg.checkAndBuild(name, opts)
	return name, a, err
}

// checkAndBuild is build after checking that every required setting is there; errors are usage
// errors naming flags and environment variables.
func (cfg providerConfig) checkAndBuild(name string, opts buildOptions) (adapter, error) {
	if err := missingSettings(name, cfg); err != nil {
		return nil, err
	}
	a, err := cfg.build(name, opts)
	if err != nil {
		return nil, usageError{configNames(name, err.Error())}
	}
	return a, nil
}

// build makes the named adapter.
func (cfg providerConfig) build(name string, opts buildOptions) (adapter, error) {
	switch name {
	case waffo.Name:
		c := cfg.waffo
		c.HTTPClient, c.Logger, c.Retry = opts.client, opts.logger, opts.retry
		return waffo.New(c)
	case antom.Name:
		c := cfg.antom
		c.HTTPClient, c.Logger, c.Retry = opts.client, opts.logger, opts.retry
		return antom.New(c)
	case vai247.Name:
		c := cfg.vai247
		c.HTTPClient, c.Logger, c.Retry = opts.client, opts.logger, opts.retry
		return vai247.New(c)
	}
	return nil, unknownProvider(name)
}

func readSimFile(name string) (simFile, error) {
	var f simFile
	b, err := os.ReadFile(name)
	if err != nil {
		return f, fmt.Errorf("--sim: %w (start the simulators with: paygate sim --out %s)", err, name)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("--sim %s: not a file `paygate sim` wrote: %w", name, err)
	}
	return f, nil
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
