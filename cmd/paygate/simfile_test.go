package main

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// simFile is the file `paygate sim` writes, as the tests read it: the layout it has always had, each
// provider's section now the simulator package's File (the command writes them from the registry).
type simFile struct {
	About      string          `json:"about"`
	ControlURL string          `json:"control_url"`
	Waffo      waffotest.File  `json:"waffo"`
	Antom      antomtest.File  `json:"antom"`
	VAI247     vai247test.File `json:"vai247"`
	Control    controlDocs     `json:"control"`
}

// The file the registry-driven command writes is byte for byte the file of the fixed layout: same
// keys, in the same order, with the same values; and every credential is there.
func TestSimFileLayout(t *testing.T) {
	_, path := startSim(t)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var f simFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&f))
	again, err := json.MarshalIndent(f, "", "  ")
	require.NoError(t, err)
	assert.Equal(t, string(b), string(again)+"\n")
	for _, v := range []string{f.About, f.ControlURL, f.Waffo.BaseURL, f.Waffo.APIKey, f.Waffo.MerchantPublicKeyDERBase64,
		f.Antom.ClientID, f.Antom.AntomPublicKeyPEM, f.Antom.KeyVersion, f.Antom.PaymentMethodType,
		f.VAI247.AppID, f.VAI247.APISecret, f.VAI247.WebhookSecret, f.Control.Settle} {
		assert.NotEmpty(t, v)
	}
	assert.True(t, f.VAI247.RefundSigning)
	assert.Len(t, f.Waffo.Env, 5)
	assert.Len(t, f.Antom.Env, 6)
	assert.Len(t, f.VAI247.Env, 7)
	assert.Equal(t, f.Waffo.MerchantPrivateKey, f.Waffo.Env["WAFFO_PRIVATE_KEY"])
	assert.Equal(t, "true", f.VAI247.Env["VAI247_REFUND_SIGNING"])
}
