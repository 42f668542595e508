package redact

import "github.com/paygate-go/paygate/internal/testkeys"

// The key helpers the redaction tests were written against (internal/testkeys).
var (
	testKey       = testkeys.RSA
	pemOf         = testkeys.PEM
	nonLabelLines = testkeys.BodyLines
)
