package antom_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/status"
)

// A typo in the client id or Antom's public key leaves every answer unverifiable: U (an answer that
// does not verify is not a result), with a message that says which settings to check, by Config field
// and environment variable, besides resending.
func TestWrongSettingsAreNamed(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	otherKey := base64.StdEncoding.EncodeToString(der)
	for _, c := range []struct {
		name string
		scfg antomtest.Config
		edit func(*antom.Config)
		want []string
	}{
		// antomtest answers CLIENT_INVALID for a client id it does not know, signed for its own.
		{"wrong client id", antomtest.Config{}, func(c *antom.Config) { c.ClientID = "2188120000000009" },
			[]string{"another client id", "Config.ClientID (ANTOM_CLIENT_ID)", "resend"}},
		{"wrong Antom public key", antomtest.Config{}, func(c *antom.Config) { c.AntomPublicKey = otherKey },
			[]string{"does not verify", "Config.AntomPublicKey (ANTOM_PUBLIC_KEY)", "resend"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, gw := newEnv(t, c.scfg, c.edit)
			_, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "p-1"})
			require.Error(t, err)
			var pe *paygate.Error
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, status.Unknown, pe.Outcome)
			for _, w := range c.want {
				assert.Contains(t, pe.Message, w)
			}

		})
	}
}
