package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider"
)

// A listen address the command cannot use is a usage error that says what to do, never a panic.
func TestSimRefusesBadListenAddresses(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"not loopback", []string{"sim", "--control-addr", "0.0.0.0:12111"}, "listen on loopback only"},
		{"port in use", []string{"sim", "--control-addr", busy.Addr().String()}, "the port is in use"},
		{"not host:port", []string{"sim", "--control-addr", "bogus"}, "is not HOST:PORT"},
		{"webhook url scheme", []string{"sim", "--vai247-webhook-url", "ftp://x"}, `scheme "ftp" is not http or https`},
		{"webhook url plain http abroad", []string{"sim", "--vai247-webhook-url", "http://shop.example/hook"}, "plain http is allowed only to a loopback host"},
		{"webhook url relative", []string{"sim", "--vai247-webhook-url", "/hook"}, "not an absolute URL"},
		{"webhook listener port in use", []string{"webhook", "listen", "--provider", "vai247", "--app-id", "a", "--api-key", "k", "--store-id", "s", "--webhook-secret", "s", "--addr", busy.Addr().String()}, "the port is in use"},
		{"webhook listener bogus address", []string{"webhook", "listen", "--provider", "vai247", "--app-id", "a", "--api-key", "k", "--store-id", "s", "--webhook-secret", "s", "--addr", "bogus"}, "--addr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := tt.args
			if tt.args[0] == "sim" {
				args = append(args, "--out", filepath.Join(t.TempDir(), "sim.json"))
			}
			// A command that wrongly starts would run until interrupted: the deadline ends it.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			var stdout, stderr bytes.Buffer
			code := run(ctx, args, &stdout, &stderr, noEnv)
			assert.Equal(t, exitUsage, code, "stderr: %s", stderr.String())
			assert.Contains(t, stderr.String(), tt.want)
		})
	}
}

// runSimAsync starts `paygate sim` with args and returns its stop function, which returns its exit
// code and stderr.
func runSimAsync(t *testing.T, args ...string) (stdout, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"sim"}, args...), stdout, stderr, noEnv) }()
	var code int
	stopped := false
	stop = func() int {
		if !stopped {
			cancel()
			select {
			case code = <-done:
			case <-time.After(10 * time.Second):
				t.Error("paygate sim did not stop")
			}
			stopped = true
		}
		return code
	}
	t.Cleanup(func() { stop() })
	return stdout, stderr, stop
}

// A second simulator refuses the file of one that runs, and leaves it alone; a stale file from a
// killed run is replaced, and said so.
func TestSimOutFileOwnership(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	first, path1 := startSimAt(t, path)
	before, err := os.ReadFile(path1)
	require.NoError(t, err)

	// A second simulator that wrongly starts would run until interrupted: the deadline ends it.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"sim", "--out", path}, &stdout, &stderr, noEnv)
	assert.Equal(t, exitUsage, code, stderr.String())
	assert.Contains(t, stderr.String(), "--out "+path+" belongs to a paygate sim that is running")
	assert.Contains(t, stderr.String(), first.ControlURL)
	after, err := os.ReadFile(path)
	require.NoError(t, err, "the running simulator's file was deleted")
	assert.Equal(t, before, after, "the running simulator's file was changed")

	// A file that is not a simulator's is never overwritten.
	other := filepath.Join(t.TempDir(), "notes.json")
	require.NoError(t, os.WriteFile(other, []byte(`{"mine":true}`), 0o600))
	stderr.Reset()
	code = run(ctx, []string{"sim", "--out", other}, &stdout, &stderr, noEnv)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr.String(), "is not a file paygate sim wrote")
	b, _ := os.ReadFile(other)
	assert.JSONEq(t, `{"mine":true}`, string(b))
}

func TestSimReplacesStaleFile(t *testing.T) {
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	deadURL := "http://" + dead.Addr().String()
	require.NoError(t, dead.Close()) // a killed run: nothing answers there any more
	path := filepath.Join(t.TempDir(), "sim.json")
	stale, _ := json.Marshal(simFile{ControlURL: deadURL})
	require.NoError(t, os.WriteFile(path, stale, 0o600))

	stdout, stderr, stop := runSimAsync(t, "--out", path)
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "control") }, 10*time.Second, 10*time.Millisecond, stderr.String())
	assert.Contains(t, stderr.String(), "replacing "+path+", left by a paygate sim that no longer runs")
	var f simFile
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &f))
	assert.NotEqual(t, deadURL, f.ControlURL)
	assert.Equal(t, exitOK, stop())
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist, "its own file is removed on exit")
}

// On exit a simulator removes only the file it wrote: one replaced meanwhile stays.
func TestSimKeepsReplacedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	stdout, stderr, stop := runSimAsync(t, "--out", path)
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "control") }, 10*time.Second, 10*time.Millisecond, stderr.String())
	require.NoError(t, os.WriteFile(path, []byte(`{"control_url":"http://127.0.0.1:1"}`), 0o600))
	assert.Equal(t, exitOK, stop())
	b, err := os.ReadFile(path)
	require.NoError(t, err, "a file this process did not write was deleted")
	assert.Contains(t, string(b), "127.0.0.1:1")
	assert.Contains(t, stderr.String(), "left "+path+" in place")
}

