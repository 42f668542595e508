package provider

import "github.com/paygate-go/paygate/internal/redact"

// The names log_test.go was written against, from before the string rules moved to internal/redact.
const minSecretLen = redact.MinSecretLen

func luhn(s string) bool      { return redact.Luhn(s) }
func secretKey(k string) bool { return redact.SecretKey(k) }
