package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

func runWebhookListen(ctx context.Context, args []string, stdout, stderr io.Writer, getenv env) (int, error) {
	fs := flag.NewFlagSet("paygate webhook listen", flag.ContinueOnError)
	var creds credentialFlags
	creds.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "where to listen, e.g. 127.0.0.1:8080 or :8080 (behind your TLS-terminating proxy)")
	path := fs.String("path", "/", "the URL path to accept notifications on")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	r, err := creds.config(getenv)
	if err != nil {
		return exitUsage, err
	}
	name := r.spec.Name
	if err := r.webhookSettings(); err != nil {
		return exitUsage, err
	}
	gw, err := r.checkAndOpen(provider.Common{})
	if err != nil {
		return exitUsage, err
	}
	defer gw.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return exitUsage, usageError{fmt.Sprintf("--addr %s: the port is in use; stop what holds it or pick another port, e.g. --addr 127.0.0.1:0 for a free one", *addr)}
		}
		return exitUsage, usageError{fmt.Sprintf("--addr %s: cannot listen (%v); give HOST:PORT, e.g. 127.0.0.1:8080, or :8080 on every interface behind your TLS-terminating proxy", *addr, err)}
	}
	var mu sync.Mutex // one event per line, whole
	enc := json.NewEncoder(stdout)
	print := func(_ context.Context, ev *paygate.Event) error {
		mu.Lock()
		defer mu.Unlock()
		return enc.Encode(ev)
	}
	inner := gw.WebhookHandler(print)
	mux := http.NewServeMux()
	mux.Handle(*path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		inner.ServeHTTP(rec, r)
		if rec.status >= 300 {
			mu.Lock()
			fmt.Fprintf(stderr, "paygate webhook: refused a %s notification from %s: HTTP %d (not JSON, unsigned, mis-signed, stale or unreadable)\n", name, r.RemoteAddr, rec.status)
			mu.Unlock()
		}
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	fmt.Fprintf(stderr, "paygate webhook: verifying %s notifications at http://%s%s (Ctrl-C stops)\n", name, ln.Addr(), *path)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		<-errc
		return exitOK, nil
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return exitOK, nil
		}
		return exitFailure, err
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// webhookSettings is a usage error when a setting notifications are verified with is empty
// (provider.Setting.Webhook): the handler would refuse every notification.
func (r resolved) webhookSettings() error {
	for _, s := range r.spec.Settings {
		if !s.Webhook || r.getenv(s.Env) != "" {
			continue
		}
		// Named from the flag, not the help text (which may carry a parenthesis): "webhook-secret"
		// gives "--webhook-secret SECRET" and "the webhook secret".
		what := strings.ReplaceAll(s.Flag, "-", " ")
		how := "--" + s.Flag + " " + strings.ToUpper(s.Flag[strings.LastIndex(s.Flag, "-")+1:])
		if s.File {
			how += " (or @FILE)"
		}
		return usageError{fmt.Sprintf("--provider %s needs %s to verify notifications: pass %s or set %s to the %s in %s's merchant dashboard",
			r.spec.Name, s.Help, how, s.Env, what, r.spec.Title)}
	}
	return nil
}