// POST /reset drops queued faults; inquire-refund names the operation as the CLI does, and
// inquire_refund keeps working.
func TestControlAPIReset(t *testing.T) {
	f, path := startSim(t)
	control(t, f.ControlURL+"/fault", `{"provider":"vai247","op":"create","kind":"reply-status","status":503,"times":100}`)
	control(t, f.ControlURL+"/fault", `{"provider":"waffo","op":"inquire-refund","kind":"reply-status","status":503}`)
	control(t, f.ControlURL+"/fault", `{"provider":"waffo","op":"inquire_refund","kind":"reply-status","status":503}`)
	code, _, _ := cli(t, "create", "--provider", "vai247", "--sim", path, "--id", "cli-reset-1", "--amount", "1.00", "--currency", "USD", "--no-retry")
	require.Equal(t, exitUnknown, code, "the fault strikes")

	control(t, f.ControlURL+"/reset", `{"provider":"vai247"}`)
	code, _, _ = cli(t, "create", "--provider", "vai247", "--sim", path, "--id", "cli-reset-2", "--amount", "1.00", "--currency", "USD", "--no-retry")
	assert.Equal(t, exitOK, code, "the fault was cleared")

	control(t, f.ControlURL+"/fault", `{"provider":"antom","op":"create","kind":"reply-status","status":503,"times":100}`)
	resp, err := http.Post(f.ControlURL+"/reset", "application/json", nil) // no body: every simulator
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	code, _, _ = cli(t, "create", "--provider", "antom", "--sim", path, "--id", "cli-reset-3", "--amount", "1.00", "--currency", "USD",
		"--return-url", "https://shop.example/r", "--no-retry")
	assert.Equal(t, exitOK, code)

	// The index and the file document reset and the CLI's operation name.
	resp, err = http.Get(f.ControlURL + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	var docs controlDocs
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&docs))
	assert.Contains(t, docs.Reset, "/reset")
	assert.Contains(t, docs.Fault, "inquire-refund")
	assert.Equal(t, docs, f.Control)
}

// The simulator file gives every key as PEM and as bare base64 DER; each form parses to the same key,
// through the adapters' parser and through crypto/x509 directly for the DER form.
func TestSimFileKeyForms(t *testing.T) {
	f, _ := startSim(t)
	privateKeys := []struct{ name, pem, der string }{
		{"waffo merchant", f.Waffo.MerchantPrivateKey, f.Waffo.MerchantPrivateKeyDERBase64},
		{"antom merchant", f.Antom.MerchantPrivateKeyPEM, f.Antom.MerchantPrivateKey},
	}
	for _, k := range privateKeys {
		t.Run(k.name, func(t *testing.T) {
			require.True(t, strings.HasPrefix(k.pem, "-----BEGIN "), "PEM form")
			require.NotContains(t, k.der, "-----", "DER form")
			fromPEM, err := provider.ParsePrivateKey(k.pem)
			require.NoError(t, err)
			fromDER, err := provider.ParsePrivateKey(k.der)
			require.NoError(t, err)
			assert.True(t, fromPEM.Equal(fromDER))
			der, err := base64.StdEncoding.DecodeString(k.der)
			require.NoError(t, err, "bare standard base64")
			key, err := x509.ParsePKCS8PrivateKey(der)
			require.NoError(t, err, "PKCS#8")
			assert.True(t, fromPEM.Equal(key))
		})
	}
	publicKeys := []struct{ name, pem, der string }{
		{"waffo merchant public", f.Waffo.MerchantPublicKey, f.Waffo.MerchantPublicKeyDERBase64},
		{"waffo", f.Waffo.WaffoPublicKey, f.Waffo.WaffoPublicKeyDERBase64},
		{"antom", f.Antom.AntomPublicKeyPEM, f.Antom.AntomPublicKey},
	}
	for _, k := range publicKeys {
		t.Run(k.name, func(t *testing.T) {
			require.True(t, strings.HasPrefix(k.pem, "-----BEGIN "), "PEM form")
			fromPEM, err := provider.ParsePublicKey(k.pem)
			require.NoError(t, err)
			fromDER, err := provider.ParsePublicKey(k.der)
			require.NoError(t, err)
			assert.True(t, fromPEM.Equal(fromDER))
			der, err := base64.StdEncoding.DecodeString(k.der)
			require.NoError(t, err, "bare standard base64")
			key, err := x509.ParsePKIXPublicKey(der)
			require.NoError(t, err, "X.509 SubjectPublicKeyInfo")
			assert.True(t, fromPEM.Equal(key))
		})
	}
	// The env block stays usable: the adapters accept what it holds.
	mk, err := provider.ParsePrivateKey(f.Waffo.Env["WAFFO_PRIVATE_KEY"])
	require.NoError(t, err)
	wantMK, _ := provider.ParsePrivateKey(f.Waffo.MerchantPrivateKey)
	assert.True(t, wantMK.Equal(mk))
}

// `paygate sim` lists each payment created at a simulator with its payment page, which serves the
// payment.
func TestSimListsPaymentPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.json")
	stdout, stderr, stop := runSimAsync(t, "--out", path)
	require.Eventually(t, func() bool { _, err := os.Stat(path); return err == nil }, 10*time.Second, 20*time.Millisecond, stderr.String())
	code, out, _ := cli(t, "create", "--provider", "stripe", "--sim", path, "--id", "listed-1", "--amount", "12.00", "--currency", "USD")
	require.Equal(t, exitOK, code, "%+v", out)
	var line string
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(stdout.String(), "\n") {
			if strings.Contains(l, "listed-1") {
				line = l
				return true
			}
		}
		return false
	}, 5*time.Second, 20*time.Millisecond, stdout.String())
	assert.Contains(t, line, "stripe")
	assert.Contains(t, line, "12.00 USD")
	page := line[strings.LastIndex(line, " ")+1:]
	resp, err := http.Get(page)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `<div id="amount">12.00 USD</div>`)
	assert.Equal(t, exitOK, stop())
}
